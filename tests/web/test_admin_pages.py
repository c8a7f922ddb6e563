"""Administration on pages: accounts (create, roles, units, deactivate, temporary
password, unlock), accounts single sign-on created, units (create, rename, move, close
with a successor) and functional mailboxes; every change in the history, and roles that
open case content only through the two-person rule."""
import re

import pytest
from sqlalchemy import select

from avvikelse.accounts import throttle
from avvikelse.accounts.models import AdminEvent, GrantState, Role, RoleGrant, User
from avvikelse.cases.enums import Status
from avvikelse.directory.models import Unit
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD
from tests.web.helpers import text


@pytest.fixture
def admin(client, login, people):
    """The region's administrator, signed in."""
    login(people["admin"])
    return people["admin"]


def _secret(response) -> str:
    return re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True)).group(1)


def events(**where) -> list[tuple[str, str]]:
    stmt = select(AdminEvent.action, AdminEvent.note).order_by(AdminEvent.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AdminEvent, name) == value)
    return [tuple(r) for r in db.session.execute(stmt)]


def account(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def test_only_administrators_and_only_their_own_organisation(client, login, people):
    for who in ("receiver_handler", "chefslakare", "forum"):
        login(people[who])
        assert client.get("/admin/konton").status_code == 403
        assert client.get("/admin/enheter").status_code == 403
        client.post("/logga-ut")
    login(people["admin"])
    assert client.get("/admin/konton").status_code == 200
    assert client.get(f"/admin/konton/{people['reporter'].id}").status_code == 404  # Krokom's
    assert client.get(f"/admin/enheter/{unit_by_code('2309-HSJV').id}").status_code == 404
    assert client.post(f"/admin/konton/{people['reporter'].id}/avaktivera").status_code == 404
    assert people["reporter"].active


def test_the_form_offers_every_role_the_model_defines(client, admin):
    page = client.get("/admin/konton").get_data(as_text=True)
    offered = set(re.findall(r'name="roles" value="([a-z_]+)"', page))
    assert offered == {r.value for r in Role}


def test_create_an_account_with_a_temporary_password_and_a_pending_handler_role(client, admin, login,
                                                                                people):
    response = client.post("/admin/konton", data={
        "username": "anna.region", "full_name": "Anna Andersson", "email": "anna@example.org",
        "units": [str(unit_by_code("23-OSD-GER").id)], "roles": ["handler", "forum"]})
    assert response.status_code == 201
    assert "Roller som ger tillgång till ärenden gäller först när MAS eller chefsläkare" in text(response)
    password = _secret(response)
    anna = account("anna.region")
    assert anna.roles == {Role.REPORTER, Role.FORUM}  # forum at once, handler waits
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == anna.id))
    assert (grant.role, grant.state, grant.requested_by) == (Role.HANDLER, GrantState.PENDING, admin)
    assert [u.code for u in anna.units] == ["23-OSD-GER"] and anna.password_must_change
    assert events(user_id=anna.id) == [(
        "created", "Roller: forum, rapportör. Enheter: Östersunds sjukhus, geriatrisk avdelning. "
                   "Väntar på godkännande: handläggare.")]
    # Shown once: the account's page does not show it again.
    assert 'class="secret"' not in client.get(f"/admin/konton/{anna.id}").get_data(as_text=True)

    # The person signs in with it and must choose their own before anything else.
    client.post("/logga-ut")
    assert client.post("/logga-in", data={"username": "anna.region", "password": password}).status_code == 302
    assert client.get("/inkorg").headers["Location"] == "/profil/losenord"
    assert client.post("/api/v1/auth/token", json={"username": "anna.region",
                                                   "password": password}).status_code == 401
    failed = client.post("/profil/losenord", data={"current": password, "new": "kort", "repeat": "kort"})
    assert failed.status_code == 422 and "minst 10 tecken" in text(failed)
    changed = client.post("/profil/losenord", data={"current": password, "new": "ett-eget-losenord",
                                                    "repeat": "ett-eget-losenord"})
    assert changed.status_code == 302
    assert client.get("/inkorg").status_code == 200
    assert not account("anna.region").password_must_change

    # The second person: the region's chefsläkare approves the handler role.
    client.post("/logga-ut")
    login(people["chefslakare"])
    assert client.post(f"/behorigheter/{grant.id}/godkann").status_code == 302
    assert Role.HANDLER in account("anna.region").roles


