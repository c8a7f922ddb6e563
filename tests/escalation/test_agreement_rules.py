"""The agreement's rules as MAS, SAS and chefsläkare apply them: who decides what, a
decision as steps, disputes settled in the forum, the clocks around them, complaints."""
import logging
from datetime import date

import pytest

from avvikelse.accounts.models import Role
from avvikelse.cases.enums import Outcome, Status
from avvikelse.core.errors import TransitionRefused, ValidationFailed
from avvikelse.escalation import services
from avvikelse.escalation.decisions import DecisionInput, correct, decide
from avvikelse.escalation.models import Decision, Step, Trigger
from avvikelse.extensions import db
from tests.api.conftest import api, valid_answer  # noqa: F401  (fixture)
from tests.escalation.conftest import escalations, local, told

MONDAY = local(2026, 3, 2, 9, 0)


def by_org(case):
    return {e.organisation.code: e for e in escalations(case)}


@pytest.fixture
def sas(make_user):
    user = make_user("2309", ["sas"], units=[], username="sas.krokom")
    db.session.commit()
    return user


@pytest.fixture
def region_reporter(make_user):
    return make_user("23", [], units=["23-OSD-MED"], username="rapportor.region")


def _social(new_case, region_reporter, **kw):
    """The region reports about Krokom's social services (hemtjänst)."""
    return new_case(reporter=region_reporter, receiver_organisation="2309", activity="social_care",
                    consequence=3, **kw)


# -- who decides what ------------------------------------------------------------------------

def test_a_serious_social_care_case_goes_to_the_kommuns_sas_and_informs_the_chefslakare(
        clock, new_case, region_reporter, sas, people):
    clock.set(MONDAY)
    case = _social(new_case, region_reporter)
    assert {(code, e.role) for code, e in by_org(case).items()} == {("2309", Role.SAS)}
    assert any("Allvarlig avvikelse" in t for t in told(sas))
    assert not any("Allvarlig" in t for t in told(people["mas"]))
    assert told(people["chefslakare"]) == ["Allvarlig avvikelse inom kommunens socialtjänst: för kännedom"]


def test_social_care_is_the_kommuns_only(api, people):  # noqa: F811
    from tests.api.conftest import valid_case

    response = api(people["reporter"]).post("/cases", valid_case(activity="social_care"))
    assert response.status_code == 422 and "activity" in response.json["errors"]


def test_a_kommun_without_a_sas_falls_back_to_a_named_person_never_to_nobody(
        app, clock, new_case, region_reporter, people, caplog):
    clock.set(MONDAY)
    with caplog.at_level(logging.ERROR):
        case = _social(new_case, region_reporter)
    assert "reaches nobody" in caplog.text  # and nobody in Krokom was told
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["escalation", "fallback", "2309", "sas", people["chefslakare"].username])
    assert refused.exit_code != 0 and "samma organisation" in refused.output
    assert cli.invoke(args=["escalation", "fallback", "9999", "sas", "mas.krokom"]).exit_code == 2
    named = cli.invoke(args=["escalation", "fallback", "2309", "sas", people["mas"].username])
    assert named.exit_code == 0, named.output
    caplog.clear()
    second = _social(new_case, region_reporter)
    assert "reaches nobody" not in caplog.text
    assert by_org(second)["2309"].role is Role.SAS
    assert told(people["mas"])[-1].startswith("Allvarlig avvikelse: kvittera")
    assert by_org(case)["2309"].role is Role.SAS


def test_reclassifying_the_activity_moves_the_open_escalation(clock, new_case, region_reporter,
                                                             sas, people, act):
    clock.set(MONDAY)
    case = new_case(reporter=region_reporter, receiver_organisation="2309", consequence=3)
    assert by_org(case)["2309"].role is Role.MAS
    act(people["mas"], case, "reclassify", activity="social_care", note="Gäller hemtjänsten.")
    assert by_org(case)["2309"].role is Role.SAS
    assert told(sas)[-1] == "Ärendet har klassificerats om och eskaleringen flyttats till er"
    assert case.history[-2].action == "reclassify" and "hälso- och sjukvård" in case.history[-2].note
    assert case.history[-1].action == "escalation_moved"


