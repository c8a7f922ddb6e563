"""An auditor's check: after the journeys a county's staff make, dump the whole database
(pg_dump on PostgreSQL, the SQL dump on SQLite) and search it for the test patient's
personnummer in every spelling. The number may exist only encrypted (and as its HMAC
blind index), never in clear: not in a case, an idempotency record, a mail, a webhook
payload, a history note, the access log or anywhere else."""
import re
import subprocess
from datetime import timedelta

from sqlalchemy import select

from avvikelse.cases.models import Case
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.integrations import webhooks
from avvikelse.retention.services import run_retention
from tests.api.conftest import api, valid_answer, valid_case  # noqa: F401  (fixture)
from tests.fixtures.servers import postgres_bindir

SPELLINGS = ["191212121212", "19121212-1212", "1212121212", "121212-1212", "121212+1212",
             "19121212 1212", "121212 1212"]


def _dump() -> str:
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        raw = db.session.connection().connection.driver_connection
        return "\n".join(raw.iterdump())
    command = [str(postgres_bindir() / "pg_dump"), "--no-owner", "-h", url.host, "-p", str(url.port),
               "-U", url.username, url.database]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def _journeys(client, login, people, api, make_user):  # noqa: F811
    # The web form: a reporter files about the patient and shares with the receiver.
    login(people["reporter"])
    response = client.post("/arenden/ny", data={
        "kind": "deviation", "receiver_organisation": "23", "occurred_at": "2026-01-10T10:00",
        "category": "medication", "description": "Fel läkemedelslista vid hemkomst.",
        "immediate_action": "Ringde avdelningen.", "consequence": "3", "probability": "3",
        "patient_id": "19121212-1212", "patient_shared_basis": "consent"})
    assert response.status_code == 302
    client.post("/logga-ut")
    outbox.drain()
    # The API: a filing with an Idempotency-Key, sent twice; another, serious, not shared.
    reporter, receiver, sender = (api(people[who]) for who in ("reporter", "receiver_handler",
                                                                "sender_handler"))
    key = {"Idempotency-Key": "journey-1"}
    body = valid_case(patient_id="121212-1212", patient_shared_basis="osl-10-2")
    first = reporter.post("/cases", body, headers=key)
    assert first.status_code == 201 and reporter.post("/cases", body, headers=key).status_code == 201
    serious = reporter.post("/cases", valid_case(patient_id="191212121212", consequence=4)).json
    webhooks.register(people["admin"], "http://127.0.0.1:9/hook", "Journal")
    outbox.drain()
    for reference in (first.json["reference"], serious["reference"]):
        receiver.get(f"/cases/{reference}")
        receiver.act(reference, "acknowledge")
        receiver.post(f"/cases/{reference}/messages", {"body": "Vi utreder."})
        receiver.act(reference, "answer", **valid_answer())
        reporter.act(reference, "accept")
    sender.act(serious["reference"], "share_identity", basis="consent")
    sender.act(serious["reference"], "unshare_identity")
    sender.act(serious["reference"], "protect_identity")
    receiver.get(f"/cases/{first.json['reference']}/fhir")
    # Reviewers look the patient up; an old closed case passes its retention period.
    login(people["mas"])
    client.post("/loggkontroll/", data={"personnummer": "19121212-1212"})
    client.post("/loggkontroll/patientutdrag", data={"personnummer": "191212121212"})
    client.post("/logga-ut")
    old = db.session.scalar(select(Case).where(Case.reference == first.json["reference"]))
    old.closed_at = now_utc() - timedelta(days=3 * 365)
    db.session.commit()
    run_retention(now_utc())
    outbox.drain()
    db.session.commit()


def test_the_whole_database_holds_no_personnummer_in_clear(client, login, people, api, make_user):  # noqa: F811
    _journeys(client, login, people, api, make_user)
    dump = _dump()
    assert "INSERT INTO" in dump or "COPY " in dump  # a real dump, with data
    assert "Fel läkemedelslista" in dump  # the journeys' data is in it
    found = [line[:120] for line in dump.splitlines() if any(s in line for s in SPELLINGS)]
    assert not found, "personnummer in clear in the dump:\n" + "\n".join(found)
    # Only ciphertext of it: every patient identifier column holds a Fernet token.
    tokens = re.findall(r"gAAAAA[A-Za-z0-9_=-]+", dump)
    assert len(tokens) >= 3
