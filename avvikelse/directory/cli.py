"""Seeding the directory and the demo."""
import click
from flask.cli import with_appcontext

from avvikelse.directory import jamtland
from avvikelse.directory.models import OrgKind
from avvikelse.directory.services import organisation_by_code, upsert_organisation, upsert_unit
from avvikelse.extensions import db


def seed_jamtland() -> int:
    """Idempotent: running it again updates names and adds what is missing."""
    code, name, kind = jamtland.REGION
    upsert_organisation(code, name, kind)
    for code, name in jamtland.KOMMUNER:
        upsert_organisation(code, name, OrgKind.KOMMUN)
    units = jamtland.all_units()
    for org_code, unit_code, unit_name in units:
        upsert_unit(organisation_by_code(org_code), unit_code, unit_name)
    return len(units)


@click.command("seed-directory", help="Lägg in Jämtlands läns organisationer och enheter.")
@with_appcontext
def seed_directory():
    count = seed_jamtland()
    db.session.commit()
    click.echo(f"directory: 9 organisations, {count} units")


@click.command("seed-demo", help="Katalog, demokonton och påhittade ärenden, om databasen är tom.")
@click.option("--force", is_flag=True, help="Lägg in demokonton även om det finns användare.")
@with_appcontext
def seed_demo(force):
    from avvikelse.demo import seed

    for line in seed(force=force):
        click.echo(line)
