"""The attacker's audit: solve for every hidden figure from everything shown.

Reads only what a period publishes (`Page.shown` for no filter and every filter the API
and the pages accept) and writes down what each number means: a count of the cases
with some properties. Unknowns are the counts of the finest cells the published
figures involve (quarter × sender × receiver × category × kind, plus the counts behind
serious, answered, open, overdue, units, risk and the agreement's answers), all ≥ 0.
Every shown figure is an equation. For every hidden figure scipy's `linprog` finds the
least and the greatest value it can take: the interval the published equations leave
open. The "<threshold" rule itself is not an equation here: it would cap every
interval of a small count at threshold−1, and the point is what the equations give away.

A hidden figure must not be pinned to one value, and a hidden count under the
threshold must keep an interval at least as wide as the threshold. Restricting the
unknowns (pairs that have cases in the page's quarters only) only narrows intervals,
so passing here implies passing for a reader who knows less.

Zero-cost shortcuts for speed, none of which widens an interval: cells a shown 0
contains are fixed at 0; unknowns that appear in exactly the same figures are merged.
"""
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from avvikelse.cases.categories import BY_CODE
from avvikelse.forum.periods import Period
from avvikelse.forum.figures import RISK_LEVELS, risk_level
from avvikelse.forum.publish import Page
from avvikelse.forum.release import DIRECTIONS, KINDS, View, clause
from avvikelse.forum.suppression import HIDDEN


@dataclass
class Failure:
    figure: str
    value: float
    low: float
    high: float

    def __str__(self):
        return f"{self.figure} = {self.value}: solvable to [{self.low:g}, {self.high:g}]"


def views(page: Page) -> list[View]:
    """Every filter the API and the pages accept, and none."""
    return ([View()] + [View("organisation", o) for o in page.orgs.codes]
            + [View("category", k) for k in BY_CODE] + [View("kind", t) for t in KINDS]
            + [View("direction", d) for d in DIRECTIONS])


class Expr:
    """A sum of unknowns: weights over the atoms, and a few further unknowns by index."""

    def __init__(self, atoms=None, extra: dict | None = None):
        self.atoms = atoms
        self.extra = dict(extra or {})

    def __add__(self, other: "Expr") -> "Expr":
        if self.atoms is None:
            atoms = other.atoms
        elif other.atoms is None:
            atoms = self.atoms
        else:
            atoms = self.atoms + other.atoms
        extra = dict(self.extra)
        for i, c in other.extra.items():
            extra[i] = extra.get(i, 0) + c
        return Expr(atoms, extra)

    def __neg__(self) -> "Expr":
        return Expr(None if self.atoms is None else -self.atoms, {i: -c for i, c in self.extra.items()})

    def __sub__(self, other: "Expr") -> "Expr":
        return self + (-other)


class _System:
    def __init__(self, page: Page):
        self.page = page
        self.T = page.T
        self.orgs = page.orgs
        labels = list(page.quarters)
        pairs = sorted({(s, r) for c in page.cubes.values() for (s, r, _, _) in c}) or [tuple(page.orgs.codes[:2])]
        cats = page.categories
        self.labels = labels
        grid = [(q, p, k, t) for q in range(len(labels)) for p in range(len(pairs))
                for k in range(len(cats)) for t in range(len(KINDS))]
        self.Q, self.P, self.K, self.Tk = (np.array(column) for column in zip(*grid, strict=True))
        self.S = np.array([pairs[p][0] for p in self.P], dtype=object)
        self.R = np.array([pairs[p][1] for p in self.P], dtype=object)
        self.cat = np.array([cats[k] for k in self.K], dtype=object)
        self.kind = np.array([KINDS[t] for t in self.Tk], dtype=object)
        direction = {p: self.orgs.direction(*p) for p in pairs}
        self.dir = np.array([direction[pairs[p]] for p in self.P], dtype=object)
        self.truth = np.array([page.cubes.get(labels[q], {}).get((*pairs[p], cats[k], KINDS[t]), 0)
                               for q, p, k, t in grid], float)
        self.n_atoms = len(self.truth)
        self.extra_truth: list[float] = []
        self.rows: list[tuple[Expr, float]] = []        # (unknowns, shown value)
        self.hidden: list[tuple[Expr, float, str]] = []  # (unknowns, true value, name)

    def var(self, truth: float) -> int:
        self.extra_truth.append(float(truth))
        return self.n_atoms + len(self.extra_truth) - 1

    def value(self, e: Expr) -> float:
        found = 0.0 if e.atoms is None else float(e.atoms @ self.truth)
        return found + sum(c * self.extra_truth[i - self.n_atoms] for i, c in e.extra.items())

    def base(self, quarters: list[str], view: View, weight=None) -> Expr:
        w = np.isin(self.Q, [self.labels.index(q) for q in quarters]).astype(float)
        if view.name == "organisation":
            w *= (self.S == view.value) | (self.R == view.value)
        elif view.name == "direction":
            w *= self.dir == view.value
        elif view.name == "category":
            w *= self.cat == view.value
        elif view.name == "kind":
            w *= self.kind == view.value
        if weight is not None:
            w = w * weight
        return Expr(w)

    def say(self, e: Expr, shown, name: str) -> None:
        """One published figure: an equation if shown, an interval to find if hidden."""
        if shown is None:
            return
        truth = self.value(e)
        if shown == HIDDEN:
            self.hidden.append((e, truth, name))
        else:
            assert abs(float(shown) - truth) < 1e-9, f"{name}: shows {shown}, the cases say {truth}"
            self.rows.append((e, float(shown)))

    def flag(self, total: Expr, yes: float) -> int:
        """How many of the cases counted by `total` have some property: yes + no = total."""
        v_yes = self.var(yes)
        v_no = self.var(self.value(total) - yes)
        self.rows.append((Expr(extra={v_yes: 1, v_no: 1}) - total, 0.0))
        return v_yes

    def within(self, outer: int, yes: float) -> int:
        """How many of those counted by the unknown `outer` have a further property."""
        return self.flag(Expr(extra={outer: 1}), yes)

    def one(self, *variables) -> Expr:
        return Expr(extra={v: 1 for v in variables})


