"""`flask seed-directory`: the Jämtland directory (the demo's command is avvikelse.demo)."""
import click
from flask.cli import with_appcontext

from avvikelse.directory.seed import seed_jamtland
from avvikelse.extensions import db


@click.command("seed-directory", help="Lägg in Jämtlands läns organisationer och enheter.")
@with_appcontext
def seed_directory():
    count = seed_jamtland()
    db.session.commit()
    click.echo(f"directory: 9 organisations, {count} units")
