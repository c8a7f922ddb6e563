"""What the forum publishes for a period, and the one protected pattern behind all of it.

A period's figures leave the organisations through the page, the PDF, CSV, XLSX, the
snapshots and the API, each with any one filter. All of them are read from one
`Release` per period, computed once over every filter the forum accepts, so every
answer hides the same cells (disclosure.py says how the pattern is found and proved).

The release, and what the forum gives up for it:

* One filter at a time (organisation, category, kind or direction). The base table is
  organisation pair × category × kind; one filter and one breakdown restrict at most two
  of its three dimensions, so a filtered answer is a two-way table the hypercube method
  protects. Two filters would publish the atoms themselves.
* Under a filter only the base table's figures are published: total, direction, pairs,
  organisations, kind, category/clause, and the totals of the trend, the previous period
  and the year. Serious, answered, open, overdue, answer times, units, risk and decisions
  are published for the whole period only, each as a table of its own whose rows sum to
  a figure of the base table.
* A quarter is protected on its own counts. A year is protected given its four quarters
  as they were published: a cell a quarter hides stays hidden in the year's quarter
  columns and trend, and the year hides its own figures where subtraction would reveal
  a quarter's. So a quarter's pattern never changes once the quarter is over, and the
  year page agrees with the quarter pages cell for cell.
* Beside a quarter the forum sees the whole previous calendar year, not the four quarters
  up to this one: two overlapping windows differ by exactly one quarter in and one out
  (W(q) − W(q−1) = Q(q) − Q(q−4)), so publishing a rolling window every quarter next to
  the quarters themselves gives hidden quarter cells away by subtraction. Calendar years
  do not overlap and are protected together with their quarters.
* Figures of other periods on a page (trend, previous period, previous year) are quoted
  from those periods' own releases, never recomputed: one cell, one pattern, everywhere.
"""
from collections import OrderedDict
from dataclasses import dataclass
from operator import mul

from avvikelse.core import collector
from avvikelse.cases.categories import BY_CODE
from avvikelse.forum import disclosure, patterns
from avvikelse.forum.disclosure import Grid, Problem

HIDDEN = "x"
KINDS = ("deviation", "complaint")
#: a year's cases by their latest answer: confirmed (yes or partly), answered otherwise, none
ANSWERS = ("confirmed", "answered", "none")
DIRECTIONS = ("kommun_to_region", "region_to_kommun", "kommun_to_kommun")
FILTER_NAMES = ("organisation", "category", "kind", "direction")
METHOD = "hypercube"


@dataclass(frozen=True)
class Orgs:
    """The directory as codes: {code: (name, kind)} with kind "region", "kommun" or
    "both" (Region Gotland: the kommun toward a region, the region toward a kommun)."""

    by_code: tuple

    @classmethod
    def of(cls, mapping: dict[str, tuple[str, str]]) -> "Orgs":
        return cls(tuple(sorted(mapping.items())))

    @property
    def codes(self) -> list[str]:
        return [c for c, _ in self.by_code]

    def kind(self, code: str) -> str:
        return dict(self.by_code)[code][1]

    def name(self, code: str) -> str:
        return dict(self.by_code)[code][0]

    def acting(self, code: str, other: str) -> str:
        kind = self.kind(code)
        if kind != "both":
            return kind
        return "kommun" if self.kind(other) == "region" else "region"

    def direction(self, sender: str, receiver: str) -> str:
        return f"{self.acting(sender, receiver)}_to_{self.acting(receiver, sender)}"


@dataclass(frozen=True)
class View:
    """No filter (name None), or exactly one."""

    name: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {self.name: self.value} if self.name else {}


def clause(category: str) -> str:
    return BY_CODE[category].clause if category in BY_CODE else "—"


def categories_of(atoms_by_period: dict) -> list[str]:
    extra = sorted({a[2] for atoms in atoms_by_period.values() for a in atoms} - set(BY_CODE))
    return list(BY_CODE) + extra


# -- the base table: groups, views, tables ----------------------------------------------

_UNSEEN = object()


