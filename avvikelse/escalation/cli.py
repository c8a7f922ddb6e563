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


@click.group("escalation", help="Vem en eskalering når.")
def escalation_cli():
    pass


@escalation_cli.command("fallback")
@click.argument("org_code")
@click.argument("role", type=click.Choice(["mas", "sas", "chefslakare"]))
@click.argument("username")
@with_appcontext
def fallback(org_code: str, role: str, username: str):
    """Name the person an escalation to ROLE in ORG_CODE reaches while nobody holds the
    role (a kommun without a SAS, say): never nobody."""
    from avvikelse.accounts.models import Role
    from avvikelse.accounts.services import user_by_username
    from avvikelse.core.errors import ValidationFailed
    from avvikelse.directory.services import organisation_by_code
    from avvikelse.escalation.services import set_fallback
    from avvikelse.extensions import db

    org, user = organisation_by_code(org_code), user_by_username(username)
    if org is None:
        raise click.BadParameter(f"organisationen {org_code} finns inte", param_hint="ORG_CODE")
    if user is None:
        raise click.BadParameter(f"användaren {username} finns inte", param_hint="USERNAME")
    try:
        set_fallback(org, Role(role), user)
    except ValidationFailed as exc:
        raise click.ClickException(" ".join(m for ms in exc.errors.values() for m in ms)) from None
    db.session.commit()
    click.echo(f"{org.name}: eskaleringar till {role} når {user.username} när ingen har rollen.")