@pytest.mark.parametrize("data,message", [
    ({"username": "Anna Region!"}, "2–80 tecken: a–z, 0–9, punkt, bindestreck eller understreck."),
    ({"username": "handlaggare.region"}, "Användarnamnet är upptaget."),
    ({"username": "ny.person", "email": "a@b.se\r\nBcc: x@y.se"}, "Ange en giltig e-postadress"),
    ({"username": "ny.person", "email": "inte-en-adress"}, "Ange en giltig e-postadress"),
    ({"username": "ny.person", "full_name": "=HYPERLINK(\"http://x\")\x07"},
     "Texten innehåller otillåtna kontrolltecken."),
    ({"username": "ny.person", "units": ["999999"]}, "'999999' är inte ett giltigt val"),
    ({"username": "ny.person", "roles": ["superuser"]}, "är inte ett giltigt val"),
])
def test_bad_accounts_are_refused_in_swedish_with_what_was_typed_kept(client, admin, data, message):
    response = client.post("/admin/konton", data={"full_name": "Bo <b>Bok</b>", **data})
    assert response.status_code == 422
    body = text(response)
    assert message in body
    assert "Bo &lt;b&gt;Bok&lt;/b&gt;" in response.get_data(as_text=True) or "full_name" in data
    assert account("ny.person") is None


def test_roles_and_units_change_with_history_and_removing_is_direct(client, admin, people):
    ger = people["unit_handler"]
    med = unit_by_code("23-OSD-MED")
    response = client.post(f"/admin/konton/{ger.id}", data={
        "full_name": "Gertrud Ger", "email": ger.email, "units": [str(med.id)],
        "roles": ["reporter", "mas"]})
    assert response.status_code == 302
    ger = account("ger.region")
    assert ger.roles == {Role.REPORTER}  # handler removed at once; MAS waits for approval
    assert [u.code for u in ger.units] == ["23-OSD-MED"]
    pending = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == ger.id))
    assert (pending.role, pending.state) == (Role.MAS, GrantState.PENDING)
    assert [a for a, _ in events(user_id=ger.id)] == ["details", "units", "roles", "role_requested"]
    page = text(client.get(f"/admin/konton/{ger.id}"))
    assert "Tog bort handläggare." in page
    assert ("Från Östersunds sjukhus, geriatrisk avdelning till Östersunds sjukhus, "
            "medicinavdelning.") in page
    assert "MAS väntar på godkännande av MAS eller chefsläkare" in page


def test_an_administrator_keeps_their_own_admin_role(client, admin):
    response = client.post(f"/admin/konton/{admin.id}", data={"roles": ["reporter"]})
    assert response.status_code == 422
    assert "Du kan inte ta bort din egen administratörsroll." in text(response)


def test_deactivate_ends_sign_in_and_lets_go_of_owned_cases(app, client, admin, people, new_case, act):
    handler = people["receiver_handler"]
    owned = new_case()
    act(handler, owned, "acknowledge")
    other = app.test_client()
    assert other.post("/logga-in", data={"username": handler.username, "password": PASSWORD}).status_code == 302
    assert client.post(f"/admin/konton/{handler.id}/avaktivera").status_code == 302
    assert other.get("/inkorg").status_code == 302  # the session ended
    db.session.expire_all()
    assert not handler.active and owned.owner is None
    assert owned.history[-1].action == "assign"
    assert owned.history[-1].note == "handlaggare.region har slutat: ärendet saknar nu ansvarig."
    assert owned.status is Status.INVESTIGATING
    assert events(user_id=handler.id)[-1] == (
        "deactivated", "Sessioner och token avslutade. Ansvarade för 1 öppna ärenden.")
    refused = client.post(f"/admin/konton/{admin.id}/avaktivera")
    assert refused.status_code == 409 and "Du kan inte avaktivera ditt eget konto." in text(refused)
    assert client.post(f"/admin/konton/{handler.id}/aktivera").status_code == 302
    assert account(handler.username).active


