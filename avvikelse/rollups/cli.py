"""`flask --app avvikelse rollups recount`: compare the rollups with the cases, repair."""
import json

import click
from flask.cli import AppGroup

from avvikelse.extensions import db
from avvikelse.rollups import services

rollups_cli = AppGroup("rollups", help="Förberäknade antal (rollups) för sammanställningarna.")


@rollups_cli.command("recount")
@click.option("--check", is_flag=True, help="Jämför bara; rätta inget.")
def recount(check: bool) -> None:
    """Räkna om från ärendena, jämför med rollups och rätta skillnader."""
    found = services.recount(repair=not check)
    if check:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(json.dumps(found.as_dict()))
    if found.repaired and check:
        raise SystemExit(1)
