"""The names other systems rely on (issue: the agreement's rules), through the API and CLI."""
from sqlalchemy import select

from avvikelse.accounts.models import User
from avvikelse.escalation.models import Escalation
from avvikelse.extensions import db
from tests.api.conftest import valid_case


def _esc(case_reference, org_code) -> Escalation:
    return next(e for e in db.session.scalars(select(Escalation)) if e.case.reference == case_reference
                and e.organisation.code == org_code)


def test_users_add_takes_the_sas_role(app):
    result = app.test_cli_runner().invoke(args=["users", "add", "sas.berg", "--org", "2326", "--role", "sas"])
    assert result.exit_code == 0, result.output
    assert {r.value for r in db.session.scalar(select(User).where(User.username == "sas.berg")).roles} >= {"sas"}


def test_activity_in_the_filing_body_and_the_case_json(api, people, file_via_api):
    reference = file_via_api()
    case = api(people["reporter"]).get(f"/cases/{reference}").json
    assert case["activity"] == "health_care" and case["outcome"] is None
    assert case["direct_contacts"] == [] and case["patient_protected"] is False


def test_escalation_steps_decide_and_correct_through_the_api(api, people, file_via_api, make_user):
    sas = make_user("2309", ["sas"], units=[], username="sas.krokom")
    region_reporter = make_user("23", [], units=["23-OSD-MED"], username="rapportor.region")
    db.session.commit()
    reference = file_via_api(user=region_reporter, receiver_organisation="2309",
                             activity="social_care", consequence=3)
    esc = _esc(reference, "2309")
    assert esc.role.value == "sas"
    mas = api(people["mas"])
    assert mas.post(f"/escalations/{esc.id}/actions", {"action": "acknowledge"}).status_code == 409
    own = api(sas)
    own.post(f"/escalations/{esc.id}/actions", {"action": "acknowledge"})
    first = own.post(f"/escalations/{esc.id}/actions", {"action": "decide", "decision": "lex_sarah",
                                                        "step": "investigating"})
    assert first.status_code == 200 and first.json["step"] == "investigating"
    reported = own.post(f"/escalations/{esc.id}/actions", {
        "action": "decide", "decision": "lex_sarah", "step": "reported",
        "reported_on": first.json["steps"][0]["at"][:10]})
    assert reported.status_code == 200 and reported.json["ivo_reference"] is None
    assert [s["step"] for s in reported.json["steps"]] == ["investigating", "reported"]
    assert reported.json["decision"] == "lex_sarah" and reported.json["decided_at"] == reported.json["steps"][-1]["at"]
    wrong_id = reported.json["steps"][-1]["id"]
    fixed = own.post(f"/escalations/{esc.id}/actions", {
        "action": "correct", "step_id": wrong_id, "ivo_reference": "3.5.1-1/2026", "reason": "Diarienumret kom."})
    assert fixed.status_code == 200 and fixed.json["steps"][-1]["corrects"] == wrong_id
    assert fixed.json["ivo_reference"] == "3.5.1-1/2026"
    assert own.get("/escalations", status="decided").json["items"] == []
    own.post(f"/escalations/{esc.id}/actions", {"action": "decide", "decision": "lex_sarah"})
    assert [e["id"] for e in own.get("/escalations", status="decided").json["items"]] == [esc.id]


def test_a_lex_sarah_by_a_mas_is_409(api, people, file_via_api, make_user):
    region_reporter = make_user("23", [], units=["23-OSD-MED"], username="rapportor.region")
    db.session.commit()
    reference = file_via_api(user=region_reporter, receiver_organisation="2309", consequence=3)
    esc = _esc(reference, "2309")
    mas = api(people["mas"])
    mas.post(f"/escalations/{esc.id}/actions", {"action": "acknowledge"})
    response = mas.post(f"/escalations/{esc.id}/actions", {
        "action": "decide", "decision": "lex_sarah", "reported_on": "2026-01-01"})
    assert response.status_code == 409


def test_actions_that_change_no_status_write_history(api, people, file_via_api):
    reference = file_via_api()
    receiver = api(people["receiver_handler"])
    before = len(receiver.get(f"/cases/{reference}").json["history"])
    response = receiver.act(reference, "reclassify", consequence=2, probability=3, category="medication",
                            activity="health_care", reason="Läkemedel, inte utskrivning.")
    assert response.status_code == 200 and response.json["status"] == "received"
    assert response.json["category"] == "medication" and response.json["risk"] == 6
    sender = api(people["reporter"])
    contact = sender.act(reference, "direct_contact", **{"with": "Chefsläkare", "at": "2026-01-01T10:00"})
    assert contact.status_code == 422 and "at" in contact.json["errors"]  # before the event
    at = response.json["reported_at"]
    contact = sender.act(reference, "direct_contact", **{"with": "Chefsläkare", "at": at})
    assert contact.status_code == 200, contact.json
    assert [d["with"] for d in contact.json["direct_contacts"]] == ["Chefsläkare"]
    escalate = receiver.act(reference, "escalate", reason="Upprepad brist.")
    assert escalate.status_code == 200
    history = [h["action"] for h in receiver.get(f"/cases/{reference}").json["history"][before:]]
    assert history[:3] == ["reclassify", "direct_contact", "escalate"]


def test_disagree_and_the_forum_endpoints(api, people, file_via_api):
    from tests.api.conftest import valid_answer

    reference = file_via_api()
    receiver, reporter, forum = (api(people[w]) for w in ("receiver_handler", "reporter", "forum"))
    receiver.act(reference, "acknowledge")
    receiver.act(reference, "answer", **valid_answer())
    assert reporter.act(reference, "disagree", reason="x").status_code == 409  # first: dispute
    reporter.act(reference, "dispute", reason="Fel.")
    receiver.act(reference, "answer", **valid_answer())
    assert reporter.act(reference, "disagree", reason="Fortfarande fel.").json["status"] == "in_forum"
    assert [d["reference"] for d in forum.get("/forum/disputes").json["items"]] == [reference]
    assert forum.post(f"/forum/disputes/{reference}", {"conclusion": "Avgjort."}).json == {
        "reference": reference, "status": "closed", "outcome": "settled_in_forum"}
    assert forum.get("/forum/disputes").json["items"] == []


def test_filing_social_care_to_the_region_is_refused(api, people):
    response = api(people["reporter"]).post("/cases", valid_case(activity="social_care"))
    assert response.status_code == 422 and list(response.json["errors"]) == ["activity"]
