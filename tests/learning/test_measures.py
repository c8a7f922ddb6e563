"""Measures followed to the end: answer measures become planned ones, new ones from a
case or an investigation, their statuses, the effect check, the patient informed, the
organisation's list, reminders and the overdue escalation, and the webhook events."""
import json
from datetime import timedelta

from sqlalchemy import select

from avvikelse.cases.enums import MeasureStatus
from avvikelse.cases.models import Measure
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.integrations import webhooks
from avvikelse.learning import clocks
from avvikelse.notifications.models import Notice
from tests.fixtures.factories import TEST_PNR
from tests.integrations.test_webhooks import receiver  # noqa: F401  (fixture)


def _day(days: int) -> str:
    return (now_utc().date() + timedelta(days=days)).isoformat()


def test_an_answers_measure_is_planned_and_followed_to_effect_confirmed(api, people, answered):
    case = answered()
    (row,) = api(people["receiver_handler"]).get(f"/cases/{case.reference}").json["answer"]["measures"]
    assert row["status"] == "planned" and row["owner_organisation"] == "23"
    handler = api(people["receiver_handler"])
    started = handler.post(f"/measures/{row['id']}", {"status": "in_progress"})
    assert started.status_code == 200 and started.json["status"] == "in_progress"
    # The effect is checked once the measure is done, with both the day and the result.
    early = handler.post(f"/measures/{row['id']}", {"effect_checked_on": _day(0), "effect": "Inga fler fel."})
    assert early.status_code == 422 and "effect_checked_on" in early.json["errors"]
    done = handler.post(f"/measures/{row['id']}", {"status": "done", "patient_informed_on": _day(0)})
    assert done.status_code == 200 and done.json["done_on"] == _day(0)
    assert done.json["patient_informed_on"] == _day(0)
    half = handler.post(f"/measures/{row['id']}", {"effect_checked_on": _day(0)})
    assert half.status_code == 422 and "effect" in half.json["errors"]
    checked = handler.post(f"/measures/{row['id']}", {"effect_checked_on": _day(0), "effect": "Inga fler fel."})
    assert checked.status_code == 200 and checked.json["effect"] == "Inga fler fel."
    # The sender sees it on the case, and may not change it.
    assert api(people["sender_handler"]).post(f"/measures/{row['id']}", {"status": "planned"}).status_code == 403


def test_not_done_needs_its_reason(api, people, answered):
    case = answered()
    (row,) = api(people["receiver_handler"]).get(f"/cases/{case.reference}").json["answer"]["measures"]
    handler = api(people["receiver_handler"])
    refused = handler.post(f"/measures/{row['id']}", {"status": "not_done"})
    assert refused.status_code == 422 and "note" in refused.json["errors"]
    ok = handler.post(f"/measures/{row['id']}", {"status": "not_done", "note": "Ersätts av en ny rutin."})
    assert ok.status_code == 200 and ok.json["note"] == "Ersätts av en ny rutin."


def test_a_case_measure_is_for_the_own_organisation_and_planned(api, people, answered):
    case = answered()
    handler = api(people["sender_handler"])
    body = {"text": "Genomgång med nattpersonalen", "owner": "Enhetschef", "owner_organisation": "2309",
            "owner_user": "mas.krokom", "due_on": _day(14)}
    made = handler.post(f"/cases/{case.reference}/measures", body)
    assert made.status_code == 201, made.json
    assert made.json["status"] == "planned" and isinstance(made.json["id"], int)
    assert made.json["owner_user"] == "mas.krokom" and made.json["case"] == case.reference
    other = handler.post(f"/cases/{case.reference}/measures", body | {"owner_organisation": "23",
                                                                      "owner_user": None})
    assert other.status_code == 422 and "owner_organisation" in other.json["errors"]
    past = handler.post(f"/cases/{case.reference}/measures", body | {"due_on": _day(-1)})
    assert past.status_code == 422 and "due_on" in past.json["errors"]
    pnr = handler.post(f"/cases/{case.reference}/measures", body | {"text": f"Ring {TEST_PNR}"})
    assert pnr.status_code == 422 and "text" in pnr.json["errors"]
    assert api(people["stranger"]).post(f"/cases/{case.reference}/measures", body).status_code == 404


def test_an_investigation_decides_measures_for_either_side(api, people, answered):
    case = answered()
    inv_id = api(people["chefslakare"]).post(
        "/investigations", {"cases": [case.reference], "joint": True, "participants": []}).json["id"]
    made = api(people["chefslakare"]).post(f"/investigations/{inv_id}/measures", {
        "text": "Gemensam helgrutin", "owner": "MAS", "owner_organisation": "2309", "due_on": _day(30)})
    assert made.status_code == 201, made.json
    assert made.json["investigation"] == inv_id and made.json["owner_organisation"] == "2309"
    # Not a participant: refused.
    assert api(people["receiver_handler"]).post(f"/investigations/{inv_id}/measures", {
        "text": "x", "owner": "y", "due_on": _day(3)}).status_code == 404


def test_the_list_is_the_callers_organisations_by_status(api, people, answered):
    case = answered()
    (row,) = api(people["receiver_handler"]).get(f"/cases/{case.reference}").json["answer"]["measures"]
    measure = db.session.get(Measure, row["id"])
    measure.due_on = now_utc().date() - timedelta(days=2)
    db.session.commit()
    region = api(people["receiver_handler"])
    overdue = region.get("/measures", status="overdue")
    assert overdue.status_code == 200 and [m["id"] for m in overdue.json["items"]] == [row["id"]]
    assert overdue.json["items"][0]["overdue"] is True
    assert region.get("/measures", status="done").json["items"] == []
    # Krokom's list holds none of the region's.
    assert api(people["sender_handler"]).get("/measures", status="overdue").json["items"] == []
    assert region.get("/measures", status="soon").status_code == 422
    assert api(people["reporter"]).get("/measures").status_code == 403


def test_reminders_then_the_overdue_escalation_to_the_owner_organisations_overseers(
        api, people, answered, app, receiver):
    case = answered()
    webhooks.register(people["admin"], receiver.url, "Journal")  # the region's systems
    db.session.commit()
    (row,) = api(people["receiver_handler"]).get(f"/cases/{case.reference}").json["answer"]["measures"]
    measure = db.session.get(Measure, row["id"])
    measure.due_on = now_utc().date()
    db.session.commit()
    assert clocks.run_pass(now_utc()).steps["measure.reminder_due"] == 1
    outbox.drain()
    reminded = db.session.scalars(select(Notice).where(Notice.link == f"/atgarder/{measure.id}")).all()
    assert reminded and "i dag" in reminded[0].text

    measure.due_on = now_utc().date() - timedelta(days=app.config["MEASURE_OVERDUE_ESCALATION_DAYS"] + 1)
    db.session.commit()
    assert clocks.run_pass(now_utc()).steps["measure.overdue"] == 1
    outbox.drain()
    told = {n.user_id for n in db.session.scalars(select(Notice).where(
        Notice.link == f"/atgarder/{measure.id}", Notice.text.contains("eskalerats")))}
    assert people["chefslakare"].id in told
    assert receiver.events() == ["measure.overdue"]
    body = receiver.requests[0]["body"]
    assert json.loads(body)["data"]["id"] == measure.id
    assert "Ny rutin" not in body.decode() and "Enhetschef" not in body.decode()
    assert db.session.get(Measure, measure.id).status is MeasureStatus.PLANNED
