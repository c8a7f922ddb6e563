"""The server fixtures in tests/fixtures/servers.py, used for real."""

import json
import os
import smtplib
import socket
import subprocess
import sys
import textwrap
import uuid
from email.message import EmailMessage
from pathlib import Path

import psycopg
import pytest
import redis

from tests.fixtures.servers import missing, postgres_bindir, wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[1]


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


# ------------------------------------------------------------ a killed run leaves nothing


def _gone(pid: int) -> bool:
    """Exited (a zombie no one has reaped yet counts: it runs nothing)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _killed_run(script: str) -> dict:
    """Run `script` as a test run of its own that prints one JSON line once it has set
    up, SIGKILL it (no finally, no atexit), and return that line."""
    victim = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = victim.stdout.readline()
        assert line, victim.stderr.read()
        return json.loads(line)
    finally:
        victim.kill()
        victim.wait(10)


def test_the_reaper_puts_away_what_a_killed_run_left_armed(tmp_path):
    (tmp_path / "dir").mkdir()
    left = _killed_run(f"""
        import json, subprocess, sys, time
        from tests.fixtures import reaper
        sleeper = subprocess.Popen(["sleep", "600"], start_new_session=True)
        reaper.arm(kill_group=sleeper.pid)
        reaper.arm(run=[sys.executable, "-c", "open({str(tmp_path / 'ran')!r}, 'w')"],
                   remove={str(tmp_path / 'dir')!r})
        done = reaper.arm(run=[sys.executable, "-c", "open({str(tmp_path / 'disarmed')!r}, 'w')"])
        reaper.disarm(done)
        print(json.dumps({{"sleeper": sleeper.pid}}), flush=True)
        time.sleep(600)
    """)
    wait_until(lambda: _gone(left["sleeper"]), 15, "the orphaned process group killed")
    wait_until(lambda: (tmp_path / "ran").exists() and not (tmp_path / "dir").exists(), 15,
               "the armed command run and the directory removed")
    assert not (tmp_path / "disarmed").exists()


def test_a_killed_run_does_not_leave_its_postgresql_running():
    if postgres_bindir() is None:
        missing("PostgreSQL server binaries not found (apt-get install postgresql)")
    left = _killed_run("""
        import json, tempfile, time
        from pathlib import Path
        from tests.fixtures import reaper
        from tests.fixtures.servers import PostgresServer, postgres_bindir
        workdir = Path(tempfile.mkdtemp(prefix="avvikelse-pg-"))
        server = PostgresServer(postgres_bindir(), workdir)
        reaper.arm(run=server.abort_command(), remove=workdir)
        server.init()
        server.start()
        print(json.dumps({"port": server.port, "workdir": str(workdir)}), flush=True)
        time.sleep(600)
    """)

    def refused() -> bool:
        try:
            socket.create_connection(("127.0.0.1", left["port"]), timeout=1).close()
        except OSError:
            return True
        return False

    wait_until(refused, 15, "the killed run's PostgreSQL stopped")
    wait_until(lambda: not Path(left["workdir"]).exists(), 15, "its cluster's directory removed")
