"""What a list of cases can be narrowed by, read from a query string.

The same parameters on the search page, in its saved searches and exports, and in
`GET /api/v1/cases`: `box`, `q`, `order` and the filters below. Each filter is one
`Filter`: a name, how its value is read (a Swedish message when it cannot be), and the
SQL condition it adds. Adding a filter is adding one entry to FILTERS.

Filters only ever narrow what the access policy lets the user see (cases/policy.py
`box_clause`); nothing here widens it.
"""
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import and_, false, or_

from avvikelse.accounts.models import User
from avvikelse.accounts.services import user_by_username
from avvikelse.cases.categories import BY_CODE
from avvikelse.cases.enums import ANSWER_PENDING, Status
from avvikelse.cases.models import Case
from avvikelse.cases.queries import SEARCH_BOXES, awaiting_answer
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.workdays import start_of_day
from avvikelse.directory.services import unit_by_code
from avvikelse.search import index, stemming

ORDERS = ("date", "relevance")
#: the best matches a search by relevance shows (no further pages)
RELEVANCE_LIMIT = 50
MAX_QUERY_LENGTH = 200
_REFERENCE = re.compile(r"^AV-(\d{4})-(\d{1,6})$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Invalid(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Context:
    """Whom a filter is read for, and when (overdue is "due before now")."""

    user: User
    now: datetime


@dataclass(frozen=True)
class Filter:
    name: str
    read: Callable[[str, Context], object]
    clause: Callable[[object, Context], object]


# -- reading values ----------------------------------------------------------------------

def _status(raw: str, _ctx) -> Status:
    try:
        return Status(raw)
    except ValueError:
        raise Invalid(f"Okänd status. Välj bland: {', '.join(s.value for s in Status)}.") from None


def _category(raw: str, _ctx) -> str:
    if raw not in BY_CODE:
        raise Invalid(f"Okänd kategori. Välj bland: {', '.join(BY_CODE)}.")
    return raw


def _unit(raw: str, _ctx):
    unit = unit_by_code(raw) if len(raw) <= 64 else None
    if unit is None:
        raise Invalid("Okänd enhet. Ange enhetens kod, t.ex. 2309-HSJV (se GET /directory).")
    return unit


def _day(raw: str, _ctx) -> date:
    try:
        if not _DATE.match(raw):
            raise ValueError
        day = date.fromisoformat(raw)
        if not 1900 <= day.year <= 2999:
            raise ValueError
        return day
    except ValueError:
        raise Invalid("Ange ett datum som ÅÅÅÅ-MM-DD, t.ex. 2026-03-01.") from None


#: matches no owner: an unknown username finds nothing, like a known one who owns nothing
NOBODY = -1


def _owner(raw: str, ctx) -> int:
    """`me` or a username: the cases that person owns on the receiving side."""
    if raw == "me":
        return ctx.user.id
    if len(raw) > 80 or not raw.isprintable():
        raise Invalid("Ange owner=me eller ett användarnamn.")
    user = user_by_username(raw)
    return user.id if user is not None else NOBODY


def _boolean(raw: str, _ctx) -> bool:
    if raw not in ("true", "false"):
        raise Invalid("Ange true eller false.")
    return raw == "true"


# -- the conditions ----------------------------------------------------------------------

def _overdue(value: bool, ctx: Context):
    late = and_(awaiting_answer(), Case.due_at < ctx.now)
    if value:
        return late
    return or_(Case.status.not_in(ANSWER_PENDING), Case.due_at.is_(None), Case.due_at >= ctx.now)


#: Every filter, in the order the search page shows them.
FILTERS: tuple[Filter, ...] = (
    Filter("status", _status, lambda status, ctx: Case.status == status),
    Filter("category", _category, lambda code, ctx: Case.category == code),
    Filter("unit", _unit, lambda unit, ctx: or_(Case.sender_unit_id == unit.id, Case.receiver_unit_id == unit.id)),
    # Days are Swedish days, both ends included.
    Filter("reported_from", _day, lambda day, ctx: Case.reported_at >= start_of_day(day)),
    Filter("reported_to", _day, lambda day, ctx: Case.reported_at < start_of_day(day + timedelta(days=1))),
    Filter("serious", _boolean, lambda serious, ctx: Case.serious.is_(serious)),
    Filter("overdue", _boolean, _overdue),
    Filter("owner", _owner, lambda owner_id, ctx: Case.owner_id == owner_id),
)
BY_NAME = {f.name: f for f in FILTERS}
#: every parameter a search reads
PARAMETERS = ("box", "q", "order", *BY_NAME)


# -- a whole search ----------------------------------------------------------------------

@dataclass(frozen=True)
class Search:
    box: str = "all"
    #: the text as typed, cleaned of control characters
    q: str = ""
    order: str = "date"
    #: filter name → (the value as given, the value read)
    values: dict = field(default_factory=dict)

    @property
    def reference(self) -> str | None:
        """A reference typed as the text (AV-2026-12 or AV-2026-000012) finds that case."""
        match = _REFERENCE.match(self.q)
        return f"AV-{match[1]}-{int(match[2]):06d}" if match else None

    @property
    def words(self) -> list[str]:
        return [] if self.reference else stemming.terms(self.q)

    @property
    def by_relevance(self) -> bool:
        """Relevance needs words to weigh; without them the order is by date."""
        return self.order == "relevance" and bool(self.words)

    def value(self, name: str):
        found = self.values.get(name)
        return found[1] if found else None

    def raw(self, name: str) -> str:
        found = self.values.get(name)
        return found[0] if found else ""

    def filter_clauses(self, ctx: Context) -> list:
        """The filters' SQL conditions."""
        return [BY_NAME[name].clause(value, ctx) for name, (_raw, value) in self.values.items()]

    def clauses(self, ctx: Context, dialect: str) -> list:
        """The filters' and the text's SQL conditions, besides the box (which the list's
        keyset adds)."""
        found = self.filter_clauses(ctx)
        if self.reference:
            found.append(Case.reference == self.reference)
        elif self.q:
            words = self.words
            # Text of nothing searchable (only stop words, only punctuation) finds nothing.
            found.append(index.matching(dialect, words) if words else false())
        return found

    def args(self, **extra) -> dict[str, str]:
        """The query string's parameters, defaults left out: for links, saved searches
        and exports."""
        found = {"box": self.box} if self.box != "all" else {}
        if self.q:
            found["q"] = self.q
        found |= {name: raw for name, (raw, _value) in self.values.items()}
        if self.order != "date":
            found["order"] = self.order
        return found | {k: v for k, v in extra.items() if v}

    def query_string(self) -> str:
        return urlencode(self.args())

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.values)


