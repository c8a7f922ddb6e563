"""The migrations build exactly the schema the models describe, and tear it down again,
on SQLite and on PostgreSQL."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from avvikelse import create_app
from avvikelse.extensions import db
from avvikelse.search.models import autogenerate_filters


def _roundtrip(url: str) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # the same filters as migrations/env.py: FTS5 beside the models on SQLite
            opts = autogenerate_filters(conn.dialect.name)
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        assert "cases" in inspect(db.engine).get_table_names()
        if db.engine.dialect.name == "postgresql":  # the PDL log's append-only trigger
            from sqlalchemy import text

            with db.engine.connect() as conn:
                triggers = conn.scalars(text(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'access_log'::regclass "
                    "AND NOT tgisinternal")).all()
            assert triggers, "the migration did not install the access_log trigger"
        _assert_partial_indexes()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def _assert_partial_indexes() -> None:
    """compare_metadata does not compare an index's WHERE: look at the DDL itself."""
    from sqlalchemy import text

    query = ("SELECT sql FROM sqlite_master WHERE name = :name" if db.engine.dialect.name == "sqlite"
             else "SELECT indexdef FROM pg_indexes WHERE indexname = :name")
    with db.engine.connect() as conn:
        for name in ("ix_cases_receiver_awaiting", "ix_cases_sender_awaiting"):
            ddl = conn.scalar(text(query), {"name": name}) or ""
            assert "WHERE" in ddl.upper() and "investigating" in ddl, f"{name} is not partial: {ddl!r}"


def test_sqlite_upgrade_matches_models_and_downgrades(tmp_path):
    _roundtrip(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.integration
def test_postgresql_upgrade_matches_models_and_downgrades(postgres_server):
    _roundtrip(postgres_server.fresh_database("migrations_test"))
