"""Search at 100 000 cases: free text by date (the lists' cursor), by relevance (the
best 50), with filters, and a reference, through the API in-process (Flask test client),
on SQLite and on a PostgreSQL started on a free port, beside a trivial authenticated GET
(the fixed cost of any API request: the floor under every figure). Not a test: it prints
`name: value unit` lines (median and p95 per query) and asserts nothing.

    .venv/bin/python -m bench.search [--db sqlite|postgresql|all] [--cases 100000]

The cases are bulk-inserted with invented Swedish text drawn from a few hundred words, so
a common word matches about a fifth of the cases and a rare one a few hundred; the index
rows are computed by the same code as the running app's (search/index.py), in bulk.
"""
import argparse
import random
import statistics
import time
from datetime import timedelta

from sqlalchemy import select, text

from bench.common import PASSWORD, for_each_database, insert_cases, prepare

SUBJECTS = ("Patienten", "Brukaren", "Den boende", "Kvinnan", "Mannen", "Sjuksköterskan", "Läkaren",
            "Undersköterskan", "Hemtjänsten", "Avdelningen", "Vårdcentralen", "Ambulansen")
VERBS = ("saknade", "fick", "väntade på", "glömde", "skickade", "ringde om", "hittade", "behövde",
         "beställde", "lämnade", "kontrollerade", "dokumenterade")
THINGS = ("läkemedelslistan", "dosetten", "utskrivningsmeddelandet", "hjälpmedlet", "rullatorn",
          "vårdplanen", "epikrisen", "remissen", "insulinet", "katetern", "såret", "förbandet",
          "provsvaret", "journalen", "tolken", "transporten", "maten", "syrgasen", "blöjorna",
          "nyckeln", "larmet", "medicinen", "antibiotikan", "smärtplåstret", "kompressen")
WHEN = ("vid hemgång", "på natten", "under helgen", "efter operationen", "vid inskrivningen",
        "i samband med utskrivningen", "på morgonen", "inför besöket", "efter fallet", "vid överrapporteringen")
RARE = "trycksårsbedömningen"  # about one case in 400
CATEGORIES = ("discharge", "sip", "medication", "physician", "responsibility", "equipment", "hygiene", "other")


def sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(WHEN)}."


def seed(n: int) -> None:
    from avvikelse.accounts.models import User
    from avvikelse.cases.enums import EventType, Kind, Status
    from avvikelse.cases.models import Case
    from avvikelse.core.clock import now_utc
    from avvikelse.directory.models import Organisation, Unit
    from avvikelse.extensions import db
    from avvikelse.search import index, stemming

    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    reporter = db.session.scalar(select(User).where(User.username == "bench.rapportor0"))
    rng = random.Random(n)
    now = now_utc()
    senders = ["2309", "2380", "2321", "2361"]
    documents: dict[int, str] = {}

    def rows():
        for i in range(n):
            sender = rng.choice(senders)
            at = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365 * 2))
            description = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
            if rng.random() < 1 / 400:
                description += f" Ingen {RARE} gjordes."
            action = sentence(rng)
            documents[i + 1] = stemming.document(description, action)
            status = rng.choice([Status.RECEIVED, Status.INVESTIGATING, Status.ANSWERED, Status.CLOSED])
            yield dict(
                id=i + 1, reference=f"AV-{at.year}-{i + 1:06d}", kind=Kind.DEVIATION,
                event_type=EventType.ADVERSE_EVENT, status=status,
                sender_organisation_id=orgs[sender].id, sender_unit_id=units[f"{sender}-HTJ"].id,
                reporter_id=reporter.id, receiver_organisation_id=orgs["23"].id,
                occurred_at=at - timedelta(hours=2), reported_at=at, received_at=at,
                due_at=at + timedelta(days=28), category=rng.choice(CATEGORIES), description=description,
                immediate_action=action, consequence=2, probability=2, risk=4, reporter_serious=False,
                serious=rng.random() < 0.05, disputed_once=False, patient_id_unvalidated=False,
            )

    insert_cases(rows())
    connection = db.session.connection()
    keys = sorted(documents)
    for start in range(0, len(keys), 5000):
        index.append(connection, {k: documents[k] for k in keys[start:start + 5000]})
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE case_search"))


def measure(client, path: str, headers: dict, repeat: int) -> tuple[list[float], int]:
    samples, found = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append(time.perf_counter() - t0)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
        found = len(response.json["items"])
    return samples, found


def _ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="all")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    from avvikelse import create_app
    from avvikelse.extensions import db

    for name, url in for_each_database(args.db):
        prepare(url)
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url, OUTBOX_AUTODISPATCH=False,
                         API_RATE_LIMIT="", API_ADDRESS_RATE_LIMIT="")
        with app.app_context():
            t0 = time.perf_counter()
            seed(args.cases)
            print(f"\n== search on {name}: {args.cases} cases seeded and indexed in {time.perf_counter() - t0:.1f} s")
            client = app.test_client()
            token = client.post("/api/v1/auth/token", json={"username": "bench.intag", "password": PASSWORD}).json
            headers = {"Authorization": f"Bearer {token['token']}"}
            reference = db.session.scalar(text("SELECT reference FROM cases WHERE id = 123"))
            queries = {
                # the floor: any authenticated API GET (token, user, roles, one small read)
                "api_floor_me_absence": "/api/v1/me/absence",
                "common_word_by_date": "/api/v1/cases?q=dosetten",
                "common_word_page_2": None,
                "two_words_by_date": "/api/v1/cases?q=patienten+läkemedelslistan",
                "rare_word_by_date": f"/api/v1/cases?q={RARE}",
                "common_word_by_relevance": "/api/v1/cases?q=dosetten&order=relevance&limit=50",
                "two_words_by_relevance": "/api/v1/cases?q=patienten+läkemedelslistan&order=relevance&limit=50",
                "word_and_filters": "/api/v1/cases?q=insulinet&category=medication&serious=false"
                                    "&reported_from=2025-01-01&reported_to=2025-06-30",
                "filters_only": "/api/v1/cases?box=all&category=hygiene&overdue=false",
                "reference": f"/api/v1/cases?q={reference}",
            }
            first = client.get(queries["common_word_by_date"], headers=headers).json
            queries["common_word_page_2"] = f"/api/v1/cases?q=dosetten&cursor={first['next']}"
            for label, path in queries.items():
                client.get(path, headers=headers)  # warm
                samples, found = measure(client, path, headers, args.repeat)
                print(f"{name}_{label}_median: {statistics.median(samples) * 1000:.1f} ms")
                print(f"{name}_{label}_p95: {_ms(samples, 0.95):.1f} ms  ({found} rows)")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
