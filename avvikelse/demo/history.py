"""Eight quarters of invented cases, so the forum has a history to show."""
import random
from datetime import date, datetime, time, timedelta

from avvikelse.accounts.models import User
from avvikelse.cases import categories
from avvikelse.cases.inputs import ActionInput, CaseInput, MeasureInput
from avvikelse.cases.services import file_case, perform
from avvikelse.cases.transitions import Action
from avvikelse.core.clock import SWEDEN
from avvikelse.demo.people import SLUGS
from avvikelse.routing.services import route_case

CASES_PER_QUARTER = (18, 34)
#: an answered case the sender leaves alone closes by itself (AUTO_CLOSE_DAYS)
AUTO_CLOSE = timedelta(days=14)

DESCRIPTIONS = [
    "Utskrivningsmeddelandet kom först efter att patienten kommit hem.",
    "Läkemedelslistan saknades vid hemgång; dosering oklar för hemsjukvården.",
    "SIP-möte planerades utan att kommunen bjöds in.",
    "Patienten kom hem utan beställda hjälpmedel.",
    "Ingen läkare nåbar för ordination trots flera försök under kvällen.",
    "Remissvar om omvårdnadsbehov var ofullständigt.",
    "Oklart vem som skulle byta kateter efter hemkomst.",
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


def invent_history(people: dict[str, User], rnd: random.Random, now: datetime) -> int:
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
    complaint = rnd.random() < 0.15
    data = CaseInput(
        kind="complaint" if complaint else "deviation",
        complainant=rnd.choice(["patient", "relative", "staff"]) if complaint else None,
        activity="social_care" if not to_region and rnd.random() < 0.3 else "health_care",
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
    """Most old cases are answered and accepted; some are left without reaction and close
    by themselves; a few stay open or go over the deadline."""
    steps = [
        (Action.ACKNOWLEDGE, receiver, ActionInput(), rnd.randint(1, 4)),
        (Action.ANSWER, receiver, answer(rnd, at), rnd.randint(3, 45)),
        (Action.ACCEPT, reporter, ActionInput(), rnd.randint(1, 10)),
    ]
    when = at
    for action, user, data, days in steps[: rnd.choices([0, 1, 2, 3], [5, 5, 15, 75])[0]]:
        when = when + timedelta(days=days)
        if when >= now:
            return
        perform(user, case, action, data, when)
    if case.status.value == "answered" and when + AUTO_CLOSE < now:
        perform(None, case, Action.CLOSE_WITHOUT_REACTION,
                ActionInput(note="Ingen reaktion från avsändaren inom 14 dagar."), when + AUTO_CLOSE)


def answer(rnd: random.Random, at: datetime) -> ActionInput:
    confirmed = rnd.choice(["yes", "yes", "partly", "no"])
    measures = [] if confirmed == "no" else [
        MeasureInput(text="Rutinen för informationsöverföring ses över.", owner="Enhetschef",
                     due_on=(at + timedelta(days=60)).date())
    ]
    return ActionInput(confirmed=confirmed, analysis="Brister i överlämningen mellan enheterna.",
                       patient_informed=True, measures=measures)
