"""Two-person rule: a role that opens case content, granted on a page, takes effect only
when a MAS or chefsläkare of the grantee's organisation (not the requester, not the
grantee) approves it; the access log names who approved an integration's role."""
import re

import pytest
from sqlalchemy import select

from avvikelse.accounts import grants
from avvikelse.accounts.models import GrantSource, GrantState, Role, RoleGrant, User
from avvikelse.audit.models import AccessLog
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db


def _secret(html: str) -> str:
    return re.search(r'<code class="secret">([^<]+)</code>', html).group(1)


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def requested(client, login, make_user, people):
    """A region admin made an integration account with the handler role, and its token."""
    admin = make_user("23", ["admin"], units=[], username="admin.region")
    db.session.commit()
    login(admin)
    made = client.post("/admin/integrationer", data={
        "username": "journal-region", "full_name": "Journalsystemet", "roles": ["handler"]},
        follow_redirects=True)
    assert made.status_code == 200
    assert "först när MAS eller chefsläkare" in made.get_data(as_text=True)
    account = db.session.scalar(select(User).where(User.username == "journal-region"))
    page = client.post(f"/admin/integrationer/{account.id}", data={"name": "produktion"})
    secret = _secret(page.get_data(as_text=True))
    client.post("/logga-ut")
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == account.id))
    return admin, account, secret, grant


def _reads(client, secret, reference) -> int:
    return client.get(f"/api/v1/cases/{reference}", headers=_bearer(secret)).status_code


def test_a_requested_handler_role_gives_no_access_until_approved(client, login, people, new_case,
                                                                  requested):
    _admin, account, secret, grant = requested
    case = new_case()  # Krokom reporter → the region
    assert account.roles == {Role.REPORTER}
    assert (grant.role, grant.state, grant.source) == (Role.HANDLER, GrantState.PENDING, GrantSource.WEB)
    assert _reads(client, secret, case.reference) == 404

    login(people["chefslakare"])  # the region's chefsläkare
    page = client.get("/behorigheter").get_data(as_text=True)
    assert "journal-region" in page and "Handläggare" in page
    assert client.post(f"/behorigheter/{grant.id}/godkann").status_code == 302
    db.session.expire_all()
    assert Role.HANDLER in db.session.get(User, account.id).roles
    assert grant.state == GrantState.APPROVED and grant.decided_by_id == people["chefslakare"].id

    assert _reads(client, secret, case.reference) == 200


def test_the_requester_cannot_approve_their_own_request(client, login, make_user, people):
    # An administrator who is also chefsläkare asks for the role and may not approve it.
    both = make_user("23", ["admin", "chefslakare"], units=[], username="admin.chefslakare")
    db.session.commit()
    login(both)
    client.post("/admin/integrationer", data={"username": "system-x", "roles": ["handler"]},
                follow_redirects=True)
    grant = db.session.scalar(select(RoleGrant))
    assert "system-x" not in client.get("/behorigheter").get_data(as_text=True)
    refused = client.post(f"/behorigheter/{grant.id}/godkann")
    assert refused.status_code == 403
    assert "kan inte själv godkänna" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert grant.state == GrantState.PENDING
    assert Role.HANDLER not in grant.user.roles


def test_a_plain_admin_cannot_approve(client, login, requested):
    admin, _account, _secret, grant = requested
    login(admin)
    assert client.get("/behorigheter").status_code == 403
    assert client.post(f"/behorigheter/{grant.id}/godkann").status_code == 403
    db.session.expire_all()
    assert grant.state == GrantState.PENDING


@pytest.mark.parametrize("who", ["mas", "stranger"])
def test_a_mas_of_another_organisation_cannot_approve(client, login, people, new_case, requested, who):
    """Krokom's MAS (the case's other party) and Östersund's see nothing and decide nothing."""
    _admin, account, secret, grant = requested
    case = new_case()
    login(people[who])
    assert "journal-region" not in client.get("/behorigheter").get_data(as_text=True)
    assert client.post(f"/behorigheter/{grant.id}/godkann").status_code == 404
    db.session.expire_all()
    assert grant.state == GrantState.PENDING
    assert _reads(client, secret, case.reference) == 404


def test_a_rejected_grant_gives_nothing(client, login, people, new_case, requested):
    _admin, account, secret, grant = requested
    case = new_case()
    login(people["chefslakare"])
    assert client.post(f"/behorigheter/{grant.id}/avsla").status_code == 302
    db.session.expire_all()
    assert grant.state == GrantState.REJECTED and Role.HANDLER not in account.roles
    assert _reads(client, secret, case.reference) == 404
    # Decided once: approving afterwards is refused.
    assert client.post(f"/behorigheter/{grant.id}/godkann").status_code == 403


def test_the_access_log_names_who_approved_an_integration(client, login, people, new_case, requested):
    _admin, account, secret, grant = requested
    case = new_case()
    login(people["chefslakare"])
    client.post(f"/behorigheter/{grant.id}/godkann")
    assert _reads(client, secret, case.reference) == 200
    assert client.get(f"/arenden/{case.reference}").status_code == 200  # a person's read
    rows = db.session.scalars(select(AccessLog).where(AccessLog.action == "read")).all()
    by_user = {row.user_id: row for row in rows}
    assert by_user[account.id].approved_by_id == people["chefslakare"].id
    assert by_user[account.id].channel == "api"
    assert by_user[people["chefslakare"].id].approved_by_id is None


def test_the_grantee_cannot_approve_their_own_role(people, make_user):
    """For the later pages for people: a chefsläkare asked to also become handler cannot
    approve the grant that names them, and does not see it among the grants to decide."""
    admin = make_user("23", ["admin"], units=[])
    grantee = people["chefslakare"]
    grant = grants.request(grantee, Role.HANDLER, admin, now_utc())
    with pytest.raises(grants.GrantRefused):
        grants.approve(grant, grantee, now_utc())
    assert grants.pending_for(grantee) == []
    assert Role.HANDLER not in grantee.roles


def test_the_cli_grants_directly_and_records_it(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "add", "ny.handlaggare", "--org", "2309", "--role", "handler"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "ny.handlaggare"))
    assert Role.HANDLER in user.roles
    row = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == user.id))
    assert (row.role, row.state, row.source) == (Role.HANDLER, GrantState.APPROVED, GrantSource.CLI)
    assert row.requested_by_id is None and row.decided_by_id is None and row.decided_at


def test_the_page_is_in_the_nav_of_mas_and_chefslakare_only(client, login, people):
    login(people["mas"])
    assert 'href="/behorigheter"' in client.get("/inkorg").get_data(as_text=True)
    client.post("/logga-ut")
    login(people["receiver_handler"])
    assert 'href="/behorigheter"' not in client.get("/inkorg").get_data(as_text=True)
    assert client.get("/behorigheter").status_code == 403
