"""A list as a spreadsheet: the columns the list shows, never free text or the patient.

An export is a list, like the page it comes from: it writes no access-log rows, since it
holds nothing a read would disclose (reference, kind, category, parties, status, dates).
Formulas are neutralised as in every export (core/spreadsheets.py).
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from avvikelse.accounts.models import User
from avvikelse.cases.categories import BY_CODE
from avvikelse.core import spreadsheets
from avvikelse.core.template_helpers import sv_date
from avvikelse.search import queries
from avvikelse.search.filters import Search

#: the most rows one export holds (the newest first); past it, the last line says so
MAX_ROWS = 10_000
_PAGE = 500


@dataclass(frozen=True)
class Column:
    header: object
    value: Callable[[queries.Row], object]


def _party(name: str, unit: str | None) -> str:
    return f"{name}, {unit}" if unit else name


def _category(row) -> str:
    category = BY_CODE.get(row.category)
    return str(category.label) if category else row.category


def _label(member) -> str:
    return str(member.label) if member is not None else ""


def _serious(row) -> str:
    return _("Ja") if row.serious else _("Nej")


#: the search page's columns
SEARCH_COLUMNS = (
    Column(_l("Referens"), lambda r: r.reference),
    Column(_l("Allvarlig"), _serious),
    Column(_l("Typ"), lambda r: _label(r.kind)),
    Column(_l("Kategori"), _category),
    Column(_l("Avsändare"), lambda r: _party(r.sender_name, r.sender_unit_name)),
    Column(_l("Mottagare"), lambda r: _party(r.receiver_name, r.receiver_unit_name)),
    Column(_l("Status"), lambda r: _label(r.status)),
    Column(_l("Rapporterad"), lambda r: sv_date(r.reported_at)),
    Column(_l("Svar senast"), lambda r: sv_date(r.due_at)),
    Column(_l("Ansvarig"), lambda r: r.owner_name or ""),
)


def box_columns(box: str) -> tuple[Column, ...]:
    """The inbox's and the sent list's columns: the other party instead of both."""
    def other(r):
        if box == "incoming":
            return _party(r.sender_name, r.sender_unit_name)
        return _party(r.receiver_name, r.receiver_unit_name)

    return (*SEARCH_COLUMNS[:4], Column(_l("Motpart"), other), *SEARCH_COLUMNS[6:])


def all_rows(user: User, search: Search, now: datetime) -> tuple[list, bool]:
    """Every row of the list, page by page with its cursor, up to MAX_ROWS; and whether
    there were more."""
    found, cursor = [], None
    while True:
        page = queries.rows(user, search, now, cursor=cursor, limit=_PAGE)
        found += page.items
        if page.next is None or len(found) >= MAX_ROWS:
            more = page.next is not None or len(found) > MAX_ROWS
            return found[:MAX_ROWS], more
        cursor = page.next


def lines(rows: Iterable, columns: tuple[Column, ...], more: bool):
    yield [str(c.header) for c in columns]
    for row in rows:
        yield [c.value(row) for c in columns]
    if more:
        yield [_("Listan har fler ärenden än %(num)s; exporten har de senaste.", num=MAX_ROWS)]


def render(fmt: str, rows: list, columns: tuple[Column, ...], more: bool) -> bytes:
    if fmt == "csv":
        return spreadsheets.to_csv(lines(rows, columns, more))
    return spreadsheets.to_xlsx(lines(rows, columns, more), _("Ärenden"))
