"""Sweden's directory: every county (a samverkan), its region and its kommuner, from SCB's
classification of counties and municipalities (data/SOURCE.md).

The region of a county has the county's code ("23"), a kommun its kommunkod ("2309").
A county with a single kommun is served by one organisation with both a region's and a
kommun's duties, under the kommunkod: Region Gotland ("0980", county 09).

`load()` adds what is missing and changes nothing that exists (names an administrator
or the Jämtland seed gave stay). `plan_update()` compares a file an operator downloaded
from SCB, in the same columns, with the directory and says what differs; `apply_update()`
makes those changes.
"""
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from avvikelse.directory.models import Organisation, OrgKind, Samverkan
from avvikelse.extensions import db

DATA = Path(__file__).resolve().parent / "data"
LAN_COLUMNS = ("lan_code", "lan_name", "region_name")
KOMMUN_COLUMNS = ("kommun_code", "kommun_name", "lan_code")
LAN_CODE = re.compile(r"^[0-9]{2}$")
KOMMUN_CODE = re.compile(r"^[0-9]{4}$")


class DataError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class County:
    code: str
    name: str
    region_name: str


@dataclass(frozen=True)
class Kommun:
    code: str
    name: str
    county: str


@dataclass(frozen=True)
class Org:
    code: str
    name: str
    kind: OrgKind
    county: str


def _rows(text: str, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    text = text.lstrip("\ufeff")
    sample = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = tuple((h or "").strip() for h in (reader.fieldnames or ()))
    if header[:len(columns)] != columns:
        raise DataError(f"Filen ska ha kolumnerna {','.join(columns)} (första raden), inte {','.join(header)}.")
    return [(line, {k.strip(): (v or "").strip() for k, v in row.items() if k})
            for line, row in enumerate(reader, start=2)]


def read_counties(text: str) -> list[County]:
    found, errors = [], []
    for line, row in _rows(text, LAN_COLUMNS):
        if not LAN_CODE.match(row["lan_code"]) or not row["lan_name"] or not row["region_name"]:
            errors.append(f"rad {line}: ange länskod (två siffror), länets namn och regionens namn.")
            continue
        found.append(County(row["lan_code"], row["lan_name"], row["region_name"]))
    _check(found, errors, "länskod")
    return found


def read_kommuner(text: str) -> list[Kommun]:
    found, errors = [], []
    for line, row in _rows(text, KOMMUN_COLUMNS):
        code, county = row["kommun_code"], row["lan_code"]
        if not KOMMUN_CODE.match(code) or not row["kommun_name"] or code[:2] != county:
            errors.append(f"rad {line}: ange kommunkod (fyra siffror, de två första länskoden), namn och länskod.")
            continue
        found.append(Kommun(code, row["kommun_name"], county))
    _check(found, errors, "kommunkod")
    return found


def _check(found: list, errors: list[str], what: str) -> None:
    codes = [f.code for f in found]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        errors.append(f"samma {what} mer än en gång: {', '.join(twice)}.")
    if errors:
        raise DataError(" ".join(errors[:10]))


def bundled() -> tuple[list[County], list[Kommun]]:
    return (read_counties((DATA / "lan.csv").read_text(encoding="utf-8")),
            read_kommuner((DATA / "kommuner.csv").read_text(encoding="utf-8")))


def organisations_of(counties: list[County], kommuner: list[Kommun]) -> list[Org]:
    """Each county's region and kommuner; a county of one kommun: one organisation with both."""
    by_county: dict[str, list[Kommun]] = {}
    for k in kommuner:
        by_county.setdefault(k.county, []).append(k)
    found = []
    for county in counties:
        own = by_county.get(county.code, [])
        if len(own) == 1:
            found.append(Org(own[0].code, county.region_name, OrgKind.BOTH, county.code))
            continue
        found.append(Org(county.code, county.region_name, OrgKind.REGION, county.code))
        found += [Org(k.code, k.name, OrgKind.KOMMUN, county.code) for k in own]
    return found


@dataclass
class Loaded:
    counties: int = 0
    organisations: int = 0
    placed: int = 0


def load(counties: list[County] | None = None, kommuner: list[Kommun] | None = None) -> Loaded:
    """Every county and organisation that is missing (idempotent); an organisation that
    exists is placed in its county if it had none, and otherwise left as it is."""
    if counties is None or kommuner is None:
        counties, kommuner = bundled()
    result = Loaded()
    have = set(db.session.scalars(select(Samverkan.code)))
    for county in counties:
        if county.code not in have:
            db.session.add(Samverkan(code=county.code, name=county.name, active=False))
            result.counties += 1
    db.session.flush()
    existing = {o.code: o for o in db.session.scalars(select(Organisation))}
    for org in organisations_of(counties, kommuner):
        found = existing.get(org.code)
        if found is None:
            db.session.add(Organisation(code=org.code, name=org.name, kind=org.kind, county_code=org.county))
            result.organisations += 1
        elif found.county_code is None:
            found.county_code = org.county
            result.placed += 1
    db.session.flush()
    return result


@dataclass
class Update:
    """What a file from SCB would change: lines in Swedish, and the changes to make."""

    lines: list[str] = field(default_factory=list)
    add_counties: list[County] = field(default_factory=list)
    rename_counties: list[County] = field(default_factory=list)
    add: list[Org] = field(default_factory=list)
    rename: list[Org] = field(default_factory=list)
    move: list[Org] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.add_counties or self.rename_counties or self.add or self.rename or self.move
                    or self.gone)


