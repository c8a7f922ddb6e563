"""Serious cases: chefsläkare and MAS at once, acknowledgement within a working day,
else told again with their deputies; decisions by the rules of IVO and the agreement."""
from datetime import date

import pytest

from avvikelse.core.errors import NotFound, TransitionRefused, ValidationFailed
from avvikelse.escalation import services
from avvikelse.escalation.models import Decision, Trigger
from avvikelse.escalation.decisions import DecisionInput, decide
from avvikelse.extensions import db
from tests.escalation.conftest import escalations, local, told

FRIDAY = local(2026, 3, 6, 10, 0)
OPEN_TEXT = "Allvarlig avvikelse: kvittera eskaleringen senast 2026-03-09"
AGAIN_TEXT = "Påminnelse: en eskalering väntar fortfarande på kvittens"


@pytest.fixture
def serious(clock, new_case):
    clock.set(FRIDAY)
    return new_case(consequence=3)  # Krokom reports about the region


def by_org(case):
    return {e.organisation.code: e for e in escalations(case)}


def test_routing_a_serious_case_escalates_to_both_sides_at_once(serious, people, make_user):
    esc = by_org(serious)
    assert {code: (e.role.value, e.trigger) for code, e in esc.items()} == {
        "2309": ("mas", Trigger.SERIOUS), "23": ("chefslakare", Trigger.SERIOUS)}
    assert esc["23"].opened_at == FRIDAY and esc["23"].ack_due_at == local(2026, 3, 9, 10, 0)
    assert told(people["chefslakare"]) == [OPEN_TEXT]
    assert told(people["mas"]) == [OPEN_TEXT]
    assert told(people["stranger"]) == []  # Östersund's MAS: not involved
    notes = [r.note for r in serious.history if r.action == "escalation_opened"]
    assert notes == [
        "Eskalerat till MAS i Krokoms kommun: allvarlig avvikelse.",
        "Eskalerat till chefsläkare i Region Jämtland Härjedalen: allvarlig avvikelse.",
    ]


def test_a_case_that_is_not_serious_is_not_escalated(clock, new_case):
    clock.set(FRIDAY)
    assert escalations(new_case(consequence=2, probability=3)) == []


def test_unacknowledged_after_one_working_day_told_again_with_deputies(
    clock, tick, new_case, people, make_user
):
    # Deputies who hold the role themselves, as standing deputies of the holders: told only
    # when the holder is late (what the old is_deputy flag did).
    deputy = make_user("23", ["chefslakare"], units=[], username="chefslakare.ers")
    mas_deputy = make_user("2309", ["mas"], units=[], username="mas.ers")
    people["chefslakare"].standing_deputy, people["mas"].standing_deputy = deputy, mas_deputy
    db.session.commit()
    clock.set(FRIDAY)
    case = new_case(serious=True)
    chef, mas = people["chefslakare"], people["mas"]
    assert told(deputy) == []  # deputies only when the holder is late
    services.acknowledge(mas, by_org(case)["2309"], local(2026, 3, 6, 11, 0))
    db.session.commit()

    for moment in (local(2026, 3, 7, 12, 0), local(2026, 3, 8, 12, 0), local(2026, 3, 9, 9, 59)):
        assert tick(moment).renotified == 0  # the weekend does not count
    result = tick(local(2026, 3, 9, 10, 0))
    tick(local(2026, 3, 9, 10, 15))
    tick(local(2026, 3, 12, 10, 15))
    assert result.renotified == 1
    assert told(chef) == [OPEN_TEXT, AGAIN_TEXT]
    assert told(deputy) == [AGAIN_TEXT]
    assert told(mas) == [OPEN_TEXT] and told(mas_deputy) == []  # acknowledged in time


def test_deputies_stand_in_when_there_is_no_holder(clock, new_case, make_user, people):
    deputy = make_user("2309", ["mas"], units=[], username="mas.ers")
    people["mas"].standing_deputy = deputy
    people["mas"].active = False
    db.session.commit()
    clock.set(FRIDAY)
    new_case(serious=True)
    assert told(deputy) == [OPEN_TEXT]


def test_redirect_opens_for_the_new_receiver_only(clock, new_case, act, people, make_user):
    ostersund_mas = people["stranger"]
    clock.set(FRIDAY)
    case = new_case(serious=True)
    act(people["receiver_handler"], case, "redirect", organisation="2380", note="Fel huvudman")
    assert sorted(by_org(case)) == ["23", "2309", "2380"]
    assert told(people["mas"]) == [OPEN_TEXT]  # not told twice about the same case
    assert OPEN_TEXT in told(ostersund_mas)


# --------------------------------------------------------------------------- decisions


def acknowledged(user, esc):
    return services.acknowledge(user, esc, local(2026, 3, 6, 12, 0))


