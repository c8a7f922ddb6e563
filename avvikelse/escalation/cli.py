"""`flask --app avvikelse clocks run [--now ISO8601]`: one clock pass, synchronously."""
from datetime import datetime

import click
from flask.cli import with_appcontext

from avvikelse.core.clock import SWEDEN, now_utc


def _moment(value: str | None) -> datetime:
    if not value:
        return now_utc()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("ange tiden som ISO 8601, t.ex. 2026-06-19T08:00+02:00") from None
    # Without an offset an operator means Swedish time.
    return moment if moment.tzinfo else moment.replace(tzinfo=SWEDEN)


@click.group("clocks", help="Påminnelser, försenade ärenden och eskaleringar.")
def clocks_cli():
    pass


@clocks_cli.command("run")
@click.option("--now", "now", metavar="ISO8601", help="Kör som om klockan vore denna tid.")
@with_appcontext
def run(now: str | None):
    """Run one pass of the checks in this process; the events it emits are left for
    the workers (`flask outbox run` processes them here)."""
    from avvikelse.escalation.clocks import run_pass

    moment = _moment(now)
    click.echo(f"{moment.isoformat()}: {run_pass(moment)}")