def plan_update(text: str) -> Update:
    """Compare a file of län (lan.csv's columns) or of kommuner (kommuner.csv's) with
    the directory. Which it is, its header says."""
    head = text.lstrip("\ufeff").split("\n", 1)[0]
    plan = Update()
    counties = {s.code: s for s in db.session.scalars(select(Samverkan))}
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    if head.replace(";", ",").startswith(LAN_COLUMNS[0]):
        file_counties = read_counties(text)
        for county in file_counties:
            have = counties.get(county.code)
            if have is None:
                plan.add_counties.append(county)
                plan.lines.append(f"nytt län {county.code} {county.name}")
            elif have.name != county.name:
                plan.rename_counties.append(county)
                plan.lines.append(f"län {county.code}: {have.name} → {county.name}")
            region = orgs.get(county.code)
            if region is not None and region.name != county.region_name:
                plan.rename.append(Org(county.code, county.region_name, region.kind, county.code))
                plan.lines.append(f"region {county.code}: {region.name} → {county.region_name}")
        listed = {c.code for c in file_counties}
        for code in sorted(set(counties) - listed):
            plan.lines.append(f"länet {code} {counties[code].name} finns inte i filen (ändras inte)")
        return plan
    if not head.replace(";", ",").startswith(KOMMUN_COLUMNS[0]):
        raise DataError("Okänd fil: den första raden ska vara lan_code,lan_name,region_name "
                        "eller kommun_code,kommun_name,lan_code.")
    file_kommuner = read_kommuner(text)
    for k in file_kommuner:
        have = orgs.get(k.code)
        if have is None:
            plan.add.append(Org(k.code, k.name, OrgKind.KOMMUN, k.county))
            plan.lines.append(f"ny kommun {k.code} {k.name} i län {k.county}")
            continue
        if have.county_code != k.county:
            plan.move.append(Org(k.code, have.name, have.kind, k.county))
            plan.lines.append(f"kommun {k.code}: län {have.county_code or '–'} → {k.county}")
        if have.name != k.name and not _same_name(have.name, k.name):
            plan.rename.append(Org(k.code, k.name, have.kind, k.county))
            plan.lines.append(f"kommun {k.code}: {have.name} → {k.name}")
    listed = {k.code for k in file_kommuner}
    for code, org in sorted(orgs.items()):
        if org.has_duty(OrgKind.KOMMUN) and code not in listed and org.active:
            plan.gone.append(code)
            plan.lines.append(f"kommun {code} {org.name} finns inte i filen: markeras inaktiv")
    return plan


def _same_name(ours: str, short: str) -> bool:
    """"Krokoms kommun", "Stockholms stad" and "Region Gotland" are the short "Krokom",
    "Stockholm", "Gotland" in their long forms: not a change."""
    return short in ours


def apply_update(plan: Update) -> None:
    for county in plan.add_counties:
        db.session.add(Samverkan(code=county.code, name=county.name, active=False))
    db.session.flush()
    counties = {s.code: s for s in db.session.scalars(select(Samverkan))}
    for county in plan.rename_counties:
        counties[county.code].name = county.name
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    for org in plan.add:
        db.session.add(Organisation(code=org.code, name=org.name, kind=org.kind, county_code=org.county))
    for org in plan.rename:
        orgs[org.code].name = org.name
    for org in plan.move:
        if org.county not in counties:
            raise DataError(f"Länet {org.county} finns inte: uppdatera länen först.")
        orgs[org.code].county_code = org.county
    for code in plan.gone:
        orgs[code].active = False
    db.session.flush()