def audit(page: Page) -> list[Failure]:
    """Every failure to protect a hidden figure of this page, under every view."""
    system = _System(page)
    _equations(system, page)
    return _solve(system)


def _equations(s: _System, page: Page) -> None:  # noqa: C901 - one place that reads every field
    period = page.period
    quarters = [q.label for q in period.quarters()]
    prev = [q.label for q in period.previous().quarters()]
    raw = page.raw
    serious = {label: s.flag(s.base([label], View()), raw_t["serious"] or 0)
               for label, raw_t in ((t["period"], t) for t in raw["trend"])}
    outputs = {view: page.shown(view) for view in views(page)}
    for view, out in outputs.items():
        tag = f"{period.label} {view.name or 'utan filter'}={view.value or ''}"
        here = s.base(quarters, view)
        s.say(here, out["total"], f"{tag} total")
        if out["by_direction"] is not None:
            for d in DIRECTIONS:
                s.say(s.base(quarters, view, s.dir == d), out["by_direction"].get(d, 0), f"{tag} riktning {d}")
        if out.get("by_pair") is not None:
            listed = {(p["sender"], p["receiver"]): p["count"] for p in out["by_pair"]}
            for pair in sorted(set(zip(s.S, s.R, strict=True))):
                s.say(s.base(quarters, view, (s.S == pair[0]) & (s.R == pair[1])), listed.get(pair, 0),
                      f"{tag} par {pair}")
        if out["organisations"] is not None:
            listed = {o["code"]: o for o in out["organisations"]}
            for code in page.orgs.codes:
                o = listed.get(code, {"sent": 0, "received": 0})
                s.say(s.base(quarters, view, s.S == code), o["sent"], f"{tag} {code} skickade")
                s.say(s.base(quarters, view, s.R == code), o["received"], f"{tag} {code} mottagna")
                weight = (s.S == code).astype(float) + (s.R == code)
                s.say(s.base(quarters, view, weight), out["by_organisation"].get(code, 0), f"{tag} {code} org")
                if page.orgs.kind(code) == "kommun":
                    s.say(s.base(quarters, view, weight), out["by_kommun"].get(code, 0), f"{tag} {code} kommun")
        if out["by_kind"] is not None:
            for t in KINDS:
                s.say(s.base(quarters, view, s.kind == t), out["by_kind"][t], f"{tag} typ {t}")
        if out["by_category"] is not None:
            for k in page.categories:
                s.say(s.base(quarters, view, s.cat == k), out["by_category"].get(k, 0), f"{tag} kategori {k}")
            for c in {clause(k) for k in page.categories}:
                members = [k for k in page.categories if clause(k) == c]
                s.say(s.base(quarters, view, np.isin(s.cat, members)), out["by_clause"].get(c, 0),
                      f"{tag} avtalspunkt {c}")
        for t in out["trend"]:
            s.say(s.base([t["period"]], view), t["total"], f"{tag} trend {t['period']}")
            if t["serious"] is not None:
                s.say(s.one(serious[t["period"]]), t["serious"], f"{tag} trend allvarliga {t['period']}")
        p = out["previous"]
        s.say(s.base(prev, view), p["total"], f"{tag} föregående total")
        if p["by_direction"] is not None:
            for d in DIRECTIONS:
                s.say(s.base(prev, view, s.dir == d), p["by_direction"].get(d, 0), f"{tag} föregående {d}")
        if out.get("year") is not None:
            year = [q.label for q in Period(period.year - 1).quarters()]
            s.say(s.base(year, view), out["year"]["total"], f"{tag} året total")
            if out["year"]["by_category"] is not None:
                for k in page.categories:
                    s.say(s.base(year, view, s.cat == k), out["year"]["by_category"].get(k, 0), f"{tag} året {k}")
        for a in out.get("agreement") or []:
            k = a["category"]
            for q in a["quarters"]:
                s.say(s.base([q["period"]], View(), s.cat == k), q["total"], f"{tag} avtal {k} {q['period']}")
            s.say(s.base(quarters, View(), s.cat == k), a["total"], f"{tag} avtal {k} året")
            s.say(s.base(prev, View(), s.cat == k), a["previous_year"], f"{tag} avtal {k} föregående år")
    _attributes(s, page, outputs[View()], serious, quarters, prev)


