"""What the benchmarks share: servers on free ports, a seeded database, a load loop.

Benchmarks print figures; nothing here asserts a time. Servers are the tests' own
(tests/fixtures/servers.py), started the same way, on 127.0.0.1 only.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures import reaper  # noqa: E402
from tests.fixtures.servers import PostgresServer, RedisServer, free_port, postgres_bindir  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "bench-losenord"


def percentiles(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {p(0.50):.1f} ms, p95 {p(0.95):.1f} ms, max {ordered[-1] * 1000:.1f} ms"


@contextlib.contextmanager
def databases(which: str) -> Iterator[tuple[str, str]]:
    """Yield (name, url) for SQLite and, when its binaries exist, PostgreSQL."""
    with tempfile.TemporaryDirectory(prefix="avvikelse-bench-") as tmp:
        if which in ("sqlite", "all"):
            yield "sqlite", f"sqlite:///{tmp}/bench.db"
        if which in ("postgresql", "all"):
            bindir = postgres_bindir()
            if bindir is None:
                print("PostgreSQL not installed: skipped")
                return
            # Its own mkdtemp, as the test fixture does: init() hands it to `postgres`.
            workdir = Path(tempfile.mkdtemp(prefix="avvikelse-bench-pg-"))
            server = PostgresServer(bindir, workdir)
            # A benchmark killed midway leaves no server running (tests/fixtures/reaper.py).
            reaped = reaper.arm(run=server.abort_command(), remove=workdir)
            try:
                server.init()
                server.start()
                server.create_database()
                yield "postgresql", server.url
            finally:
                if server.is_running():
                    server.stop()
                shutil.rmtree(workdir, ignore_errors=True)
                reaper.disarm(reaped)


def for_each_database(which: str):
    """Iterate over databases one at a time (a generator of context-managed URLs)."""
    names = ["sqlite", "postgresql"] if which == "all" else [which]
    for name in names:
        with databases(name) as pair:
            if pair:
                yield pair


@contextlib.contextmanager
def redis() -> Iterator[str | None]:
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="avvikelse-bench-redis-") as tmp:
        server = RedisServer(binary, Path(tmp))
        server.start()
        try:
            yield server.url
        finally:
            server.stop()


def prepare(url: str, people: bool = True) -> None:
    """Schema, the Jämtland directory and agreement, a reporter and an intake handler."""
    from avvikelse import create_app
    from avvikelse.accounts.models import Role
    from avvikelse.accounts.services import create_user
    from avvikelse.agreements.seed import seed_agreements
    from avvikelse.directory.seed import seed_jamtland
    from avvikelse.directory.services import organisation_by_code, unit_by_code
    from avvikelse.extensions import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, OUTBOX_AUTODISPATCH=False)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_jamtland()
        seed_agreements()  # filing reads the version in force and checks the category in it
        if people:
            for i in range(8):
                create_user(f"bench.rapportor{i}", organisation_by_code("2309"), set(), PASSWORD,
                            units=[unit_by_code("2309-HSJV")], email=f"r{i}@krokom.example")
            create_user("bench.intag", organisation_by_code("23"), {Role.HANDLER}, PASSWORD,
                        email="intag@region.example")
        db.session.commit()
        db.engine.dispose()


@contextlib.contextmanager
def app_on_database_url(prefix: str) -> Iterator:
    """The app, in its context, on DATABASE_URL, or on a SQLite file in a temporary folder
    when that is unset: for the benchmarks that seed a database of their own size."""
    from avvikelse import create_app
    from avvikelse.extensions import db

    url = os.environ.get("DATABASE_URL")
    with contextlib.ExitStack() as stack:
        if not url:
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix))}/bench.db"
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url, OUTBOX_AUTODISPATCH=False)
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def empty_database(reset: bool) -> None:
    """The schema and the Jämtland directory on an empty database (inside an app context);
    a database that already holds cases is refused unless `reset` drops its tables."""
    from sqlalchemy import inspect, text

    from avvikelse.directory.seed import seed_jamtland
    from avvikelse.extensions import db

    if reset:
        db.drop_all()
    existing = inspect(db.engine).get_table_names()
    if "cases" in existing and db.session.scalar(text("SELECT count(*) FROM cases")):
        sys.exit("the database already holds cases: use an empty one, or --reset to drop its tables")
    db.create_all()
    seed_jamtland()
    db.session.commit()


def insert_cases(rows, chunk: int = 5000) -> None:
    """Bulk-insert case rows (dicts) in chunks, commit, and leave PostgreSQL as autovacuum
    would: statistics for the planner, and a visibility map for index-only counts."""
    from sqlalchemy import insert, text

    from avvikelse.cases.models import Case
    from avvikelse.extensions import db

    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == chunk:
            db.session.execute(insert(Case), batch)
            batch = []
    if batch:
        db.session.execute(insert(Case), batch)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE cases"))


class Gunicorn:
    """`gunicorn -w 2` serving the app, as `make run` and the Procfile do; or, given
    `app`, `binary`, `cwd` and a `probe` path, another WSGI application the same way."""

    def __init__(self, env: dict[str, str], workers: int = 2, *, app: str = "avvikelse:create_app()",
                 binary: Path = BIN / "gunicorn", cwd: Path = ROOT, probe: str = "/healthz") -> None:
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [str(binary), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             *os.environ.get("BENCH_GUNICORN_ARGS", "").split(), app],
            cwd=cwd, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}; see {self.log.name}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", probe)
                if conn.getresponse().status in (200, 503):
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log.name}")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(15)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Browser:
    """A keep-alive HTTP client with cookies: one simulated user."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, str]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.headers), text

    def form(self, path: str, data: dict) -> tuple[int, dict, str]:
        return self.request("POST", path, urllib.parse.urlencode(data).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def json(self, path: str, data: dict, token: str | None = None) -> tuple[int, dict, str]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.request("POST", path, json.dumps(data).encode(), headers)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


def run_clients(n_clients: int, seconds: float, make_client, one_request) -> tuple[int, list[float], int]:
    """n clients in threads, each doing `one_request(client, i)` until time is up.
    Returns (done, latencies, failures)."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(k: int):
        client = make_client(k)
        i = 0
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            ok = one_request(client, k, i)
            elapsed = time.perf_counter() - t0
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    failures[0] += 1
            i += 1

    threads = [threading.Thread(target=loop, args=(k,)) for k in range(n_clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), latencies, failures[0]


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0
