"""`flask --app avvikelse directory …`: Sweden's counties and organisations for operators."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from avvikelse.directory import sweden
from avvikelse.directory.services import samverkan_by_code
from avvikelse.extensions import db


@click.group("directory", help="Katalogen: län (samverkan), regioner och kommuner.")
def directory_cli():
    pass


@directory_cli.command("sweden", help="Lägg in Sveriges 21 län med regioner och 290 kommuner (idempotent).")
@with_appcontext
def load_sweden():
    loaded = sweden.load()
    db.session.commit()
    click.echo(f"counties added: {loaded.counties}; organisations added: {loaded.organisations}; "
               f"placed in their county: {loaded.placed}")


@directory_cli.command("update", help="Jämför en fil från SCB (lan.csv- eller kommuner.csv-kolumnerna) "
                                      "med katalogen; --apply genomför ändringarna.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "do_apply", is_flag=True, help="Genomför ändringarna (annars bara en rapport).")
@with_appcontext
def update(path: Path, do_apply: bool):
    try:
        plan = sweden.plan_update(path.read_text(encoding="utf-8-sig"))
    except (sweden.DataError, UnicodeDecodeError) as exc:
        raise click.ClickException(getattr(exc, "message", "Filen är inte UTF-8.")) from None
    for line in plan.lines:
        click.echo(line)
    if not plan.changed:
        click.echo("inga ändringar")
        return
    if not do_apply:
        click.echo("provkörning: inget ändrat (lägg till --apply)")
        return
    try:
        sweden.apply_update(plan)
    except sweden.DataError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo("ändrat")


def _set_active(code: str, active: bool) -> None:
    county = samverkan_by_code(code)
    if county is None:
        raise click.ClickException(f"okänt län {code} (kör först: flask directory sweden)")
    county.active = active
    db.session.commit()
    click.echo(f"{county.code} {county.name}: {'i drift' if active else 'inte i drift'}")


@directory_cli.command("activate", help="Låt ett läns samverkan köras i installationen.")
@click.argument("code")
@with_appcontext
def activate(code: str):
    _set_active(code, True)


@directory_cli.command("deactivate", help="Ta ett läns samverkan ur drift (inga nya ärenden till dess organisationer).")
@click.argument("code")
@with_appcontext
def deactivate(code: str):
    _set_active(code, False)
