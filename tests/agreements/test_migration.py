"""The migration that made agreements data (58651778b398) gives each existing case the
version in force on its reported day, Swedish time, and inserts Jämtland's agreement as
the seed has it."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from avvikelse import create_app
from avvikelse.core.clock import now_utc
from avvikelse.core.models import UTCDateTime
from avvikelse.directory import jamtland
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
        # The schema as it stood then, written with plain SQL: the models are today's, and
        # later migrations add columns (organisations.mailbox, …) this schema lacks.
        region, kommun, unit, reporter = _directory_and_reporter()
        cases = sa.table("cases", *(sa.column(n) for n in (
            "reference", "kind", "event_type", "status", "sender_organisation_id", "sender_unit_id",
            "reporter_id", "receiver_organisation_id", "category", "description", "immediate_action",
            "consequence", "probability", "risk", "reporter_serious", "serious", "disputed_once",
            "patient_id_unvalidated", "patient_protected")),
            sa.column("occurred_at", UTCDateTime()), sa.column("reported_at", UTCDateTime()))
        db.session.execute(cases.insert(), [dict(
            reference=reference, kind="deviation", event_type="adverse_event", status="closed",
            sender_organisation_id=kommun, sender_unit_id=unit,
            reporter_id=reporter, receiver_organisation_id=region,
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


def _directory_and_reporter() -> tuple[int, int, int, int]:
    """The region, a kommun, one of its units and a reporter there, inserted into the
    tables as revision 3eaa151c978c has them; their ids."""
    region_code, region_name, _kind = jamtland.REGION
    kommun_name = dict(jamtland.KOMMUNER)["2309"]
    unit_name = next(name for org, code, name in jamtland.all_units() if code == "2309-HSJV")
    organisations = sa.table("organisations", *(sa.column(n) for n in ("id", "code", "name", "kind", "active")))
    units = sa.table("units", *(sa.column(n) for n in ("id", "organisation_id", "code", "name", "active")))
    users = sa.table("users", *(sa.column(n) for n in (
        "id", "username", "full_name", "email", "organisation_id", "is_deputy", "active",
        "is_integration")), sa.column("created_at", UTCDateTime()))

    def insert(table, **values) -> int:
        return db.session.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()

    region = insert(organisations, code=region_code, name=region_name, kind="REGION", active=True)
    kommun = insert(organisations, code="2309", name=kommun_name, kind="KOMMUN", active=True)
    unit = insert(units, organisation_id=kommun, code="2309-HSJV", name=unit_name, active=True)
    reporter = insert(users, username="r", full_name="", email="r@example.org", organisation_id=kommun,
                      is_deputy=False, active=True, is_integration=False, created_at=now_utc())
    return region, kommun, unit, reporter
