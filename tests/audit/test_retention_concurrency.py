"""Two retention passes at once (two workers), each in its own thread, session and
connection, on a database file (SQLite) and on PostgreSQL: every case de-identified
exactly once, the free text of exactly the cases without a forum item removed (under a
disposal decision)."""
from datetime import timedelta

from sqlalchemy import func, select

from avvikelse import create_app
from avvikelse.accounts.services import create_user
from avvikelse.retention.services import run_retention
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case, Message
from avvikelse.cases.services import file_case
from avvikelse.core.clock import now_utc
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db
from avvikelse.forum.models import ForumItem
from tests.fixtures.factories import PASSWORD, TEST_PNR, case_input
from tests.fixtures.races import at_once

CASES = 24
NAMED = f"Tolvan {TEST_PNR}"


def _seed(app) -> None:
    from avvikelse.directory.seed import seed_jamtland

    seed_jamtland()
    reporter = create_user("rapportor", organisation_by_code("2309"), set(), PASSWORD,
                           units=[unit_by_code("2309-HSJV")])
    closed = now_utc() - timedelta(days=app.config["CASE_DEIDENTIFY_AFTER_DAYS"] + 1)
    for i in range(CASES):
        case = file_case(reporter, case_input(patient_id=TEST_PNR, description=NAMED), now_utc())
        case.status, case.closed_at, case.ended_at = Status.CLOSED, closed, closed
        db.session.add(Message(case=case, author=reporter, at=closed, body=NAMED))
        if i % 2:
            db.session.add(ForumItem(case=case, author=reporter, period="2024Q1", title="R", text="T"))
    db.session.commit()


def _race(app) -> list[dict]:
    passes = at_once(app, lambda: [run_retention(now_utc()), run_retention(now_utc())])
    return [result for both in passes for result in both]


def _check(app) -> None:
    with app.app_context():
        db.create_all()
        try:
            _seed(app)
            results = _race(app)
            assert sum(r["cases_deidentified"] for r in results) == CASES
            assert sum(r["cases_free_text_removed"] for r in results) == CASES // 2
            count = lambda *where: db.session.scalar(select(func.count()).select_from(Case).where(*where))  # noqa: E731
            assert count(Case.deidentified_at.is_not(None), Case.patient_blind_index.is_(None)) == CASES
            assert count(Case.description == "") == CASES // 2
            assert db.session.scalar(select(func.count()).select_from(Message).where(Message.body == "")) == CASES // 2
            emptied = select(Case.id).where(~select(ForumItem.id).where(ForumItem.case_id == Case.id).exists())
            assert db.session.scalar(select(func.count()).select_from(Message).where(
                Message.case_id.in_(emptied), Message.body != "")) == 0
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_concurrent_passes_on_a_sqlite_file(tmp_path, app):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'retention.db'}",
                       SESSION_FOLDER=str(tmp_path / "sessions"), DISPOSAL_DECISION="RS/1/2026")
    _check(other)
    app.extensions["celery"].set_default()


def test_concurrent_passes_on_postgresql(postgres_server, app, tmp_path):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=postgres_server.fresh_database("retention_race"),
                       SESSION_FOLDER=str(tmp_path / "sessions"), DISPOSAL_DECISION="RS/1/2026")
    _check(other)
    app.extensions["celery"].set_default()