class Base:
    """The grid of one release (pair × category × kind, and quarter for a year) and
    every published table of it under every view, as cells of the grid."""

    def __init__(self, orgs: Orgs, pairs: list, categories: list[str], quarters: list[str] | None):
        self.orgs = orgs
        self.pairs = pairs
        self.categories = categories
        self.quarters = quarters
        dims = {"pair": pairs, "category": categories, "kind": list(KINDS)}
        if quarters:
            # a year: its quarters, and the answers its agreement table counts per category
            dims["quarter"] = quarters
            dims["answer"] = list(ANSWERS)
        self.grid = Grid(dims)
        self._tables: dict = {}
        #: (dimension, the view's group, row number) -> the group of their product: most
        #: views leave most dimensions whole, so each row's product is found once, not
        #: once per view (a county's release has hundreds of views)
        self._products: dict = {}

    def directions(self) -> list[str]:
        present = {self.orgs.direction(s, r) for s, r in self.pairs}
        return list(DIRECTIONS) + sorted(present - set(DIRECTIONS))

    def views(self) -> list[View]:
        found = [View()]
        found += [View("organisation", o) for o in self.orgs.codes]
        found += [View("category", k) for k in self.categories]
        found += [View("kind", t) for t in KINDS]
        found += [View("direction", d) for d in DIRECTIONS]
        return found

    # weights per dimension: a view's restriction times a table row's
    def _view_weights(self, view: View):
        ones = ((1,) * len(self.pairs), (1,) * len(self.categories), (1,) * len(KINDS))
        if view.name == "organisation":
            return (tuple(1 if view.value in p else 0 for p in self.pairs),) + ones[1:]
        if view.name == "direction":
            return (tuple(1 if self.orgs.direction(*p) == view.value else 0 for p in self.pairs),) + ones[1:]
        if view.name == "category":
            return (ones[0], tuple(1 if k == view.value else 0 for k in self.categories), ones[2])
        if view.name == "kind":
            return ones[:2] + (tuple(1 if t == view.value else 0 for t in KINDS),)
        return ones

    def _rows(self):
        """Every table's rows as (table, row, dimension, weights): view-independent."""
        if getattr(self, "_row_cache", None) is None:
            pairs, orgs, direction = self.pairs, self.orgs.codes, self.orgs.direction
            rows = [("total", None, None, None)]
            rows += [("by_direction", d, 0, tuple(int(direction(*p) == d) for p in pairs))
                     for d in self.directions()]
            rows += [("by_pair", pr, 0, tuple(int(p == pr) for p in pairs)) for pr in pairs]
            rows += [("sent", o, 0, tuple(int(p[0] == o) for p in pairs)) for o in orgs]
            rows += [("received", o, 0, tuple(int(p[1] == o) for p in pairs)) for o in orgs]
            rows += [("by_organisation", o, 0, tuple((p[0] == o) + (p[1] == o) for p in pairs)) for o in orgs]
            rows += [("by_kind", t, 2, tuple(int(x == t) for x in KINDS)) for t in KINDS]
            rows += [("by_category", c, 1, tuple(int(k == c) for k in self.categories)) for c in self.categories]
            rows += [("by_clause", c, 1, tuple(int(clause(k) == c) for k in self.categories))
                     for c in dict.fromkeys(clause(k) for k in self.categories)]
            if self.quarters:
                rows += [("quarters", q, 3, None) for q in self.quarters]
                answered = tuple(int(a != "none") for a in ANSWERS)
                confirmed = tuple(int(a == "confirmed") for a in ANSWERS)
                rows += [("answered_all", None, 4, answered)]
                rows += [("answered", c, 1, (tuple(int(k == c) for k in self.categories), answered))
                         for c in self.categories]
                rows += [("confirmed", c, 1, (tuple(int(k == c) for k in self.categories), confirmed))
                         for c in self.categories]
            self._row_cache = rows
        return self._row_cache

    def tables(self, view: View) -> dict[str, list[tuple[object, tuple | None]]]:
        """{table: [(row, cell key or None for a figure over no atom)]} for one view."""
        cached = self._tables.get(view)
        if cached is not None:
            return cached
        grid = self.grid
        base = self._view_weights(view)
        view_gids = [grid.group(d, w) for d, w in enumerate(base)]
        found: dict[str, list] = {}
        for number, (table, row, dim, weights) in enumerate(self._rows()):
            if self.quarters and view.name and table not in ("total", "quarters"):
                continue  # a year under a filter: its total and its quarters only
            if view.name and table == "by_pair":
                continue  # pairs for the whole period only; filtered, organisations suffice
            gids = list(view_gids)
            if self.quarters:
                gids += [0, 0]
            if table == "quarters":
                gids[3] = grid.where(3, lambda v, row=row: v == row)
            elif table in ("answered", "confirmed"):
                categories, answers = weights
                gids[1] = self._product(1, view_gids[1], number, base[1], categories)
                gids[4] = grid.group(4, answers)
            elif dim is not None:
                gids[dim] = (self._product(dim, view_gids[dim], number, base[dim], weights)
                             if dim < 3 else grid.group(dim, weights))
            key = None if None in gids else tuple(gids)
            found.setdefault(table, []).append((row, key))
        self._tables[view] = found
        return found

    def _product(self, dim: int, view_gid, number: int, view_weights, weights) -> int | None:
        memo = (dim, view_gid, number)
        found = self._products.get(memo, _UNSEEN)
        if found is _UNSEEN:
            if len(view_weights) != len(weights):
                raise ValueError("weights over different values of one dimension")
            found = self._products[memo] = self.grid.group(dim, map(mul, view_weights, weights))
        return found

    def cells(self, *, quarter_level: bool = False):
        """Every (view, table, row, key) the release publishes at its own level (or, for a
        year, the per-quarter view totals it quotes)."""
        for view in self.views():
            for table, rows in self.tables(view).items():
                if (table == "quarters") != quarter_level:
                    continue
                for row, key in rows:
                    if key is not None:
                        yield view, table, row, key


