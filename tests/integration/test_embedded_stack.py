"""The stack `make run` serves, with no server installed: SQLite, kombu's filesystem
broker under the instance folder, a real Celery worker, mail written as .eml files, and
the demo seed. A case filed through the form is routed and mailed within seconds."""
import os
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from avvikelse import create_app
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.core import dispatch
from avvikelse.demo import DEMO_PASSWORD, seed
from avvikelse.extensions import db
from tests.fixtures.worker import ROOT, Worker

pytestmark = pytest.mark.integration


def _embedded_celery(instance: Path) -> dict:
    """What config.py gives a process whose AVVIKELSE_INSTANCE is `instance`."""
    from config import Config

    options = {**Config.CELERY["broker_transport_options"]}
    for key, folder in (("data_folder_in", "broker"), ("data_folder_out", "broker"),
                        ("processed_folder", "broker-done"), ("control_folder", "broker-control")):
        options[key] = str(instance / folder)
    return {**Config.CELERY, "broker_url": "filesystem://", "broker_transport_options": options}


def test_make_runs_stack_routes_and_mails_a_filed_case(tmp_path, app):
    instance = tmp_path / "instance"
    database = f"sqlite:///{instance / 'avvikelse.db'}"
    key = Fernet.generate_key().decode()
    web = create_app("development", SQLALCHEMY_DATABASE_URI=database, CELERY=_embedded_celery(instance),
                     AVVIKELSE_ENCRYPTION_KEY=key, MAIL_SERVER=None, MAIL_FOLDER=str(instance / "mail"),
                     WTF_CSRF_ENABLED=False)
    worker = Worker({**os.environ, "AVVIKELSE_ENV": "development", "AVVIKELSE_INSTANCE": str(instance),
                     "DATABASE_URL": database, "AVVIKELSE_ENCRYPTION_KEY": key, "PYTHONPATH": str(ROOT)},
                    tmp_path / "worker.log")
    try:
        with web.app_context():
            db.create_all()
            seed()
            _demo_has_everyday_work()
            db.session.remove()
        # The invented history is marked done and queues nothing for the worker to wade through.
        assert not list((instance / "broker").glob("*.msg"))

        worker.start()
        client = web.test_client()
        client.post("/logga-in", data={"username": "rapportor.krokom", "password": DEMO_PASSWORD})
        response = client.post("/arenden/ny", data={
            "kind": "deviation", "receiver_organisation": "23", "occurred_at": "2026-11-20T10:00",
            "category": "discharge", "description": "Utskrivningsmeddelandet saknades.",
            "immediate_action": "Ringde avdelningen.", "consequence": "2", "probability": "2"})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        reference = response.location.rsplit("/", 1)[1]

        deadline, status, mails = time.monotonic() + 30, None, []
        while time.monotonic() < deadline:
            with web.app_context():
                status = db.session.scalar(select(Case.status).where(Case.reference == reference))
                db.session.remove()
            mails = [p.read_text() for p in (instance / "mail").glob("*.eml")] if (instance / "mail").exists() else []
            if status is Status.RECEIVED and any(reference in m for m in mails):
                break
            time.sleep(0.2)
        assert status is Status.RECEIVED, worker.log()
        assert any(reference in m for m in mails), worker.log()

        # The bulk lane through the same folders: a pass beat would start is taken too.
        with web.app_context():
            assert dispatch.dispatch(dispatch.FORUM_WARM)
        deadline = time.monotonic() + 30
        while not worker.succeeded(dispatch.FORUM_WARM):
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.2)
        assert list((instance / "broker").glob(f"*.{dispatch.BULK_QUEUE}.msg")) == []
    finally:
        worker.stop()
        with web.app_context():
            db.engine.dispose()
        app.extensions["celery"].set_default()


def _demo_has_everyday_work() -> None:
    """Every open demo case has an owner, each kommun's intake a mailbox, and one person is
    away with a deputy."""
    from avvikelse.accounts import absence
    from avvikelse.accounts.services import user_by_username
    from avvikelse.cases.enums import OPEN_STATUSES
    from avvikelse.directory.models import Organisation, OrgKind

    open_cases = db.session.scalars(select(Case).where(Case.status.in_(OPEN_STATUSES))).all()
    assert open_cases and all(c.owner_id is not None for c in open_cases)
    kommuner = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.KOMMUN)).all()
    assert all(o.mailbox for o in kommuner)
    assert absence.deputy_of(user_by_username("mas.ostersund")) == user_by_username("sas.ostersund")
