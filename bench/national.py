"""The national data set: N cases over ten years in all 21 counties, a few percent across
county lines; then each figure the national scale asks for, printed as `name: value unit`
lines (nothing asserted). Not a test.

    .venv/bin/python -m bench national --cases 1000000 [--db postgresql|sqlite] [--runs 3]
    .venv/bin/python -m bench national --database-url URL [--reuse] [--only forum …]

With --database-url it seeds that (empty) database instead and leaves it there; --reuse
then times the set seeded there before without seeding again (a 5 000 000-case seed
takes a quarter of an hour), and --only times some groups of figures (rollups, forum,
warm, national, pages, clock; the clock pass changes the data it passes over).

Starts its own PostgreSQL on a free port (127.0.0.1) unless --db sqlite. Seeds Sweden's
directory (`flask directory sweden`'s load, every samverkan running), a unit per
organisation, and cases by bulk load (COPY on PostgreSQL): within each county 55 % kommun
→ region, 39 % region → kommun, 3 % kommun → kommun, and 3 % to an organisation of
another county; then the rollups are built by the nightly recount, as after a migration.
Times (median of --runs): the forum summary of Jämtland's samverkan (last quarter, last
year, filtered by category) and its eight-quarter trend, the page as the forum sees it
(protected: the patterns solved and stored as the forum-warm worker does, then read by
a process that solved nothing), the whole page a forum member opens (which links a
section for each county Jämtland has cases with) and one such section, the forum-warm
pass (every running county's pages and their pairs' sections: all of them, then after
ten minutes' worth of case events, then with none), the national counts read from
the rollups, the national table computed (those counts protected, cold: what a worker
does) and as a user reads it (the stored release), and a worker's refresh after one
quarter's counts changed, the inbox of Region Jämtland's handler (first page and a
status filter) and the search page (its filters: every organisation's units), the clock
pass, and the recount.

The cases are what the product itself would have left behind: each received with its
answer clock started and answered within 45 days (0.5 % never are: open and overdue for
years); 93 % of answers accepted by the sender within days, the rest closed without
reaction by the clock pass AUTO_CLOSE_DAYS later; complaints carry their reply day and
the day the complainant got a reply. (Answered cases left open for ten years, which no
installation has, made one pass close 7 % of all cases one by one.) So the clock pass
is printed twice: `clock_pass_first`, the first pass over the freshly loaded set, which
catches up on what no pass ran for (the never-answered cases' overdue steps, complaints
past their day, the last answers due to close): a one-off, as after an import; and
`clock_pass`, the steady state: a pass one day later (`run_pass(now + 1 day)`), which
takes a whole day's steps where the scheduled pass, every CLOCK_INTERVAL_SECONDS, takes
a fraction of them.
"""
import argparse
import contextlib
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import current_app  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from bench.common import PASSWORD, databases  # noqa: E402

YEARS = 10
CHUNK = 20_000
CROSS_SHARE = 0.03
#: cases never answered: open, long overdue, re-read by every clock pass
NEVER_ANSWERED = 0.005
#: the figures by group, for --only
GROUPS = ("rollups", "forum", "warm", "national", "pages", "clock")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench national", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5_000_000)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="seed (or with --reuse, time) this database instead of a fresh one")
    parser.add_argument("--reuse", action="store_true",
                        help="time the data set this command seeded into --database-url before, without seeding")
    parser.add_argument("--only", choices=GROUPS, action="append",
                        help="time only these groups of figures (repeatable)")
    args = parser.parse_args(argv)
    if args.reuse and not args.database_url:
        parser.error("--reuse needs --database-url")

    from avvikelse import create_app
    from avvikelse.extensions import db

    given = contextlib.nullcontext(("given", args.database_url)) if args.database_url else databases(args.db)
    with given as pair:
        if not pair:
            return
        name, url = pair
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url, OUTBOX_AUTODISPATCH=False,
                         WTF_CSRF_ENABLED=False)
        with app.app_context():
            print(f"database: {name}")
            if args.reuse:
                # The seed's "now" is its newest case (offsets count back from it).
                now = db.session.scalar(text("SELECT max(reported_at) FROM cases")).replace(tzinfo=UTC)
                figure("cases", db.session.scalar(text("SELECT count(*) FROM cases")), "")
            else:
                db.drop_all()
                db.create_all()
                now = datetime.now(UTC).replace(microsecond=0)
                t0 = time.perf_counter()
                seed(args.cases, now)
                figure("cases", args.cases, "")
                figure("seed", time.perf_counter() - t0, "s")
            measure(app, now, args.runs, set(args.only or GROUPS))
            db.session.remove()
            db.engine.dispose()