def _attributes(s: _System, page: Page, out: dict, serious: dict, quarters, prev) -> None:
    raw, period = page.raw, page.period
    everything = s.base(quarters, View())
    s.say(s.one(*(serious[q] for q in quarters)), out["serious"], "allvarliga")
    answered = s.flag(everything, sum(a["answered"] for a in raw.get("agreement") or [])
                      if period.is_year else raw["answered"])
    s.say(s.one(answered), out["answered"], "besvarade")
    s.say(s.one(s.within(answered, raw["answered_in_time"])), out["answered_in_time"], "besvarade i tid")
    open_ = s.flag(everything, raw["open"])
    s.say(s.one(open_), out["open"], "öppna")
    s.say(s.one(s.within(open_, raw["overdue"])), out["overdue"], "försenade")
    p, raw_p = out["previous"], raw.get("previous") or {}
    if raw_p:
        s.say(s.one(*(serious[q] for q in prev)), p["serious"], "föregående allvarliga")
        open_p = s.flag(s.base(prev, View()), raw_p["open"])
        s.say(s.one(open_p), p["open"], "föregående öppna")
        s.say(s.one(s.within(open_p, raw_p["overdue"])), p["overdue"], "föregående försenade")
    # units: each organisation's rows sum to its sent and its received
    rows: dict = {}
    for u in raw.get("by_org_unit", []):
        rows.setdefault(u["organisation"], []).append(u)
    listed = {(u["organisation"], u["unit"]): u for u in out["by_unit"]}
    for org, units in rows.items():
        for side, mask in (("sent", s.S == org), ("received", s.R == org)):
            variables = {u["unit"]: s.var(u[side]) for u in units}
            s.rows.append((s.one(*variables.values()) - s.base(quarters, View(), mask), 0.0))
            for unit, v in variables.items():
                shown = listed.get((org, unit), {"sent": 0, "received": 0})[side]
                s.say(s.one(v), shown, f"enhet {org}/{unit} {side}")
    # risk: sixteen cells that sum to the period's cases, with their rows and levels
    cells = {(c + 1, q + 1): s.var(raw["risk_matrix"][c][q]) for c in range(4) for q in range(4)}
    s.rows.append((s.one(*cells.values()) - everything, 0.0))
    for (c, q), v in cells.items():
        s.say(s.one(v), out["risk_matrix"][c - 1][q - 1], f"risk K{c}S{q}")
    for c in range(1, 5):
        s.say(s.one(*(cells[(c, q)] for q in range(1, 5))), out["by_consequence"][str(c)], f"konsekvens {c}")
    for level in RISK_LEVELS:
        s.say(s.one(*(v for cell, v in cells.items() if risk_level(cell[0] * cell[1]) == level)),
              out["by_risk_level"][level], f"risknivå {level}")
    # the agreement's answers per category, and (as a careful reader would assume) their
    # sum the year's answered cases
    if period.is_year:
        truth = {a["category"]: a for a in raw.get("agreement") or []}
        answered_k = {}
        for a in out["agreement"]:
            k = a["category"]
            total_k = s.base(quarters, View(), s.cat == k)
            answered_k[k] = s.flag(total_k, truth.get(k, {}).get("answered", 0))
            s.say(s.one(answered_k[k]), a["answered"], f"avtal {k} besvarade")
            confirmed = s.within(answered_k[k], truth.get(k, {}).get("confirmed", 0))
            s.say(s.one(confirmed), a["confirmed"], f"avtal {k} bekräftade")
        s.rows.append((s.one(*answered_k.values()) - s.one(answered), 0.0))


