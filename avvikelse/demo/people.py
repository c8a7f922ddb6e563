"""Demo accounts, on-duty numbers, functional mailboxes and an absence with its deputy."""
from datetime import datetime, timedelta

from avvikelse.accounts.models import Absence, Role, User
from avvikelse.accounts.services import create_user
from avvikelse.directory.models import OnDutyContact
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db

DEMO_PASSWORD = "demo-avvikelse"
SLUGS = {
    "2303": "ragunda", "2305": "bracke", "2309": "krokom", "2313": "stromsund",
    "2321": "are", "2326": "berg", "2361": "harjedalen", "2380": "ostersund",
}
#: numbers PTS keeps for fiction (070-174 06 05 – 070-174 06 99): no real person answers
FICTION = "070-174 06 {:02d}"


def _add(username, org_code, roles, units=(), name=""):
    org = organisation_by_code(org_code)
    return create_user(
        username, org, set(roles), DEMO_PASSWORD, units=[unit_by_code(u) for u in units],
        email=f"{username}@example.org", full_name=name or username,
    )


def add_accounts() -> dict[str, User]:
    people = {
        "rapportor.region": _add("rapportor.region", "23", [], ["23-OSD-MED"], "Rut Rapportör (region)"),
        "handlaggare.region": _add("handlaggare.region", "23", [Role.HANDLER], [], "Hans Handläggare (region)"),
        "chefslakare": _add("chefslakare", "23", [Role.CHEFSLAKARE], [], "Cecilia Chefsläkare"),
        "chef.region": _add("chef.region", "23", [Role.MANAGER], ["23-OSD-MED"], "Vera Verksamhetschef (medicin)"),
        "forum": _add("forum", "23", [Role.FORUM], [], "Fredrik Forumledamot"),
        "admin": _add("admin", "23", [Role.ADMIN], [], "Ada Systemförvaltare"),
    }
    for code, slug in SLUGS.items():
        people[f"rapportor.{slug}"] = _add(f"rapportor.{slug}", code, [], [f"{code}-HSJV"])
        people[f"handlaggare.{slug}"] = _add(f"handlaggare.{slug}", code, [Role.HANDLER])
        people[f"mas.{slug}"] = _add(f"mas.{slug}", code, [Role.MAS])
        people[f"sas.{slug}"] = _add(f"sas.{slug}", code, [Role.SAS])
        people[f"chef.{slug}"] = _add(f"chef.{slug}", code, [Role.MANAGER], [f"{code}-HSJV"])
    return people


def add_on_duty_numbers() -> None:
    """Whom the filer of a serious case calls (§8.1): the region's chefsläkare round the
    clock, each kommun's MAS and SAS."""
    number = iter(range(5, 100))
    db.session.add(OnDutyContact(organisation_id=organisation_by_code("23").id, role="chefslakare",
                                 label="Tjänstgörande chefsläkare", phone=FICTION.format(next(number)),
                                 hours="dygnet runt"))
    for code, _slug in SLUGS.items():
        org_id = organisation_by_code(code).id
        db.session.add(OnDutyContact(organisation_id=org_id, role="mas", label="MAS",
                                     phone=FICTION.format(next(number)), hours="vardagar 8–17"))
        db.session.add(OnDutyContact(organisation_id=org_id, role="sas", label="SAS",
                                     phone=FICTION.format(next(number)), hours="vardagar 8–17"))


def add_mailboxes() -> None:
    """Each kommun's intake has a functional mailbox: the routing mail goes there when none
    of its handlers has an address."""
    for code, slug in SLUGS.items():
        organisation_by_code(code).mailbox = f"avvikelser.{slug}@example.org"


def add_absence(people: dict[str, User], now: datetime) -> None:
    """Östersund's MAS is away for two weeks; the SAS stands in (escalations included)."""
    from avvikelse.core import workdays

    today = workdays.local_date(now)
    db.session.add(Absence(user=people["mas.ostersund"], starts_on=today - timedelta(days=2),
                           ends_on=today + timedelta(days=12), deputy=people["sas.ostersund"],
                           created_at=now))


def account_lines() -> list[str]:
    return [
        f"Demokonton (lösenord för alla: {DEMO_PASSWORD}):",
        "  rapportor.region, handlaggare.region    – Region Jämtland Härjedalen",
        "  chefslakare                             – chefsläkare, regionen",
        "  rapportor.krokom, handlaggare.krokom    – Krokoms kommun (likaså för .ostersund,",
        "                                            .ragunda, .bracke, .stromsund, .are, .berg, .harjedalen)",
        "  mas.krokom, mas.ostersund, …            – MAS i varje kommun",
        "  sas.krokom, sas.ostersund, …            – SAS (socialt ansvarig samordnare) i varje kommun",
        "                                            (mas.ostersund är borta två veckor; sas.ostersund ersätter)",
        "  chef.region, chef.krokom, …             – chef (enhetens siffror): medicin, hemsjukvården",
        "  forum                                   – ledamot i samverkansforum",
        "  admin                                   – systemförvaltare",
    ]
