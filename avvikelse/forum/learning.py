"""What the forum is shown of learning together, under its disclosure control.

- **Measures** due in the period, by owner organisation, clause (of the case's category)
  and class as of the reading: planned, overdue, done, effect confirmed, not done. Their
  finest cells are (organisation, clause, class); the forum sees the total, each one-way
  table and the two two-way tables organisation × class and clause × class. A quarter is
  protected on its own counts with the hypercube method (disclosure.py); a year given its
  four quarters as they were published, every cell of each quarter fixed as it was
  shown or hidden, so the year and quarter pages agree and neither can be subtracted
  from the other. Measures are their own population (not cases): no published figure of
  the case tables is a sum over them.
- **Investigations** opened and finished (report approved) in the period: single counts
  (1–4 hidden), the median days to approval over fewer than the threshold hidden. A
  year's counts sum its quarters' and are hidden when a hidden quarter would follow by
  subtraction (as the serious count's, publish.py).
- **Contributing factors** of the approved reports, by agreement clause and area, for
  each of the eight quarters of the trend: each quarter its own protected table (clause
  × area with both margins), quoted as it is everywhere; no sum over quarters is
  published. Areas are ordered by what is shown, so the order tells nothing of a hidden
  cell.
- **Learning summaries** approved in the period: texts both sides approved, masked once
  more.

Under a filter none of this is published (it is not a table of the filtered cases).
"""
from collections import OrderedDict
from datetime import datetime
from itertools import product

from sqlalchemy import select

from avvikelse.agreements.models import AgreementClause
from avvikelse.cases.categories import BY_CODE
from avvikelse.directory.models import Organisation
from avvikelse.extensions import db
from avvikelse.forum import disclosure
from avvikelse.forum.periods import Period
from avvikelse.forum.suppression import HIDDEN
from avvikelse.learning import figures as raw
from avvikelse.learning import summaries
from avvikelse.learning.enums import FORUM_MEASURE_CLASSES, FactorArea

#: the tables of a count table: the total, the one-way tables, the two-way tables with the class
MEASURE_TABLES = ((), (2,), (0,), (0, 2), (1,), (1, 2))
FACTOR_TABLES = ((), (0,), (1,), (0, 1))


def clause_of(category: str) -> str:
    return BY_CODE[category].clause or "—" if category in BY_CODE else "—"


class Table:
    """One protected count table: its dimensions, its published cells, its pattern."""

    def __init__(self, dims: dict[str, list], atoms: dict[tuple, int], threshold: int,
                 tables: tuple[tuple[int, ...], ...], quarters: list["Table"] | None = None):
        names = list(dims)
        if quarters:
            dims = dims | {"quarter": list(range(len(quarters)))}
        self.grid = disclosure.Grid(dims)
        index = self.grid.index
        self.atoms = {tuple(index[d][v] for d, v in enumerate(key)): n for key, n in atoms.items() if n}
        self.tables = tables
        self.keys: dict[tuple, tuple] = {}
        problem = disclosure.Problem(self.grid, self.atoms, threshold)
        for table, row, key in self._cells(len(names)):
            self.keys[(table, row)] = problem.cell(key)
        if quarters:
            for q, quarter in enumerate(quarters):
                qgid = self.grid.where(len(names), lambda v, q=q: v == q)
                for table, row, key in self._cells(len(names)):
                    problem.cell(key[:len(names)] + (qgid,), fixed=quarter.hidden(table, row))
        self.pattern = problem.solve()

    def _cells(self, n: int):
        extra = (0,) if len(self.grid.names) > n else ()
        for table in self.tables:
            for row in product(*(self.grid.values[d] for d in table)):
                gids = [0] * n
                for d, v in zip(table, row, strict=True):
                    gids[d] = self.grid.where(d, lambda x, v=v: x == v)
                yield table, row, tuple(gids) + extra

    def cell(self, table: tuple[int, ...], row: tuple = ()):
        key = self.keys.get((table, row))
        if key is None:
            return 0
        return HIDDEN if key in self.pattern.hidden else self.pattern.value(key)

    def hidden(self, table: tuple[int, ...], row: tuple = ()) -> bool:
        return self.cell(table, row) == HIDDEN


_CACHE: "OrderedDict[tuple, Table]" = OrderedDict()


def _table(key: tuple, build) -> Table:
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = build()
        while len(_CACHE) > 64:
            _CACHE.popitem(last=False)
    return found


def _span(period: Period) -> tuple[str, datetime, datetime]:
    return (period.label, period.start, period.end)


# -- measures -----------------------------------------------------------------------------------

def _measure_dims(orgs: list[str]) -> dict[str, list]:
    """The same dimensions whatever the data and the page: a quarter's table is protected
    alike on its own page and inside its year's."""
    clauses = sorted({clause_of(code) for code in BY_CODE} | {"—"})
    return {"organisation": orgs, "clause": clauses, "class": list(FORUM_MEASURE_CLASSES)}


def _measure_atoms(counts: dict) -> dict[tuple, int]:
    atoms: dict[tuple, int] = {}
    for (org, category, cls), n in counts.items():
        key = (org, clause_of(category), cls)
        atoms[key] = atoms.get(key, 0) + n
    return atoms


def measure_tables(period: Period, counts: dict[str, dict], orgs: list[str], threshold: int) -> Table:
    """The period's protected measure table; a year's given its quarters'."""
    quarters = period.quarters()
    dims = _measure_dims(orgs)

    def quarter(q: Period) -> Table:
        atoms = _measure_atoms(counts.get(q.label, {}))
        return _table(("m", q.label, threshold, tuple(sorted(atoms.items())), tuple(map(tuple, dims.values()))),
                      lambda: Table(dims, atoms, threshold, MEASURE_TABLES))

    if not period.is_year:
        return quarter(period)
    parts = [quarter(q) for q in quarters]
    atoms: dict[tuple, int] = {}
    for i, q in enumerate(quarters):
        for key, n in _measure_atoms(counts.get(q.label, {})).items():
            atoms[key + (i,)] = n
    return _table(("m", period.label, threshold, tuple(sorted(atoms.items())), tuple(map(tuple, dims.values()))),
                  lambda: Table(dims, atoms, threshold, MEASURE_TABLES, quarters=parts))


