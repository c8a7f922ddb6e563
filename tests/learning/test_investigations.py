"""Joint investigations: who opens them, who takes part, what participants read (and
that the read is logged as through the investigation), the händelseanalys parts, the
lead's approval, the PDF, the deadline clock and the webhook events."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from avvikelse.audit.models import AccessLog
from avvikelse.core import outbox
from avvikelse.core.errors import Forbidden, ValidationFailed
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.learning import clocks
from avvikelse.learning.enums import InvestigationStatus
from avvikelse.learning.models import Investigation
from avvikelse.notifications.models import Notice
from tests.fixtures.factories import TEST_PNR
from tests.integrations.test_webhooks import receiver  # noqa: F401  (fixture)


def _open(api, people, case, **body):
    body = {"cases": [case.reference], "joint": True, "participants": ["handlaggare.region"]} | body
    response = api(people["chefslakare"]).post("/investigations", body)
    outbox.drain()
    return response


def test_an_overseer_opens_a_joint_investigation_and_the_other_side_names_its_own(api, people, answered):
    case = answered()
    response = _open(api, people, case)
    assert response.status_code == 201, response.json
    inv_id = response.json["id"]
    assert response.json["status"] == "draft" and response.json["joint"] is True
    assert response.json["lead_organisation"] == "23"
    assert {p["username"] for p in response.json["participants"]} == {"chefslakare", "handlaggare.region"}

    # The region cannot name Krokom's people; Krokom's MAS can.
    refused = api(people["chefslakare"]).post(f"/investigations/{inv_id}/participants",
                                              {"participants": ["handlaggare.krokom"]})
    assert refused.status_code == 422
    added = api(people["mas"]).post(f"/investigations/{inv_id}/participants",
                                    {"participants": ["handlaggare.krokom"]})
    assert added.status_code == 200, added.json
    assert "handlaggare.krokom" in {p["username"] for p in added.json["participants"]}
    assert api(people["mas"]).get(f"/investigations/{inv_id}").status_code == 200


def test_only_overseers_open_and_only_their_own_cases(api, people, answered):
    case = answered()
    assert api(people["receiver_handler"]).post(
        "/investigations", {"cases": [case.reference]}).status_code == 403
    refused = api(people["stranger"]).post("/investigations", {"cases": [case.reference]})
    assert refused.status_code == 422 and "cases" in refused.json["errors"]


def test_not_joint_the_other_side_cannot_name_participants_nor_see_it(api, people, answered):
    case = answered()
    inv_id = _open(api, people, case, joint=False).json["id"]
    assert api(people["mas"]).get(f"/investigations/{inv_id}").status_code == 404
    assert api(people["mas"]).post(f"/investigations/{inv_id}/participants",
                                   {"participants": ["handlaggare.krokom"]}).status_code == 404
    assert api(people["stranger"]).get(f"/investigations/{inv_id}").status_code == 404


def test_a_participant_reads_covered_cases_through_it_logged_and_the_access_ends(
        api, people, make_user, answered):
    case = answered()
    # A region handler with no unit of the case: the case is not theirs to see.
    outsider = make_user("23", ["handler"], units=["23-OSD-GER"], username="deltagare.region")
    db.session.commit()
    assert api(outsider).get(f"/cases/{case.reference}").status_code == 404
    inv_id = _open(api, people, case, participants=["deltagare.region"]).json["id"]

    read = api(outsider).get(f"/cases/{case.reference}")
    assert read.status_code == 200, read.json
    logged = db.session.scalars(select(AccessLog).where(
        AccessLog.user_id == outsider.id, AccessLog.case_id == case.id)).all()
    assert logged and all(row.via_investigation_id == inv_id for row in logged)
    # Others still get 404.
    assert api(people["stranger"]).get(f"/cases/{case.reference}").status_code == 404

    inv = db.session.get(Investigation, inv_id)
    from avvikelse.learning import investigations
    investigations.close(people["chefslakare"], inv, "Utreds i ett annat ärende.", now_utc())
    db.session.commit()
    assert api(outsider).get(f"/cases/{case.reference}").status_code == 404


def test_the_parts_the_review_and_the_approved_report(api, people, answered, client, login):
    from avvikelse.learning import investigations

    case = answered()
    inv_id = _open(api, people, case).json["id"]
    inv = db.session.get(Investigation, inv_id)
    writer, lead, now = people["receiver_handler"], people["chefslakare"], now_utc()
    # Nothing is approved before every part is written and the draft handed in.
    missing = investigations.missing_parts(inv)
    assert set(missing) == {"timeline", "factors", "root_causes", "conclusion"}
    investigations.add_timeline(writer, inv, now - timedelta(days=2), "Patienten skrevs ut på fredagen.", now)
    clause = investigations.clauses_for(inv)[0].code  # the agreement version the case was filed under
    investigations.add_factor(writer, inv, "handover", clause, "Meddelandet gick till fel enhet.", now)
    investigations.add_root_cause(writer, inv, "Ingen rutin för utskrivning på helger.", now)
    investigations.set_conclusion(writer, inv, "En gemensam helgrutin behövs.", now)
    investigations.submit(writer, inv, now)
    db.session.commit()
    assert inv.status is InvestigationStatus.REVIEW
    # Only the lead approves.
    with pytest.raises(Forbidden, match="leder"):
        investigations.approve(writer, inv, now)
    investigations.approve(lead, inv, now)
    db.session.commit()
    outbox.drain()
    assert inv.status is InvestigationStatus.APPROVED

    login(lead)
    page = client.get(f"/utredningar/{inv_id}")
    assert page.status_code == 200 and "Slutrapporten godkänd" in page.get_data(as_text=True)
    pdf = client.get(f"/utredningar/{inv_id}/rapport.pdf")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"


def test_a_personnummer_is_refused_in_every_part(api, people, answered):
    from avvikelse.learning import investigations

    case = answered()
    inv = db.session.get(Investigation, _open(api, people, case).json["id"])
    with pytest.raises(ValidationFailed) as refused:
        investigations.add_root_cause(people["chefslakare"], inv, f"Patient {TEST_PNR} föll.", now_utc())
    assert "text" in refused.value.errors


def test_the_deadline_reminds_then_escalates(api, people, answered, app):
    case = answered()
    inv_id = _open(api, people, case).json["id"]
    inv = db.session.get(Investigation, inv_id)
    assert inv.due_on - inv.opened_at.date() == timedelta(weeks=app.config["INVESTIGATION_DUE_WEEKS"])
    inv.due_on = now_utc().date() - timedelta(days=app.config["INVESTIGATION_OVERDUE_ESCALATION_DAYS"] + 1)
    db.session.commit()
    result = clocks.run_pass(now_utc())
    outbox.drain()
    assert result.steps["investigation.overdue"] == 1
    texts = db.session.scalars(select(Notice.text).where(Notice.user_id == people["chefslakare"].id)).all()
    assert any("försenad" in t for t in texts)
    # Once only.
    assert clocks.run_pass(now_utc()).steps["investigation.overdue"] == 0


def test_the_decision_step_investigation_started_opens_one(people, new_case):
    from avvikelse.escalation import services
    from avvikelse.escalation.decisions import DecisionInput, decide
    from tests.escalation.conftest import escalations

    case = new_case(consequence=3)  # serious: escalated to both sides' overseers
    chef = people["chefslakare"]
    (esc,) = [e for e in escalations(case) if e.organisation.code == "23"]
    services.acknowledge(chef, esc, now_utc())
    decide(chef, esc, DecisionInput("investigation", step="investigating"), now_utc())
    db.session.commit()
    outbox.drain()
    (inv,) = db.session.scalars(select(Investigation)).all()
    assert inv.cases == [case] and inv.lead_id == chef.id and inv.status is InvestigationStatus.DRAFT
    assert db.session.scalar(select(Notice.id).where(Notice.user_id == chef.id,
                                                      Notice.link == f"/utredningar/{inv.id}"))


def test_webhooks_hear_an_investigation_open_and_approve_with_ids_only(api, people, answered, receiver):
    from avvikelse.integrations import webhooks
    from avvikelse.learning import investigations

    case = answered()
    webhooks.register(people["admin"], receiver.url, "Journal")  # the region's systems
    db.session.commit()
    inv_id = _open(api, people, case, title="Utskrivning utan meddelande").json["id"]
    inv = db.session.get(Investigation, inv_id)
    writer, now = people["receiver_handler"], now_utc()
    investigations.add_timeline(writer, inv, now - timedelta(days=1), "Meddelandet kom inte fram.", now)
    clause = investigations.clauses_for(inv)[0].code
    investigations.add_factor(writer, inv, "communication", clause, "Fel mottagare.", now)
    investigations.add_root_cause(writer, inv, "Ingen rutin.", now)
    investigations.set_conclusion(writer, inv, "En rutin behövs.", now)
    investigations.submit(writer, inv, now)
    investigations.approve(people["chefslakare"], inv, now)
    db.session.commit()
    outbox.drain()
    assert receiver.events() == ["investigation.opened", "investigation.approved"]
    body = receiver.requests[-1]["body"].decode()
    assert json.loads(body)["data"]["id"] == inv_id
    assert json.loads(body)["data"]["cases"] == [case.reference]
    assert "Utskrivning utan meddelande" not in body and "rutin" not in body
