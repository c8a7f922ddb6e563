"""Benchmark the forum's summary over N synthetic cases spread over eight years. Not a test.

    .venv/bin/python bench/forum_summary.py                    # 1 000 000 cases, SQLite
    .venv/bin/python bench/forum_summary.py 100000             # fewer, to compare growth
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/forum_summary.py --reset

Seeds a fresh database (a temporary SQLite file unless DATABASE_URL is given; an
existing one must be empty, or pass --reset to drop its tables) with bulk inserts
(executemany on SQLite, COPY on PostgreSQL): cases between all organisations, every
category, kind and risk, most answered and closed, an answer per answered case and a
chefsläkare escalation per serious case. Then it times `services.summary` — every
raw figure, the previous period and the eight-quarter trend included — for the last
full quarter and the last full year, three runs each; and what the forum is shown,
`services.published`: the same figures, the base table and latest answers per quarter
for the eight quarters, and disclosure control (one release per quarter of the trend and
per year shown, computed once and cached by their counts), cold and cached, with the
protection's own share printed apart. The cost should follow the period's cases, not
the table: compare 100 000 and 1 000 000.
"""
import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, text

from avvikelse.extensions import db
from bench.common import app_on_database_url, empty_database

CHUNK = 20_000
YEARS = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--reset", action="store_true", help="drop every table of DATABASE_URL first")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true",
                        help="time a DATABASE_URL this script seeded before, without seeding again")
    parser.add_argument("--explain", action="store_true", help="print the plan of the grouped pair query")
    args = parser.parse_args()

    with app_on_database_url("avvikelse-forum-bench-"):
        from avvikelse.forum.periods import Period, last_completed_quarter

        now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
        if args.reuse:
            total = db.session.scalar(text("SELECT count(*) FROM cases"))
            print(f"database: {db.engine.dialect.name}; reusing {total:,} cases")
        else:
            empty_database(args.reset)
            t0 = time.perf_counter()
            seed(args.cases, now)
            print(f"database: {db.engine.dialect.name}; seeded {args.cases:,} cases over {YEARS} years "
                  f"in {time.perf_counter() - t0:.1f} s")
        quarter = last_completed_quarter(now)
        year = Period(quarter.year - 1) if quarter.quarter != 4 else Period(quarter.year)
        if args.explain:
            explain(quarter)
        for period in (quarter, year):
            timed(period, now, args.runs)