def _measures_shown(table: Table, names: dict[str, str]) -> dict:
    classes = list(FORUM_MEASURE_CLASSES)
    orgs, clauses = table.grid.values[0], table.grid.values[1]

    def rows(d: int, values) -> list[dict]:
        found = []
        for value in values:
            total = table.cell((d,), (value,))
            if total == 0:
                continue
            found.append({"key": value, "name": names.get(value, value) if d == 0 else value,
                          "total": total, **{c: table.cell((d, 2), (value, c)) for c in classes}})
        return found

    return {"total": table.cell(()), "by_class": {c: table.cell((2,), (c,)) for c in classes},
            "by_organisation": rows(0, orgs), "by_clause": rows(1, clauses)}


# -- investigations -----------------------------------------------------------------------------

def _count(n: int, T: int):
    return HIDDEN if 0 < n < T else n


def _year_count(values: list[int], T: int):
    """A year's count, the sum of its quarters' (each shown or hidden on its own). Shown,
    it tells the hidden quarters' sum S: each hidden quarter then lies anywhere in
    [0, S] when there are two or more (nothing caps them), and is S itself when there is
    one. So the year is hidden when small, when one quarter is hidden, or when the hidden
    ones sum to less than the threshold."""
    total = sum(values)
    if 0 < total < T:
        return HIDDEN
    hidden = [v for v in values if _count(v, T) == HIDDEN]
    if len(hidden) == 1 or (hidden and sum(hidden) < T):
        return HIDDEN
    return total


def _investigations_shown(period: Period, counts: dict[str, dict], T: int) -> dict:
    def median(days: list[float]):
        if not days:
            return None
        return HIDDEN if len(days) < T else raw.median(days)

    quarters = [{"period": q.label, "opened": _count(counts[q.label]["opened"], T),
                 "finished": _count(counts[q.label]["finished"], T),
                 "median_lead_days": median(counts[q.label]["lead_days"])} for q in period.quarters()]
    if not period.is_year:
        return quarters[0] | {"quarters": None}
    opened = [counts[q.label]["opened"] for q in period.quarters()]
    finished = [counts[q.label]["finished"] for q in period.quarters()]
    days = sorted(d for q in period.quarters() for d in counts[q.label]["lead_days"])
    return {"period": period.label, "opened": _year_count(opened, T), "finished": _year_count(finished, T),
            "median_lead_days": median(days), "quarters": quarters}


# -- factors --------------------------------------------------------------------------------

def _factors_shown(trend: list[Period], counts: dict[str, dict], T: int) -> dict:
    """Each quarter's table over every clause code of the agreements and every area (the
    same dimensions on every page, so a quarter is protected alike wherever it is quoted)."""
    areas = [a.value for a in FactorArea]
    present = sorted({c for q in trend for (c, _a) in counts.get(q.label, {})})
    if not present:
        return {"quarters": [q.label for q in trend], "clauses": []}
    clauses = sorted(set(db.session.scalars(select(AgreementClause.code).distinct())) | {raw.NO_CLAUSE})
    dims = {"clause": clauses, "area": areas}
    tables = []
    for q in trend:
        atoms = counts.get(q.label, {})
        tables.append(_table(("f", q.label, T, tuple(sorted(atoms.items())), tuple(clauses)),
                             lambda atoms=atoms: Table(dims, atoms, T, FACTOR_TABLES)))
    found = []
    for clause in present:
        rows = []
        for area in areas:
            cells = [t.cell((0, 1), (clause, area)) for t in tables]
            if all(v == 0 for v in cells):
                continue
            rows.append({"area": area, "quarters": cells,
                         "shown": sum(v for v in cells if v != HIDDEN)})
        # Most frequent first, by what is shown: the order says nothing of a hidden cell.
        rows.sort(key=lambda r: (-r["shown"], areas.index(r["area"])))
        found.append({"clause": clause, "totals": [t.cell((0,), (clause,)) for t in tables],
                      "areas": [{"area": r["area"], "quarters": r["quarters"]} for r in rows]})
    return {"quarters": [q.label for q in trend], "clauses": found}


# -- the whole ---------------------------------------------------------------------------------------

def published(period: Period, now: datetime, T: int, counties: tuple[str, ...] | None = None) -> dict:
    """The learning figures the forum sees for a period (no filter): with `counties`,
    those of its own samverkan's organisations only."""
    query = db.session.query(Organisation.code, Organisation.name)
    if counties is not None:
        query = query.filter(Organisation.county_code.in_(counties))
    orgs = query.order_by(Organisation.code).all()
    names = dict(orgs)
    quarters = period.quarters()
    measure_counts = raw.measures([_span(q) for q in quarters], now, counties)
    table = measure_tables(period, measure_counts, [code for code, _ in orgs], T)
    trend = period.trend(8)
    investigation_counts = raw.investigations([_span(q) for q in quarters], counties)
    factor_counts = raw.factors([_span(q) for q in trend], counties)
    approved = summaries.published(start=period.start, end=period.end, limit=500, counties=counties)
    return {
        "measures": _measures_shown(table, names),
        "investigations": _investigations_shown(period, investigation_counts, T),
        "factors": _factors_shown(trend, factor_counts, T),
        "summaries": [summaries.shown(s) for s in approved],
    }
