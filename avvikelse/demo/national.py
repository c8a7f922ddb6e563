"""The demo's second county, Västernorrland, and cases across the county line.

`seed-demo --national` adds it beside Jämtland: Region Västernorrland and two kommuner
with a few units, an agreement invented for the demo (its own answer days, so that a case
between the counties visibly follows the installation's defaults), demo accounts,
a history of its own cases, and cases between the two counties: a Krokom resident
operated on in Sundsvall comes home to Krokom's hemsjukvård. It also loads Sweden's
whole directory (`directory sweden`), and adds the national accounts.
"""
import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from avvikelse.accounts.models import Role, User
from avvikelse.accounts.services import create_user, user_by_username
from avvikelse.agreements import jamtland as jamtland_agreement
from avvikelse.agreements.seed import seed_agreements
from avvikelse.cases import categories
from avvikelse.cases.inputs import CaseInput
from avvikelse.cases.services import file_case
from avvikelse.core.clock import SWEDEN
from avvikelse.demo.history import DESCRIPTIONS, _progress, previous_quarters
from avvikelse.demo.people import DEMO_PASSWORD, FICTION
from avvikelse.directory import sweden
from avvikelse.directory.models import OnDutyContact, OrgKind
from avvikelse.directory.services import (
    organisation_by_code, unit_by_code, upsert_organisation, upsert_samverkan, upsert_unit,
)
from avvikelse.extensions import db
from avvikelse.routing.services import route_case

COUNTY = ("22", "Västernorrlands län")
REGION = ("22", "Region Västernorrland")
KOMMUNER = [("2281", "Sundsvalls kommun"), ("2262", "Timrå kommun")]
UNITS = [
    ("22", "22-SDS-ORT", "Sundsvalls sjukhus, ortopedisk avdelning"),
    ("22", "22-SDS-MED", "Sundsvalls sjukhus, medicinavdelning"),
    ("22", "22-HC-TIMRA", "Hälsocentralen Timrå"),
    ("2281", "2281-HSJV", "Hemsjukvården Sundsvall"),
    ("2281", "2281-HTJ", "Hemtjänsten Sundsvall"),
    ("2262", "2262-HSJV", "Hemsjukvården Timrå"),
]

_CLAUSE = jamtland_agreement.Clause
#: Invented for the demo (not Västernorrland's real agreement): a few clauses, the same
#: category codes as Jämtland's (each mapped onto its national type), 21 answer days.
AGREEMENT = SimpleNamespace(
    COUNTY_CODE="22",
    NAME="Överenskommelse om hemsjukvård i Västernorrlands län (påhittad för demon)",
    SHORT_NAME="Hemsjukvårdsöverenskommelsen (demo)",
    PARTIES="Region Västernorrland och kommunerna i Västernorrlands län",
    CLAUSES=(_CLAUSE("§1", "Parter och syfte"), _CLAUSE("§4", "Ansvar vid utskrivning"),
             _CLAUSE("§5", "Avvikelser mellan huvudmännen", "Besvaras inom tre veckor.")),
    CATEGORIES=tuple(jamtland_agreement.Category(c.code, c.label, c.type, ("§5",))
                     for c in jamtland_agreement.CATEGORIES),
    VERSIONS=(jamtland_agreement.Version("2024", date(2024, 1, 1), None, "Påhittad version för demon."),),
)
ANSWER_DAYS = 21

ACCOUNTS = [
    # username, organisation, roles, units, name
    ("rapportor.vnr", "22", [], ["22-SDS-ORT"], "Viktor Rapportör (Region Västernorrland)"),
    ("handlaggare.vnr", "22", [Role.HANDLER], [], "Vera Handläggare (Region Västernorrland)"),
    ("chefslakare.vnr", "22", [Role.CHEFSLAKARE], [], "Valdemar Chefsläkare"),
    ("forum.vnr", "22", [Role.FORUM], [], "Vilma Forumledamot (Västernorrland)"),
    ("admin.vnr", "22", [Role.ADMIN], [], "Valter Systemförvaltare (Västernorrland)"),
    ("rapportor.sundsvall", "2281", [], ["2281-HSJV"], ""),
    ("handlaggare.sundsvall", "2281", [Role.HANDLER], [], ""),
    ("mas.sundsvall", "2281", [Role.MAS], [], ""),
    ("sas.sundsvall", "2281", [Role.SAS], [], ""),
    ("handlaggare.timra", "2262", [Role.HANDLER], [], ""),
    ("mas.timra", "2262", [Role.MAS], [], ""),
    ("nationell", "23", [Role.NATIONAL], [], "Nora Nationell uppföljning"),
    ("katalog", "23", [Role.NATIONAL_ADMIN], [], "Karl Katalogförvaltare"),
]


def seed_county() -> None:
    """Västernorrland's samverkan, running here: its organisations, units and agreement.
    Idempotent, like the Jämtland seed."""
    county = upsert_samverkan(*COUNTY, active=True)
    upsert_organisation(*REGION, OrgKind.REGION, county.code)
    for code, name in KOMMUNER:
        upsert_organisation(code, name, OrgKind.KOMMUN, county.code)
    for org_code, code, name in UNITS:
        upsert_unit(organisation_by_code(org_code), code, name)
    agreement = seed_agreements(AGREEMENT)
    for version in agreement.versions:
        if version.answer_due_days is None:
            version.answer_due_days = ANSWER_DAYS
    db.session.flush()