def figure(name: str, value, unit: str) -> None:
    shown = f"{value:.1f}" if isinstance(value, float) else str(value)
    print(f"{name}: {shown} {unit}".rstrip(), flush=True)


def seed(n: int, now: datetime) -> None:
    from avvikelse.accounts.models import Role
    from avvikelse.accounts.services import create_user
    from avvikelse.cases.categories import CATEGORIES
    from avvikelse.core import workdays
    from avvikelse.directory import sweden
    from avvikelse.directory.models import Organisation, OrgKind, Samverkan, Unit
    from avvikelse.directory.seed import seed_jamtland
    from avvikelse.extensions import db
    from bench.forum_summary import bulk

    seed_jamtland()
    sweden.load()
    db.session.execute(Samverkan.__table__.update().values(active=True))
    orgs = db.session.scalars(select(Organisation)).all()
    have = {u.organisation_id for u in db.session.scalars(select(Unit))}
    for org in orgs:
        if org.id not in have:
            db.session.add(Unit(organisation_id=org.id, code=f"{org.code}-ENH", name=f"{org.name}, enhet"))
    db.session.commit()
    units: dict[int, list[int]] = {}
    for unit_id, org_id in db.session.execute(select(Unit.id, Unit.organisation_id)):
        units.setdefault(org_id, []).append(unit_id)
    by_code = {o.code: o for o in orgs}
    reporter = create_user("bench.rapportor", by_code["2309"], set(), PASSWORD, units=[])
    create_user("bench.intag", by_code["23"], {Role.HANDLER}, PASSWORD, email="intag@region.example")
    db.session.commit()

    counties: dict[str, dict] = {}
    for org in orgs:
        entry = counties.setdefault(org.county_code, {"regions": [], "kommuner": []})
        entry["kommuner" if org.kind == OrgKind.KOMMUN else "regions"].append(org)
    counties = {c: e for c, e in counties.items() if e["regions"]}
    codes = sorted(counties)
    # Larger counties (more kommuner) report more.
    weights = [len(counties[c]["kommuner"]) + 1 for c in codes]
    rng = random.Random(2026)  # noqa: S311  (synthetic data, reproducible)
    span = YEARS * 365 * 86400
    categories = [c.code for c in CATEGORIES]
    # The product's own clocks, so the data is what it would have left behind.
    auto_close = current_app.config["AUTO_CLOSE_DAYS"]
    interval = current_app.config["CLOCK_INTERVAL_SECONDS"]
    reply_days = current_app.config["COMPLAINT_REPLY_DAYS"]
    today = workdays.local_date(now)
    offsets = sorted((rng.randrange(span) for _ in range(n)), reverse=True)
    rows = []
    for i, offset in enumerate(offsets, start=1):
        county = counties[rng.choices(codes, weights)[0]]
        region = rng.choice(county["regions"])
        roll = rng.random()
        if not county["kommuner"]:  # Region Gotland, both duties: its cases are with other counties
            other = counties[rng.choice([c for c in codes if counties[c]["kommuner"]])]
            partner = rng.choice(other["kommuner"] + other["regions"])
            sender, receiver = (region, partner) if roll < 0.5 else (partner, region)
        elif roll < 0.55:
            sender, receiver = rng.choice(county["kommuner"]), region
        elif roll < 0.94:
            sender, receiver = region, rng.choice(county["kommuner"])
        elif roll < 1 - CROSS_SHARE:
            sender, receiver = rng.sample(county["kommuner"], 2) if len(county["kommuner"]) > 1 else (
                county["kommuner"][0], region)
        else:  # across the county line: a kommun and another county's region
            kommun = rng.choice(county["kommuner"])
            other = counties[rng.choice([c for c in codes if counties[c] is not county])]
            sender, receiver = (kommun, rng.choice(other["regions"])) if rng.random() < 0.5 else (
                rng.choice(other["regions"]), kommun)
        reported = now - timedelta(seconds=offset)
        received = reported + timedelta(minutes=rng.randrange(5, 600))
        due = received + timedelta(days=28)
        cons = rng.choices((1, 2, 3, 4), weights=(50, 38, 10, 2))[0]
        prob = rng.choices((1, 2, 3, 4), weights=(35, 35, 20, 10))[0]
        age = (now - reported).days
        complaint = rng.random() < 0.2
        # Answered within 45 days, but a few never are: open and overdue for years.
        answered = (None if rng.random() < NEVER_ANSWERED else
                    received + timedelta(days=rng.uniform(1, 45)) if age > 50 or rng.random() < 0.4 else None)
        if answered and answered > now:
            answered = None
        closed = outcome = None
        if answered and rng.random() < 0.93:  # the sender accepts the answer within days
            closed, outcome = answered + timedelta(days=rng.uniform(1, 10)), "accepted"
        elif answered:  # or never reacts: a clock pass closes the case AUTO_CLOSE_DAYS later
            closed = answered + timedelta(days=auto_close, seconds=rng.uniform(0, interval))
            outcome = "closed_without_reaction"
        if closed and closed > now:
            closed = outcome = None
        replied = workdays.local_date(reported + timedelta(days=rng.uniform(3, 35))) if complaint else None
        rows.append(dict(  # noqa: C408
            id=i, reference=f"AV-N-{i:08d}", kind="complaint" if complaint else "deviation",
            event_type="near_miss" if rng.random() < 0.15 else "adverse_event",
            status="closed" if closed else "answered" if answered else "investigating",
            outcome=outcome,
            sender_organisation_id=sender.id, sender_unit_id=rng.choice(units[sender.id]),
            reporter_id=reporter.id, receiver_organisation_id=receiver.id,
            receiver_unit_id=rng.choice(units[receiver.id]) if rng.random() < 0.6 else None,
            occurred_at=reported - timedelta(hours=rng.randrange(1, 72)), reported_at=reported,
            received_at=received, answered_at=answered, closed_at=closed, ended_at=closed, due_at=due,
            clock_started_at=received,
            complaint_reply_due_on=(workdays.local_date(reported) + timedelta(days=reply_days)
                                    if complaint else None),
            complainant_replied_on=replied if replied and replied <= today else None,
            category=rng.choice(categories), description="Syntetiskt ärende.", immediate_action="-",
            consequence=cons, probability=prob, risk=cons * prob, reporter_serious=False,
            serious=cons >= 3 or cons * prob >= 8, disputed_once=False, patient_id_unvalidated=False,
            activity="health_care", patient_protected=False,
        ))
        if len(rows) == CHUNK:
            bulk("cases", rows)
            rows = []
    bulk("cases", rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def median_ms(runs: int, call) -> float:
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds) * 1000


