"""Routing while the long passes run: how long a filed case waits to be routed while two
forum-warm passes are busy (what beat starts when a pass outlasts its interval, as the
first pass at national size does), with the workers laid out as the Procfile has them
(a worker for the default queue, one for the bulk queue) and as one worker on both
queues (the layout before the bulk queue: every task in one line).

    .venv/bin/python -m bench lanes [--cases 50000] [--filings 10]

Starts its own PostgreSQL and Redis on free ports, seeds the national data set
(bench/national.py) at --cases, then for each layout: forgets every page the warm pass
protected and every pattern it stored (so each pass solves every page again), hands two
passes to the workers, and once they are running files --filings cases in Jämtland (one a
second, committed by this process as a request would, so the outbox hands each to Redis)
and times each from its filing until a worker has routed it (its reported_at to its
received_at).
Prints `name: value unit` lines; nothing asserted.
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import delete, select

from avvikelse.core.dispatch import BULK_QUEUE, DEFAULT_QUEUE, FORUM_WARM, dispatch
from bench.common import BIN, ROOT, databases, redis

LAYOUTS = {
    # name: (one worker's arguments per process, how many of the two passes run at once)
    "one_queue": ([["--queues", f"{DEFAULT_QUEUE},{BULK_QUEUE}", "--concurrency", "2"]], 2),
    "two_lanes": ([["--queues", DEFAULT_QUEUE, "--concurrency", "2"],
                   ["--queues", BULK_QUEUE, "--concurrency", "1"]], 1),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench lanes", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--filings", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for the cases to be routed")
    args = parser.parse_args(argv)
    from avvikelse import create_app
    from avvikelse.extensions import db
    from bench import national

    with redis() as broker, databases("postgresql") as pair:
        if broker is None or not pair:
            print("needs redis-server and PostgreSQL")
            return
        _, url = pair
        instance = tempfile.mkdtemp(prefix="avvikelse-bench-lanes-")
        env = {**os.environ, "AVVIKELSE_ENV": "development", "DATABASE_URL": url, "CELERY_BROKER_URL": broker,
               "AVVIKELSE_INSTANCE": instance, "MAIL_SERVER": "", "PYTHONPATH": str(ROOT)}
        os.environ.update({k: env[k] for k in ("AVVIKELSE_INSTANCE", "CELERY_BROKER_URL")})
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            db.create_all()
            t0 = time.perf_counter()
            national.seed(args.cases, datetime.now(UTC).replace(microsecond=0))
            national.figure("cases", args.cases, "")
            national.figure("seed", time.perf_counter() - t0, "s")
            reporter = _reporter()
            for name, (processes, running) in LAYOUTS.items():
                waits = run_layout(env, f"{instance}/{name}", processes, running, reporter, args)
                national.figure(f"routing_wait_{name}_median", statistics.median(waits), "s")
                national.figure(f"routing_wait_{name}_max", max(waits), "s")
            db.session.remove()
            db.engine.dispose()


def _reporter():
    from avvikelse.accounts.services import create_user
    from avvikelse.directory.services import organisation_by_code, unit_by_code
    from avvikelse.extensions import db
    from bench.common import PASSWORD

    user = create_user("bench.lanes", organisation_by_code("2309"), set(), PASSWORD,
                       units=[unit_by_code("2309-HSJV")])
    db.session.commit()
    return user.id


def run_layout(env: dict, logdir: str, processes: list[list[str]], running: int, reporter_id: int,
               args) -> list[float]:
    from avvikelse.extensions import db
    from avvikelse.forum.models import SolvedPattern, WarmMark

    db.session.execute(delete(WarmMark))
    db.session.execute(delete(SolvedPattern))
    db.session.commit()
    _purge(env["CELERY_BROKER_URL"])  # nothing left over from the seed or a layout before
    os.makedirs(logdir)
    workers = []
    logs = []
    try:
        for n, extra in enumerate(processes):
            log = open(f"{logdir}/worker{n}.log", "wb")  # noqa: SIM115
            logs.append(log)
            workers.append(subprocess.Popen(  # noqa: S603  (our own celery, fixed arguments)
                [str(BIN / "celery"), "-A", "workers", "worker", "--hostname", f"lanes{n}@%h",
                 "--without-mingle", "--without-gossip", "--loglevel", "INFO", *extra],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        time.sleep(5)
        for _ in range(2):
            dispatch(FORUM_WARM)
        _wait_until_warming(logs, running)

        def filed():
            # the figure means something only if the passes were at work while the cases were filed
            done = _count(logs, "forum pages protected")
            print(f"# {os.path.basename(logdir)}: forum-warm passes over when the last case was filed: {done}")

        return _file_all_and_time(reporter_id, args.filings, args.timeout, filed)
    finally:
        for proc in workers:
            os.killpg(proc.pid, 9)
            proc.wait()
        for log in logs:
            log.close()


def _wait_until_warming(logs, started: int) -> None:
    """Until `started` forum-warm tasks have been received by the workers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _count(logs, f"Task {FORUM_WARM}[", " received") >= started:
            time.sleep(2)  # the passes under way
            return
        time.sleep(0.2)
    raise RuntimeError("no forum-warm pass started")


def _count(logs, text: str, ending: str = "") -> int:
    """The lines of the workers' logs that hold `text` (and end with `ending`)."""
    found = 0
    for log in logs:
        with open(log.name, errors="replace") as f:
            found += sum(1 for line in f if text in line and line.rstrip().endswith(ending))
    return found


def _file_all_and_time(reporter_id: int, filings: int, timeout: float, filed) -> list[float]:
    """File `filings` cases one a second, call filed(), then wait until each is routed;
    each one's wait (inf: not all routed within `timeout`)."""
    from avvikelse.accounts.models import User
    from avvikelse.cases.enums import Status
    from avvikelse.cases.inputs import CaseInput
    from avvikelse.cases.models import Case
    from avvikelse.cases.services import file_case
    from avvikelse.core.clock import now_utc
    from avvikelse.extensions import db

    references = []
    for _ in range(filings):
        time.sleep(1)
        now = now_utc()
        case = file_case(db.session.get(User, reporter_id), CaseInput(
            kind="deviation", receiver_organisation="23", occurred_at=now, category="discharge",
            description="Benchmark.", immediate_action="-", consequence=1, probability=1), now)
        references.append(case.reference)
        db.session.commit()  # the outbox hands the event to Redis now
    filed()
    # each case's wait: from its filing (reported_at) to its routing (received_at, the
    # worker's clock on the same machine)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.remove()
        rows = db.session.execute(select(Case.reported_at, Case.received_at).where(
            Case.reference.in_(references), Case.status == Status.RECEIVED)).all()
        if len(rows) == len(references):
            return [(received - reported).total_seconds() for reported, received in rows]
        time.sleep(0.5)
    return [float("inf")]


def _purge(broker: str) -> None:
    from redis import Redis

    Redis.from_url(broker).flushdb()