def test_a_reclassified_serious_case_escalates_then(clock, new_case, people, act):
    clock.set(MONDAY)
    case = new_case(consequence=1, probability=2)
    assert escalations(case) == []
    with pytest.raises(ValidationFailed) as failed:
        act(people["receiver_handler"], case, "reclassify", consequence=3)
    assert failed.value.errors == {"reason": ["Skriv varför ärendet klassificeras om."]}
    act(people["receiver_handler"], case, "reclassify", consequence=3, note="Fallet ledde till fraktur.")
    assert case.serious and case.risk == 6
    assert set(by_org(case)) == {"2309", "23"}


def test_a_handler_escalates_by_hand_with_a_reason(clock, new_case, people, act):
    clock.set(MONDAY)
    case = new_case()
    act(people["receiver_handler"], case, "escalate", note="Tredje gången samma brist.")
    (esc,) = escalations(case)
    assert (esc.organisation.code, esc.role, esc.trigger) == ("23", Role.CHEFSLAKARE, Trigger.MANUAL)
    with pytest.raises(TransitionRefused, match="eskaleras av mottagarens handläggare"):
        act(people["reporter"], case, "escalate", note="Vill också.")


# -- a decision is a process of steps ---------------------------------------------------------

def test_lex_maria_in_steps_with_the_ivo_number_arriving_later(clock, new_case, people):
    clock.set(MONDAY)
    case = new_case(consequence=3)
    chef, esc = people["chefslakare"], by_org(case)["23"]
    services.acknowledge(chef, esc, local(2026, 3, 2, 10, 0))
    decide(chef, esc, DecisionInput("investigation", step="investigating"), local(2026, 3, 2, 11, 0))
    decide(chef, esc, DecisionInput("lex_maria", step="investigating"), local(2026, 3, 9, 9, 0))
    decide(chef, esc, DecisionInput("lex_maria", date(2026, 3, 20), step="reported"), local(2026, 3, 20, 9, 0))
    assert esc.concluded_at is None and esc.ivo_reference is None and esc.reported_on == date(2026, 3, 20)
    decide(chef, esc, DecisionInput("lex_maria", ivo_reference="3.5.1-4711/2026", step="reported"),
           local(2026, 4, 2, 9, 0))
    decide(chef, esc, DecisionInput("lex_maria", step="concluded", reason="Anmäld och utredd."),
           local(2026, 5, 4, 9, 0))
    assert [(s.decision, s.step) for s in esc.steps] == [
        (Decision.INVESTIGATION, Step.INVESTIGATING), (Decision.LEX_MARIA, Step.INVESTIGATING),
        (Decision.LEX_MARIA, Step.REPORTED), (Decision.LEX_MARIA, Step.REPORTED),
        (Decision.LEX_MARIA, Step.CONCLUDED)]
    assert (esc.reported_on, esc.ivo_reference) == (date(2026, 3, 20), "3.5.1-4711/2026")
    assert esc.concluded_at == local(2026, 5, 4, 9, 0)
    with pytest.raises(TransitionRefused, match="avslutad"):
        decide(chef, esc, DecisionInput("none", reason="x"), local(2026, 5, 5, 9, 0))


def test_a_wrong_step_is_corrected_with_a_reason_and_both_are_kept(clock, new_case, people):
    clock.set(MONDAY)
    case = new_case(consequence=3)
    chef, esc = people["chefslakare"], by_org(case)["23"]
    services.acknowledge(chef, esc, MONDAY)
    decide(chef, esc, DecisionInput("none", reason="Ingen skada."), local(2026, 3, 3, 9, 0))
    wrong = esc.steps[-1]
    assert esc.concluded_at is not None
    with pytest.raises(ValidationFailed, match="varför"):
        correct(chef, esc, wrong.id, DecisionInput("", reason=None), local(2026, 3, 4, 9, 0))
    correct(chef, esc, wrong.id, DecisionInput("investigation", step="investigating",
                                               reason="Fel beslut registrerat."), local(2026, 3, 4, 9, 0))
    assert [s.corrects_id for s in esc.steps] == [None, wrong.id]
    assert wrong.corrected_by is esc.steps[-1]
    assert esc.decision is Decision.INVESTIGATION and esc.concluded_at is None  # open again
    assert case.history[-1].action == "escalation_corrected"


