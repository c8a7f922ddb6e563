"""`flask --app avvikelse learning clocks [--now ISO8601]`: one pass of the learning clock."""
import click
from flask.cli import with_appcontext


@click.group("learning", help="Händelseanalyser och åtgärder: påminnelser och eskaleringar.")
def learning_cli():
    pass


@learning_cli.command("clocks")
@click.option("--now", "now", metavar="ISO8601", help="Kör som om klockan vore denna tid.")
@with_appcontext
def clocks(now: str | None):
    """Reminders and escalations of investigations' deadlines and measures' due days; the
    events it emits are left for the workers (`flask outbox run` processes them here)."""
    from avvikelse.escalation.cli import _moment
    from avvikelse.learning.clocks import run_pass

    moment = _moment(now)
    click.echo(f"{moment.isoformat()}: {run_pass(moment)}")
