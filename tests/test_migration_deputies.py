"""The everyday-work migration turns the permanent is_deputy flag into standing deputies,
and back when downgraded, on SQLite and PostgreSQL."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from avvikelse import create_app
from avvikelse.extensions import db

BEFORE = "58651778b398"  # the revision before everyday work (e77079a4fdc2)


def _users(conn, rows):
    for user_id, username, org_id, is_deputy, active, role in rows:
        conn.execute(text(
            "INSERT INTO users (id, username, full_name, organisation_id, is_deputy, active, created_at, "
            "is_integration) VALUES (:id, :u, :u, :org, :dep, :active, :at, :no)"),
            {"id": user_id, "u": username, "org": org_id, "dep": is_deputy, "active": active,
             "at": "2026-01-01 00:00:00+00:00", "no": False})
        conn.execute(text("INSERT INTO user_roles (user_id, role) VALUES (:id, :role)"),
                     {"id": user_id, "role": role})


def _roundtrip(url: str) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organisations (id, code, name, kind, active) VALUES "
                              "(1, '2309', 'Krokom', 'KOMMUN', :t), (2, '23', 'Regionen', 'REGION', :t)"),
                         {"t": True})
            _users(conn, [
                (1, "mas.krokom", 1, False, True, "MAS"),
                (2, "mas.ers", 1, True, True, "MAS"),         # Krokom's deputy MAS
                (3, "mas.ers2", 1, True, True, "MAS"),        # a second one: the first wins
                (4, "sas.krokom", 1, False, True, "SAS"),     # no SAS deputy: nothing changes
                (5, "chefslakare", 2, False, True, "CHEFSLAKARE"),
                (6, "handlaggare", 1, False, True, "HANDLER"),  # not an overseer role
            ])
        upgrade()
        with db.engine.connect() as conn:
            deputies = dict(conn.execute(text("SELECT username, standing_deputy_id FROM users")).all())
        assert deputies == {"mas.krokom": 2, "mas.ers": None, "mas.ers2": None, "sas.krokom": None,
                            "chefslakare": None, "handlaggare": None}
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            flags = dict(conn.execute(text("SELECT username, is_deputy FROM users")).all())
        assert {u for u, flag in flags.items() if flag} == {"mas.ers"}
        db.engine.dispose()


def test_sqlite(tmp_path):
    _roundtrip(f"sqlite:///{tmp_path / 'd.db'}")


@pytest.mark.integration
def test_postgresql(postgres_server):
    _roundtrip(postgres_server.fresh_database("migration_deputies"))
