"""A period's published figures, for any one view: the same dict for the page, the PDF,
CSV and XLSX, a snapshot, a build and the API.

Pure: it takes the period's raw figures without a filter (figures.compute) and the base
table's counts for the eight quarters of the trend (figures.cube). A count hidden is
`HIDDEN`; a figure not published for a view (attributes under a filter, a year's
breakdowns under a filter) is None. Every count of the base table comes from one
`Release` per period, whatever the view (see release.py).
"""
from avvikelse.cases.categories import BY_CODE
from avvikelse.forum import release, suppression
from avvikelse.forum.figures import RISK_LEVELS, risk_level
from avvikelse.forum.periods import Period
from avvikelse.forum.release import View
from avvikelse.forum.suppression import HIDDEN


class Page:
    """Everything one period can publish, protected once."""

    def __init__(self, period: Period, raw: dict, cubes: dict[str, dict], orgs: release.Orgs, threshold: int,
                 answers: dict[str, dict] | None = None):
        self.period = period
        self.raw = raw
        self.answers = answers or {}
        self.orgs = orgs
        self.T = threshold
        self.categories = release.categories_of(cubes)
        labels = [q.label for q in period.trend(8)]
        self.quarters = {label: release.quarter_release(label, cubes.get(label, {}), orgs, self.categories, threshold)
                         for label in labels}
        self.cubes = cubes
        self.serious = {t["period"]: t["serious"] for t in raw["trend"]}
        if period.is_year:
            self.current = self._year(period)
            self.prev_release = self._year(period.previous())
        else:
            self.current = self.quarters[period.label]
            self.prev_release = self.quarters[period.previous().label]
            self.year_column = self._year(Period(period.year - 1))

    def _year(self, year: Period) -> release.Release:
        labels = [q.label for q in year.quarters()]
        return release.year_release(year.label, [self.quarters[q] for q in labels],
                                    [self.cubes.get(q, {}) for q in labels], self.orgs, self.categories, self.T,
                                    [self.answers.get(q, {}) for q in labels])

    # -- serious per quarter and per year ------------------------------------------------

    def _serious_quarter(self, label: str):
        return suppression.count(self.serious.get(label, 0), self.T)

    def _serious_year(self, year: Period):
        """A year's serious count sums its quarters' (shown in the trend). Shown, it tells
        the hidden quarters' sum S; each hidden quarter then lies between
        max(0, S − what the other hidden quarters can hold) and min(S, its own cases):
        the year shows only if that leaves every hidden quarter its width."""
        labels = [q.label for q in year.quarters()]
        values = {q: self.serious.get(q, 0) for q in labels}
        total = sum(values.values())
        if 0 < total < self.T:
            return HIDDEN
        hidden = [q for q in labels if self._serious_quarter(q) == HIDDEN]
        cases = {q: sum(self.cubes.get(q, {}).values()) for q in hidden}
        hidden_sum = sum(values[q] for q in hidden)
        for q in hidden:
            low = max(0, hidden_sum - sum(cases[o] for o in hidden if o != q))
            high = min(hidden_sum, cases[q])
            if high - low < (self.T if 0 < values[q] < self.T else 1):
                return HIDDEN
        return total

    # -- the shown figures ---------------------------------------------------------------

    def shown(self, view: View) -> dict:
        raw, T, rel = self.raw, self.T, self.current
        whole = view.name is None
        out: dict = {"period": self.period.label, "filters": view.as_dict(), "as_of": raw["as_of"]}
        breakdowns = whole or not self.period.is_year
        out.update(self._base(rel, view, breakdowns))
        out.update(self._attributes() if whole else {
            "serious": None, "answered": None, "answered_in_time": None, "median_answer_days": None,
            "answered_in_time_share": None, "open": None, "overdue": None, "by_unit": None,
            "risk_matrix": None, "by_consequence": None, "by_risk_level": None, "serious_decisions": None,
            "decision_steps": None, "by_outcome": None})
        out["trend"] = [{"period": label, "total": q.cell(view, "total"),
                         "serious": self._serious_quarter(label) if whole else None}
                        for label, q in self.quarters.items()]
        out["previous"] = self._previous(view)
        if self.period.is_year:
            out["agreement"] = self._agreement(view)
        else:
            year = self.year_column
            out["year"] = {"period": year.label, "total": year.cell(view, "total"),
                           "by_category": (dict(self._present(year.rows(View(), "by_category")))
                                           if whole else None)}
        out["disclosure"] = {"method": release.METHOD, "threshold": T, "hidden": HIDDEN,
                             "filtered": not whole}
        return out

    @staticmethod
    def _present(rows):
        """Rows with cases or hidden: a row left out is a published 0."""
        return [(r, v) for r, v in rows if v != 0]

    def _base(self, rel: release.Release, view: View, breakdowns: bool) -> dict:
        out = {"total": rel.cell(view, "total")}
        if not breakdowns:
            return out | {"by_direction": None, "by_pair": None, "organisations": None, "by_organisation": None,
                          "by_kommun": None, "by_kind": None, "by_category": None, "by_clause": None}
        out["by_direction"] = {d: v for d, v in rel.rows(view, "by_direction")
                               if d in release.DIRECTIONS or v != 0}
        pairs = rel.base.tables(view).get("by_pair")
        out["by_pair"] = None if pairs is None else [
            {"sender": s, "receiver": r, "count": v} for (s, r), v in self._present(rel.rows(view, "by_pair"))]
        sent, received = dict(rel.rows(view, "sent")), dict(rel.rows(view, "received"))
        by_org = dict(rel.rows(view, "by_organisation"))
        codes = [c for c in self.orgs.codes if sent[c] != 0 or received[c] != 0 or by_org[c] != 0]
        codes.sort(key=lambda c: (self.orgs.kind(c) != "region", self.orgs.name(c)))
        out["organisations"] = [{"code": c, "name": self.orgs.name(c), "kind": self.orgs.kind(c),
                                 "sent": sent[c], "received": received[c]} for c in codes]
        out["by_organisation"] = {c: by_org[c] for c in codes}
        out["by_kommun"] = {c: by_org[c] for c in codes if self.orgs.kind(c) == "kommun"}
        out["by_kind"] = dict(rel.rows(view, "by_kind"))
        out["by_category"] = dict(self._present(rel.rows(view, "by_category")))
        out["by_clause"] = dict(self._present(rel.rows(view, "by_clause")))
        return out

    def _attributes(self) -> dict:
        raw, T, rel = self.raw, self.T, self.current
        whole = View()
        total_hidden = rel.hidden(whole, "total")
        # a year's answered cases are a cell of its table (tied to the agreement's per
        # category); a quarter's a count with nothing published beside it
        answered = (rel.cell(whole, "answered_all") if self.period.is_year
                    else suppression.count(raw["answered"], T))
        in_time = suppression.count(raw["answered_in_time"], T)
        out = {
            "serious": self._serious_year(self.period) if self.period.is_year else self._serious_quarter(
                self.period.label),
            "answered": answered,
            "answered_in_time": in_time,
            "median_answer_days": suppression.median(raw["median_answer_days"], raw["answered"], T),
            "answered_in_time_share": suppression.share(in_time, answered, raw["answered_in_time_share"], T),
            "open": suppression.count(raw["open"], T),
            "overdue": suppression.count(raw["overdue"], T),
            "serious_decisions": {d: suppression.count(n, T) for d, n in raw["serious_decisions"].items()},
            # counts with no published sum beside them, like the decisions
            "decision_steps": {k: suppression.count(n, T) for k, n in raw.get("decision_steps", {}).items()},
            "by_outcome": {o: suppression.count(n, T) for o, n in raw.get("by_outcome", {}).items()},
        }
        out["by_unit"] = self._units(rel)
        matrix = raw["risk_matrix"]
        cells = {(c + 1, p + 1): matrix[c][p] for c in range(4) for p in range(4)}
        groups = {f"K{c}": [(c, p) for p in range(1, 5)] for c in range(1, 5)}
        for level in RISK_LEVELS:
            groups[level] = [cell for cell in cells if risk_level(cell[0] * cell[1]) == level]
        shown_cells, shown_groups = suppression.grouped_rows(cells, groups, T, total_hidden)
        out["risk_matrix"] = [[shown_cells[(c + 1, p + 1)] for p in range(4)] for c in range(4)]
        out["by_consequence"] = {str(c): shown_groups[f"K{c}"] for c in range(1, 5)}
        out["by_risk_level"] = {level: shown_groups[level] for level in RISK_LEVELS}
        return out

    def _units(self, rel: release.Release) -> list[dict]:
        """Units within their organisation, each side linked to its sent or received."""
        by_org: dict[str, list[dict]] = {}
        for row in self.raw.get("by_org_unit", []):
            by_org.setdefault(row["organisation"], []).append(row)
        found = []
        for org, rows in sorted(by_org.items()):
            shown = {}
            for side in ("sent", "received"):
                total_hidden = rel.hidden(View(), side, org)
                shown[side] = suppression.linked_rows({r["unit"]: r[side] for r in rows}, self.T, total_hidden)
            for r in rows:
                found.append({"organisation": org, "unit": r["unit"], "name": r["name"],
                              "sent": shown["sent"][r["unit"]], "received": shown["received"][r["unit"]]})
        return [u for u in found if u["sent"] != 0 or u["received"] != 0]

    def _previous(self, view: View) -> dict:
        prev, raw, T = self.prev_release, self.raw.get("previous") or {}, self.T
        whole = view.name is None
        out = {"period": prev.label, "total": prev.cell(view, "total"),
               "by_direction": ({d: v for d, v in prev.rows(view, "by_direction") if d in release.DIRECTIONS or v}
                                if whole or not self.period.is_year else None)}
        if not whole or not raw:
            return out | {"serious": None, "open": None, "overdue": None, "median_answer_days": None,
                          "answered_in_time_share": None}
        answered = suppression.count(raw["answered"], T)
        in_time = suppression.count(raw["answered_in_time"], T)
        serious = (self._serious_year(self.period.previous()) if self.period.is_year
                   else self._serious_quarter(prev.label))
        return out | {
            "serious": serious,
            "open": suppression.count(raw["open"], T),
            "overdue": suppression.count(raw["overdue"], T),
            "median_answer_days": suppression.median(raw["median_answer_days"], raw["answered"], T),
            "answered_in_time_share": suppression.share(in_time, answered, raw["answered_in_time_share"], T),
        }

    def _agreement(self, view: View) -> list[dict] | None:
        """The yearly follow-up per clause. Quarter columns are the quarters' own figures;
        answered, confirmed and measures are published for the whole year only."""
        if view.name not in (None, "category"):
            return None
        T = self.T
        rows = {a["category"]: a for a in self.raw.get("agreement") or []}
        codes = [view.value] if view.name == "category" else [c for c in self.categories if c in BY_CODE]
        rel, whole = self.current, View()
        found = []
        for code in codes:
            a = rows.get(code, {})
            total = rel.cell(whole, "by_category", code)
            answered = rel.cell(whole, "answered", code)
            confirmed = rel.cell(whole, "confirmed", code)
            measures = suppression.count(a.get("measures", 0), T)
            if total == HIDDEN and measures:  # measures follow their cases from category to category
                measures = HIDDEN
            found.append({
                "category": code,
                "clause": release.clause(code),
                "quarters": [{"period": q.label, "total": self.quarters[q.label].cell(View("category", code), "total")}
                             for q in self.period.quarters()],
                "total": rel.cell(View("category", code), "total"),
                "previous_year": self.prev_release.cell(View("category", code), "total"),
                "answered": answered,
                "confirmed": confirmed,
                "confirmed_share": suppression.share(confirmed, answered, a.get("confirmed_share"), T),
                "measures": measures,
            })
        return found
