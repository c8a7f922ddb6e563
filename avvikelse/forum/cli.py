"""`flask --app avvikelse forum build --quarter 2026Q3`: build a summary synchronously."""
import json

import click
from flask.cli import AppGroup

from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.extensions import db
from avvikelse.forum import services
from avvikelse.forum.filters import Filters

forum_cli = AppGroup("forum", help="Forumets sammanställningar.")


@forum_cli.command("build")
@click.option("--quarter", "period", help="Kvartal, t.ex. 2026Q3.")
@click.option("--year", "year", help="År, t.ex. 2026.")
@click.option("--json", "as_json", is_flag=True, help="Skriv siffrorna (dolda som x) som JSON.")
@click.option("--county", help="Länets kod (samverkan), t.ex. 23; behövs när flera län körs.")
def build(period: str | None, year: str | None, as_json: bool, county: str | None = None) -> None:
    if bool(period) == bool(year):
        raise click.UsageError("Ange antingen --quarter eller --year.")
    try:
        parsed = services.parse_period(period or year)
    except ValidationFailed as exc:
        raise click.BadParameter(exc.message) from None
    if (period and parsed.is_year) or (year and not parsed.is_year):
        raise click.BadParameter("Ange kvartal som 2026Q3 och år som 2026.")
    now = now_utc()
    running = services.running_counties()
    if county is None and len(running) != 1:
        raise click.UsageError("Flera län körs här: ange --county, t.ex. --county 23.")
    county = county or running[0]
    if county not in running:
        raise click.BadParameter(f"länet {county} körs inte här", param_hint="--county")
    row = services.start_build(None, parsed, Filters(), now, county)
    db.session.commit()
    row = services.run_build(row.id, now)
    if as_json:
        click.echo(json.dumps(services.api_summary(row.figures), ensure_ascii=False, indent=2))
    else:
        shown = services.shown(row.figures)
        click.echo(f"Sammanställning {parsed.label} (nr {row.id}): {shown['total']} ärenden, "
                   f"{shown['serious']} allvarliga, {shown['open']} öppna, {shown['overdue']} försenade.")
