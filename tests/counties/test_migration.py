"""The migration that made counties data (d7c41e09a2b5): an installation's existing
organisations go into their county's samverkan, which runs; its snapshots and builds
belong to that county's forum."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from avvikelse import create_app
from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db


@pytest.fixture
def own_app(app, tmp_path):
    own = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}",
                     MAIL_FOLDER=str(tmp_path / "mail"))
    try:
        yield own
    finally:
        app.extensions["celery"].set_current()
        app.extensions["celery"].set_default()


def test_jamtland_becomes_samverkan_23(own_app):
    with own_app.app_context():
        upgrade(revision="58651778b398")
        orgs = sa.table("organisations", sa.column("id"), sa.column("code"), sa.column("name"),
                        sa.column("kind"), sa.column("active"))
        db.session.execute(orgs.insert(), [dict(id=1, code="23", name="Region Jämtland Härjedalen", kind="REGION",
                                                active=True),
                                           dict(id=2, code="2309", name="Krokoms kommun", kind="KOMMUN", active=True)])
        db.session.execute(sa.table("users", *(sa.column(n) for n in (
            "id", "username", "full_name", "organisation_id", "is_deputy", "active", "is_integration")),
            sa.column("created_at", UTCDateTime())).insert(),
            [dict(id=1, username="forum", full_name="", organisation_id=2, is_deputy=False, active=True,
                  is_integration=False, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc))])
        db.session.execute(sa.table("forum_snapshots", *(sa.column(n) for n in (
            "id", "period", "meeting_on", "notes", "filters", "figures", "created_by_id")),
            sa.column("created_at", UTCDateTime())).insert(),
            [dict(id=1, period="2026Q1", meeting_on=date(2026, 4, 2), notes="", filters="{}", figures="{}",
                  created_by_id=1, created_at=datetime(2026, 4, 2, tzinfo=timezone.utc))])
        db.session.commit()

        upgrade()

        assert db.session.execute(sa.text("SELECT code, name, active FROM samverkan")).all() == [
            ("23", "Jämtlands län", True)]
        assert dict(db.session.execute(sa.text("SELECT code, county_code FROM organisations")).all()) == {
            "23": "23", "2309": "23"}
        assert db.session.scalar(sa.text("SELECT county_code FROM forum_snapshots")) == "23"
        downgrade(revision="82e5171b2f6a")  # the revision just before counties
        assert "samverkan" not in sa.inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()