def test_an_investigation_not_reported_is_reminded_two_months_after_the_event(clock, tick, new_case, people):
    clock.set(MONDAY)
    case = new_case(consequence=3, occurred_at=local(2026, 3, 1, 12, 0))
    chef, esc = people["chefslakare"], by_org(case)["23"]
    services.acknowledge(chef, esc, MONDAY)
    decide(chef, esc, DecisionInput("lex_maria", step="investigating"), MONDAY)
    db.session.commit()
    assert tick(local(2026, 4, 29, 12, 0)).report_reminders == 0
    assert tick(local(2026, 4, 30, 13, 0)).report_reminders == 1
    assert tick(local(2026, 5, 30, 13, 0)).report_reminders == 0  # once
    assert told(chef)[-1] == "Påminnelse: Lex Maria utreds men är inte anmäld till IVO"


def test_the_senders_overseer_opens_its_own_side_and_may_report(clock, new_case, people, act):
    clock.set(MONDAY)
    case = new_case()  # Krokom reports about the region
    act(people["mas"], case, "escalate", note="Vår egen hemsjukvård bidrog: fel dos gavs.")
    esc = by_org(case)["2309"]
    assert (esc.role, esc.trigger) == (Role.MAS, Trigger.OWN_ACTIVITY)
    services.acknowledge(people["mas"], esc, MONDAY)
    decide(people["mas"], esc, DecisionInput("lex_maria", date(2026, 3, 2)), MONDAY)
    assert esc.decision is Decision.LEX_MARIA


# -- direct contact (§8.1) --------------------------------------------------------------------

def test_the_filer_of_a_serious_case_is_shown_whom_to_call_and_records_it(
        clock, new_case, people, client, login, act):
    from avvikelse.directory.models import OnDutyContact

    db.session.add(OnDutyContact(organisation_id=people["chefslakare"].organisation_id,
                                 role="chefslakare", label="Tjänstgörande chefsläkare",
                                 phone="063-14 70 00", hours="dygnet runt"))
    db.session.commit()
    clock.set(MONDAY)
    case = new_case(consequence=4)
    login(people["reporter"])
    page = client.get(f"/arenden/{case.reference}").get_data(as_text=True)
    assert "ta direktkontakt nu" in page and "063-14 70 00" in page
    act(people["reporter"], case, "direct_contact", with_whom="Tjänstgörande chefsläkare",
        at=local(2026, 3, 2, 8, 55))
    page = client.get(f"/arenden/{case.reference}").get_data(as_text=True)
    assert "ta direktkontakt nu" not in page and "Tjänstgörande chefsläkare" in page
    assert case.history[-1].action == "direct_contact"


# -- disputes, clocks and closing -------------------------------------------------------------

