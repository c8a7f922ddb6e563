"""The demo: the Jämtland directory and agreement, demo accounts and a synthetic history.

Synthetic cases go through the real services (so they obey every rule) with times
spread over the eight quarters before the current one: the forum has a history to
show while today's quarter starts empty. Their notifications are marked done, since
telling demo users about two years of invented history helps nobody.
"""
import random
from datetime import date, datetime, time, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select, update

from avvikelse.accounts.models import Role, User
from avvikelse.accounts.services import create_user
from avvikelse.agreements.seed import seed_agreements
from avvikelse.cases import categories, legal_bases
from avvikelse.cases.inputs import ActionInput, CaseInput, MeasureInput
from avvikelse.cases.services import file_case, perform
from avvikelse.cases.transitions import Action
from avvikelse.core.clock import SWEDEN, now_utc
from avvikelse.core.outbox import OutboxEvent
from avvikelse.directory.seed import seed_jamtland
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db
from avvikelse.routing.services import route_case

DEMO_PASSWORD = "demo-avvikelse"
SLUGS = {
    "2303": "ragunda", "2305": "bracke", "2309": "krokom", "2313": "stromsund",
    "2321": "are", "2326": "berg", "2361": "harjedalen", "2380": "ostersund",
}
CASES_PER_QUARTER = (18, 34)

DESCRIPTIONS = [
    "Utskrivningsmeddelandet kom först efter att patienten kommit hem.",
    "Läkemedelslistan saknades vid hemgång; dosering oklar för hemsjukvården.",
    "SIP-möte planerades utan att kommunen bjöds in.",
    "Patienten kom hem utan beställda hjälpmedel.",
    "Ingen läkare nåbar för ordination trots flera försök under kvällen.",
    "Remissvar om omvårdnadsbehov var ofullständigt.",
    "Oklart vem som skulle byta kateter efter hemkomst.",
]


def seed(force: bool = False) -> list[str]:
    seed_jamtland()
    seed_agreements()
    legal_bases.ensure_defaults()
    if db.session.scalar(select(func.count()).select_from(User)) and not force:
        db.session.commit()
        return ["Databasen har redan användare; inga demokonton lades till."] + account_lines()
    people = _accounts()
    db.session.flush()
    count = _history(people, random.Random(2026), now_utc())
    # Invented history must not mail anyone, nor queue hundreds of no-op messages that
    # the worker would go through before the first real case.
    db.session.execute(update(OutboxEvent).values(processed_at=now_utc()))
    db.session.info.pop("outbox", None)
    db.session.commit()
    return [f"Demo: {len(people)} konton och {count} påhittade ärenden."] + account_lines()


def _add(username, org_code, roles, units=(), name=""):
    org = organisation_by_code(org_code)
    return create_user(
        username, org, set(roles), DEMO_PASSWORD, units=[unit_by_code(u) for u in units],
        email=f"{username}@example.org", full_name=name or username,
    )


def _accounts() -> dict[str, User]:
    people = {
        "rapportor.region": _add("rapportor.region", "23", [], ["23-OSD-MED"], "Rut Rapportör (region)"),
        "handlaggare.region": _add("handlaggare.region", "23", [Role.HANDLER], [], "Hans Handläggare (region)"),
        "chefslakare": _add("chefslakare", "23", [Role.CHEFSLAKARE], [], "Cecilia Chefsläkare"),
        "forum": _add("forum", "23", [Role.FORUM], [], "Fredrik Forumledamot"),
        "admin": _add("admin", "23", [Role.ADMIN], [], "Ada Systemförvaltare"),
    }
    for code, slug in SLUGS.items():
        people[f"rapportor.{slug}"] = _add(f"rapportor.{slug}", code, [], [f"{code}-HSJV"])
        people[f"handlaggare.{slug}"] = _add(f"handlaggare.{slug}", code, [Role.HANDLER])
        people[f"mas.{slug}"] = _add(f"mas.{slug}", code, [Role.MAS])
    return people


