"""A hand-computed set of cases around 2026Q2 (expected figures in test_figures.py).

Cases are filed for real (new_case), then their times and facts are set directly, so
every figure the forum shows can be worked out by hand from this table:

| case | reported (Swedish time) | sender→receiver | category   | kind      | K×S | serious | received → answered       | due        | closed     |
|------|-------------------------|-----------------|------------|-----------|-----|---------|---------------------------|------------|------------|
| c1   | 2026-04-01 00:10 (Q2)   | 2309→23         | discharge  | deviation | 2×2 | no      | 04-01 01:00 → 04-11 01:00 | 04-29      | 04-20      |
| c2   | 2026-05-10 12:00        | 2309→23         | medication | complaint | 3×3 | yes     | 05-10 12:00 → 06-12 12:00 | 06-07      | 06-20      |
| c3   | 2026-06-30 23:30 (Q2)   | 23→2309         | discharge  | deviation | 1×1 | no      | 06-30 23:30 → –           | 07-28      | –          |
| c4   | 2026-04-15 09:00        | 2380→23         | sip        | deviation | 2×4 | yes     | 04-15 09:00 → 06-01 09:00 | 05-13      | –          |
| c5   | 2026-05-20 08:00        | 2309→23         | discharge  | deviation | 1×2 | no      | 05-20 08:00 → –           | 06-17      | –          |
| c6   | 2026-06-01 10:00        | 2309→23         | sip        | complaint | 2×1 | no      | 06-01 10:00 → 06-05 10:00 | 06-29      | 06-10      |
| c7   | 2026-03-31 23:30 (Q1)   | 2309→23         | discharge  | deviation | 2×2 | no      | –                         | –          | –          |
| c8   | 2026-07-01 00:10 (Q3)   | 2309→23         | discharge  | deviation | 2×2 | no      | –                         | –          | –          |
| c9   | 2025-11-01 12:00 (Q4)   | 2309→23         | discharge  | deviation | 2×2 | no      | –                         | –          | –          |
"""
from datetime import date, datetime, timedelta

import pytest

from avvikelse.accounts.models import Role
from avvikelse.cases.enums import Confirmed, Kind, Status
from avvikelse.cases.models import Answer, Measure
from avvikelse.core.clock import SWEDEN
from avvikelse.directory.services import organisation_by_code
from avvikelse.escalation.models import Decision, Escalation, Trigger
from avvikelse.extensions import db
from tests.api.conftest import api  # noqa: F401  (the API client fixture, for test_api and test_pages)

#: "now" for every computation: long after the fixture's quarters have ended
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=SWEDEN)


def local(month, day, hour, minute=0, year=2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SWEDEN)


ROWS = {
    # name: (reported, sender, receiver, category, kind, consequence, probability, serious,
    #        received, answered, due, closed, status)
    "c1": (local(4, 1, 0, 10), "2309", "23", "discharge", "deviation", 2, 2, False,
           local(4, 1, 1), local(4, 11, 1), local(4, 29, 1), local(4, 20, 9), Status.CLOSED),
    "c2": (local(5, 10, 12), "2309", "23", "medication", "complaint", 3, 3, True,
           local(5, 10, 12), local(6, 12, 12), local(6, 7, 12), local(6, 20, 9), Status.CLOSED),
    "c3": (local(6, 30, 23, 30), "23", "2309", "discharge", "deviation", 1, 1, False,
           local(6, 30, 23, 30), None, local(7, 28, 23, 30), None, Status.RECEIVED),
    "c4": (local(4, 15, 9), "2380", "23", "sip", "deviation", 2, 4, True,
           local(4, 15, 9), local(6, 1, 9), local(5, 13, 9), None, Status.ANSWERED),
    "c5": (local(5, 20, 8), "2309", "23", "discharge", "deviation", 1, 2, False,
           local(5, 20, 8), None, local(6, 17, 8), None, Status.RECEIVED),
    "c6": (local(6, 1, 10), "2309", "23", "sip", "complaint", 2, 1, False,
           local(6, 1, 10), local(6, 5, 10), local(6, 29, 10), local(6, 10, 9), Status.CLOSED),
    "c7": (local(3, 31, 23, 30), "2309", "23", "discharge", "deviation", 2, 2, False,
           None, None, None, None, Status.RECEIVED),
    "c8": (local(7, 1, 0, 10), "2309", "23", "discharge", "deviation", 2, 2, False,
           None, None, None, None, Status.RECEIVED),
    "c9": (local(11, 1, 12, year=2025), "2309", "23", "discharge", "deviation", 2, 2, False,
           None, None, None, None, Status.RECEIVED),
}


@pytest.fixture
def forum_cases(new_case, people):
    """The table above, in the database; returns {name: Case}."""
    cases = {}
    for name, (reported, sender, receiver, category, kind, cons, prob, serious,
               received, answered, due, closed, status) in ROWS.items():
        case = new_case(category=category, kind=kind)
        case.sender_organisation_id = organisation_by_code(sender).id
        case.receiver_organisation_id = organisation_by_code(receiver).id
        case.receiver_unit_id = None
        case.consequence, case.probability, case.risk = cons, prob, cons * prob
        case.serious = serious
        case.kind = Kind(kind)
        case.reported_at, case.received_at, case.answered_at = reported, received, answered
        case.due_at, case.closed_at, case.status = due, closed, status
        cases[name] = case
    _escalations(cases)
    _answers(cases, people)
    db.session.commit()
    return cases


def _escalations(cases) -> None:
    """c2: MAS Krokom decided investigation, chefsläkare Lex Maria; c4: chefsläkare
    undecided, MAS Östersund no action; c5: an overdue escalation (not a serious one)."""
    rows = [("c2", Role.MAS, "2309", Trigger.SERIOUS, Decision.INVESTIGATION),
            ("c2", Role.CHEFSLAKARE, "23", Trigger.SERIOUS, Decision.LEX_MARIA),
            ("c4", Role.CHEFSLAKARE, "23", Trigger.SERIOUS, None),
            ("c4", Role.MAS, "2380", Trigger.SERIOUS, Decision.NONE),
            ("c5", Role.CHEFSLAKARE, "23", Trigger.OVERDUE, None)]
    for name, role, org, trigger, decision in rows:
        at = cases[name].reported_at
        db.session.add(Escalation(case_id=cases[name].id, role=role, organisation_id=organisation_by_code(org).id,
                                  trigger=trigger, opened_at=at, ack_due_at=at + timedelta(days=1),
                                  decision=decision, decided_at=at if decision else None))


def _answers(cases, people) -> None:
    """Latest answers: c1 yes (1 measure), c2 no, c4 partly (2 measures), c6 yes (0
    measures) after an earlier "no" with a measure that must not count."""
    author = people["receiver_handler"]
    plan = [("c6", Confirmed.NO, 1), ("c1", Confirmed.YES, 1), ("c2", Confirmed.NO, 0),
            ("c4", Confirmed.PARTLY, 2), ("c6", Confirmed.YES, 0)]
    for name, confirmed, measures in plan:
        answer = Answer(case_id=cases[name].id, author_id=author.id, at=cases[name].reported_at,
                        confirmed=confirmed, analysis="Analys.", patient_informed=True)
        db.session.add(answer)
        db.session.flush()
        for i in range(measures):
            db.session.add(Measure(answer_id=answer.id, case_id=cases[name].id, text=f"Åtgärd {i}", owner="Chef",
                                   owner_organisation_id=author.organisation_id, due_on=date(2026, 9, 1)))