def warm_passes(now: datetime) -> None:
    """forum-warm at this size: a pass with no marks (protects every page), one after ten
    minutes of case events (20 cases of the last 45 days touched, two events each: 5 000 000
    cases over ten years are filed at about one a minute, each then answered), and one with
    no event since. Marks and events are removed afterwards; stored patterns stay."""
    import uuid

    from sqlalchemy import delete, func

    from avvikelse.cases.models import Case
    from avvikelse.core.outbox import OutboxEvent
    from avvikelse.extensions import db
    from avvikelse.forum import warming
    from avvikelse.forum.models import WarmMark

    db.session.execute(delete(WarmMark))
    t0 = time.perf_counter()
    done = warming.warm(now)
    db.session.commit()
    figure("forum_warm_pass_all", time.perf_counter() - t0, "s")
    figure("forum_warm_pages_all", len(done), "")
    # cases of the last 45 days: filed now, or answered (each is answered within 45 days)
    refs = db.session.scalars(select(Case.reference).where(Case.reported_at >= now - timedelta(days=45))
                              .order_by(func.random()).limit(20)).all()
    # within the first 8 minutes: the pass after next then sees none (MARGIN, 1 min)
    events = [OutboxEvent(id=str(uuid.uuid4()), kind=f"case.{kind}", payload={"reference": ref},
                          created_at=now + timedelta(minutes=k % 8), processed_at=now + timedelta(minutes=k % 8))
              for k, ref in enumerate(refs) for kind in ("submitted", "route")]
    db.session.add_all(events)
    db.session.commit()
    later = now + timedelta(minutes=10)
    t0 = time.perf_counter()
    done = warming.warm(later)
    db.session.commit()
    figure("forum_warm_pass_after_10_min", time.perf_counter() - t0, "s")
    figure("forum_warm_pages_after_10_min", len(done), "")
    t0 = time.perf_counter()
    done = warming.warm(later + timedelta(minutes=10))
    db.session.commit()
    figure("forum_warm_pass_untouched", time.perf_counter() - t0, "s")
    figure("forum_warm_pages_untouched", len(done), "")
    db.session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_([e.id for e in events])))
    db.session.execute(delete(WarmMark))
    db.session.commit()


