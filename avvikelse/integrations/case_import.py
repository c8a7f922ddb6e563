"""Historical cases from CSV, for the forum's trends: each row validated like the form.

Every row goes through the very CaseForm that validates the web form and the API, then
the same party rules (rules.check_parties), with the importing organisation as sender.
Only when every row is valid are the cases written, closed, with an `import` history row
and nothing else: no routing, no mail, no webhooks. Patient identifiers are not imported
at all (a column for them is refused): trends need none.
"""
from dataclasses import dataclass, field
from datetime import datetime
from werkzeug.datastructures import MultiDict

from avvikelse.accounts.models import User
from avvikelse.cases.changes import record_change
from avvikelse.cases.enums import Outcome, Status
from avvikelse.cases.forms import CaseForm
from avvikelse.cases.models import Case
from avvikelse.cases.rules import check_parties
from avvikelse.cases.services import new_case
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.clock import SWEDEN
from avvikelse.extensions import db
from avvikelse.integrations import csv_file
from avvikelse.rollups import services as rollups

EXCLUDED = {"patient_id", "patient_reserve_id", "patient_shared_basis", "patient_shared_note",
            "patient_protected", "submission_key", "csrf_token"}
EXTRA = ("reported_at", "closed_at")
TRUE = {"ja", "j", "yes", "true", "1", "y"}
MAX_ROWS = 5_000


@dataclass
class Row:
    line: int
    data: object  # CaseInput
    reported_at: datetime
    closed_at: datetime


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def columns() -> list[str]:
    form = CaseForm(formdata=None, meta={"csrf": False})
    return [name for name in form._fields if name not in EXCLUDED] + list(EXTRA)


def plan(text: str, importer: User, now: datetime) -> Plan:
    result = Plan()
    read = csv_file.read(text, result.errors)
    if read is None:
        return result
    header, cells = read
    known = columns()
    unknown = [h for h in header if h not in known]
    if unknown or "reported_at" not in header:
        why = [f"okända kolumner: {', '.join(unknown)}"] if unknown else []
        if "reported_at" not in header:
            why.append("kolumnen reported_at saknas")
        result.errors.append((1, "Rubrikraden: " + "; ".join(why) + "."))
        return result
    for line, cells_of_row in cells:
        if len(result.rows) + len(result.errors) >= MAX_ROWS:
            result.errors.append((line, f"Högst {MAX_ROWS} rader per fil."))
            break
        row, errors = _row(line, cells_of_row, importer, now)
        result.errors.extend((line, m) for m in errors)
        if row is not None:
            result.rows.append(row)
    return result


def _row(line: int, cells: dict, importer: User, now: datetime):
    formdata = MultiDict()
    for name, value in cells.items():
        value = value.strip()
        if name in EXTRA or not value:
            continue
        if name == "serious":
            value = "y" if value.lower() in TRUE else ""
        formdata.add(name, value)
    form = CaseForm(formdata=formdata, meta={"csrf": False})
    errors = []
    if not form.validate():
        errors = [f"{name}: {m}" for name, messages in form.errors.items() for m in _flat(messages)]
    reported_at = _moment(cells.get("reported_at", ""), "reported_at", errors, required=True)
    closed_at = _moment(cells.get("closed_at", ""), "closed_at", errors, required=False) or reported_at
    if errors:
        return None, errors
    data = form.to_input()
    if reported_at > now:
        errors.append("reported_at: kan inte ligga i framtiden.")
    elif data.occurred_at > reported_at:
        errors.append("reported_at: kan inte ligga före händelsen.")
    if closed_at and reported_at and closed_at < reported_at:
        errors.append("closed_at: kan inte ligga före reported_at.")
    try:
        # The sender is the importing organisation; any of its units may be named.
        check_parties(importer, data, now, any_own_unit=True)
    except ValidationFailed as exc:
        errors.extend(f"{name}: {m}" for name, messages in exc.errors.items() for m in messages)
    return (None if errors else Row(line, data, reported_at, closed_at)), errors


def _flat(messages):
    for m in messages:
        if isinstance(m, str):
            yield m
        else:
            yield from _flat(m.values() if isinstance(m, dict) else m)


def _moment(raw: str, name: str, errors: list, required: bool) -> datetime | None:
    value = raw.strip()
    if not value:
        if required:
            errors.append(f"{name}: ange datum och tid.")
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        errors.append(f"{name}: ange datum och tid, t.ex. 2024-03-14 08:30.")
        return None
    if moment.tzinfo is None:  # as the form reads a time without offset: Swedish time
        moment = moment.replace(tzinfo=SWEDEN)
    return moment


def apply(result: Plan, importer: User) -> list[Case]:
    """Write the checked rows as closed cases; the caller commits."""
    if not result.ok:
        raise ValueError("a plan with errors cannot be applied")
    cases = []
    for row in result.rows:
        receiver, receiver_unit, sender_unit = check_parties(
            importer, row.data, row.reported_at, any_own_unit=True)
        case = new_case(importer, row.data, row.reported_at, receiver=receiver,
                        receiver_unit=receiver_unit, sender_unit=sender_unit)
        case.closed_at = case.ended_at = row.closed_at
        case.outcome = Outcome.IMPORTED
        db.session.add(case)
        # History says where it came from; nothing follows a historical case (no routing,
        # no mail, no webhooks), so no event.
        record_change(case, "import", importer, row.closed_at, status=Status.CLOSED,
                      note=f"Importerat historiskt ärende (rad {row.line}).", announce=False)
        cases.append(case)
    db.session.flush()
    for case in cases:  # no event follows a historical case: it is counted here
        rollups.follow(case)
    return cases
