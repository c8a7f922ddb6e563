"""PDL: N rows for N cases whenever case data leaves the system, and what lists log.

There is no bulk export of case content (no CSV or FHIR Bundle of several): each case
leaves one at a time (FHIR, print), each logged as one row. A list's export (search/export.py)
holds what the list shows, no content, and so logs no reads, like the list
(tests/search/test_pages.py). The access-log CSV and the
patient's extract hold log rows, not case content; the forum's exports hold counts and
forum texts only. `log_reads` itself is checked with N = 3 for whatever calls it next.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from avvikelse.audit.models import AccessLog
from avvikelse.cases.policy import can_see_patient, log_reads
from avvikelse.core.clock import now_utc
from avvikelse.directory.services import organisation_by_code
from avvikelse.escalation.models import Decision, Escalation, Role, Trigger
from avvikelse.extensions import db
from tests.api.conftest import api  # noqa: F401  (fixture)
from tests.fixtures.factories import TEST_PNR

N = 3
DIGITS = TEST_PNR.replace("-", "")


def _rows(action: str) -> list[AccessLog]:
    return db.session.scalars(select(AccessLog).where(AccessLog.action == action).order_by(AccessLog.id)).all()


def _assert_one_row_each(rows, cases, user) -> None:
    assert len(rows) == len(cases)
    assert sorted(r.case_id for r in rows) == sorted(c.id for c in cases)
    by_case = {r.case_id: r for r in rows}
    for case in cases:
        row = by_case[case.id]
        assert row.user_id == user.id and row.organisation_id == user.organisation_id
        # The patient's blind index only where the reader may identify the patient.
        expected = case.patient_blind_index if can_see_patient(user, case) else None
        assert case.patient_blind_index is not None and row.patient_blind_index == expected
        assert DIGITS not in repr(row.__dict__) and TEST_PNR not in repr(row.__dict__)


@pytest.fixture
def three_cases(new_case):
    return [new_case(patient_id=DIGITS, description=f"Fall {i}") for i in range(N)]


def test_log_export_writes_one_row_per_case(three_cases, people):
    user = people["receiver_handler"]
    log_reads(user, three_cases, "export")
    db.session.commit()
    _assert_one_row_each(_rows("export"), three_cases, user)


def test_each_fhir_export_is_one_export_row(three_cases, people, api):  # noqa: F811
    user = people["receiver_handler"]
    caller = api(user)
    for case in three_cases:
        assert caller.get(f"/cases/{case.reference}/fhir").status_code == 200
    _assert_one_row_each(_rows("export"), three_cases, user)


def test_each_print_is_one_print_row(three_cases, people, client, login):
    user = people["reporter"]
    login(user)
    for case in three_cases:
        assert client.get(f"/arenden/{case.reference}/utskrift").status_code == 200
    _assert_one_row_each(_rows("print"), three_cases, user)


def test_the_case_list_discloses_no_content_so_it_logs_no_reads(three_cases, people, api):  # noqa: F811
    """GET /cases returns summaries: codes, dates and risk, no free text or patient.
    A read is logged when the case itself is opened (GET /cases/<reference>)."""
    user = people["receiver_handler"]
    caller = api(user)
    before = len(db.session.scalars(select(AccessLog)).all())
    response = caller.get("/cases", box="incoming")
    assert response.status_code == 200
    items = response.json["items"]
    assert sorted(i["reference"] for i in items) == sorted(c.reference for c in three_cases)
    listed = str(items)
    assert "Fall " not in listed and DIGITS not in listed and "patient" not in listed
    assert not {"description", "immediate_action", "proposal", "messages", "answer"} & set(items[0])
    assert len(db.session.scalars(select(AccessLog)).all()) == before

    for case in three_cases:
        caller.get(f"/cases/{case.reference}")
    _assert_one_row_each(_rows("read"), three_cases, user)


def test_escalations_listed_with_their_reasons_are_one_read_per_case(three_cases, new_case, people, api):  # noqa: F811
    """A decision's reason is free text from the case: listing it is a read of that case."""
    chef = people["chefslakare"]
    region = organisation_by_code("23")
    quiet = new_case(patient_id=DIGITS)
    at = now_utc() - timedelta(days=1)
    for case, reason in [*((c, f"Skäl {i}") for i, c in enumerate(three_cases)), (quiet, None)]:
        db.session.add(Escalation(case_id=case.id, role=Role.CHEFSLAKARE, organisation_id=region.id,
                                  trigger=Trigger.SERIOUS, opened_at=at, ack_due_at=at, acknowledged_at=at,
                                  decision=Decision.NONE if reason else None,
                                  decided_at=at if reason else None, concluded_at=at if reason else None,
                                  reason=reason))
    db.session.commit()

    items = api(chef).get("/escalations").json["items"]
    assert len(items) == N + 1
    assert {i["reason"] for i in items} == {"Skäl 0", "Skäl 1", "Skäl 2", None}
    _assert_one_row_each(_rows("read"), three_cases, chef)
    assert api(chef).get("/escalations", status="open").status_code == 200  # no reasons: no reads
    assert len(_rows("read")) == N
