"""`flask seed-directory`: the Jämtland directory and its agreement (the demo's command
is avvikelse.demo). Here rather than in directory, which sits below agreements."""
import click
from flask.cli import with_appcontext

from avvikelse.agreements.seed import seed_agreements
from avvikelse.directory.seed import seed_jamtland
from avvikelse.extensions import db


@click.command("seed-directory", help="Lägg in Jämtlands läns organisationer, enheter och avtal.")
@with_appcontext
def seed_directory():
    count = seed_jamtland()
    agreement = seed_agreements()
    db.session.commit()
    click.echo(f"directory: 9 organisations, {count} units")
    click.echo(f"agreement: {agreement.short_name}, {len(agreement.versions)} versions")