def test_receiver_records_lex_maria_with_ivo_reference(serious, people):
    chef, esc = people["chefslakare"], by_org(serious)["23"]
    with pytest.raises(TransitionRefused, match="Kvittera eskaleringen innan"):
        decide(chef, esc, DecisionInput("investigation"), local(2026, 3, 6, 12, 0))
    acknowledged(chef, esc)
    with pytest.raises(TransitionRefused, match="redan kvitterad"):
        acknowledged(chef, esc)
    with pytest.raises(ValidationFailed) as failed:
        decide(chef, esc, DecisionInput("lex_maria"), local(2026, 3, 10, 12, 0))
    # Reported to IVO: the date is required; IVO's diarienummer may come later.
    assert failed.value.errors == {"reported_on": ["Ange vilket datum anmälan gjordes till IVO."]}
    with pytest.raises(ValidationFailed) as failed:
        decide(chef, esc, DecisionInput("lex_maria", date(2026, 3, 11), "3.5.1-1234/2026"),
                        local(2026, 3, 10, 12, 0))
    assert failed.value.errors == {"reported_on": ["Anmälningsdatumet kan inte ligga i framtiden."]}
    decide(chef, esc, DecisionInput("lex_maria", date(2026, 3, 10), "3.5.1-1234/2026"),
                    local(2026, 3, 10, 12, 0))
    assert (esc.decision, esc.reported_on, esc.ivo_reference) == (
        Decision.LEX_MARIA, date(2026, 3, 10), "3.5.1-1234/2026")
    assert serious.history[-1].note == (
        "chefsläkare i Region Jämtland Härjedalen: Lex Maria, avslutad, "
        "anmäld 2026-03-10, IVO dnr 3.5.1-1234/2026.")
    # Concluded in one step (the default): a further step is refused; a wrong one is corrected.
    with pytest.raises(TransitionRefused, match="Eskaleringen är avslutad"):
        decide(chef, esc, DecisionInput("none", reason="x"), local(2026, 3, 10, 13, 0))


def test_the_other_side_may_not_report_to_ivo_but_may_investigate(serious, people):
    mas, esc = people["mas"], by_org(serious)["2309"]  # Krokom sent the case: not its activity
    acknowledged(mas, esc)
    for decision in ("lex_maria", "lex_sarah"):
        with pytest.raises(TransitionRefused, match="vars verksamhet ärendet gäller"):
            decide(mas, esc, DecisionInput(decision, date(2026, 3, 6), "3.5.1-1/2026"),
                            local(2026, 3, 6, 13, 0))
    decide(mas, esc, DecisionInput("investigation"), local(2026, 3, 6, 13, 0))
    assert esc.decision is Decision.INVESTIGATION


def test_lex_sarah_is_the_kommuns_sas_not_the_mas(clock, new_case, make_user, people):
    """Lex Sarah (social services, SoL/LSS) belongs to the SAS: a MAS's is refused (409)."""
    region_reporter = make_user("23", [], units=["23-OSD-MED"], username="rapportor.region")
    sas = make_user("2309", ["sas"], units=[], username="sas.krokom")
    clock.set(FRIDAY)
    health = new_case(reporter=region_reporter, receiver_organisation="2309", serious=True)
    acknowledged(people["mas"], by_org(health)["2309"])
    with pytest.raises(TransitionRefused, match="registreras av SAS"):
        decide(people["mas"], by_org(health)["2309"], DecisionInput("lex_sarah", date(2026, 3, 6)),
               local(2026, 3, 6, 13, 0))
    social = new_case(reporter=region_reporter, receiver_organisation="2309", serious=True,
                      activity="social_care")
    kommun = by_org(social)["2309"]
    assert kommun.role.value == "sas"
    acknowledged(sas, kommun)
    decide(sas, kommun, DecisionInput("lex_sarah", date(2026, 3, 6)), local(2026, 3, 6, 13, 0))
    assert kommun.decision is Decision.LEX_SARAH and kommun.ivo_reference is None


def test_lex_sarah_is_refused_to_a_region(clock, new_case, make_user, people):
    # A kommun reporting about the region: the region is the receiver, but Lex Sarah
    # concerns social services, which a region does not run.
    clock.set(FRIDAY)
    case = new_case(serious=True)
    chef, esc = people["chefslakare"], by_org(case)["23"]
    acknowledged(chef, esc)
    with pytest.raises(TransitionRefused, match="Lex Sarah gäller kommunens socialtjänst"):  # not SAS
        decide(chef, esc, DecisionInput("lex_sarah", date(2026, 3, 6)), local(2026, 3, 6, 13, 0))


def test_no_action_needs_a_reason(serious, people):
    chef, esc = people["chefslakare"], by_org(serious)["23"]
    acknowledged(chef, esc)
    with pytest.raises(ValidationFailed) as failed:
        decide(chef, esc, DecisionInput("none"), local(2026, 3, 6, 13, 0))
    assert failed.value.errors == {"reason": ["Skriv varför ingen anmälan eller utredning görs."]}
    with pytest.raises(ValidationFailed):
        decide(chef, esc, DecisionInput("maybe"), local(2026, 3, 6, 13, 0))


def test_only_the_role_in_that_organisation_acts(serious, people, make_user):
    esc = by_org(serious)["23"]
    with pytest.raises(TransitionRefused, match="Bara chefsläkare i Region Jämtland Härjedalen"):
        acknowledged(people["receiver_handler"], esc)  # sees the case, is not chefsläkare
    with pytest.raises(TransitionRefused):
        acknowledged(people["mas"], esc)  # the other side sees it, does not act on it
    with pytest.raises(NotFound):
        acknowledged(people["stranger"], esc)  # Östersund: not even told it exists
    deputy = make_user("23", ["chefslakare"], units=[], username="chefslakare.ers")
    people["chefslakare"].standing_deputy = deputy
    acknowledged(deputy, esc)  # a standing deputy who holds the role acts as any holder
    assert esc.acknowledged_by == deputy
