"""The escalation inbox for MAS and chefsläkare, and the same through the API."""
import pytest

from avvikelse.escalation.models import Decision, Escalation
from avvikelse.extensions import db
from tests.escalation.conftest import escalations, local
from tests.fixtures.factories import PASSWORD


@pytest.fixture
def serious(clock, new_case):
    clock.set(local(2026, 3, 2, 9, 0))
    case = new_case(serious=True)  # Krokom → region: chefsläkare and Krokom's MAS
    clock.set(local(2026, 3, 5, 15, 0))
    return case


def region_escalation(case) -> Escalation:
    return next(e for e in escalations(case) if e.organisation.code == "23")


# --------------------------------------------------------------------------- web


def test_inbox_lists_open_escalations_oldest_first_with_their_age(serious, clock, new_case, client, login, people):
    clock.set(local(2026, 3, 4, 9, 0))
    newer = new_case(consequence=4)
    clock.set(local(2026, 3, 5, 15, 0))
    login(people["chefslakare"])
    page = client.get("/eskaleringar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index(serious.reference) < html.index(newer.reference)
    assert "3 dagar" in html and "1 dag" in html
    assert "Ej kvitterad" in html  # 2 March's deadline (3 March 09:00) has passed
    assert "Kvittera" in html


def test_inbox_is_for_overseers_only(serious, client, login, people):
    login(people["receiver_handler"])
    assert client.get("/eskaleringar").status_code == 403


def test_acknowledge_then_decide_in_the_inbox(serious, client, login, people):
    esc = region_escalation(serious)
    login(people["chefslakare"])
    response = client.post(f"/eskaleringar/{esc.id}/kvittera")
    assert response.status_code == 302
    db.session.refresh(esc)
    assert esc.acknowledged_by == people["chefslakare"]
    again = client.post(f"/eskaleringar/{esc.id}/kvittera")
    assert again.status_code == 409 and "redan kvitterad" in again.get_data(as_text=True)

    bad = client.post(f"/eskaleringar/{esc.id}/beslut", data={
        "decision": "lex_maria", "step": "reported", "ivo_reference": "3.5.1-777/2026"})
    assert bad.status_code == 422
    assert "Ange vilket datum anmälan gjordes till IVO" in bad.get_data(as_text=True)
    assert 'value="3.5.1-777/2026"' in bad.get_data(as_text=True)  # what was typed is kept

    ok = client.post(f"/eskaleringar/{esc.id}/beslut", data={
        "decision": "lex_maria", "reported_on": "2026-03-05", "ivo_reference": "3.5.1-777/2026"})
    assert ok.status_code == 302
    db.session.refresh(esc)
    assert esc.decision is Decision.LEX_MARIA
    assert "Inga öppna eskaleringar" in client.get("/eskaleringar").get_data(as_text=True)


def test_decision_text_is_escaped(serious, client, login, people):
    esc = region_escalation(serious)
    login(people["chefslakare"])
    client.post(f"/eskaleringar/{esc.id}/kvittera")
    bad = client.post(f"/eskaleringar/{esc.id}/beslut", data={"decision": "none", "ivo_reference": "<b>x</b>" * 10})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "<b>x</b>" not in html and "Högst 40 tecken" in html


def test_another_organisations_escalation_is_not_found(serious, client, login, people):
    esc = region_escalation(serious)
    login(people["stranger"])  # Östersund's MAS
    assert client.post(f"/eskaleringar/{esc.id}/kvittera").status_code == 404
    assert client.post("/eskaleringar/999999/kvittera").status_code == 404


# --------------------------------------------------------------------------- API


@pytest.fixture
def api_as(client):
    def token_for(user):
        response = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {response.json['token']}"}

        class Api:
            def get(self, path, **params):
                return client.get(f"/api/v1{path}", query_string=params, headers=headers)

            def post(self, path, body):
                return client.post(f"/api/v1{path}", json=body, headers=headers)

        return Api()

    return token_for


def test_api_lists_the_callers_open_escalations(serious, api_as, people):
    esc = region_escalation(serious)
    items = api_as(people["chefslakare"]).get("/escalations", status="open").json["items"]
    assert items == [{
        "id": esc.id, "case": serious.reference, "trigger": "serious", "role": "chefslakare",
        "organisation": "23", "opened_at": "2026-03-02T08:00:00Z", "acknowledge_by": "2026-03-03T08:00:00Z",
        "acknowledged_at": None, "decision": None, "step": None, "reported_on": None,
        "ivo_reference": None, "reason": None, "decided_at": None, "concluded_at": None, "steps": [],
    }]
    assert [i["organisation"] for i in api_as(people["mas"]).get("/escalations").json["items"]] == ["2309"]
    assert api_as(people["stranger"]).get("/escalations", status="open").json["items"] == []
    assert api_as(people["receiver_handler"]).get("/escalations").json["items"] == []
    assert api_as(people["chefslakare"]).get("/escalations", status="x").status_code == 422
    assert api_as(people["chefslakare"]).get("/escalations", status="decided").json["items"] == []


def test_api_acknowledge_and_decide(serious, api_as, people):
    esc = region_escalation(serious)
    chef = api_as(people["chefslakare"])
    early = chef.post(f"/escalations/{esc.id}/actions", {"action": "decide", "decision": "investigation"})
    assert early.status_code == 409 and "Kvittera" in early.json["message"]
    response = chef.post(f"/escalations/{esc.id}/actions", {"action": "acknowledge"})
    assert response.status_code == 200 and response.json["acknowledged_at"] == "2026-03-05T14:00:00Z"
    wrong = chef.post(f"/escalations/{esc.id}/actions", {"action": "decide", "decision": "lex_maria",
                                                          "reported_on": 20260305})
    assert wrong.status_code == 422 and set(wrong.json["errors"]) == {"reported_on"}
    response = chef.post(f"/escalations/{esc.id}/actions", {
        "action": "decide", "decision": "none", "reason": "Ingen vårdskada; rutinen följdes."})
    assert response.status_code == 200
    assert (response.json["decision"], response.json["reason"]) == ("none", "Ingen vårdskada; rutinen följdes.")
    assert chef.get("/escalations", status="open").json["items"] == []
    assert [i["id"] for i in chef.get("/escalations", status="decided").json["items"]] == [esc.id]


def test_api_refuses_ivo_reports_from_the_sending_side(serious, api_as, people):
    esc = next(e for e in escalations(serious) if e.organisation.code == "2309")
    mas = api_as(people["mas"])
    mas.post(f"/escalations/{esc.id}/actions", {"action": "acknowledge"})
    response = mas.post(f"/escalations/{esc.id}/actions", {
        "action": "decide", "decision": "lex_maria", "reported_on": "2026-03-05", "ivo_reference": "1"})
    assert response.status_code == 409 and "mottagaren" in response.json["message"]


def test_api_other_organisations_escalation_is_404(serious, api_as, people):
    esc = region_escalation(serious)
    stranger = api_as(people["stranger"])
    for body in ({"action": "acknowledge"}, {"action": "decide", "decision": "none", "reason": "x"}):
        response = stranger.post(f"/escalations/{esc.id}/actions", body)
        assert response.status_code == 404 and response.json["error"] == "not_found"
    assert stranger.post("/escalations/424242/actions", {"action": "acknowledge"}).status_code == 404
    assert api_as(people["chefslakare"]).post(f"/escalations/{esc.id}/actions", {"action": "nap"}).status_code == 422


def test_api_needs_a_token(serious, client):
    assert client.get("/api/v1/escalations").status_code == 401


def test_both_sides_see_the_escalations_on_the_case(serious, api_as, client, login, people):
    esc = region_escalation(serious)
    chef = api_as(people["chefslakare"])
    chef.post(f"/escalations/{esc.id}/actions", {"action": "acknowledge"})
    chef.post(f"/escalations/{esc.id}/actions", {"action": "decide", "decision": "investigation"})
    for user in (people["reporter"], people["receiver_handler"]):
        body = api_as(user).get(f"/cases/{serious.reference}").json
        assert {(e["organisation"], e["decision"]) for e in body["escalations"]} == {
            ("2309", None), ("23", "investigation")}
    assert "escalations" not in api_as(people["stranger"]).get(f"/cases/{serious.reference}").json
    login(people["reporter"])
    page = client.get(f"/arenden/{serious.reference}").get_data(as_text=True)
    assert "Eskaleringar" in page and "Intern utredning (händelseanalys), avslutad" in page
