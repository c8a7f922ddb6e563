"""`flask --app avvikelse users add …` for operators."""
import sys

import click
from flask.cli import with_appcontext

from avvikelse.accounts import grants, history
from avvikelse.accounts.models import Role
from avvikelse.accounts.services import create_user, user_by_username
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db


@click.group("users", help="Användarkonton.")
def users():
    pass


@users.command("add")
@click.argument("username")
@click.option("--org", "org_code", required=True, help="Organisationens kod, t.ex. 2380.")
@click.option("--unit", "unit_codes", multiple=True, help="Enhetens kod; kan upprepas.")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]),
              help="Roll; kan upprepas. Alla kan rapportera.")
@click.option("--email")
@click.option("--name", "full_name", default="")
@click.option("--deputy-for", "deputy_for", multiple=True,
              help="Stående ersättare för detta användarnamn (samma organisation); kan upprepas.")
@click.option("--password-stdin", is_flag=True, help="Läs lösenordet från standard input.")
@click.option("--hsa-id", help="HSA-id, för inloggning med e-tjänstekort (OIDC).")
@with_appcontext
def add(username, org_code, unit_codes, roles, email, full_name, deputy_for, password_stdin,
        hsa_id=None):
    org = organisation_by_code(org_code)
    if org is None:
        raise click.BadParameter(f"okänd organisation {org_code}", param_hint="--org")
    units = []
    for code in unit_codes:
        unit = unit_by_code(code)
        if unit is None:
            raise click.BadParameter(f"okänd enhet {code}", param_hint="--unit")
        units.append(unit)
    principals = []
    for name in deputy_for:
        principal = user_by_username(name)
        if principal is None or principal.organisation_id != org.id:
            raise click.BadParameter(f"okänt användarnamn i {org.code}: {name}",
                                     param_hint="--deputy-for")
        principals.append(principal)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user = create_user(username, org, {Role(r) for r in roles}, password, units=units,
                           email=email, full_name=full_name)
    except ValidationFailed as exc:
        raise click.ClickException(exc.message) from None
    user.hsa_id = hsa_id or None
    for principal in principals:
        principal.standing_deputy = user
    history.record(None, "created", org.id, "Skapat på servern (flask users add).", user=user)
    # Direct (an operator on the server), but recorded like every grant: via the CLI.
    grants.record_cli(user, {Role(r) for r in roles}, now_utc())
    db.session.commit()
    click.echo(f"created {user.username} ({', '.join(sorted(user.roles))}) in {org.code}")


@users.command("deactivate")
@click.argument("username")
@with_appcontext
def deactivate(username):
    """The account can no longer log in; its sessions and API tokens end now."""
    from avvikelse.accounts.services import deactivate_user, user_by_username
    from avvikelse.core.clock import now_utc

    user = user_by_username(username)
    if user is None:
        raise click.ClickException(f"okänt användarnamn {username}")
    deactivate_user(user, now_utc())
    history.record(None, "deactivated", user.organisation_id,
                   "På servern (flask users deactivate).", user=user)
    db.session.commit()
    click.echo(f"deactivated {user.username}; sessions and tokens ended")
