"""The migration that made agreements data (58651778b398) gives each existing case the
version in force on its reported day, Swedish time, and inserts Jämtland's agreement as
the seed has it."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from avvikelse import create_app
from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db

# reported at (UTC) → the version the case should get
REPORTED = {
    "AV-2016-000001": (datetime(2016, 5, 1, 10, tzinfo=timezone.utc), None),
    "AV-2017-000001": (datetime(2017, 3, 31, 21, 59, tzinfo=timezone.utc), None),  # 23:59 in Sweden
    "AV-2017-000002": (datetime(2017, 3, 31, 22, 30, tzinfo=timezone.utc), "2017"),  # 1 April, 00:30
    "AV-2020-000001": (datetime(2020, 2, 29, 22, 30, tzinfo=timezone.utc), "2017"),  # 23:30 in Sweden
    "AV-2020-000002": (datetime(2020, 2, 29, 23, 30, tzinfo=timezone.utc), "2020"),  # 1 March, 00:30
    "AV-2026-000001": (datetime(2026, 3, 1, 9, tzinfo=timezone.utc), "2020"),  # past the last extension
}


@pytest.fixture
def own_app(app, tmp_path):
    """An app of its own on a file, migrated step by step. Creating it makes its Celery
    the current and default one, which shared tasks run through (in their app's context):
    the session's app gets that back afterwards, or later tests' tasks would run here."""
    own = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}",
                     MAIL_FOLDER=str(tmp_path / "mail"))
    try:
        yield own
    finally:
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()


def test_existing_cases_get_the_version_of_their_reported_day(own_app):
    with own_app.app_context():
        upgrade(revision="3eaa151c978c")
        # The schema of that revision, written to in its own terms (today's models have
        # columns it lacks): two organisations, a unit, a reporter.
        orgs = sa.table("organisations", sa.column("id"), sa.column("code"), sa.column("name"),
                        sa.column("kind"), sa.column("active"))
        db.session.execute(orgs.insert(), [dict(id=1, code="23", name="Region", kind="REGION", active=True),
                                           dict(id=2, code="2309", name="Krokom", kind="KOMMUN", active=True)])
        db.session.execute(sa.table("units", sa.column("id"), sa.column("organisation_id"), sa.column("code"),
                                    sa.column("name"), sa.column("active")).insert(),
                           [dict(id=1, organisation_id=2, code="2309-HSJV", name="HSJV", active=True)])
        db.session.execute(sa.table("users", *(sa.column(n) for n in (
            "id", "username", "full_name", "organisation_id", "is_deputy", "active", "is_integration")),
            sa.column("created_at", UTCDateTime())).insert(),
            [dict(id=1, username="r", full_name="", organisation_id=2, is_deputy=False, active=True,
                  is_integration=False, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))])
        cases = sa.table("cases", *(sa.column(n) for n in (
            "reference", "kind", "event_type", "status", "sender_organisation_id", "sender_unit_id",
            "reporter_id", "receiver_organisation_id", "category", "description", "immediate_action",
            "consequence", "probability", "risk", "reporter_serious", "serious", "disputed_once",
            "patient_id_unvalidated", "patient_protected")),
            sa.column("occurred_at", UTCDateTime()), sa.column("reported_at", UTCDateTime()))
        db.session.execute(cases.insert(), [dict(
            reference=reference, kind="deviation", event_type="adverse_event", status="closed",
            sender_organisation_id=2, sender_unit_id=1, reporter_id=1, receiver_organisation_id=1,
            category="discharge", description="–", immediate_action="–", consequence=1, probability=1,
            risk=1, reporter_serious=False, serious=False, disputed_once=False,
            patient_id_unvalidated=False, patient_protected=False, occurred_at=at, reported_at=at,
        ) for reference, (at, _version) in REPORTED.items()])
        db.session.commit()

        upgrade()

        rows = db.session.execute(sa.text(
            "SELECT c.reference, v.name FROM cases c LEFT JOIN agreement_versions v "
            "ON v.id = c.agreement_version_id")).all()
        assert dict(rows) == {reference: version for reference, (_at, version) in REPORTED.items()}
        counts = db.session.execute(sa.text(
            "SELECT (SELECT count(*) FROM agreement_clauses), (SELECT count(*) FROM agreement_categories), "
            "(SELECT count(*) FROM agreement_category_clauses), (SELECT count(*) FROM agreement_extensions)")).one()
        assert tuple(counts) == (2 * 33, 2 * 12, 2 * 21, 4)
        db.session.remove()
        db.engine.dispose()