def seed(n: int, now: datetime) -> None:
    from avvikelse.accounts.models import Role
    from avvikelse.accounts.services import create_user
    from avvikelse.cases.categories import CATEGORIES
    from avvikelse.directory.models import Organisation, OrgKind, Unit

    orgs = db.session.scalars(select(Organisation)).all()
    region = next(o for o in orgs if o.kind == OrgKind.REGION)
    kommuner = [o for o in orgs if o.kind == OrgKind.KOMMUN]
    units = {o.id: [u.id for u in db.session.scalars(select(Unit).where(Unit.organisation_id == o.id))] for o in orgs}
    reporter = create_user("bench.rapportor", kommuner[0], set(), None, units=[])
    handler = create_user("bench.intag", region, {Role.HANDLER}, None)
    db.session.commit()

    rng = random.Random(2026)  # noqa: S311  (synthetic data, reproducible)
    span = YEARS * 365 * 86400
    categories = [c.code for c in CATEGORIES]
    cases, answers, escalations = [], [], []
    # Cases arrive in the order they are reported, as in production: ids and physical
    # order follow reported_at (random order would scatter a quarter over every page).
    offsets = sorted((rng.randrange(span) for _ in range(n)), reverse=True)
    for i, offset in enumerate(offsets, start=1):
        kommun = rng.choice(kommuner)
        roll = rng.random()
        sender, receiver = (kommun, region) if roll < 0.55 else (region, kommun) if roll < 0.97 else (
            kommun, rng.choice([k for k in kommuner if k is not kommun]))
        reported = now - timedelta(seconds=offset)
        received = reported + timedelta(minutes=rng.randrange(5, 600))
        due = received + timedelta(days=28)
        # Most deviations are minor; about one in six ends up serious.
        cons = rng.choices((1, 2, 3, 4), weights=(50, 38, 10, 2))[0]
        prob = rng.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
        serious = cons >= 3 or cons * prob >= 8 or rng.random() < 0.02
        age = (now - reported).days
        answered = received + timedelta(days=rng.uniform(1, 45)) if age > 50 or rng.random() < 0.4 else None
        if answered and answered > now:
            answered = None
        closed = answered + timedelta(days=rng.uniform(1, 10)) if answered and rng.random() < 0.93 else None
        if closed and closed > now:
            closed = None
        status = "closed" if closed else "answered" if answered else "investigating"
        receiver_units = units[receiver.id]
        cases.append(dict(  # noqa: C408
            id=i, reference=f"AV-B-{i:08d}", kind="complaint" if rng.random() < 0.2 else "deviation",
            event_type="adverse_event", status=status, sender_organisation_id=sender.id,
            sender_unit_id=rng.choice(units[sender.id]), reporter_id=reporter.id,
            receiver_organisation_id=receiver.id,
            receiver_unit_id=rng.choice(receiver_units) if receiver_units and rng.random() < 0.6 else None,
            occurred_at=reported - timedelta(hours=rng.randrange(1, 72)), reported_at=reported,
            received_at=received, answered_at=answered, closed_at=closed, due_at=due,
            category=rng.choice(categories), description="Syntetiskt ärende.", immediate_action="-",
            consequence=cons, probability=prob, risk=cons * prob, reporter_serious=False, serious=serious,
            disputed_once=False, patient_id_unvalidated=False,
        ))
        if answered:
            answers.append(dict(id=len(answers) + 1, case_id=i, author_id=handler.id, at=answered,  # noqa: C408
                                confirmed=rng.choice(("yes", "yes", "partly", "no")), analysis="-",
                                patient_informed=True))
        if serious:
            decided = rng.random() < 0.7
            escalations.append(dict(  # noqa: C408
                id=len(escalations) + 1, case_id=i, role="chefslakare", organisation_id=region.id,
                trigger="serious", opened_at=received, ack_due_at=received + timedelta(days=1),
                decision=rng.choice(("investigation", "lex_maria", "none")) if decided else None,
                decided_at=received + timedelta(days=3) if decided else None))
        if len(cases) == CHUNK:
            bulk("cases", cases)
            cases = []
    for table, rows in (("cases", cases), ("case_answers", answers), ("escalations", escalations)):
        for start in range(0, len(rows), CHUNK):
            bulk(table, rows[start:start + CHUNK])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("cases", "case_answers", "escalations"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608  (our own table names)
                                    f"(SELECT max(id) FROM {table}))"))
        db.session.commit()
        db.session.commit()
        # After a bulk load autovacuum would get there soon; do it now so the visibility
        # map allows index-only scans, as on a database that has been running a while.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def bulk(table: str, rows: list[dict]) -> None:
    """Driver-level bulk insert: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    columns = list(rows[0])
    conn = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        cursor = conn.connection.dbapi_connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return

    def value(v):
        # what UTCDateTime stores on SQLite: naive UTC text
        return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ") if isinstance(v, datetime) else v

    conn.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",  # noqa: S608
        [tuple(value(row[c]) for c in columns) for row in rows])


def timed(period, now, runs: int) -> None:
    from avvikelse.forum import figures, publish, release, services, suppression
    from avvikelse.forum.filters import Filters

    seconds = []
    for _ in range(runs):
        db.session.expire_all()
        t0 = time.perf_counter()
        raw = services.summary(period, Filters(), now)
        seconds.append(time.perf_counter() - t0)
    print(f"{period.label:>7}: {raw['total']:>8,} cases in the period; summary (with previous period, "
          f"8-quarter trend{', agreement' if period.is_year else ''}) "
          f"min {min(seconds) * 1000:7.0f} ms, median {statistics.median(seconds) * 1000:7.0f} ms")
    cold, warm, protect, queries = [], [], [], []
    for _ in range(runs):
        release._CACHE.clear()  # noqa: SLF001  (a cold start: nothing protected yet)
        db.session.expire_all()
        t0 = time.perf_counter()
        services.published(period, Filters(), now)
        cold.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        services.published(period, Filters(kind="complaint"), now)
        warm.append(time.perf_counter() - t0)
        # the protection alone, on counts already read
        directory = figures.Directory.load()
        t0 = time.perf_counter()
        cubes, answers = services.counts(directory, period)
        queries.append(time.perf_counter() - t0)
        orgs = release.Orgs.of({o.code: (o.name, o.kind.value) for o in directory.by_id.values()})
        release._CACHE.clear()  # noqa: SLF001
        t0 = time.perf_counter()
        page = publish.Page(period, raw, cubes, orgs, suppression.threshold(), answers)
        for view in page.current.base.views():
            page.shown(view)
        protect.append(time.perf_counter() - t0)
    print(f"{'':>7}  published (protected, what page/API/exports show): cold median "
          f"{statistics.median(cold) * 1000:7.0f} ms, another filter of it {statistics.median(warm) * 1000:5.0f} ms; "
          f"of that the base table and answers per quarter {statistics.median(queries) * 1000:5.0f} ms, "
          f"protection of {len(page.quarters)} quarters and the years, every filter "
          f"{statistics.median(protect) * 1000:5.0f} ms")


def explain(period) -> None:
    from sqlalchemy import func

    from avvikelse.cases.models import Case

    stmt = (select(Case.sender_organisation_id, Case.receiver_organisation_id, func.count())
            .where(Case.reported_at >= period.start, Case.reported_at < period.end)
            .group_by(Case.sender_organisation_id, Case.receiver_organisation_id))
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    for row in db.session.execute(text(prefix + str(compiled))):
        print("  plan:", " ".join(str(c) for c in row))


if __name__ == "__main__":
    main()
