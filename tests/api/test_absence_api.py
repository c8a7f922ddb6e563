"""PUT /me/absence {from, to, deputy}, GET /me/absence, PUT /me/deputy; and the same on
/profil, with errors in Swedish beside the fields and what was typed kept."""
from datetime import date, timedelta

import pytest

from avvikelse.accounts import absence
from avvikelse.extensions import db
from tests.web.helpers import error_beside, text


def day(offset: int) -> str:
    return (absence.today() + timedelta(days=offset)).isoformat()


def test_put_and_get_my_absence(api, people):
    handler = api(people["receiver_handler"])
    response = handler.client.put("/api/v1/me/absence", headers=handler.headers,
                                  json={"from": day(0), "to": day(4), "deputy": "chefslakare"})
    assert response.status_code == 200, response.json
    assert response.json | {"id": 0} == {"id": 0, "from": day(0), "to": day(4),
                                         "deputy": "chefslakare", "standing_deputy": False}
    listed = handler.get("/me/absence").json
    assert listed == {"items": [response.json], "standing_deputy": None}
    assert absence.deputy_of(people["receiver_handler"]) == people["chefslakare"]


def test_the_standing_deputy_through_the_api(api, people):
    handler = api(people["receiver_handler"])
    put = handler.client.put
    assert put("/api/v1/me/deputy", headers=handler.headers,
               json={"deputy": "ger.region"}).json == {"standing_deputy": "ger.region"}
    made = put("/api/v1/me/absence", headers=handler.headers, json={"from": day(1), "to": day(2)})
    assert made.status_code == 200
    assert (made.json["deputy"], made.json["standing_deputy"]) == ("ger.region", True)
    assert put("/api/v1/me/deputy", headers=handler.headers,
               json={"deputy": None}).json == {"standing_deputy": None}


@pytest.mark.parametrize("body,field,message", [
    ({"to": "2026-01-01"}, "from", "Ange första dagen du är borta."),
    ({"from": "igår", "to": "2026-01-01"}, "from", "Ange ett datum som ÅÅÅÅ-MM-DD."),
    ({"from": "+1", "to": "+0", "deputy": "chefslakare"}, "to", "Sista dagen kan inte ligga före den första."),
    ({"from": "+0", "to": "+1", "deputy": "mas.ostersund"}, "deputy", absence.NO_SUCH_DEPUTY),
    ({"from": "+0", "to": "+1", "deputy": "rapportor.krokom"}, "deputy", absence.NO_SUCH_DEPUTY),
    ({"from": "+0", "to": "+1", "deputy": "x" * 81}, "deputy", "Högst 80 tecken."),
    ({"from": "+0", "to": "+1", "deputy": 7}, "deputy", "Ange värdet som text."),
    ({"from": "+0", "to": "+1"}, "deputy", "Välj en ersättare, eller ange en stående ersättare först."),
])
def test_bad_absences_are_422_in_swedish(api, people, body, field, message):
    handler = api(people["receiver_handler"])
    body = {k: day(int(v)) if isinstance(v, str) and v[:1] in "+-" and v[1:].isdigit() else v
            for k, v in body.items()}
    response = handler.client.put("/api/v1/me/absence", headers=handler.headers, json=body)
    assert response.status_code == 422
    assert message in response.json["errors"][field]


def test_an_integration_has_no_absence(api, people, client):
    from avvikelse.accounts.tokens import issue_token
    from avvikelse.core.clock import now_utc

    system = people["receiver_handler"]
    system.is_integration = True
    token = issue_token(system, now_utc(), 1)
    db.session.commit()
    response = client.put("/api/v1/me/absence", headers={"Authorization": f"Bearer {token}"},
                          json={"from": day(0), "to": day(1), "deputy": "chefslakare"})
    assert response.status_code == 403


# -- the profile page ------------------------------------------------------------------------

def test_record_and_remove_an_absence_on_the_profile(client, login, people):
    login(people["receiver_handler"])
    page = text(client.get("/profil"))
    assert "Frånvaro och ersättare" in page
    assert '<option value="chefslakare">' in page
    assert '<option value="rapportor.krokom">' not in page  # another organisation
    failed = client.post("/profil/franvaro", data={"from": day(3), "to": day(1), "deputy": "chefslakare"})
    assert failed.status_code == 422
    assert error_beside(failed, "absence-to", "Sista dagen kan inte ligga före den första.")
    assert f'value="{day(3)}"' in failed.get_data(as_text=True)  # what was typed stays
    done = client.post("/profil/franvaro", data={"from": day(0), "to": day(2), "deputy": "chefslakare"},
                       follow_redirects=True)
    assert "är registrerad. chefslakare får dina meddelanden under tiden." in text(done)
    (made,) = absence.planned(people["receiver_handler"])
    assert made.deputy == people["chefslakare"]
    # The deputy's own page says for whom they stand in today.
    client.post("/logga-ut")
    login(people["chefslakare"])
    assert "Du är ersättare i dag för: handlaggare.region." in text(client.get("/profil"))
    assert client.post(f"/profil/franvaro/{made.id}/ta-bort").status_code == 404  # not theirs
    client.post("/logga-ut")
    login(people["receiver_handler"])
    assert client.post(f"/profil/franvaro/{made.id}/ta-bort").status_code == 302
    db.session.expire_all()
    # Begun today: it ends yesterday, so it no longer holds.
    assert absence.planned(people["receiver_handler"]) == []
    assert absence.deputy_of(people["receiver_handler"]) is None


def test_standing_deputy_on_the_profile(client, login, people):
    login(people["chefslakare"])
    failed = client.post("/profil/ersattare", data={"deputy": "rapportor.region"})
    assert failed.status_code == 422
    assert "Välj en kollega i din egen organisation som ersättare." in text(failed)
    assert client.post("/profil/ersattare", data={"deputy": "handlaggare.region"}).status_code == 302
    db.session.expire_all()
    assert people["chefslakare"].standing_deputy == people["receiver_handler"]


def test_a_past_day_is_refused_beside_the_field(client, login, people):
    login(people["receiver_handler"])
    response = client.post("/profil/franvaro", data={"from": "2020-01-01", "to": "2020-01-02",
                                                     "deputy": "chefslakare"})
    assert response.status_code == 422
    assert error_beside(response, "absence-to", "Frånvaron har redan tagit slut.")
    assert date(2020, 1, 1).isoformat() in response.get_data(as_text=True)
