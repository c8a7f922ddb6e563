"""Hidden figures outside the base table: counts of one kind of case, tables linked to a
base figure, shares, medians; and the marker every surface shows for a hidden figure.

The base table (pair × category × kind) is protected in release.py. The figures here
are published for the whole period only, each one-way, and each tied to the base table
by one sum at most (serious ≤ total; a unit's rows sum to its organisation's sent or
received; the risk matrix sums to the total). For such a table the rules below are
exact: a shown sum with hidden rows leaves each hidden row free between 0 and their
sum, so the rows hidden must be two or more and together at least the threshold; a
hidden sum hides every row under it. The audit test checks these with the base table.
"""
from flask import current_app

from avvikelse.forum import disclosure

#: what every page, export, snapshot and the API show instead of a hidden figure
HIDDEN = "x"


def threshold() -> int:
    return int(current_app.config.get("FORUM_SUPPRESS_BELOW", 5))


def hidden(value) -> bool:
    return value == HIDDEN


def count(n: int | None, below: int):
    """One count with no published complement (serious, decisions …): 1 … below−1 hidden."""
    if n is None:
        return None
    return HIDDEN if 0 < n < below else n


def linked_rows(rows: dict, below: int, total_hidden: bool = False) -> dict:
    """Rows whose sum is a published figure: the sum hidden hides every row with cases;
    the sum shown needs none hidden, or two or more that together reach `below`
    (then the smallest shown rows are added, ties by row key)."""
    if total_hidden:
        return {r: (HIDDEN if n else 0) for r, n in rows.items()}
    hide = {r for r, n in rows.items() if 0 < n < below}
    while hide and (len(hide) == 1 or sum(rows[r] for r in hide) < below):
        spare = sorted((n, str(r), r) for r, n in rows.items() if n and r not in hide)
        if not spare:
            break
        hide.add(spare[0][2])
    return {r: (HIDDEN if r in hide else n) for r, n in rows.items()}


def grouped_rows(cells: dict, groups: dict[str, list], below: int, total_hidden: bool = False):
    """A one-way table of `cells` with overlapping groups of them also published (the
    risk matrix, its rows and its levels), summing to a published total: protected by
    the same hypercube method as the base table. Returns (cells, groups) as shown."""
    if total_hidden:
        return ({c: (HIDDEN if n else 0) for c, n in cells.items()},
                {g: (HIDDEN if sum(cells[c] for c in members) else 0) for g, members in groups.items()})
    names = list(cells)
    grid = disclosure.Grid({"cell": names})
    problem = disclosure.Problem(grid, {(i,): cells[c] for i, c in enumerate(names)}, below)
    problem.cell((0,), fixed=False)  # the total, shown
    keys = {c: problem.cell((grid.where(0, lambda v, c=c: v == c),)) for c in names}
    gkeys = {g: problem.cell((grid.where(0, lambda v, m=frozenset(members): v in m),))
             for g, members in groups.items()}
    pattern = problem.solve()

    def shown(key, value):
        return 0 if key is None else (HIDDEN if key in pattern.hidden else value)

    return ({c: shown(keys[c], cells[c]) for c in names},
            {g: shown(gkeys[g], sum(cells[c] for c in members)) for g, members in groups.items()})


def share(numerator, denominator, value, below: int):
    """A share hides with either count, and when its denominator is under `below`."""
    if value is None:
        return None
    if hidden(numerator) or hidden(denominator) or (isinstance(denominator, int) and denominator < below):
        return HIDDEN
    return value


def median(value, n: int, below: int):
    """A median over fewer than `below` cases is hidden (it is nearly one case's own)."""
    if value is None or n == 0:
        return None
    return HIDDEN if n < below else value


def legacy(figures: dict) -> dict:
    """A snapshot or build saved before disclosure control: its raw figures cannot be
    protected after the fact (the base table was not kept), so every count but 0 and
    every share and median is hidden; the texts and periods stay."""
    keep = {"period", "as_of", "code", "name", "kind", "sender", "receiver", "clause", "category",
            "filters", "items", "organisation", "unit"}

    def walk(value, key=None):
        if key in keep:
            return value
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            return value if value == 0 else HIDDEN
        return value

    shown = walk(figures)
    # the old unit table had one intake row for all organisations
    shown["by_unit"] = [{"organisation": "", "unit": u.get("code"), "name": u.get("name"),
                         "sent": u.get("sent"), "received": u.get("received")} for u in shown.get("by_unit") or []]
    shown.setdefault("by_pair", [])
    shown["disclosure"] = {"method": "legacy", "hidden": HIDDEN, "filtered": False}
    return shown
