"""The server fixtures in tests/fixtures/servers.py, used for real."""

import smtplib
import uuid
from email.message import EmailMessage

import psycopg
import pytest
import redis

pytestmark = pytest.mark.integration


def test_redis_set_get(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    key = f"selftest:{uuid.uuid4()}"
    client.set(key, "hej")
    assert client.get(key) == b"hej"
    client.close()


def test_redis_stop_and_start_again_on_the_same_port(redis_server):
    port = redis_server.port
    redis_server.stop()
    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_server.url, socket_connect_timeout=1).ping()

    redis_server.start()
    assert redis_server.port == port
    client = redis.Redis.from_url(redis_server.url)
    assert client.ping()
    client.close()


def test_smtp_receives_mail_with_envelope_recipient(smtp):
    mail = EmailMessage()
    mail["From"] = "avvikelse@region.example"
    mail["To"] = "Åsa Öberg <asa@kommun.example>"
    mail["Subject"] = "Ny avvikelse: läkemedel"
    mail.set_content("Hej!")

    with smtplib.SMTP(smtp.host, smtp.port, timeout=5) as client:
        client.send_message(mail, to_addrs=["asa@kommun.example", "kopia@kommun.example"])

    [received] = smtp.wait_for(1, timeout=5)
    assert received["Subject"] == "Ny avvikelse: läkemedel"
    assert received.envelope_sender == "avvikelse@region.example"
    assert received.envelope_recipients == ["asa@kommun.example", "kopia@kommun.example"]
    assert received.get_content().strip() == "Hej!"


def test_smtp_wait_for_fails_clearly_when_nothing_arrives(smtp):
    with pytest.raises(AssertionError, match="expected at least 1 mail"):
        smtp.wait_for(1, timeout=0.2)


def test_postgres_select_1(postgres_server):
    assert postgres_server.url.startswith("postgresql+psycopg://")
    dsn = postgres_server.url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.execute("SELECT current_database()").fetchone() == (postgres_server.dbname,)
