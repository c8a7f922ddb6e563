"""Every transition of the table, its refusals, and the history it writes."""
import pytest

from avvikelse.cases.enums import Status
from avvikelse.cases.services import available_actions, perform
from avvikelse.cases.inputs import ActionInput
from avvikelse.cases.transitions import TRANSITIONS, Action, Side, allowed_from
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import TransitionRefused, ValidationFailed
from avvikelse.notifications.models import Notice
from avvikelse.extensions import db
from sqlalchemy import select


def statuses(case):
    return [(e.action, e.to_status) for e in case.history]


def test_the_table_names_every_action_once_and_every_status_is_reachable():
    assert set(TRANSITIONS) == set(Action)
    targets = {t.target for t in TRANSITIONS.values()} | {Status.SUBMITTED}
    assert targets - {None} == set(Status)
    # From a closed case only what keeps its status: the sender's protection of the patient.
    assert all(t.target is None for t in allowed_from(Status.CLOSED))
    assert {t.action for t in allowed_from(Status.CLOSED)} == {
        Action.UNSHARE_IDENTITY, Action.PROTECT_IDENTITY}


def test_routing_receives_and_starts_the_clock(new_case):
    case = new_case()
    assert case.status is Status.RECEIVED
    assert case.received_at is not None and case.due_at > case.received_at
    assert statuses(case) == [("file", Status.SUBMITTED), ("route", Status.RECEIVED)]


def test_the_happy_path_closes_with_full_history(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    assert case.status is Status.ANSWERED and case.answered_at is not None
    [answer] = case.answers
    assert answer.confirmed.value == "yes" and answer.measures[0].owner == "Enhetschef"
    act(people["reporter"], case, "accept")
    assert case.status is Status.CLOSED and case.closed_at is not None
    assert [a for a, _ in statuses(case)] == ["file", "route", "acknowledge", "answer", "accept"]
    assert case.history[2].actor == people["receiver_handler"]
    assert case.history[1].actor is None  # routing is the system's


def test_ask_and_reply_return_to_where_the_case_was(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "ask", note="Vilken dag?")
    assert case.status is Status.AWAITING_INFO
    act(people["reporter"], case, "reply", note="Tisdag.")
    assert case.status is Status.INVESTIGATING
    assert [m.body for m in case.messages] == ["Vilken dag?", "Tisdag."]


def test_ask_and_reply_need_text(new_case, people, act):
    case = new_case()
    with pytest.raises(ValidationFailed) as exc:
        act(people["receiver_handler"], case, "ask")
    assert exc.value.errors == {"note": ["Skriv vad du behöver veta."]}
    act(people["receiver_handler"], case, "ask", note="Vilken dag?")
    with pytest.raises(ValidationFailed):
        act(people["reporter"], case, "reply", note="")


def test_forward_moves_the_case_to_another_unit_of_the_receiver(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "forward", unit="23-OSD-GER")
    assert case.receiver_unit.code == "23-OSD-GER" and case.status is Status.RECEIVED
    # The geriatrics handler now sees and may act; the unit rule is the policy's.
    assert Action.ACKNOWLEDGE in available_actions(people["unit_handler"], case)


@pytest.mark.parametrize("unit", ["2309-HSJV", "23-NOPE", None])
def test_forward_only_within_the_receiving_organisation(new_case, people, act, unit):
    case = new_case()
    with pytest.raises(ValidationFailed) as exc:
        act(people["receiver_handler"], case, "forward", unit=unit)
    assert "unit" in exc.value.errors


def test_redirect_reroutes_to_the_right_organisation(new_case, people, act, make_user):
    ostersund = make_user("2380", ["handler"], units=[])
    case = new_case()
    act(people["receiver_handler"], case, "redirect", organisation="2380", note="Gäller kommunens hemtjänst.")
    # The redirect is routed anew by the same outbox event kind.
    assert case.receiver_organisation.code == "2380"
    assert case.status is Status.RECEIVED
    assert [a for a, _ in statuses(case)][-2:] == ["redirect", "route"]
    assert Action.ACKNOWLEDGE in available_actions(ostersund, case)
    assert available_actions(people["receiver_handler"], case) == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"organisation": "2380"}, "reason"), ({"note": "x", "organisation": "2309"}, "organisation"),
     ({"note": "x", "organisation": "23"}, "organisation"), ({"note": "x", "organisation": "1"}, "organisation")],
)
def test_redirect_rules(new_case, people, act, payload, field):
    case = new_case()
    with pytest.raises(ValidationFailed) as exc:
        act(people["receiver_handler"], case, "redirect", **payload)
    assert field in exc.value.errors


