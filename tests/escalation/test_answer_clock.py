"""The answer clock: reminders 7 days before and on the due day, escalation 7 days
overdue, each exactly once however often or late the pass runs."""
from avvikelse.escalation.models import Trigger
from tests.escalation.conftest import escalations, local, steps, told

RECEIVED = local(2026, 3, 2, 9, 0)  # a Monday; due Monday 30 March 09:00
DUE = local(2026, 3, 30, 9, 0)
BEFORE_TEXT = "Påminnelse: svaret ska lämnas senast 2026-03-30"
DUE_TEXT = "Påminnelse: svaret ska lämnas i dag, 2026-03-30"


def _case(clock, new_case, **kw):
    clock.set(RECEIVED)
    case = new_case(**kw)
    assert case.due_at == DUE
    return case


def test_each_step_once_as_time_moves(clock, tick, new_case, people):
    case = _case(clock, new_case)
    handler, reporter, chef = people["receiver_handler"], people["reporter"], people["chefslakare"]
    baseline = told(handler)

    tick(local(2026, 3, 22, 23, 45))  # 8 days before the due day: nothing yet
    assert told(handler) == baseline and steps(case) == []

    result = tick(local(2026, 3, 23, 0, 15))  # 7 days before the due day
    assert result.steps["reminder_before"] == 1
    assert told(handler)[len(baseline):] == [BEFORE_TEXT]
    for hour in (1, 9, 17):  # beat keeps running all day: nothing more
        tick(local(2026, 3, 23, hour, 0))
    assert told(handler)[len(baseline):] == [BEFORE_TEXT]

    tick(local(2026, 3, 30, 0, 15))  # the due day
    tick(local(2026, 3, 30, 12, 0))
    assert told(handler)[len(baseline):] == [BEFORE_TEXT, DUE_TEXT]
    # The unit handler of another unit is not told: the case went to the intake.
    assert not any("Påminnelse" in t for t in told(people["unit_handler"]))

    tick(local(2026, 4, 6, 8, 59))  # 7 days overdue is 09:00
    assert escalations(case) == []
    tick(local(2026, 4, 6, 9, 0))
    tick(local(2026, 4, 6, 9, 15))
    (esc,) = escalations(case)
    assert (esc.trigger, esc.role.value, esc.organisation.code) == (Trigger.OVERDUE, "chefslakare", "23")
    assert told(chef) == ["Svaret är försenat sedan 2026-03-30: ärendet har eskalerats till er"]
    assert told(reporter)[-1] == "Svaret är försenat; ärendet har eskalerats till chefsläkare i Region Jämtland Härjedalen"
    assert sum("eskalerats" in t for t in told(reporter)) == 1
    assert steps(case) == [("reminder_before", True), ("reminder_due", True), ("overdue", True)]
    assert [r.action for r in case.history][-1] == "escalation_opened"
    assert case.status.value == "received"  # an escalation does not change the status


def test_a_late_pass_sends_only_the_latest_step(clock, tick, new_case, people):
    case = _case(clock, new_case)
    handler = people["receiver_handler"]
    baseline = told(handler)
    tick(local(2026, 3, 20, 12, 0))  # nothing due yet; then beat is down for ten days
    tick(local(2026, 3, 31, 7, 0))   # the day after the due day
    assert told(handler)[len(baseline):] == [DUE_TEXT]  # no stale "7 days before"
    assert steps(case) == [("reminder_before", False), ("reminder_due", True)]
    tick(local(2026, 4, 1, 7, 0))
    assert told(handler)[len(baseline):] == [DUE_TEXT]


def test_a_pass_after_a_two_day_gap_catches_up_once(clock, tick, new_case, people):
    early = _case(clock, new_case)
    clock.set(local(2026, 3, 4, 9, 0))
    later = new_case()  # received two days later: due 1 April
    handler = people["receiver_handler"]
    baseline = told(handler)
    tick(local(2026, 3, 21, 12, 0))  # the last pass before beat stops
    assert told(handler) == baseline
    tick(local(2026, 3, 23, 12, 0))  # two days on: the first case's reminder day
    tick(local(2026, 3, 25, 12, 0))  # two more: the second case's reminder day passed
    tick(local(2026, 3, 25, 12, 0))  # run twice
    assert told(handler)[len(baseline):] == [BEFORE_TEXT, "Påminnelse: svaret ska lämnas senast 2026-04-01"]
    assert steps(early) == [("reminder_before", True)] and steps(later) == [("reminder_before", True)]


