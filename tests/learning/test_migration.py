"""The learning migration (82e5171b2f6a) turns each existing answer measure into a
measure followed up: status `planned`, on the answer's case, owned by the organisation of
whoever answered, created when and by whom the answer was."""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask_migrate import upgrade

from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db
from tests.agreements.test_migration import _directory_and_reporter, own_app  # noqa: F401 (fixture)

ANSWERED = datetime(2026, 2, 3, 10, tzinfo=timezone.utc)


def test_answer_measures_become_planned_measures_of_the_answering_side(own_app):  # noqa: F811
    with own_app.app_context():
        upgrade(revision="3eaa151c978c")
        region, kommun, unit, reporter = _directory_and_reporter()
        answerer = db.session.execute(sa.table("users", *(sa.column(n) for n in (
            "username", "full_name", "organisation_id", "is_deputy", "active", "is_integration")),
            sa.column("created_at", UTCDateTime())).insert().values(
            username="h", full_name="", organisation_id=region, is_deputy=False, active=True,
            is_integration=False, created_at=ANSWERED).returning(sa.column("id"))).scalar_one()
        case_id = db.session.execute(sa.table("cases", *(sa.column(n) for n in (
            "reference", "kind", "event_type", "status", "sender_organisation_id", "sender_unit_id",
            "reporter_id", "receiver_organisation_id", "category", "description", "immediate_action",
            "consequence", "probability", "risk", "reporter_serious", "serious", "disputed_once",
            "patient_id_unvalidated", "patient_protected")),
            sa.column("occurred_at", UTCDateTime()), sa.column("reported_at", UTCDateTime())).insert().values(
            reference="AV-2026-000001", kind="deviation", event_type="adverse_event", status="answered",
            sender_organisation_id=kommun, sender_unit_id=unit, reporter_id=reporter,
            receiver_organisation_id=region, category="discharge", description="–", immediate_action="–",
            consequence=1, probability=1, risk=1, reporter_serious=False, serious=False, disputed_once=False,
            patient_id_unvalidated=False, patient_protected=False, occurred_at=ANSWERED,
            reported_at=ANSWERED).returning(sa.column("id"))).scalar_one()
        db.session.commit()

        upgrade(revision="dd34d6dc3fc8")  # the revision before learning: answers carry measures
        answer_id = db.session.execute(sa.table("case_answers", *(sa.column(n) for n in (
            "case_id", "author_id", "confirmed", "analysis")), sa.column("at", UTCDateTime())).insert().values(
            case_id=case_id, author_id=answerer, confirmed="yes", analysis="–", at=ANSWERED)
            .returning(sa.column("id"))).scalar_one()
        db.session.execute(sa.table("case_measures", *(sa.column(n) for n in (
            "answer_id", "text", "owner", "due_on"))).insert().values(
            answer_id=answer_id, text="Checklista vid utskrivning", owner="Enhetschef", due_on=date(2026, 3, 1)))
        db.session.commit()

        upgrade(revision="82e5171b2f6a")

        row = db.session.execute(sa.text(
            "SELECT status, case_id, owner_organisation_id, created_by_id, text, due_on FROM case_measures")).one()
        assert tuple(row[:5]) == ("planned", case_id, region, answerer, "Checklista vid utskrivning")
        assert str(row[5]) == "2026-03-01"
        db.session.remove()
        db.engine.dispose()