def clean_query(raw: str) -> str:
    """Control and format characters become spaces; runs of space become one."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c for c in raw)
    return " ".join(text.split())


def parse(args: Mapping[str, str], ctx: Context, *, box: str | None = None) -> Search:
    """A search from a query string; every bad parameter is named in one ValidationFailed.
    `box` when given replaces the query string's (the inbox's own export)."""
    errors: dict[str, list[str]] = {}
    box = box or args.get("box") or "all"
    if box not in SEARCH_BOXES:
        errors["box"] = ["Ange box=all (allt du får se), incoming (inkorg) eller outgoing (skickade)."]
    raw_q = args.get("q") or ""
    if len(raw_q) > MAX_QUERY_LENGTH:
        errors["q"] = [f"Söktexten får vara högst {MAX_QUERY_LENGTH} tecken."]
        raw_q = ""
    q = clean_query(raw_q)
    if raw_q.strip() and not q:
        errors["q"] = ["Söktexten innehåller bara osynliga tecken eller styrtecken."]
    order = args.get("order") or "date"
    if order not in ORDERS:
        errors["order"] = ["Ange order=date (senast först) eller order=relevance (bäst träff först)."]
    values = {}
    for f in FILTERS:
        raw = (args.get(f.name) or "").strip()
        if not raw:
            continue
        try:
            values[f.name] = (raw, f.read(raw, ctx))
        except Invalid as exc:
            errors[f.name] = [exc.message]
    start, end = values.get("reported_from"), values.get("reported_to")
    if start and end and start[1] > end[1]:
        errors["reported_to"] = ["Till-datumet ligger före från-datumet."]
    if errors:
        raise ValidationFailed(errors)
    return Search(box=box, q=q, order=order, values=values)