def _answered_twice(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    act(people["reporter"], case, "dispute", note="Stämmer inte.")
    act(people["receiver_handler"], case, "answer")
    return case


def test_after_the_second_answer_the_sender_accepts_or_takes_it_to_the_forum(new_case, people, act, api):  # noqa: F811
    case = _answered_twice(new_case, people, act)
    reporter = api(people["reporter"])
    body = reporter.get(f"/cases/{case.reference}").json
    assert "disagree" in body["available_actions"] and "dispute" not in body["available_actions"]
    assert reporter.act(case.reference, "disagree", reason="Brister kvarstår.").status_code == 200
    assert case.status is Status.IN_FORUM and case.outcome is None
    forum = api(people["forum"])
    listed = forum.get("/forum/disputes").json["items"]
    assert [i["reference"] for i in listed] == [case.reference]
    assert listed[0]["disagreement_reason"] == "Brister kvarstår." and "description" not in listed[0]
    assert api(people["receiver_handler"]).post(f"/forum/disputes/{case.reference}",
                                                {"conclusion": "x"}).status_code == 403
    assert forum.post(f"/forum/disputes/{case.reference}", {}).status_code == 422
    settled = forum.post(f"/forum/disputes/{case.reference}", {"conclusion": "Båda ser över rutinen."})
    assert settled.status_code == 200 and settled.json["outcome"] == "settled_in_forum"
    assert (case.status, case.outcome) == (Status.CLOSED, Outcome.SETTLED_IN_FORUM)
    assert reporter.get(f"/cases/{case.reference}").json["outcome"] == "settled_in_forum"


def test_every_closed_case_has_its_outcome(new_case, people, act):
    accepted = new_case()
    act(people["receiver_handler"], accepted, "acknowledge")
    act(people["receiver_handler"], accepted, "answer")
    act(people["reporter"], accepted, "accept")
    assert (accepted.status, accepted.outcome) == (Status.CLOSED, Outcome.ACCEPTED)
    assert accepted.ended_at == accepted.closed_at is not None


def test_the_second_answer_has_a_clock_with_reminders_and_escalation(clock, tick, new_case, people, act):
    clock.set(MONDAY)
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    clock.set(local(2026, 3, 10, 9, 0))
    act(people["reporter"], case, "dispute", note="Stämmer inte.")
    assert case.due_at == local(2026, 3, 24, 9, 0) and case.clock_started_at == local(2026, 3, 10, 9, 0)
    tick(local(2026, 3, 17, 0, 30))
    assert told(people["receiver_handler"])[-1] == "Påminnelse: svaret ska lämnas senast 2026-03-24"
    tick(local(2026, 3, 31, 9, 30))
    assert by_org(case)["23"].trigger is Trigger.OVERDUE


def test_the_sender_is_reminded_while_the_receiver_waits_for_information(clock, tick, new_case, people, act):
    clock.set(MONDAY)
    case = new_case()
    act(people["receiver_handler"], case, "ask", note="Vilket datum?")
    assert tick(local(2026, 3, 8, 12, 0)).steps["info_reminder"] == 0
    assert tick(local(2026, 3, 9, 9, 30)).steps["info_reminder"] == 1
    tick(local(2026, 3, 12, 9, 30))
    assert told(people["reporter"]).count("Påminnelse: mottagaren väntar sedan 2026-03-02 på er komplettering") == 1


def test_an_answered_case_left_without_reaction_closes_by_itself(clock, new_case, people, act, app):
    clock.set(MONDAY)
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    runner = app.test_cli_runner()
    assert "closed without reaction: 0" in runner.invoke(args=["clocks", "run", "--now", "2026-03-16T08:00"]).output
    output = runner.invoke(args=["clocks", "run", "--now", "2026-03-16T10:00"]).output
    assert "closed without reaction: 1" in output
    from avvikelse.core import outbox

    outbox.drain()
    db.session.expire_all()
    assert (case.status, case.outcome) == (Status.CLOSED, Outcome.CLOSED_WITHOUT_REACTION)
    assert told(people["reporter"])[-1] == "Ärendet har fått status ”Avslutad”"
    assert told(people["receiver_handler"])[-1] == "Ärendet avslutades utan reaktion från avsändaren"


def test_a_redirect_ends_the_old_receivers_escalation_and_opens_the_new_ones(
        clock, new_case, people, act, make_user):
    ostersund_mas = make_user("2380", ["mas"], units=[], username="mas.ost")
    make_user("2380", ["handler"], units=[], username="handlaggare.ost")
    clock.set(MONDAY)
    case = new_case(consequence=3)
    old = by_org(case)["23"]
    act(people["receiver_handler"], case, "redirect", organisation="2380", note="Fel mottagare.")
    assert old.concluded_at is not None and old.steps[-1].reason == "Ärendet skickades till rätt mottagare."
    assert any(r.action == "escalation_ended" for r in case.history)
    assert by_org(case)["2380"].concluded_at is None
    assert any("Allvarlig" in t for t in told(ostersund_mas))


# -- complaints --------------------------------------------------------------------------------

def test_a_complaint_records_who_raised_it_and_its_own_clock(clock, tick, new_case, people, act, api):  # noqa: F811
    from tests.api.conftest import valid_case

    refused = api(people["reporter"]).post("/cases", valid_case(kind="complaint"))
    assert refused.status_code == 422 and "complainant" in refused.json["errors"]
    clock.set(MONDAY)
    case = new_case(kind="complaint", complainant="relative", complainant_contact="Sonen, 070-111 22 33",
                    patient_shared_basis="consent")
    assert case.complaint_reply_due_on == date(2026, 3, 30)
    seen = api(people["receiver_handler"]).get(f"/cases/{case.reference}").json
    assert seen["complainant"] == "relative" and seen["complainant_contact"] == "Sonen, 070-111 22 33"
    assert "070-111" not in str(case.complainant_contact_encrypted)  # encrypted at rest
    clock.set(local(2026, 3, 3, 10, 0))
    act(people["receiver_handler"], case, "acknowledge_complaint", on=date(2026, 3, 3))
    tick(local(2026, 3, 30, 8, 0))
    assert told(people["receiver_handler"])[-1] == "Påminnelse: den som klagat ska ha svar senast 2026-03-30"
    act(people["receiver_handler"], case, "reply_to_complainant", on=date(2026, 3, 30))
    assert (case.complaint_acknowledged_on, case.complainant_replied_on) == (date(2026, 3, 3), date(2026, 3, 30))