def _dense(s: _System, e: Expr, n: int) -> np.ndarray:
    row = np.zeros(n)
    if e.atoms is not None:
        row[:s.n_atoms] = e.atoms
    for i, c in e.extra.items():
        row[i] += c
    return row


def _unique_rows(M: np.ndarray):
    """np.unique(M, axis=0) by each row's bytes: one sort of fixed-size records."""
    M = np.ascontiguousarray(M)
    if M.shape[1] == 0:
        return np.zeros(len(M), int)[:1], np.zeros(len(M), int)
    records = M.view(np.dtype((np.void, M.dtype.itemsize * M.shape[1]))).ravel()
    _, first, inverse = np.unique(records, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _solve(s: _System, spreads: int = 8) -> list[Failure]:
    n = s.n_atoms + len(s.extra_truth)
    if not s.hidden:
        return []
    A = np.array([_dense(s, e, n) for e, _ in s.rows]) if s.rows else np.zeros((0, n))
    b = np.array([v for _, v in s.rows])
    H = np.array([_dense(s, e, n) for e, _, _ in s.hidden])
    truth = np.concatenate([s.truth, np.array(s.extra_truth)])
    # a shown 0 over non-negative unknowns fixes each of them at 0
    zero = (b == 0) & (A >= 0).all(axis=1)
    fixed = (A[zero] > 0).any(axis=0)
    A, H, truth = A[:, ~fixed], H[:, ~fixed], truth[~fixed]
    # unknowns in exactly the same figures (shown and hidden) act as one
    first, inverse = _unique_rows(np.vstack([A, H]).T)
    merged = np.zeros(len(first))
    np.add.at(merged, inverse, truth)
    A, H, truth = A[:, first], H[:, first], merged
    # the same figure published in several views is one equation
    keep, _ = _unique_rows(np.hstack([A, b[:, None]]))
    A, b = A[keep], b[keep]
    used = np.abs(A).sum(axis=1) > 0
    A, b = A[used], b[used]
    figure_rows, index = _unique_rows(H)
    figures = H[figure_rows]
    need = np.full(len(figures), 1e-6)
    for i, (_, t, _) in zip(index, s.hidden, strict=True):
        if 0 < t < s.T:
            need[i] = s.T
    low, high = figures @ truth, figures @ truth
    # Unknowns fall apart into blocks no figure links (the trend's other quarters …):
    # each block is solved on its own.
    incidence = csr_matrix(np.vstack([A, figures]) != 0)
    nodes = incidence.shape[0] + incidence.shape[1]
    from scipy.sparse import bmat
    from scipy.sparse.csgraph import connected_components
    graph = bmat([[None, incidence], [incidence.T, None]])
    _, label = connected_components(graph, directed=False)
    assert graph.shape[0] == nodes
    row_label = label[:len(A)]
    figure_label = label[len(A):len(A) + len(figures)]
    var_label = label[incidence.shape[0]:]
    rng = np.random.default_rng(2026)
    for block in np.unique(figure_label):
        cols = var_label == block
        rows = row_label == block
        figs = np.where(figure_label == block)[0]
        A_block, b_block = csr_matrix(A[rows][:, cols]), b[rows]
        F = figures[figs][:, cols]

        def solve(c, A_block=A_block, b_block=b_block):
            return linprog(c, A_eq=A_block, b_eq=b_block, bounds=(0, None), method="highs")

        # Any solution of the shown equations is a value each hidden figure can take: the
        # true counts, then a few in random directions; only figures these leave too
        # close together get their exact least and greatest value.
        for _ in range(spreads if len(figs) > 2 else 0):
            found = solve(rng.choice((-1.0, 1.0), size=len(figs)) @ F)
            if found.status == 0:
                values = F @ found.x
                low[figs], high[figs] = np.minimum(low[figs], values), np.maximum(high[figs], values)
        for j, i in enumerate(figs):
            if high[i] - low[i] >= need[i] - 1e-6:
                continue
            least, most = solve(F[j]), solve(-F[j])
            assert least.status == 0, f"the published figures have no solution ({least.message})"
            low[i] = least.fun
            high[i] = float("inf") if most.status == 3 else -most.fun
    failures = []
    for (_, t, name), i in zip(s.hidden, index, strict=True):
        wanted = s.T if 0 < t < s.T else 1e-6
        if high[i] - low[i] < wanted - 1e-6:
            failures.append(Failure(name, t, low[i], high[i]))
    return failures