def test_answer_rules(new_case, people, act):
    case = new_case(consequence=2)
    act(people["receiver_handler"], case, "acknowledge")
    with pytest.raises(ValidationFailed) as exc:
        act(people["receiver_handler"], case, "answer", confirmed="maybe", analysis="", measures=[],
            patient_informed=None)
    assert set(exc.value.errors) == {"confirmed", "analysis", "patient_informed"}
    with pytest.raises(ValidationFailed) as exc:
        act(people["receiver_handler"], case, "answer", measures=[])
    assert set(exc.value.errors) == {"measures"}
    act(people["receiver_handler"], case, "answer", confirmed="no", measures=[])
    assert case.status is Status.ANSWERED


def test_patient_informed_is_optional_for_a_minor_consequence(new_case, people, act):
    case = new_case(consequence=1)
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer", patient_informed=None)
    assert case.answers[0].patient_informed is None


def test_dispute_once_then_the_forum(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    with pytest.raises(ValidationFailed) as exc:
        act(people["reporter"], case, "dispute")
    assert exc.value.errors == {"reason": ["Skriv varför du inte godtar svaret."]}
    act(people["reporter"], case, "dispute", note="Åtgärden räcker inte.")
    assert case.status is Status.DISPUTED and case.disputed_once
    act(people["receiver_handler"], case, "answer", analysis="Ny analys.")
    assert Action.DISPUTE not in available_actions(people["reporter"], case)
    with pytest.raises(TransitionRefused, match="redan bestridits"):
        act(people["reporter"], case, "dispute", note="Igen.")
    act(people["reporter"], case, "accept")
    assert case.status is Status.CLOSED


def test_withdraw_needs_a_reason_and_ends_the_case(new_case, people, act):
    case = new_case()
    with pytest.raises(ValidationFailed):
        act(people["reporter"], case, "withdraw")
    act(people["reporter"], case, "withdraw", note="Fel patient.")
    assert case.status is Status.WITHDRAWN
    assert available_actions(people["receiver_handler"], case) == []


def test_an_answered_case_cannot_be_withdrawn(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    with pytest.raises(TransitionRefused, match="Det går inte att återkalla"):
        act(people["reporter"], case, "withdraw", note="x")


@pytest.mark.parametrize(
    ("who", "action"),
    [("reporter", "acknowledge"), ("reporter", "answer"), ("receiver_handler", "accept"),
     ("receiver_handler", "withdraw"), ("stranger", "acknowledge"), ("forum", "acknowledge"),
     ("unit_handler", "acknowledge"), ("other_reporter", "withdraw")],
)
def test_only_the_right_side_may_act(new_case, people, act, who, action):
    case = new_case()
    with pytest.raises(TransitionRefused, match="^Bara "):
        act(people[who], case, action, note="x")
    assert case.status is Status.RECEIVED


def test_a_transition_from_the_wrong_status_says_from_where_it_can(new_case, people, act):
    case = new_case()
    with pytest.raises(TransitionRefused) as exc:
        act(people["reporter"], case, "accept")
    assert exc.value.message.endswith(f"Det går bara från: {Status.ANSWERED.label}.")
    assert case.status is Status.RECEIVED


def test_the_system_alone_routes(new_case, people):
    case = new_case(route=False)
    perform(None, case, Action.ROUTE, ActionInput(), now_utc())
    assert case.status is Status.RECEIVED
    with pytest.raises(TransitionRefused):
        perform(None, case, Action.ROUTE, ActionInput(), now_utc())


def test_available_actions_follow_status_and_side(new_case, people, act):
    case = new_case()
    handler = set(available_actions(people["receiver_handler"], case))
    assert handler == {Action.ACKNOWLEDGE, Action.ASK, Action.FORWARD, Action.REDIRECT,
                       Action.RECLASSIFY, Action.ESCALATE, Action.DIRECT_CONTACT, Action.ASSIGN}
    # The reporter may record a direct contact, not escalate (the sender's overseers may).
    assert set(available_actions(people["reporter"], case)) == {Action.WITHDRAW, Action.DIRECT_CONTACT}
    assert available_actions(people["stranger"], case) == []
    assert all(Side.RECEIVER in TRANSITIONS[a].by for a in handler)


def test_the_reporter_is_told_of_every_change_of_status(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    texts = db.session.scalars(
        select(Notice.text).where(Notice.user_id == people["reporter"].id).order_by(Notice.id)
    ).all()
    assert texts == [f"Ärendet har fått status ”{s.label}”"
                     for s in (Status.RECEIVED, Status.INVESTIGATING, Status.ANSWERED)]