def account_lines() -> list[str]:
    return [
        f"Demokonton (lösenord för alla: {DEMO_PASSWORD}):",
        "  rapportor.region, handlaggare.region    – Region Jämtland Härjedalen",
        "  chefslakare                             – chefsläkare, regionen",
        "  rapportor.krokom, handlaggare.krokom    – Krokoms kommun (likaså för .ostersund,",
        "                                            .ragunda, .bracke, .stromsund, .are, .berg, .harjedalen)",
        "  mas.krokom, mas.ostersund, …            – MAS i varje kommun",
        "  forum                                   – ledamot i samverkansforum",
        "  admin                                   – systemförvaltare",
    ]


def previous_quarters(today: date, count: int = 8) -> list[tuple[date, date]]:
    """The `count` whole quarters before the one `today` is in, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3
    spans = []
    for _ in range(count):
        quarter -= 1
        if quarter < 0:
            year, quarter = year - 1, 3
        start = date(year, quarter * 3 + 1, 1)
        end = date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1)
        spans.append((start, end))
    return spans[::-1]


def _history(people: dict[str, User], rnd: random.Random, now: datetime) -> int:
    count = 0
    for start, end in previous_quarters(now.astimezone(SWEDEN).date()):
        for _ in range(rnd.randint(*CASES_PER_QUARTER)):
            day = start + timedelta(days=rnd.randrange((end - start).days))
            at = datetime.combine(day, time(rnd.randint(7, 19), rnd.randint(0, 59)), SWEDEN)
            _one_case(people, rnd, at, now)
            count += 1
    return count


def _one_case(people, rnd: random.Random, at: datetime, now: datetime) -> None:
    slug = rnd.choice(list(SLUGS.values()))
    to_region = rnd.random() < 0.6
    reporter = people["rapportor.region" if not to_region else f"rapportor.{slug}"]
    receiver_code = "23" if to_region else next(c for c, s in SLUGS.items() if s == slug)
    receiver = people["handlaggare.region" if to_region else f"handlaggare.{slug}"]
    consequence, probability = rnd.choice([1, 1, 2, 2, 2, 3, 4]), rnd.choice([1, 2, 2, 3, 4])
    data = CaseInput(
        kind="complaint" if rnd.random() < 0.15 else "deviation",
        event_type=rnd.choice(["adverse_event", "adverse_event", "near_miss", "risk", "collaboration_failure"]),
        receiver_organisation=receiver_code, occurred_at=at - timedelta(hours=rnd.randint(1, 72)),
        category=rnd.choice(categories.CATEGORIES).code, description=rnd.choice(DESCRIPTIONS),
        immediate_action="Kontaktade ansvarig enhet per telefon.",
        consequence=consequence, probability=probability, serious=rnd.random() < 0.05,
    )
    case = file_case(reporter, data, at)
    route_case(case.reference, at + timedelta(minutes=5))
    _progress(case, reporter, receiver, rnd, at, now)


def _progress(case, reporter, receiver, rnd, at, now) -> None:
    """Most old cases are answered and closed; a few stay open or go over the deadline."""
    steps = [
        (Action.ACKNOWLEDGE, receiver, ActionInput(), rnd.randint(1, 4)),
        (Action.ANSWER, receiver, _answer(rnd, at), rnd.randint(3, 45)),
        (Action.ACCEPT, reporter, ActionInput(), rnd.randint(1, 10)),
    ]
    when = at
    for action, user, data, days in steps[: rnd.choices([0, 1, 2, 3], [5, 5, 15, 75])[0]]:
        when = when + timedelta(days=days)
        if when >= now:
            return
        perform(user, case, action, data, when)


def _answer(rnd: random.Random, at: datetime) -> ActionInput:
    confirmed = rnd.choice(["yes", "yes", "partly", "no"])
    measures = [] if confirmed == "no" else [
        MeasureInput(text="Rutinen för informationsöverföring ses över.", owner="Enhetschef",
                     due_on=(at + timedelta(days=60)).date())
    ]
    return ActionInput(confirmed=confirmed, analysis="Brister i överlämningen mellan enheterna.",
                       patient_informed=True, measures=measures)


@click.command("seed-demo", help="Katalog, demokonton och påhittade ärenden, om databasen är tom.")
@click.option("--force", is_flag=True, help="Lägg in demokonton även om det finns användare.")
@with_appcontext
def seed_demo(force):
    for line in seed(force=force):
        click.echo(line)