def test_reset_password_and_unlock(app, client, admin, people):
    handler = people["receiver_handler"]
    stranger = app.test_client()
    for _ in range(4):
        stranger.post("/logga-in", data={"username": handler.username, "password": "fel-fel-fel"})
    assert throttle.account_failures_of(app, handler.username) == 4
    assert client.post(f"/admin/konton/{handler.id}/las-upp").status_code == 302
    assert throttle.account_failures_of(app, handler.username) == 0
    reset = client.post(f"/admin/konton/{handler.id}/losenord")
    assert reset.status_code == 200
    password = _secret(reset)
    assert stranger.post("/logga-in", data={"username": handler.username,
                                            "password": PASSWORD}).status_code == 401
    assert stranger.post("/logga-in", data={"username": handler.username,
                                            "password": password}).status_code == 302
    assert [a for a, _ in events(user_id=handler.id)] == ["unlocked", "password_reset"]


def test_an_sso_account_awaits_a_unit_and_a_role(client, admin):
    from avvikelse.accounts import history
    from avvikelse.accounts.services import create_user

    waiting = create_user("se2321000065-9001", organisation_by_code("23"), set(), None)
    waiting.active, waiting.awaiting_setup, waiting.hsa_id = False, True, "SE2321000065-9001"
    history.record(None, "sso_created", waiting.organisation_id, "Loggade in första gången.", user=waiting)
    db.session.commit()
    page = text(client.get("/admin/konton"))
    assert "Väntar på enhet och roll" in page and "SE2321000065-9001" in page
    refused = client.post(f"/admin/konton/{waiting.id}", data={"roles": ["reporter"]})
    assert refused.status_code == 422 and "Välj minst en enhet." in text(refused)
    done = client.post(f"/admin/konton/{waiting.id}", data={
        "units": [str(unit_by_code("23-OSD-MED").id)], "roles": ["reporter"]})
    assert done.status_code == 302
    waiting = account("se2321000065-9001")
    assert waiting.active and not waiting.awaiting_setup
    assert [a for a, _ in events(user_id=waiting.id)] == ["sso_created", "units", "setup"]


# -- units and mailboxes ---------------------------------------------------------------------

def test_create_rename_and_move_a_unit_with_history(client, admin):
    made = client.post("/admin/enheter", data={"code": "23-OSD-AKUT", "name": "Akutmottagningen",
                                               "parent": str(unit_by_code("23-OSD-MED").id),
                                               "mailbox": "akuten@example.org"})
    assert made.status_code == 302
    akut = unit_by_code("23-OSD-AKUT")
    assert (akut.parent.code, akut.mailbox, akut.organisation.code) == ("23-OSD-MED", "akuten@example.org", "23")
    assert client.post(f"/admin/enheter/{akut.id}", data={"name": "Akuten", "parent": "",
                                                          "mailbox": ""}).status_code == 302
    db.session.expire_all()
    assert (akut.name, akut.parent, akut.mailbox) == ("Akuten", None, None)
    assert [a for a, _ in events(unit_id=akut.id)] == ["unit_created", "unit_renamed", "unit_moved", "mailbox"]
    assert "Från Akutmottagningen till Akuten." in text(client.get(f"/admin/enheter/{akut.id}"))


