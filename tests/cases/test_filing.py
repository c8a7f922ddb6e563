"""Filing: each rule of the parties, dates and patient identity, at the service."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from avvikelse.cases import patient
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.cases.services import file_case
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.outbox import OutboxEvent
from avvikelse.extensions import db
from tests.fixtures.factories import case_input


def _refused(user, **overrides) -> dict:
    with pytest.raises(ValidationFailed) as exc:
        file_case(user, case_input(**overrides), now_utc())
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    return exc.value.errors


def test_filing_writes_the_case_its_first_history_row_and_the_routing_event(people):
    case = file_case(people["reporter"], case_input(), now_utc())
    db.session.commit()
    assert case.reference.startswith(f"AV-{now_utc().year}-")
    assert case.status is Status.SUBMITTED
    assert case.sender_organisation.code == "2309" and case.sender_unit.code == "2309-HSJV"
    [first] = case.history
    assert (first.action, first.from_status, first.to_status) == ("file", None, Status.SUBMITTED)
    kinds = db.session.scalars(select(OutboxEvent.kind).order_by(OutboxEvent.created_at)).all()
    assert "case.submitted" in kinds


def test_references_are_unique_and_increasing(people):
    refs = [file_case(people["reporter"], case_input(), now_utc()).reference for _ in range(3)]
    assert len(set(refs)) == 3 and refs == sorted(refs)


@pytest.mark.parametrize(
    ("consequence", "probability", "flag", "risk", "serious"),
    [(1, 1, False, 1, False), (2, 3, False, 6, False), (3, 1, False, 3, True),
     (2, 4, False, 8, True), (1, 2, True, 2, True)],
)
def test_risk_and_serious_are_derived(people, consequence, probability, flag, risk, serious):
    case = file_case(people["reporter"], case_input(consequence=consequence, probability=probability,
                                                    serious=flag), now_utc())
    assert (case.risk, case.serious, case.reporter_serious) == (risk, serious, flag)


def test_serious_thresholds_are_settings(app, people):
    app.config["SERIOUS_CONSEQUENCE_MIN"] = 4
    try:
        case = file_case(people["reporter"], case_input(consequence=3, probability=1), now_utc())
    finally:
        app.config["SERIOUS_CONSEQUENCE_MIN"] = 3
    assert case.serious is False


def test_own_organisation_cannot_receive(people):
    errors = _refused(people["reporter"], receiver_organisation="2309")
    assert errors == {"receiver_organisation": ["Mottagaren måste vara en annan organisation än din egen."]}


def test_unknown_receiver_is_refused(people):
    assert "receiver_organisation" in _refused(people["reporter"], receiver_organisation="9999")


def test_unit_of_another_organisation_is_refused(people):
    errors = _refused(people["reporter"], receiver_unit="2380-HTJ")
    assert errors["receiver_unit"] == ["Enheten hör inte till den mottagande organisationen."]


def test_unknown_unit_is_refused(people):
    assert "receiver_unit" in _refused(people["reporter"], receiver_unit="23-NOPE")


def test_kommun_to_kommun_is_refused_unless_the_agreement_allows_it(people):
    errors = _refused(people["reporter"], receiver_organisation="2380")
    assert errors["receiver_organisation"] == [
        "Enligt Hemsjukvårdsavtalet (version 2020) rapporteras avvikelser mellan region och kommun: "
        "en kommun kan inte skicka ärenden till en annan kommun (Östersunds kommun). "
        "Välj regionen som mottagare."]
    from avvikelse.agreements import version_at

    version_at(now_utc(), "23").kommun_to_kommun_allowed = True
    case = file_case(people["reporter"], case_input(receiver_organisation="2380"), now_utc())
    assert case.receiver_organisation.code == "2380"


def test_future_occurrence_is_refused(people):
    errors = _refused(people["reporter"], occurred_at=now_utc() + timedelta(hours=1))
    assert errors["occurred_at"] == ["Händelsen kan inte ha inträffat i framtiden."]


def test_discovery_before_occurrence_is_refused(people):
    now = now_utc()
    errors = _refused(people["reporter"], occurred_at=now - timedelta(days=1),
                      discovered_at=now - timedelta(days=2))
    assert "discovered_at" in errors


def test_all_broken_rules_are_reported_at_once(people):
    errors = _refused(people["reporter"], receiver_organisation="2309",
                      occurred_at=now_utc() + timedelta(days=1))
    assert set(errors) == {"receiver_organisation", "occurred_at"}


def test_sender_unit_must_be_ones_own(people, make_user):
    two_units = make_user("2309", units=["2309-HSJV", "2309-SABO"])
    assert "sender_unit" in _refused(two_units)  # which one? must be said
    assert "sender_unit" in _refused(two_units, sender_unit="2380-HTJ")
    case = file_case(two_units, case_input(sender_unit="2309-SABO"), now_utc())
    assert case.sender_unit.code == "2309-SABO"


def test_sharing_without_an_identity_is_refused(people):
    assert "patient_shared_basis" in _refused(people["reporter"], patient_shared_basis="consent")


def test_personnummer_is_stored_encrypted_with_a_blind_index(people):
    case = file_case(people["reporter"], case_input(patient_id="191212121212"), now_utc())
    db.session.commit()
    assert "191212121212" not in case.patient_id_encrypted
    assert patient.reveal(case) == "191212121212"
    assert patient.display(patient.reveal(case)) == "19121212-1212"
    assert len(case.patient_blind_index) >= 32
    again = file_case(people["reporter"], case_input(patient_id="191212121212"), now_utc())
    assert again.patient_blind_index == case.patient_blind_index
    raw = db.session.execute(select(Case.__table__.c.patient_id_encrypted)).scalars().all()
    assert all("1212" not in value for value in raw)


def test_free_text_is_kept_as_typed(people):
    text = '<script>alert("x")</script> & \'citat\'\nrad två'
    case = file_case(people["reporter"], case_input(description=text), now_utc())
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Case, case.id).description == text


def test_the_first_references_of_a_year_count_from_one(people):
    from avvikelse.cases.references import next_reference

    assert [next_reference(2031) for _ in range(3)] == ["AV-2031-000001", "AV-2031-000002", "AV-2031-000003"]
    assert next_reference(2032) == "AV-2032-000001"


def test_the_filed_case_is_in_the_session_as_stored_without_a_reload(people):
    """Filing writes the row with a plain INSERT and attaches the object as loaded: every
    column is what the row holds (defaults included), and reading them asks nothing."""
    from sqlalchemy import event, inspect

    case = file_case(people["reporter"], case_input(patient_id=None), now_utc())
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        seen = {c.key: getattr(case, c.key) for c in Case.__table__.columns}
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert statements == [] and inspect(case).persistent and not db.session.dirty
    assert seen["sender_organisation_id"] == people["reporter"].organisation_id
    assert seen["owner_id"] is None and seen["disputed_once"] is False
    db.session.commit()
    db.session.expire_all()
    assert {c.key: getattr(db.session.get(Case, case.id), c.key) for c in Case.__table__.columns} == seen