def measure(app, now: datetime, runs: int, groups: set[str]) -> None:
    from avvikelse.escalation.clocks import run_pass
    from avvikelse.extensions import db
    from avvikelse.forum import figures, services
    from avvikelse.forum.filters import Filters
    from avvikelse.forum.periods import Period, last_completed_quarter
    from avvikelse.national import release as national_release
    from avvikelse.national import services as national
    from avvikelse.rollups import services as rollups

    if "rollups" in groups:
        t0 = time.perf_counter()
        found = rollups.recount()
        db.session.commit()
        figure("rollups_build", time.perf_counter() - t0, "s")
        figure("rollup_cells", found.cells, "")
        t0 = time.perf_counter()
        again = rollups.recount()
        db.session.commit()
        figure("rollups_recount_nightly", time.perf_counter() - t0, "s")
        figure("rollups_recount_differences", again.cells_differing + again.marks_differing, "")

    quarter = last_completed_quarter(now)
    year = Period(quarter.year - 1) if quarter.quarter != 4 else Period(quarter.year)
    scope = figures.Scope("23")
    directory = figures.Directory.load(scope)
    if "forum" in groups:
        figure("forum_summary_quarter", median_ms(runs, lambda: services.summary(quarter, Filters(), now, scope=scope)), "ms")
        figure("forum_summary_year", median_ms(runs, lambda: services.summary(year, Filters(), now, scope=scope)), "ms")
        figure("forum_summary_filtered", median_ms(
            runs, lambda: services.summary(quarter, Filters(category="discharge"), now, scope=scope)), "ms")
        figure("forum_trend", median_ms(runs, lambda: figures.trend(directory, quarter, Filters())), "ms")
        # What the forum is shown: the same figures protected. A worker (forum-warm) has
        # solved and stored the patterns; a process that has not solved them reads them.
        from avvikelse.forum import release as forum_release

        def page(period):
            forum_release._CACHE.clear()  # noqa: SLF001  (a web process that solved nothing)
            services.published(period, Filters(), now, scope=scope)

        for name, period in (("forum_page_quarter", quarter), ("forum_page_year", year)):
            t0 = time.perf_counter()
            page(period)  # as forum-warm does (nothing to solve if a run before stored it)
            figure(f"{name}_warming", time.perf_counter() - t0, "s")
            figure(name, median_ms(runs, lambda period=period: page(period)), "ms")

        # The whole page a forum member of Jämtland opens (its own figures, its items, the
        # sections between it and the counties it has cases with), through the web, in a
        # process that solved nothing: what forum-warm would have stored, stored.
        from avvikelse.accounts.models import Role
        from avvikelse.accounts.services import create_user, user_by_username
        from avvikelse.directory.services import organisation_by_code

        if user_by_username("bench.forum") is None:
            create_user("bench.forum", organisation_by_code("23"), {Role.FORUM}, PASSWORD)
            db.session.commit()
        t0 = time.perf_counter()
        services.cross_sections(quarter, now, "23")  # as forum-warm does for Jämtland's pairs
        db.session.commit()
        figure("forum_cross_sections_warming", time.perf_counter() - t0, "s")
        member = app.test_client()
        member.post("/logga-in", data={"username": "bench.forum", "password": PASSWORD})

        def shown():
            forum_release._CACHE.clear()  # noqa: SLF001
            if member.get(f"/forum/?period={quarter.label}").status_code != 200:
                raise RuntimeError("/forum/: not 200")

        figure("forum_page_shown", median_ms(runs, shown), "ms")
        sections = services.cross_counties(quarter, "23")
        figure("forum_cross_sections", len(sections), "")
        if sections:
            def section():
                forum_release._CACHE.clear()  # noqa: SLF001
                if member.get(f"/forum/lan/{sections[0][0]}?period={quarter.label}").status_code != 200:
                    raise RuntimeError("/forum/lan/: not 200")

            figure("forum_cross_section_page", median_ms(runs, section), "ms")

    if "warm" in groups:
        warm_passes(now)

    from avvikelse.forum import suppression
    from avvikelse.national import stored
    from avvikelse.national.counts import counties, national_counts
    from avvikelse.national.models import NationalRelease
    from avvikelse.rollups.models import RollupChange

    def national_table_cold():
        national_release._CACHE.clear()  # noqa: SLF001  (cold: nothing protected yet)
        national.publish(quarter, national_counts(quarter.trend(8)), counties(), suppression.threshold())

    def refresh_one_quarter():
        # as after a case moved in the quarter: the move logged, its counts not what it was protected from
        db.session.execute(NationalRelease.__table__.update().where(NationalRelease.period == quarter.label)
                           .values(fingerprint=""))
        db.session.add(RollupChange(quarter=quarter.label, logged_at=datetime.now(UTC)))
        db.session.commit()
        national_release._CACHE.clear()  # noqa: SLF001  (a worker just started)
        t0 = time.perf_counter()
        stored.refresh(now)
        return time.perf_counter() - t0

    if "national" in groups:
        figure("national_counts_from_rollups", median_ms(runs, lambda: national_counts(quarter.trend(8))), "ms")
        figure("national_table_cold", median_ms(runs, national_table_cold), "ms")
        stored.refresh(now)  # the workers' pass: the last completed quarter's releases stored
        figure("national_table", median_ms(max(runs, 10), lambda: national.summary(quarter, now)), "ms")
        figure("national_refresh_one_quarter", statistics.median(refresh_one_quarter() for _ in range(runs)) * 1000, "ms")

    if "pages" in groups:
        client = app.test_client()
        client.post("/logga-in", data={"username": "bench.intag", "password": PASSWORD})

        def page(path):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")

        page("/inkorg")  # warm
        figure("inbox_first_page", median_ms(max(runs, 10), lambda: page("/inkorg")), "ms")
        figure("inbox_status_filter", median_ms(max(runs, 10), lambda: page("/inkorg?status=answered")), "ms")
        figure("search_page", median_ms(max(runs, 10), lambda: page("/sok")), "ms")
    if "clock" in groups:
        t0 = time.perf_counter()
        run_pass(now)
        db.session.commit()
        figure("clock_pass_first", time.perf_counter() - t0, "s")
        t0 = time.perf_counter()
        run_pass(now + timedelta(days=1))
        db.session.commit()
        figure("clock_pass", time.perf_counter() - t0, "s")


if __name__ == "__main__":
    main()
