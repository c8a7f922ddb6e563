"""`flask directory-import FILE [--apply]`: a dry run unless told to apply."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from avvikelse.extensions import db
from avvikelse.integrations import directory_import


@click.command("directory-import", help="Importera enheter från CSV (provkörning om inte --apply).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Genomför importen; annars visas bara vad som skulle ändras.")
@with_appcontext
def directory_import_cli(path: Path, apply_: bool):
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException("Filen är inte UTF-8.") from None
    result = directory_import.plan(text)
    for line, message in result.errors:
        click.echo(f"rad {line}: {message}", err=True)
    if not result.ok:
        raise click.ClickException(f"{len(result.errors)} fel; inget importerades.")
    for change in result.changes:
        if change.action == "create":
            click.echo(f"rad {change.line}: ny enhet {change.code} ({change.values['name']})")
        elif change.action == "update":
            diff = ", ".join(f"{k}: {old!r} → {new!r}" for k, (old, new) in change.changes.items())
            click.echo(f"rad {change.line}: ändras {change.code}: {diff}")
    summary = (f"{result.count('create')} nya, {result.count('update')} ändrade, "
               f"{result.count('unchanged')} oförändrade")
    if not apply_:
        click.echo(f"Provkörning: {summary}. Inget är ändrat; kör med --apply för att importera.")
        return
    directory_import.apply(result)
    db.session.commit()
    click.echo(f"Importerat: {summary}.")


@click.command("cases-import", help="Importera historiska ärenden från CSV (provkörning om inte --apply).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", required=True, help="Användare i den avsändande organisationen.")
@click.option("--apply", "apply_", is_flag=True, help="Genomför importen; annars kontrolleras bara filen.")
@with_appcontext
def cases_import_cli(path: Path, username: str, apply_: bool):
    from avvikelse.accounts.services import user_by_username
    from avvikelse.core.clock import now_utc
    from avvikelse.integrations import case_import

    importer = user_by_username(username)
    if importer is None:
        raise click.ClickException(f"Användaren {username} finns inte.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException("Filen är inte UTF-8.") from None
    result = case_import.plan(text, importer, now_utc())
    for line, message in result.errors:
        click.echo(f"rad {line}: {message}", err=True)
    if not result.ok:
        raise click.ClickException(f"{len(result.errors)} fel; inget importerades.")
    if not apply_:
        click.echo(f"Provkörning: {len(result.rows)} ärenden är giltiga. Kör med --apply för att importera.")
        return
    cases = case_import.apply(result, importer)
    db.session.commit()
    click.echo(f"Importerat: {len(cases)} avslutade ärenden.")
