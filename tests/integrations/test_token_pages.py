"""Token lifecycle in the pages: create and name (secret shown once), see last use, revoke;
integration accounts scoped to the admin's organisation."""
import re

from sqlalchemy import select

from avvikelse.accounts.models import ApiToken, User
from avvikelse.extensions import db


def _secret(html: str) -> str:
    return re.search(r'<code class="secret">([^<]+)</code>', html).group(1)


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_profile_token_lifecycle(client, login, people):
    login(people["reporter"])
    page = client.post("/profil/token", data={"name": "Treserva", "expires_in_days": "30"})
    assert page.status_code == 201 and page.headers["Cache-Control"] == "no-store"
    secret = _secret(page.get_data(as_text=True))

    listing = client.get("/profil/token").get_data(as_text=True)
    assert "Treserva" in listing and secret not in listing and "Aldrig" in listing

    assert client.get("/api/v1/directory", headers=_bearer(secret)).status_code == 200
    db.session.expire_all()
    assert "Aldrig" not in client.get("/profil/token").get_data(as_text=True)  # last use shown

    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "Treserva"))
    revoked = client.post(f"/profil/token/{token_id}/aterkalla", follow_redirects=True)
    assert "är återkallad" in revoked.get_data(as_text=True)
    assert client.get("/api/v1/directory", headers=_bearer(secret)).status_code == 401


def test_a_token_needs_a_name(client, login, people):
    login(people["reporter"])
    page = client.post("/profil/token", data={"name": "  "})
    assert page.status_code == 422 and "Ge token ett namn" in page.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == people["reporter"].id)) is None


def test_cannot_revoke_someone_elses_token(client, login, people):
    login(people["reporter"])
    client.post("/profil/token", data={"name": "min"})
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "min"))
    client.post("/logga-ut")
    login(people["other_reporter"])
    assert client.post(f"/profil/token/{token_id}/aterkalla").status_code == 404
    assert db.session.get(ApiToken, token_id).revoked_at is None


def test_admin_creates_an_integration_account_and_its_token(client, login, people, make_user):
    admin = make_user("2309", ["admin"])
    login(admin)
    unit = admin.organisation.units[0]
    made = client.post("/admin/integrationer", data={
        "username": "treserva-krokom", "full_name": "Treserva", "roles": ["reporter", "handler"],
        "units": [str(unit.id)]})
    assert made.status_code == 302
    account = db.session.scalar(select(User).where(User.username == "treserva-krokom"))
    assert account.is_integration and account.organisation_id == admin.organisation_id
    assert account.password_hash is None

    page = client.post(f"/admin/integrationer/{account.id}", data={"name": "produktion"})
    secret = _secret(page.get_data(as_text=True))
    me = client.get("/api/v1/tokens", headers=_bearer(secret)).json
    assert [t["name"] for t in me["items"]] == ["produktion"]


def test_integration_accounts_are_scoped_to_the_admins_organisation(client, login, make_user):
    krokom_admin, region_admin = make_user("2309", ["admin"]), make_user("23", ["admin"])
    login(krokom_admin)
    client.post("/admin/integrationer", data={"username": "system-krokom", "roles": ["reporter"]})
    account = db.session.scalar(select(User).where(User.username == "system-krokom"))
    client.post("/logga-ut")
    login(region_admin)
    assert client.get(f"/admin/integrationer/{account.id}").status_code == 404
    assert "system-krokom" not in client.get("/admin/integrationer").get_data(as_text=True)


def test_units_of_another_organisation_are_refused(client, login, make_user):
    from avvikelse.directory.services import unit_by_code

    login(make_user("2309", ["admin"]))
    foreign = unit_by_code("23-OSD-MED")
    page = client.post("/admin/integrationer", data={
        "username": "system-x", "roles": ["reporter"], "units": [str(foreign.id)]})
    assert page.status_code == 422
    assert db.session.scalar(select(User).where(User.username == "system-x")) is None


def test_only_admins_manage_integrations(client, login, people):
    login(people["reporter"])
    assert client.get("/admin/integrationer").status_code == 403
