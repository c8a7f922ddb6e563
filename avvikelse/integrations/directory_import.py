"""Directory import: units from a CSV in HSA's terms, checked whole before anything changes.

Columns (header row, `;` or `,`): code, name, organisation, and optionally hsa_id, parent
(a unit code, in the file or already in the directory) and active (ja/nej). `plan()`
reads and checks every row and reports bad rows by line number; only a plan without
errors can be `apply()`-ed, so a file is imported entirely or not at all. The dry run is
the plan shown: what will be created, what will change from what to what.
"""
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from avvikelse.core.text import TextError, clean_text
from avvikelse.directory.models import Organisation, Unit, unit_code_problem
from avvikelse.integrations import csv_file
from avvikelse.extensions import db

REQUIRED = ("code", "name", "organisation")
OPTIONAL = ("hsa_id", "parent", "active")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# SE + the organisation number (10 digits) + "-" + the unit's own part.
HSA_ID = re.compile(r"^SE[0-9]{10}-[A-Za-z0-9]{1,40}$")
TRUE, FALSE = {"ja", "j", "yes", "true", "1", ""}, {"nej", "n", "no", "false", "0"}
MAX_ROWS = 20_000


@dataclass
class Change:
    line: int
    code: str
    action: str  # create, update, unchanged
    changes: dict[str, tuple] = field(default_factory=dict)
    values: dict = field(default_factory=dict)


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    #: (line, message); line 0 is the file as a whole
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


def plan(text: str, organisation: Organisation | None = None) -> Plan:
    """Check a CSV; `organisation` limits the file to that organisation's units."""
    result = Plan()
    rows = _rows(text, result)
    if rows is None:
        return result
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    hsa_owner = {u.hsa_id: u.code for u in units.values() if u.hsa_id}
    in_file: dict[str, int] = {}
    hsa_in_file: dict[str, int] = {}
    for line, raw in rows:
        values, errors = _row(raw, orgs, organisation)
        code = values.get("code", "")
        if code in in_file:
            errors.append(f"Koden {code} finns redan på rad {in_file[code]}.")
        elif code:
            in_file[code] = line
        hsa = values.get("hsa_id")
        if hsa:
            if hsa in hsa_in_file:
                errors.append(f"HSA-id {hsa} finns redan på rad {hsa_in_file[hsa]}.")
            elif hsa_owner.get(hsa, code) != code:
                errors.append(f"HSA-id {hsa} tillhör redan enheten {hsa_owner[hsa]}.")
            hsa_in_file[hsa] = line
        existing = units.get(code)
        if existing is None and "organisation" in values and "code" in values \
                and (problem := unit_code_problem(values["organisation"].code, values["code"])):
            errors.append(f"code: {problem}")
        if existing is not None and "organisation" in values \
                and existing.organisation.code != values["organisation"].code:
            errors.append(f"Enheten {code} hör till {existing.organisation.code}; en enhet kan inte byta organisation.")
        if existing is not None and organisation is not None and existing.organisation_id != organisation.id:
            errors.append(f"Enheten {code} hör till en annan organisation.")
        result.errors.extend((line, message) for message in errors)
        if not errors:
            result.changes.append(_change(line, values, existing))
    for change in result.changes:  # parents may come later in the file
        parent = change.values.get("parent")
        if parent and parent not in in_file and parent not in units:
            result.errors.append((change.line, f"Överordnad enhet {parent} finns varken i filen eller i katalogen."))
        elif parent == change.code:
            result.errors.append((change.line, "En enhet kan inte vara sin egen överordnade."))
    result.errors.sort()
    return result


def apply(result: Plan) -> int:
    """Carry out a checked plan; returns how many units were created or changed."""
    if not result.ok:
        raise ValueError("a plan with errors cannot be applied")
    by_code: dict[str, Unit] = {u.code: u for u in db.session.scalars(select(Unit))}
    touched = 0
    for change in result.changes:
        v = change.values
        unit = by_code.get(change.code)
        if unit is None:
            unit = by_code[change.code] = Unit(code=change.code, organisation=v["organisation"], name=v["name"])
            db.session.add(unit)
        unit.name = v["name"]
        for column in ("hsa_id", "active"):  # a column the file lacks is left as it is
            if column in v:
                setattr(unit, column, v[column])
        touched += change.action != "unchanged"
    db.session.flush()
    for change in result.changes:
        if "parent" in change.values:
            parent = change.values["parent"]
            by_code[change.code].parent = by_code[parent] if parent else None
    db.session.flush()
    return touched


def _rows(text: str, result: Plan):
    read = csv_file.read(text, result.errors)
    if read is None:
        return None
    header, cells = read
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in REQUIRED + OPTIONAL]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("saknar kolumnerna " + ", ".join(missing))
        if unknown:
            parts.append("okända kolumner: " + ", ".join(unknown))
        result.errors.append((1, "Rubrikraden " + "; ".join(parts) + "."))
        return None
    rows = []
    for line, row in cells:
        rows.append((line, row))
        if len(rows) > MAX_ROWS:
            result.errors.append((line, f"Högst {MAX_ROWS} rader per fil."))
            return None
    return rows


def _row(raw: dict, orgs: dict, only: Organisation | None) -> tuple[dict, list[str]]:
    values: dict = {}
    errors: list[str] = []
    for name, cell in raw.items():
        try:
            raw[name] = clean_text(cell.strip(), multiline=False) if cell else ""
        except TextError as exc:
            errors.append(f"{name}: {exc.message}")
            raw[name] = ""
    code, name, org_code = raw["code"], raw["name"], raw["organisation"]
    if not CODE.match(code):
        errors.append("code: ange en kod av bokstäver, siffror, punkt eller bindestreck (högst 64 tecken).")
    else:
        values["code"] = code
    if not name or len(name) > 200:
        errors.append("name: ange ett namn (högst 200 tecken).")
    values["name"] = name
    org = orgs.get(org_code)
    if org is None:
        errors.append(f"organisation: okänd organisationskod {org_code or '(tom)'}.")
    elif only is not None and org.id != only.id:
        errors.append(f"organisation: du kan bara importera enheter i {only.code}.")
    else:
        values["organisation"] = org
    if "hsa_id" in raw:
        hsa = raw["hsa_id"].upper()
        if hsa and not HSA_ID.match(hsa):
            errors.append("hsa_id: ange som SE + tio siffror + bindestreck + enhetens del, t.ex. SE2321000065-E123.")
        values["hsa_id"] = hsa or None
    if "parent" in raw:
        values["parent"] = raw["parent"] or None
    if "active" in raw:
        flag = raw["active"].lower()
        if flag not in TRUE | FALSE:
            errors.append("active: ange ja eller nej.")
        values["active"] = flag in TRUE
    return values, errors


def _change(line: int, values: dict, unit: Unit | None) -> Change:
    if unit is None:
        return Change(line, values["code"], "create", values=values)
    now = {"name": unit.name, "hsa_id": unit.hsa_id, "active": unit.active,
           "parent": unit.parent.code if unit.parent else None}
    changes = {k: (now[k], values[k]) for k in now if k in values and values[k] != now[k]}
    return Change(line, values["code"], "update" if changes else "unchanged", changes, values)
