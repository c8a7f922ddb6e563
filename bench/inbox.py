"""Inbox page latency with 10 000 and 100 000 cases in the database: cursor paging, so
the cost must follow the page, not the table. In-process (Flask test client), first
page and a page deep in the list, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.inbox [--db sqlite|postgresql|all] [--sizes 10000 100000]
"""
import argparse
import random
import re
import time
from datetime import timedelta

from sqlalchemy import select, text

from bench.common import PASSWORD, for_each_database, insert_cases, percentiles, prepare



def seed(n: int) -> None:
    """Bulk-insert cases so the table grows to n (Krokom → region and some other pairs)."""
    from avvikelse.accounts.models import User
    from avvikelse.cases.enums import EventType, Kind, Status
    from avvikelse.cases.models import Case
    from avvikelse.core.clock import now_utc
    from avvikelse.directory.models import Organisation, Unit
    from avvikelse.extensions import db

    have = db.session.scalar(select(text("count(*)")).select_from(Case)) or 0
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    reporter = db.session.scalar(select(User).where(User.username == "bench.rapportor0"))
    rng = random.Random(n)
    now = now_utc()
    senders = ["2309", "2380", "2321", "2361"]
    def rows():
        for i in range(have, n):
            sender = rng.choice(senders)
            at = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365 * 2))
            yield dict(
                reference=f"AV-B-{i:08d}", kind=Kind.DEVIATION, event_type=EventType.ADVERSE_EVENT,
                status=rng.choice([Status.RECEIVED, Status.INVESTIGATING, Status.ANSWERED, Status.CLOSED]),
                sender_organisation_id=orgs[sender].id, sender_unit_id=units[f"{sender}-HTJ"].id,
                reporter_id=reporter.id, receiver_organisation_id=orgs["23"].id,
                occurred_at=at - timedelta(hours=2), reported_at=at, received_at=at,
                due_at=at + timedelta(days=28), category="discharge", description="Syntetiskt.",
                immediate_action="-", consequence=2, probability=2, risk=4, reporter_serious=False,
                serious=False, disputed_once=False, patient_id_unvalidated=False,
            )

    insert_cases(rows())


def measure(client, path: str, repeat: int = 40) -> list[float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.status_code
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="all")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    from avvikelse import create_app
    from avvikelse.extensions import db

    for name, url in for_each_database(args.db):
        prepare(url)
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url, OUTBOX_AUTODISPATCH=False,
                         WTF_CSRF_ENABLED=False)
        print(f"\n== inbox on {name} (in-process, page size {app.config['PAGE_SIZE']})")
        with app.app_context():
            for size in args.sizes:
                t0 = time.perf_counter()
                seed(size)
                seeded = time.perf_counter() - t0
                client = app.test_client()
                client.post("/logga-in", data={"username": "bench.intag", "password": PASSWORD})
                first = measure(client, "/inkorg")
                # Walk 20 pages in, then time that page: keyset paging costs the same.
                path = "/inkorg"
                for _ in range(20):
                    html = client.get(path).get_data(as_text=True)
                    path = re.search(r'href="(/inkorg\?[^"]*cursor=[^"]+)"', html).group(1).replace("&amp;", "&")
                deep = measure(client, path)
                filtered = measure(client, "/inkorg?status=answered")
                by_due = measure(client, "/inkorg?sort=due")
                print(f"{size:>7} cases (seeded in {seeded:5.1f} s): first page {percentiles(first)}; "
                      f"page 21 {percentiles(deep)}; status filter {percentiles(filtered)}; "
                      f"by answer day {percentiles(by_due)}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