@pytest.mark.parametrize("data,message", [
    ({"code": "23-OSD-MED", "name": "X"}, "Koden används redan av en annan enhet."),
    ({"code": "<script>", "name": "X"}, "1–64 tecken"),
    ({"code": "23-NY", "name": "Ny\x1benhet"}, "Texten innehåller otillåtna kontrolltecken."),
    ({"code": "23-NY", "name": "Ny", "parent": str(10**6)}, "Välj en öppen enhet i den egna organisationen."),
    ({"code": "23-NY", "name": "Ny", "parent": "abc"}, "Välj en öppen enhet i den egna organisationen."),
    ({"code": "23-NY", "name": "Ny", "mailbox": "a@b"}, "Ange en giltig e-postadress"),
])
def test_bad_units_are_refused_in_swedish(client, admin, data, message):
    response = client.post("/admin/enheter", data=data)
    assert response.status_code == 422
    assert message in text(response)
    assert unit_by_code("23-NY") is None


def test_a_unit_cannot_move_under_itself(client, admin):
    med, ger = unit_by_code("23-OSD-MED"), unit_by_code("23-OSD-GER")
    ger.parent = med
    db.session.commit()
    response = client.post(f"/admin/enheter/{med.id}", data={"name": med.name, "parent": str(ger.id)})
    assert response.status_code == 422
    assert "En enhet kan inte ligga under sig själv eller sina egna underenheter." in text(response)


def test_close_a_unit_with_a_successor(client, admin, people, new_case, act, make_user):
    ger, med = unit_by_code("23-OSD-GER"), unit_by_code("23-OSD-MED")
    incoming = new_case(receiver_unit="23-OSD-GER")
    region_reporter = make_user("23", units=["23-OSD-GER"], username="rapportor.ger")
    db.session.commit()
    outgoing = new_case(reporter=region_reporter, receiver_organisation="2309")
    closed = new_case(receiver_unit="23-OSD-GER")
    act(people["reporter"], closed, "withdraw", note="Fel.")
    refused = client.post(f"/admin/enheter/{ger.id}/stang", data={"successor": str(ger.id)})
    assert refused.status_code == 422
    response = client.post(f"/admin/enheter/{ger.id}/stang", data={"successor": str(med.id)},
                           follow_redirects=True)
    assert ("2 personer och 2 öppna ärenden flyttades till Östersunds sjukhus, medicinavdelning."
            in text(response))
    db.session.expire_all()
    assert not ger.active and ger.successor == med
    assert [u.code for u in people["unit_handler"].units] == ["23-OSD-MED"]
    assert incoming.receiver_unit == med and outgoing.sender_unit == med
    assert closed.receiver_unit == ger  # an ended case keeps where it was
    assert incoming.history[-1].action == "move_unit" and incoming.history[-1].actor is None
    assert incoming.history[-1].note == ("Östersunds sjukhus, geriatrisk avdelning stängdes; ärendet "
                                         "flyttades till Östersunds sjukhus, medicinavdelning.")
    assert [a for a, _ in events(user_id=people["unit_handler"].id)] == ["units"]
    assert events(unit_id=ger.id)[-1][0] == "unit_closed"
    # Closed: no longer offered, not editable, not closed twice.
    assert f'value="{ger.id}"' not in client.get("/admin/konton").get_data(as_text=True)
    assert client.post(f"/admin/enheter/{ger.id}/stang", data={"successor": str(med.id)}).status_code == 422


def test_intake_mailbox(client, admin):
    refused = client.post("/admin/enheter/mottagning", data={"mailbox": "x@y\nBcc: z@w.se"})
    assert refused.status_code == 422
    assert client.post("/admin/enheter/mottagning", data={"mailbox": "avvikelser@example.org"}).status_code == 302
    assert organisation_by_code("23").mailbox == "avvikelser@example.org"
    assert events(action="mailbox") == [
        ("mailbox", "Mottagningens funktionsbrevlåda: från ingen till avvikelser@example.org.")]
    assert "avvikelser@example.org" in text(client.get("/admin/enheter"))


def test_administrators_read_no_case(client, admin, new_case):
    case = new_case()
    assert client.get(f"/arenden/{case.reference}").status_code == 404
    assert case.reference not in text(client.get("/admin/konton"))
    assert db.session.scalar(select(Unit).where(Unit.code == "23-OSD-GER")) is not None