def add_accounts() -> dict[str, User]:
    people = {}
    for username, org, roles, units, name in ACCOUNTS:
        people[username] = user_by_username(username) or create_user(
            username, organisation_by_code(org), set(roles), DEMO_PASSWORD,
            units=[unit_by_code(u) for u in units], email=f"{username}@example.org", full_name=name or username)
    number = iter(range(60, 100))
    for code, role, label in (("22", "chefslakare", "Tjänstgörande chefsläkare"), ("2281", "mas", "MAS"),
                              ("2281", "sas", "SAS"), ("2262", "mas", "MAS")):
        db.session.add(OnDutyContact(organisation_id=organisation_by_code(code).id, role=role, label=label,
                                     phone=FICTION.format(next(number)), hours="vardagar 8–17"))
    return people


#: (reporter, receiver organisation, receiving handler): the county's own pairs, and
#: those across the county line (Krokom, Östersund ↔ Region Västernorrland; Sundsvall ↔
#: Region Jämtland Härjedalen)
OWN = [("rapportor.sundsvall", "22", "handlaggare.vnr"), ("rapportor.vnr", "2281", "handlaggare.sundsvall"),
       ("rapportor.vnr", "2262", "handlaggare.timra")]
ACROSS = [("rapportor.vnr", "2309", "handlaggare.krokom"), ("rapportor.krokom", "22", "handlaggare.vnr"),
          ("rapportor.ostersund", "22", "handlaggare.vnr"), ("rapportor.sundsvall", "23", "handlaggare.region")]


def invent_cases(people: dict[str, User], rnd: random.Random, now: datetime) -> int:
    """Eight quarters of the county's own cases and of cases across the county line."""
    count = 0
    for start, end in previous_quarters(now.astimezone(SWEDEN).date()):
        for pairs, n in ((OWN, rnd.randint(12, 22)), (ACROSS, rnd.randint(6, 12))):
            for _ in range(n):
                day = start + timedelta(days=rnd.randrange((end - start).days))
                at = datetime.combine(day, time(rnd.randint(7, 19), rnd.randint(0, 59)), SWEDEN)
                reporter, receiver, handler = rnd.choice(pairs)
                _file(people[reporter], receiver, people[handler], rnd, at, now)
                count += 1
    return count


def _file(reporter: User, receiver: str, handler: User, rnd: random.Random, at: datetime, now: datetime) -> None:
    data = CaseInput(
        kind="deviation", event_type=rnd.choice(["adverse_event", "adverse_event", "near_miss", "risk"]),
        receiver_organisation=receiver, occurred_at=at - timedelta(hours=rnd.randint(1, 72)),
        category=rnd.choice(categories.CATEGORIES).code, description=rnd.choice(DESCRIPTIONS),
        immediate_action="Kontaktade ansvarig enhet per telefon.",
        consequence=rnd.choice([1, 2, 2, 3]), probability=rnd.choice([1, 2, 2, 3]))
    case = file_case(reporter, data, at)
    route_case(case.reference, at + timedelta(minutes=5))
    _progress(case, reporter, handler, rnd, at, now)


def the_story(people: dict[str, User], now: datetime) -> None:
    """A Krokom resident operated on in Sundsvall, home to Krokom's hemsjukvård: the
    hospital's discharge note never reached it. Filed last week, waiting for an answer."""
    at = now - timedelta(days=6)
    data = CaseInput(
        kind="deviation", receiver_organisation="2309", receiver_unit="2309-HSJV", category="discharge",
        occurred_at=at - timedelta(hours=20), consequence=2, probability=3,
        description="Patient från Krokom opererades i Sundsvall och skrevs ut till hemmet; "
                    "utskrivningsmeddelandet till hemsjukvården i Krokom skickades aldrig.",
        immediate_action="Ringde hemsjukvården i Krokom och skickade meddelandet i efterhand.")
    case = file_case(people["rapportor.vnr"], data, at)
    route_case(case.reference, at + timedelta(minutes=5))


def seed_national(jamtland_people: dict[str, User], now: datetime) -> list[str]:
    loaded = sweden.load()
    seed_county()
    people = add_accounts()
    db.session.flush()
    people |= {k: v for k, v in jamtland_people.items() if k.startswith(("rapportor.", "handlaggare."))}
    count = invent_cases(people, random.Random(2222), now)
    the_story(people, now)
    return [f"Nationellt: Sveriges katalog ({loaded.counties} län och {loaded.organisations} organisationer "
            f"tillagda), Västernorrland i drift, {count} påhittade ärenden där och över länsgränsen.",
            "  rapportor.vnr, handlaggare.vnr, chefslakare.vnr, forum.vnr, admin.vnr – Region Västernorrland",
            "  rapportor.sundsvall, handlaggare.sundsvall, mas.sundsvall           – Sundsvalls kommun",
            "  nationell – nationell uppföljning (bara siffror); katalog – nationell katalogförvaltare"]