class Release:
    """One period's protected base table: its values and which of them are hidden."""

    def __init__(self, label: str, base: Base, pattern: disclosure.Pattern, atoms: dict):
        self.label = label
        self.base = base
        self.pattern = pattern
        self.atoms = atoms

    def cell(self, view: View, table: str, row=None):
        """The published figure: a count, HIDDEN, or 0 for a figure over no atom."""
        for r, key in self.base.tables(view).get(table, []):
            if r == row:
                if key is None:
                    return 0
                return HIDDEN if key in self.pattern.hidden else self.pattern.value(key)
        return 0

    def hidden(self, view: View, table: str, row=None) -> bool:
        return self.cell(view, table, row) == HIDDEN

    def rows(self, view: View, table: str) -> list[tuple[object, object]]:
        return [(row, self.cell(view, table, row)) for row, _ in self.base.tables(view)[table]]


def _atoms(base: Base, counts: dict, quarter: str | None = None, answers: dict | None = None) -> dict:
    """Atoms of the grid from counts; a year's split further by the latest answer."""
    grid = base.grid
    found = {}
    for (s, r, category, kind), n in counts.items():
        coords = (grid.index[0][(s, r)], grid.index[1][category], grid.index[2][kind])
        if quarter is not None:
            coords += (grid.index[3][quarter],)
            split = {a: (answers or {}).get((s, r, category, kind, a), 0) for a in ANSWERS[:2]}
            split["none"] = n - sum(split.values())
            for a, m in split.items():
                if m:
                    key = coords + (grid.index[4][a],)
                    found[key] = found.get(key, 0) + m
            continue
        found[coords] = found.get(coords, 0) + n
    return found


def _pairs(*counts: dict) -> list:
    return sorted({(s, r) for c in counts for (s, r, _, _) in c})


_CACHE: "OrderedDict[tuple, Release]" = OrderedDict()
_CACHE_SIZE = 64


def _cached(key, build):
    found = _CACHE.get(key)
    if found is None:
        found = build()
        _CACHE[key] = found
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return found


def _release(label: str, key: tuple, prepare) -> Release:
    """The release of `key`: from this process's cache, else from the stored patterns
    (patterns.py; the base and atoms are cheap to lay out again, the solve is not), else
    solved and stored. `prepare` lays the problem out: (base, atoms, problem)."""

    def build():
        # Laying out and reading back are bursts of small acyclic objects (core/collector);
        # the solve is not paused: it can run for minutes.
        with collector.paused():
            base, atoms, problem = prepare()
            pattern = patterns.load(key, label, problem)
        if pattern is None:
            pattern = problem.solve()
            patterns.save(key, label, pattern, problem)
        return Release(label, base, pattern, atoms)

    return _cached(key, build)


def quarter_release(label: str, counts: dict, orgs: Orgs, categories: list[str], threshold: int) -> Release:
    """A quarter, protected on its own counts: {(sender, receiver, category, kind): n}."""
    key = ("quarter", label, threshold, orgs, tuple(categories), tuple(sorted(counts.items())))

    def prepare():
        base = Base(orgs, _pairs(counts), categories, None)
        atoms = _atoms(base, counts)
        problem = Problem(base.grid, atoms, threshold)
        for _view, _table, _row, cell in base.cells():
            problem.cell(cell)
        return base, atoms, problem

    return _release(label, key, prepare)


def year_release(label: str, quarters: list[Release], quarter_counts: list[dict], orgs: Orgs,
                 categories: list[str], threshold: int, answer_counts: list[dict] | None = None) -> Release:
    """A year, protected given its quarters: the per-quarter figures it quotes (each
    view's total per quarter: the trend and the agreement's quarter columns) keep the
    quarters' own pattern, and the year hides what would give a quarter's cell away.
    The agreement's answered and confirmed per category are cells of the same table
    (the answer is a dimension), since they are tied to the categories' totals."""
    labels = [q.label for q in quarters]
    answer_counts = answer_counts or [{} for _ in labels]
    # the quarters' patterns follow from their counts (and the rest of the key) alone
    key = ("year", label, threshold, orgs, tuple(categories),
           tuple(tuple(sorted(c.items())) for c in quarter_counts),
           tuple(tuple(sorted(c.items())) for c in answer_counts))

    def prepare():
        base = Base(orgs, _pairs(*quarter_counts), categories, labels)
        atoms: dict = {}
        for q, counts, answers in zip(labels, quarter_counts, answer_counts, strict=True):
            atoms.update(_atoms(base, counts, q, answers))
        problem = Problem(base.grid, atoms, threshold)
        for _view, _table, _row, cell in base.cells():
            problem.cell(cell)
        by_label = dict(zip(labels, quarters, strict=True))
        for view, _table, q, cell in base.cells(quarter_level=True):
            problem.cell(cell, fixed=by_label[q].hidden(view, "total"))
        return base, atoms, problem

    return _release(label, key, prepare)
