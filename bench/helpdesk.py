"""Filing through the HTML form, Avvikelse against django-helpdesk, side by side in one run.

    .venv/bin/python -m bench helpdesk [--db sqlite|postgresql|all] [--seconds 20] [--rounds 3]
                                       [--floor guarded|bare]

django-helpdesk comes from PyPI, pinned in bench/helpdesk-requirements.txt, into a
virtualenv of its own that is built once and kept under instance/bench-helpdesk/ (rebuilt
when the pins change). A minimal Django project is written next to it: the same kind of
database (a SQLite file; on PostgreSQL a database of its own on the server this run
starts), DEBUG off, persistent database connections (and on SQLite WAL and a busy
timeout, as Avvikelse has; --helpdesk-db-defaults leaves Django's defaults instead),
sessions in the database (Django's default), one queue, staff users. Mail goes to
Django's dummy backend, and the users have no address, so helpdesk sends none (Avvikelse
hands its notice to Redis in the request).

Both apps run under gunicorn with 2 workers, both started before the first round and
kept up to the end; the rounds alternate (Avvikelse, helpdesk, Avvikelse, helpdesk …) so
both meet the same state of the machine. In a round 4 clients, each a session logged in
before the clock starts, repeat: GET the new-case form, POST it with the page's CSRF token
(and for Avvikelse the page's submission key). Only a redirect to the confirmation (the
new case; helpdesk: the new ticket) counts, and after each round the rows the round added
to each database must be exactly that count. Latency is the GET and the POST together.
As the machine may be shared, each round also reports the CPU the server side spent per
filing (gunicorn's master and workers, and on PostgreSQL the whole server's processes):
less at the mercy of other load than the rate is.
With --floor a third app joins the rounds: bench/floor_app.py, the least a filing through
a form costs on Avvikelse's stack (Flask, Flask-Login, Flask-WTF, Flask-SQLAlchemy, one
row), with Avvikelse's guarantees at sign-in (guarded) or without them (bare). Its ratio to
django-helpdesk is the most any app on this stack could reach on this machine.
Nothing is asserted about time; a row count that does not match makes the exit status 1.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import secrets
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.common import (PASSWORD, ROOT, Browser, Gunicorn, csrf_token, databases, prepare, redis,
                          run_clients)

HERE = Path(__file__).resolve().parent
REQUIREMENTS = HERE / "helpdesk-requirements.txt"
CACHE = ROOT / "instance" / "bench-helpdesk"
VENV = CACHE / "venv"
PROJECT = CACHE / "project"
CLIENTS = 4

# ~300 characters, the same text in both apps.
DESCRIPTION = (
    "Patienten skrevs ut från medicinavdelningen på fredagseftermiddagen utan att "
    "utskrivningsmeddelandet nådde hemsjukvården. Ingen planerad hemsjukvård fanns på plats, "
    "läkemedelslistan saknades och patienten fick vänta till måndagen på sin insulin. Anhöriga "
    "ringde kommunen som fick leta upp avdelningen. Rutinen för överrapportering behöver ses över."
)
AVVIKELSE_FORM = {
    "kind": "deviation", "receiver_organisation": "23", "occurred_at": "2026-01-10T10:00",
    "category": "discharge", "description": DESCRIPTION,
    "immediate_action": "Ringde avdelningen.", "consequence": "2", "probability": "2",
}
HELPDESK_FORM = {
    "title": "Utskrivningsmeddelandet saknades vid hemgång", "body": DESCRIPTION,
    "priority": "3", "submitter_email": "", "assigned_to": "", "due_date": "",
}


# --------------------------------------------------------------------------- the helpdesk site

SETTINGS = '''\
import os

SECRET_KEY = os.environ["BENCH_HD_SECRET"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "benchsite.urls"
WSGI_APPLICATION = "benchsite.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
if os.environ["BENCH_HD_DB"] == "sqlite":
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                             "NAME": os.environ["BENCH_HD_DB_NAME"]}}
    tuned = {"OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000",
                         "transaction_mode": "IMMEDIATE"}}
else:
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql", "NAME": os.environ["BENCH_HD_DB_NAME"],
        "HOST": "127.0.0.1", "PORT": os.environ["BENCH_HD_DB_PORT"],
        "USER": os.environ["BENCH_HD_DB_USER"],
    }}
    tuned = {"CONN_HEALTH_CHECKS": True}
if os.environ["BENCH_HD_DB_DEFAULTS"] != "1":
    # As a deployment would, and as Avvikelse runs: connections kept (its pool), and on
    # SQLite WAL with a 5 s busy timeout (its pragmas).
    DATABASES["default"].update(CONN_MAX_AGE=600, **tuned)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
STATIC_URL = "/static/"
MEDIA_ROOT = os.environ["BENCH_HD_MEDIA"]
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "Europe/Stockholm"
LANGUAGE_CODE = "en"
LOGIN_URL = "/helpdesk/login/"
LOGIN_REDIRECT_URL = "/helpdesk/"
HELPDESK_TEAMS_MODE_ENABLED = False  # pinax-teams is not installed
LOGGING = {
    "version": 1, "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
'''

URLS = '''\
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
'''

WSGI = '''\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
application = get_wsgi_application()
'''

# One queue and staff users (the staff form is the one a logged-in user files through).
SEED = '''\
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
django.setup()
from django.contrib.auth import get_user_model  # noqa: E402
from helpdesk.models import Queue  # noqa: E402

queue = Queue.objects.create(title="Avvikelser", slug="bench", allow_public_submission=True)
for i in range(int(sys.argv[1])):
    get_user_model().objects.create_user(f"bench{i}", password=sys.argv[2], is_staff=True)
print(queue.id)
'''


def helpdesk_venv() -> Path:
    """The virtualenv with the pinned django-helpdesk, built once per set of pins."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    marker = VENV / ".bench-requirements"
    python = VENV / "bin" / "python"
    if marker.exists() and marker.read_text() == digest and python.exists():
        return VENV
    print(f"building {VENV} from {REQUIREMENTS.name} (once; needs PyPI) …", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", str(REQUIREMENTS)], check=True)
    marker.write_text(digest)
    return VENV


def write_project() -> None:
    package = PROJECT / "benchsite"
    package.mkdir(parents=True, exist_ok=True)
    for name, text in {"__init__.py": "", "settings.py": SETTINGS, "urls.py": URLS,
                       "wsgi.py": WSGI}.items():
        (package / name).write_text(text)
    (PROJECT / "seed.py").write_text(SEED)


def database_beside(avvikelse_url: str, name: str) -> str:
    """A database of its own on the server the Avvikelse database lives on; its DSN."""
    import psycopg

    url = urllib.parse.urlsplit(avvikelse_url)
    with psycopg.connect(f"postgresql://{url.username}@127.0.0.1:{url.port}{url.path}",
                         autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://{url.username}@127.0.0.1:{url.port}/{name}"


class HelpdeskSite:
    """The Django project on its database: migrated, seeded, served by gunicorn."""

    def __init__(self, kind: str, avvikelse_url: str, tmp: Path, db_defaults: bool) -> None:
        self.kind = kind
        self.env = {"DJANGO_SETTINGS_MODULE": "benchsite.settings", "BENCH_HD_DB": kind,
                    "BENCH_HD_DB_DEFAULTS": "1" if db_defaults else "0",
                    "BENCH_HD_SECRET": secrets.token_urlsafe(40), "BENCH_HD_MEDIA": str(tmp / "media"),
                    "PYTHONPATH": str(PROJECT)}
        if kind == "sqlite":
            self.path = tmp / "helpdesk.db"
            self.env["BENCH_HD_DB_NAME"] = str(self.path)
        else:
            self.dsn = database_beside(avvikelse_url, "helpdesk_bench")
            url = urllib.parse.urlsplit(avvikelse_url)
            self.env.update(BENCH_HD_DB_NAME="helpdesk_bench", BENCH_HD_DB_PORT=str(url.port),
                            BENCH_HD_DB_USER=url.username or "postgres")
        python = str(VENV / "bin" / "python")
        run = dict(cwd=PROJECT, env={"PATH": "/usr/bin:/bin", **self.env}, check=True)
        subprocess.run([python, "-m", "django", "migrate", "--noinput", "-v", "0"], **run)
        out = subprocess.run([python, "seed.py", str(CLIENTS), PASSWORD], capture_output=True,
                             text=True, **run)
        self.queue = out.stdout.split()[-1]

    def serve(self) -> Gunicorn:
        return Gunicorn(self.env, app="benchsite.wsgi:application", binary=VENV / "bin" / "gunicorn",
                        cwd=PROJECT, probe="/helpdesk/login/")

    def rows(self) -> int:
        return count_rows(self.kind, self.path if self.kind == "sqlite" else self.dsn, "helpdesk_ticket")


class FloorSite:
    """bench/floor_app.py on its own database of the same kind: a filing's floor on this stack."""

    def __init__(self, kind: str, avvikelse_url: str, tmp: Path, floor: str) -> None:
        self.kind = kind
        if kind == "sqlite":
            self.path = tmp / "floor.db"
            url = f"sqlite:///{self.path}"
        else:
            self.dsn = database_beside(avvikelse_url, "floor_bench")
            url = self.dsn.replace("postgresql://", "postgresql+psycopg://", 1)
        self.env = {"BENCH_FLOOR_DB": url, "BENCH_FLOOR_KIND": floor,
                    "BENCH_FLOOR_SESSIONS": str(tmp / "floor-sessions"),
                    "BENCH_FLOOR_SECRET": secrets.token_urlsafe(40)}
        subprocess.run([sys.executable, "-m", "bench.floor_app", "seed", str(CLIENTS), PASSWORD],
                       cwd=ROOT, env={**os.environ, **self.env}, check=True)

    def serve(self) -> Gunicorn:
        return Gunicorn(self.env, app="bench.floor_app:create_app()")

    def rows(self) -> int:
        return count_rows(self.kind, self.path if self.kind == "sqlite" else self.dsn, "floor_reports")


def postgres_pids(dsn: str) -> list[int]:
    """The postmaster and its children (backends, writers) of the server behind dsn."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        status = Path(f"/proc/{backend}/status").read_text()
    postmaster = int(re.search(r"^PPid:\s+(\d+)", status, re.M).group(1))
    out = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True)
    return [postmaster, *(int(p) for p in out.stdout.split())]


def cpu_seconds(pids: list[int]) -> float:
    """User and system time of these processes and of their reaped children."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def count_rows(kind: str, where, table: str) -> int:
    if kind == "sqlite":
        with contextlib.closing(sqlite3.connect(where)) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    import psycopg

    with psycopg.connect(where) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


# --------------------------------------------------------------------------- the two sides

def hidden_value(html: str, name: str) -> str:
    for tag in re.findall(r"<input\b[^>]*>", html):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            match = re.search(r'\bvalue="([^"]*)"', tag)
            return match.group(1) if match else ""
    return ""


class Side:
    """One app under load: its server, its logged-in clients, how a filing is done."""

    name = ""

    def __init__(self, web: Gunicorn) -> None:
        self.web = web
        self.clients = [self.login(k) for k in range(CLIENTS)]

    def login(self, k: int) -> Browser:
        raise NotImplementedError

    def file(self, b: Browser) -> bool:
        raise NotImplementedError

    def rows(self) -> int:
        raise NotImplementedError

    def server_pids(self) -> list[int]:
        pids = [self.web.proc.pid, *self.web.worker_pids()]
        return pids + (postgres_pids(self.dsn) if self.kind == "postgresql" else [])


class AvvikelseSide(Side):
    name = "avvikelse"

    def __init__(self, web: Gunicorn, kind: str, url: str) -> None:
        self.kind = kind
        self.dsn = url.replace("+psycopg", "")
        self.where = url.removeprefix("sqlite:///") if kind == "sqlite" else self.dsn
        super().__init__(web)

    def login(self, k: int) -> Browser:
        b = Browser(self.web.port)
        _, _, html = b.request("GET", "/logga-in")
        status, _, _ = b.form("/logga-in", {"csrf_token": csrf_token(html),
                                            "username": f"bench.rapportor{k}", "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"Avvikelse login answered {status}")
        return b

    def file(self, b: Browser) -> bool:
        _, _, html = b.request("GET", "/arenden/ny")
        status, headers, _ = b.form("/arenden/ny", {
            **AVVIKELSE_FORM, "csrf_token": csrf_token(html),
            "submission_key": hidden_value(html, "submission_key")})
        return status == 302 and "/arenden/AV-" in headers.get("Location", "")

    def rows(self) -> int:
        return count_rows(self.kind, self.where, "cases")


class SiteSide(Side):
    """A side that is another app on a database of its own (helpdesk, the floor)."""

    def __init__(self, web: Gunicorn, site: HelpdeskSite | FloorSite) -> None:
        self.site = site
        self.kind = site.kind
        self.dsn = getattr(site, "dsn", "")
        super().__init__(web)

    def rows(self) -> int:
        return self.site.rows()


class HelpdeskSide(SiteSide):
    name = "helpdesk"

    def login(self, k: int) -> Browser:
        b = Browser(self.web.port)
        _, _, html = b.request("GET", "/helpdesk/login/")
        status, _, _ = b.form("/helpdesk/login/", {
            "csrfmiddlewaretoken": hidden_value(html, "csrfmiddlewaretoken"),
            "username": f"bench{k}", "password": PASSWORD, "next": "/helpdesk/"})
        if status != 302:
            raise RuntimeError(f"helpdesk login answered {status}")
        return b

    def file(self, b: Browser) -> bool:
        _, _, html = b.request("GET", "/helpdesk/tickets/submit/")
        status, headers, _ = b.form("/helpdesk/tickets/submit/", {
            **HELPDESK_FORM, "queue": self.site.queue,
            "csrfmiddlewaretoken": hidden_value(html, "csrfmiddlewaretoken")})
        return status == 302 and re.search(r"/helpdesk/tickets/\d+/$", headers.get("Location", "")) is not None


class FloorSide(SiteSide):
    name = "floor"

    def login(self, k: int) -> Browser:
        b = Browser(self.web.port)
        status, _, _ = b.form("/login", {"username": f"floor{k}", "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"the floor app's login answered {status}")
        return b

    def file(self, b: Browser) -> bool:
        _, _, html = b.request("GET", "/new")
        status, headers, _ = b.form("/new", {**AVVIKELSE_FORM, "csrf_token": csrf_token(html)})
        return status == 302 and re.search(r"/cases/\d+$", headers.get("Location", "")) is not None


# --------------------------------------------------------------------------- rounds

def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def measure(side: Side, seconds: float) -> dict:
    before = side.rows()
    pids = side.server_pids()
    cpu = cpu_seconds(pids)
    done, lat, fail = run_clients(CLIENTS, seconds, lambda k: side.clients[k],
                                  lambda c, k, i: side.file(c))
    cpu = cpu_seconds(pids) - cpu
    created = side.rows() - before
    return {"rate": done / seconds, "p50": quantile(lat, 0.50), "p95": quantile(lat, 0.95),
            "cpu": cpu * 1000 / done if done else float("nan"),
            "accepted": done, "failures": fail, "created": created}


def compare(kind: str, url: str, broker: str | None, args) -> bool:
    """Both apps on one database kind; True when every round's row count matched."""
    ok = True
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="avvikelse-bench-hd-")))
        prepare(url)
        site = HelpdeskSite(kind, url, tmp, args.helpdesk_db_defaults)
        # The API's rate limits off as in bench.filing (not used here, but the same app).
        av_web = Gunicorn({"DATABASE_URL": url, "CELERY_BROKER_URL": broker or "memory://",
                           "AVVIKELSE_INSTANCE": str(tmp / "instance"),
                           "API_RATE_LIMIT": "", "API_ADDRESS_RATE_LIMIT": ""})
        stack.callback(av_web.stop)
        hd_web = site.serve()
        stack.callback(hd_web.stop)
        sides = [AvvikelseSide(av_web, kind, url), HelpdeskSide(hd_web, site)]
        if args.floor:
            floor = FloorSite(kind, url, tmp, args.floor)
            floor_web = floor.serve()
            stack.callback(floor_web.stop)
            sides.append(FloorSide(floor_web, floor))
        print(f"\n== filing through the form on {kind}: Avvikelse against django-helpdesk"
              f"{f' (and the {args.floor} floor, bench/floor_app.py)' if args.floor else ''} "
              f"(gunicorn 2 workers each, {CLIENTS} clients, {args.seconds:.0f} s a round, "
              f"{args.rounds} rounds alternating; Avvikelse's broker {'redis' if broker else 'memory'}; "
              f"helpdesk's database settings {'Django defaults' if args.helpdesk_db_defaults else 'tuned'})",
              flush=True)
        for side in sides:  # warm up: first requests compile templates and open connections
            for b in side.clients:
                if not side.file(b):
                    raise RuntimeError(f"{side.name}: a warm-up filing was not accepted")
        results: dict[str, list[dict]] = {s.name: [] for s in sides}
        for r in range(1, args.rounds + 1):
            for side in sides:
                m = measure(side, args.seconds)
                results[side.name].append(m)
                match = m["created"] == m["accepted"]
                ok &= match
                print(f"round {r} {kind}_{side.name}_cases_per_s: {m['rate']:.1f} /s   "
                      f"GET+POST p50 {m['p50']:.0f} ms, p95 {m['p95']:.0f} ms   "
                      f"server CPU {m['cpu']:.0f} ms a filing   failures {m['failures']}   "
                      f"rows {m['created']} for {m['accepted']} accepted"
                      f"{'' if match else '  MISMATCH'}", flush=True)
            ratio = results["avvikelse"][-1]["rate"] / (results["helpdesk"][-1]["rate"] or float("nan"))
            print(f"round {r} {kind}_ratio: {ratio:.2f} x", flush=True)
        med = {name: {key: statistics.median(m[key] for m in rows) for key in ("rate", "p50", "p95", "cpu")}
               for name, rows in results.items()}
        print(f"median of {args.rounds} rounds:")
        for name in results:
            print(f"{kind}_{name}_cases_per_s: {med[name]['rate']:.1f} /s")
            print(f"{kind}_{name}_p50: {med[name]['p50']:.0f} ms")
            print(f"{kind}_{name}_p95: {med[name]['p95']:.0f} ms")
            print(f"{kind}_{name}_server_cpu_per_case: {med[name]['cpu']:.0f} ms")
        print(f"{kind}_ratio: {med['avvikelse']['rate'] / (med['helpdesk']['rate'] or float('nan')):.2f} x")
        # How many times the server CPU helpdesk spends on a filing compared with Avvikelse.
        print(f"{kind}_cpu_ratio: {med['helpdesk']['cpu'] / med['avvikelse']['cpu']:.2f} x", flush=True)
        if "floor" in med:
            # What the stack alone reaches, doing no more than a filing must: the ceiling
            # for any app that files this way on it.
            print(f"{kind}_floor_ratio: {med['floor']['rate'] / (med['helpdesk']['rate'] or float('nan')):.2f} x")
            print(f"{kind}_floor_cpu_ratio: {med['helpdesk']['cpu'] / med['floor']['cpu']:.2f} x", flush=True)
    return ok


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench helpdesk")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--floor", choices=["guarded", "bare"],
                        help="also serve bench/floor_app.py, the least a filing can cost on this "
                             "stack (guarded: with server-side sessions and the user loaded on "
                             "every request, as Avvikelse; bare: without), in the same rounds")
    parser.add_argument("--helpdesk-db-defaults", action="store_true",
                        help="Django's out-of-the-box database settings for helpdesk: a new "
                             "connection per request, and SQLite's rollback journal")
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so every server is stopped by the blocks below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        helpdesk_venv()
    except subprocess.CalledProcessError as exc:
        sys.exit(f"django-helpdesk could not be installed from PyPI ({exc}); nothing measured")
    write_project()
    ok = True
    started = time.monotonic()
    with redis() as broker:
        for kind in (["sqlite", "postgresql"] if args.db == "all" else [args.db]):
            with databases(kind) as pair:
                if pair:
                    ok &= compare(kind, pair[1], broker, args)
    print(f"\n(whole run {time.monotonic() - started:.0f} s)")
    if not ok:
        sys.exit("rows created did not match the filings accepted (see MISMATCH above)")


if __name__ == "__main__":
    main()
