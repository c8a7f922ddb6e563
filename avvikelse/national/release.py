"""The national table, protected by the forum's disclosure engine (forum/disclosure.py).

The base table is county × direction × category type × event type × consequence, per
quarter. What is published of it: the total, each of those one by one, and county ×
direction and county × category type. The whole national table is protected at once:
every published figure of a quarter is a cell of one problem, so a hidden figure cannot
be worked out from anything shown beside it, in any county's row.

As in the forum (forum/release.py): a quarter is protected on its own counts, once; a
year given its quarters as they were published (the quarters' totals and counties keep
their pattern, and the year hides what would give a quarter's cell away). The trend
quotes each quarter's own release, so a figure reads the same on every page.
"""
from collections import OrderedDict
from dataclasses import dataclass

from avvikelse.agreements.types import CategoryType
from avvikelse.cases.enums import EventType
from avvikelse.forum.disclosure import Grid, Pattern, Problem
from avvikelse.national.counts import DIRECTIONS

HIDDEN = "x"
DIMENSIONS = ("county", "direction", "type", "event_type", "consequence")
TYPES = tuple(t.value for t in CategoryType)
EVENT_TYPES = tuple(e.value for e in EventType)
CONSEQUENCES = (1, 2, 3, 4)
#: table → the dimensions it breaks the cases down by
TABLES = {
    "total": (),
    "by_county": ("county",),
    "by_direction": ("direction",),
    "by_type": ("type",),
    "by_event_type": ("event_type",),
    "by_consequence": ("consequence",),
    "county_direction": ("county", "direction"),
    "county_type": ("county", "type"),
}
#: what a year quotes of each of its quarters (the trend's figures)
QUARTER_TABLES = ("total", "by_county")


class Base:
    def __init__(self, counties: tuple[str, ...], quarters: tuple[str, ...] | None = None):
        self.counties = counties
        self.quarters = quarters
        dims = {"county": list(counties), "direction": list(DIRECTIONS), "type": list(TYPES),
                "event_type": list(EVENT_TYPES), "consequence": list(CONSEQUENCES)}
        if quarters:
            dims["quarter"] = list(quarters)
        self.grid = Grid(dims)
        self.values = dims

    def key(self, table: str, row: tuple, quarter: str | None = None) -> tuple | None:
        dims = TABLES[table]
        gids = []
        for i, name in enumerate(DIMENSIONS):
            if name in dims:
                value = row[dims.index(name)]
                gids.append(self.grid.where(i, lambda v, value=value: v == value))
            else:
                gids.append(0)
        if self.quarters:
            gids.append(0 if quarter is None else self.grid.where(len(DIMENSIONS), lambda v: v == quarter))
        return None if any(g is None for g in gids) else tuple(gids)

    def rows(self, table: str) -> list[tuple]:
        dims = TABLES[table]
        found: list[tuple] = [()]
        for name in dims:
            found = [r + (v,) for r in found for v in self.values[name]]
        return found

    def cells(self):
        for table in TABLES:
            for row in self.rows(table):
                yield table, row, None, self.key(table, row)

    def quarter_cells(self):
        for quarter in self.quarters or ():
            for table in QUARTER_TABLES:
                for row in self.rows(table):
                    yield table, row, quarter, self.key(table, row, quarter)

    def atoms(self, counts: dict, quarter: str | None = None) -> dict:
        found = {}
        index = self.grid.index
        for (county, direction, kind, event, consequence), n in counts.items():
            if county not in index[0]:
                continue
            coords = (index[0][county], index[1][direction], index[2][kind], index[3][event], index[4][consequence])
            if quarter is not None:
                coords += (index[5][quarter],)
            found[coords] = found.get(coords, 0) + n
        return found


@dataclass
class Release:
    label: str
    base: Base
    pattern: Pattern

    def cell(self, table: str, row: tuple = (), quarter: str | None = None):
        key = self.base.key(table, row, quarter)
        if key is None:
            return 0
        return HIDDEN if key in self.pattern.hidden else self.pattern.value(key)


_CACHE: "OrderedDict[tuple, Release]" = OrderedDict()
_CACHE_SIZE = 32


def _cached(key, build) -> Release:
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = build()
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return found


def quarter_release(label: str, counts: dict, counties: tuple[str, ...], threshold: int) -> Release:
    """One quarter's national table, protected on its own counts."""
    key = ("quarter", label, threshold, counties, tuple(sorted(counts.items())))

    def build():
        base = Base(counties)
        problem = Problem(base.grid, base.atoms(counts), threshold)
        for _table, _row, _q, cell in base.cells():
            if cell is not None:
                problem.cell(cell)
        return Release(label, base, problem.solve())

    return _cached(key, build)


def year_release(label: str, quarters: list[Release], quarter_counts: list[dict], counties: tuple[str, ...],
                 threshold: int) -> Release:
    """A year, protected given its quarters' published totals and counties."""
    labels = tuple(q.label for q in quarters)
    key = ("year", label, threshold, counties, tuple(tuple(sorted(c.items())) for c in quarter_counts))

    def build():
        base = Base(counties, labels)
        atoms: dict = {}
        for q, counts in zip(labels, quarter_counts, strict=True):
            atoms.update(base.atoms(counts, q))
        problem = Problem(base.grid, atoms, threshold)
        for _table, _row, _q, cell in base.cells():
            if cell is not None:
                problem.cell(cell)
        by_label = dict(zip(labels, quarters, strict=True))
        for table, row, q, cell in base.quarter_cells():
            if cell is not None:
                problem.cell(cell, fixed=by_label[q].cell(table, row) == HIDDEN)
        return Release(label, base, problem.solve())

    return _cached(key, build)