def test_a_pass_long_overdue_escalates_without_reminding(clock, tick, new_case, people):
    case = _case(clock, new_case)
    handler = people["receiver_handler"]
    baseline = told(handler)
    tick(local(2026, 4, 20, 8, 0))  # first pass ever, three weeks past due
    assert told(handler) == baseline
    assert steps(case) == [("reminder_before", False), ("reminder_due", False), ("overdue", True)]
    assert [e.trigger for e in escalations(case)] == [Trigger.OVERDUE]


def test_an_answered_case_is_not_chased(clock, tick, new_case, act, people):
    case = _case(clock, new_case)
    clock.set(local(2026, 3, 10, 9, 0))
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    tick(local(2026, 4, 20, 8, 0))
    assert steps(case) == [] and escalations(case) == []


def test_the_clock_stops_while_waiting_for_the_sender(clock, tick, new_case, act, people):
    case = _case(clock, new_case)
    handler, reporter = people["receiver_handler"], people["reporter"]
    clock.set(local(2026, 3, 20, 10, 0))
    act(handler, case, "ask", note="Vilken dag skrevs patienten ut?")
    tick(local(2026, 3, 23, 0, 15))  # would be the reminder day: the clock stands still
    tick(local(2026, 3, 30, 12, 0))  # the old due day
    # No step of the answer clock (the sender alone is reminded: see test_issue14_clocks).
    assert [s for s in steps(case) if s[0] != "info_reminder"] == []
    clock.set(local(2026, 3, 27, 16, 0))  # …the sender replied after 7 days and 6 hours
    act(reporter, case, "reply", note="Den 3 mars.")
    # 30 March 09:00 + 7 d 6 h = Monday 6 April 15:00, but that is annandag påsk.
    assert case.due_at == local(2026, 4, 7, 15, 0)
    assert case.status.value == "received"
    baseline = told(handler)
    tick(local(2026, 3, 30, 12, 0))
    assert told(handler) == baseline
    tick(local(2026, 3, 31, 0, 15))  # 7 days before 7 April
    assert told(handler)[len(baseline):] == ["Påminnelse: svaret ska lämnas senast 2026-04-07"]
    tick(local(2026, 4, 14, 14, 59))
    assert escalations(case) == []
    tick(local(2026, 4, 14, 15, 0))
    assert len(escalations(case)) == 1


def test_a_redirected_case_starts_a_new_clock(clock, tick, new_case, act, people, make_user):
    ostersund = make_user("2380", ["handler"], units=[], username="intag.ostersund")
    case = _case(clock, new_case)
    tick(local(2026, 3, 23, 0, 15))
    assert steps(case) == [("reminder_before", True)]
    clock.set(local(2026, 3, 24, 9, 0))
    act(people["receiver_handler"], case, "redirect", organisation="2380", note="Hemtjänsten")
    assert case.receiver_organisation.code == "2380" and case.due_at == local(2026, 4, 21, 9, 0)
    tick(local(2026, 4, 14, 0, 15))
    assert told(ostersund)[-1] == "Påminnelse: svaret ska lämnas senast 2026-04-21"


def test_the_reminder_days_are_the_case_agreement_versions(clock, tick, new_case, people):
    """A version that reminds 3 days before: its cases wait; a case filed under no
    agreement keeps the installation's 7 days."""
    from avvikelse.extensions import db

    versioned, unversioned = _case(clock, new_case), _case(clock, new_case)
    versioned.agreement_version.reminder_days_before = 3
    unversioned.agreement_version_id = None
    db.session.commit()
    tick(local(2026, 3, 23, 0, 15))  # 7 days before the due day
    assert steps(versioned) == [] and steps(unversioned) == [("reminder_before", True)]
    tick(local(2026, 3, 26, 23, 0))  # 4 days before
    assert steps(versioned) == []
    tick(local(2026, 3, 27, 0, 15))  # 3 days before
    assert steps(versioned) == [("reminder_before", True)]
