"""Benchmark one clock pass over N synthetic open cases. Not a test.

    .venv/bin/python bench/clock_pass.py 10000
    .venv/bin/python bench/clock_pass.py 100000 --due-share 0.024
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/clock_pass.py 100000

Seeds a fresh database (a temporary SQLite file unless DATABASE_URL is given; an
existing database must be empty, or pass --reset to drop its tables), files N open
cases of which --due-share have a clock step due now (a reminder, the due day or
overdue; the rest are due weeks ahead), runs one pass, then a second (which finds
nothing new), and prints cases/s and what was due. The pass's cost should follow the
number of due cases, not N: compare 10 000 and 100 000 at the same due count.
"""
import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from avvikelse.extensions import db  # noqa: E402
from bench.common import app_on_database_url, empty_database, insert_cases  # noqa: E402

CHUNK = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=int, help="open cases to seed, e.g. 10000 or 100000")
    parser.add_argument("--due-share", type=float, default=0.24,
                        help="share of cases with a step due now (default 0.24, as in the issue's example)")
    parser.add_argument("--reset", action="store_true", help="drop every table of DATABASE_URL first")
    parser.add_argument("--explain", action="store_true", help="print the query plan of the overdue scan")
    args = parser.parse_args()

    with app_on_database_url("avvikelse-bench-"):
        empty_database(args.reset)
        now = _now()
        t0 = time.perf_counter()
        due = seed(args.cases, args.due_share, now)
        print(f"database: {db.engine.dialect.name}; seeded {args.cases} open cases "
              f"({due} with a step due) in {time.perf_counter() - t0:.1f} s")
        if args.explain:
            explain(now)
        run(now, args.cases, "first pass ")
        run(now, args.cases, "second pass")


def _now():
    from avvikelse.core.clock import now_utc

    return now_utc()


def seed(n: int, due_share: float, now) -> int:
    """N cases Krokom → region, bulk-inserted; returns how many have a step due now."""
    from avvikelse.accounts.models import Role
    from avvikelse.accounts.services import create_user
    from avvikelse.cases.enums import EventType, Kind, Status
    from avvikelse.directory.services import organisation_by_code, unit_by_code

    krokom, region = organisation_by_code("2309"), organisation_by_code("23")
    unit = unit_by_code("2309-HSJV")
    reporter = create_user("bench.rapportor", krokom, set(), None, units=[unit])
    create_user("bench.intag", region, {Role.HANDLER}, None)
    create_user("bench.chef", region, {Role.CHEFSLAKARE}, None)
    db.session.commit()

    rng = random.Random(2026)
    due = 0

    def rows():
        nonlocal due
        for i in range(n):
            if rng.random() < due_share:
                # Within a step's reach: reminders (up to 7 days ahead), the due day, overdue.
                due_at = now + timedelta(hours=rng.uniform(-14 * 24, 7 * 24 - 1))
                due += 1
            else:
                due_at = now + timedelta(hours=rng.uniform(9 * 24, 27 * 24))
            received = due_at - timedelta(days=28)
            yield dict(
                reference=f"AV-BENCH-{i:07d}", kind=Kind.DEVIATION, event_type=EventType.ADVERSE_EVENT,
                status=Status.RECEIVED if i % 2 else Status.INVESTIGATING,
                sender_organisation_id=krokom.id, sender_unit_id=unit.id, reporter_id=reporter.id,
                receiver_organisation_id=region.id, occurred_at=received - timedelta(days=1),
                reported_at=received, received_at=received, due_at=due_at, category="discharge",
                description="Syntetiskt ärende.", immediate_action="-", consequence=2, probability=2,
                risk=4, reporter_serious=False, serious=False, disputed_once=False,
                patient_id_unvalidated=False,
            )

    insert_cases(rows(), CHUNK)
    return due


def run(now, n: int, label: str) -> None:
    from avvikelse.escalation.clocks import run_pass

    t0 = time.perf_counter()
    result = run_pass(now)
    seconds = time.perf_counter() - t0
    taken = sum(result.steps.values())
    print(f"{label}: {seconds:6.2f} s  {n / seconds:10.0f} cases/s  "
          f"due {result.candidates} ({result.candidates / seconds:.0f} due/s), steps taken {taken}: {result}")


def explain(now) -> None:
    from avvikelse.escalation import clocks

    name, lower, upper = clocks.step_windows(now)[0]
    stmt = clocks._candidates_stmt(clocks.RANKS[name], lower, upper)
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    for row in db.session.execute(text(prefix + str(compiled))):
        print("  plan:", " ".join(str(c) for c in row))


if __name__ == "__main__":
    main()
