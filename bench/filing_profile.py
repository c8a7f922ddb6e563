"""Server CPU of one filing through the HTML form, in-process: GET the new-case form and
POST it, measured apart, through Flask's test client (no HTTP server, no other process).

    .venv/bin/python -m bench.filing_profile [--pairs 200] [--profile get|post] [--top 30] [--dump FILE] [--sql]

The app is the one `bench helpdesk` serves (development config, file sessions, a real
Redis as broker when redis-server is installed) on a SQLite file with the Jämtland
directory. CSRF is off here only, so the loop needs no page parsing; the submission key
is taken from the page as a browser would. Prints the CPU (process time) per GET and per
POST, mean and median, and the wall-clock median of each (the machine may be shared: the
CPU figures are the steadier) and the statements of one POST (a commit is not one), and with --profile the cProfile of that request's calls,
largest cumulative first.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time

from bench.common import PASSWORD, prepare, redis

FORM = {
    "kind": "deviation", "receiver_organisation": "23", "occurred_at": "2026-01-10T10:00",
    "category": "discharge", "description": "Patienten skrevs ut utan utskrivningsmeddelande. " * 5,
    "immediate_action": "Ringde avdelningen.", "consequence": "2", "probability": "2",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--profile", choices=("get", "post"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--dump", help="also write the profile to this file (pstats)")
    parser.add_argument("--sql", action="store_true", help="also print the last POST's statements")
    args = parser.parse_args()
    with redis() as broker, tempfile.TemporaryDirectory(prefix="avvikelse-bench-profile-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        # As bench helpdesk's environment: read by config.py when it is first imported.
        os.environ.update(CELERY_BROKER_URL=broker or "memory://", AVVIKELSE_INSTANCE=f"{tmp}/instance",
                          SESSION_FOLDER=f"{tmp}/sessions")
        prepare(url)
        from avvikelse import create_app

        app = create_app("development", SQLALCHEMY_DATABASE_URI=url,
                         WTF_CSRF_ENABLED=False)
        client = app.test_client()
        from sqlalchemy import event

        from avvikelse.extensions import db

        statements: list[str] = []
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute",
                         lambda conn, cursor, sql, *rest: statements.append(sql))
        response = client.post("/logga-in", data={"username": "bench.rapportor0", "password": PASSWORD})
        if response.status_code != 302:
            sys.exit(f"login failed: {response.status_code}")
        profiler = cProfile.Profile()
        get_cpu = post_cpu = 0.0
        samples: dict[str, list[float]] = {"get cpu": [], "post cpu": [], "get wall": [], "post wall": []}
        warmup = 10
        for i in range(warmup + args.pairs):
            measured = i >= warmup
            w0, t0 = time.perf_counter(), time.process_time()
            if measured and args.profile == "get":
                profiler.enable()
            page = client.get("/arenden/ny")
            profiler.disable()
            t1, w1 = time.process_time(), time.perf_counter()
            if page.status_code != 200:
                sys.exit(f"GET /arenden/ny: {page.status_code}")
            key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page.get_data(as_text=True))
            statements.clear()
            w2, t2 = time.perf_counter(), time.process_time()
            if measured and args.profile == "post":
                profiler.enable()
            filed = client.post("/arenden/ny", data={**FORM, "submission_key": key.group(1)})
            profiler.disable()
            t3, w3 = time.process_time(), time.perf_counter()
            if filed.status_code != 302 or "/arenden/AV-" not in filed.headers.get("Location", ""):
                sys.exit(f"POST /arenden/ny: {filed.status_code}")
            if measured:
                get_cpu += t1 - t0
                post_cpu += t3 - t2
                for name, value in (("get cpu", t1 - t0), ("post cpu", t3 - t2),
                                    ("get wall", w1 - w0), ("post wall", w3 - w2)):
                    samples[name].append(value)
        n = args.pairs
        print(f"filing GET /arenden/ny: {get_cpu / n * 1000:.2f} ms CPU")
        print(f"filing POST /arenden/ny: {post_cpu / n * 1000:.2f} ms CPU")
        print(f"filing GET+POST: {(get_cpu + post_cpu) / n * 1000:.2f} ms CPU")
        print(f"filing POST statements: {len(statements)} statements")
        for name, values in samples.items():
            print(f"filing {name} median: {statistics.median(values) * 1000:.2f} ms")
        if args.sql:
            print("\n".join(" ".join(sql.split())[:160] for sql in statements))
        if args.profile:
            if args.dump:
                profiler.dump_stats(args.dump)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())


if __name__ == "__main__":
    main()
