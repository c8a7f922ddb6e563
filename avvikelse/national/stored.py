"""The national release of each period, computed by a worker and stored, so that a page
or API read is a lookup (protecting the national table takes seconds to a minute).

One row per period (national/models.py): a quarter's own release, or a year's. A
period's summary is its own row and, for the trend, each of its eight quarters' rows:
the trend quotes each quarter's release, as services.publish does, so a quarter
protected once serves eight periods and its year, and a worker that finds one quarter
changed solves that quarter (and its year), not nine problems.

Kept current: the rollups log a quarter whose national counts moved (RollupChange), in
the transaction that moved them; beat runs `refresh` every few minutes (debounced: one
solve per release however many cases changed), which computes again the releases of
the logged quarters and their years and then deletes the log entries it acted on; the
nightly recount has every row's fingerprint checked; each refresh makes sure the last
completed quarter is there before anyone asks. A row's fingerprint is a keyed hash of
the counts, counties and threshold it was protected from: a row whose counts have not
changed is left as it is, nothing solved.

What a reader meets when a row is stale or missing: see `summary`.
"""
import json
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from avvikelse.core.clock import to_local
from avvikelse.core.crypto import secret_digest
from avvikelse.core.sql import upsert
from avvikelse.extensions import db
from avvikelse.forum import suppression
from avvikelse.forum.periods import Period, last_completed_quarter, parse
from avvikelse.national import published, release
from avvikelse.national.counts import counties, national_counts
from avvikelse.national.models import NationalRelease
from avvikelse.rollups.models import RollupChange

#: part of every fingerprint: raise it when release.py (or the disclosure engine) would
#: protect the same counts differently, and every stored release is computed again
VERSION = 1


def fingerprint(label: str, counts: list[dict], names: list[tuple[str, str]], T: int) -> str:
    """A keyed hash (the app's secret key) of what a release was protected from: the
    stored row shows no count, and its hash cannot be tried against guessed counts."""
    payload = json.dumps([VERSION, label, [sorted([list(k), n] for k, n in c.items()) for c in counts],
                          [list(n) for n in names], T], separators=(",", ":"))
    return secret_digest(payload)


class Quoted:
    """A stored quarter as year_release reads a quarter: its label and the cells a year
    quotes of it (total and counties), as published."""

    def __init__(self, label: str, figures: dict):
        self.label = label
        self.figures = figures

    def cell(self, table: str, row: tuple = ()):
        if table == "total":
            return self.figures["total"]
        if table == "by_county":
            return self.figures["by_county"].get(row[0], 0)
        raise KeyError(table)


def needed(period: Period) -> list[str]:
    """The rows a period's summary reads: its trend's quarters (a quarter's own is the
    last of them), and a year's own."""
    return [q.label for q in period.trend(8)] + ([period.label] if period.is_year else [])


def _rows(labels) -> dict[str, NationalRelease]:
    return {r.period: r for r in db.session.scalars(
        select(NationalRelease).where(NationalRelease.period.in_(sorted(set(labels)))))}


def _store(label: str, fp: str, figures: dict, now: datetime) -> None:
    """Insert or replace a row (two computing it at once store the same figures)."""
    table = NationalRelease.__table__
    stmt = upsert(table).values(period=label, fingerprint=fp, figures=figures, computed_at=now)
    db.session.execute(stmt.on_conflict_do_update(index_elements=[table.c.period], set_={
        "fingerprint": stmt.excluded.fingerprint, "figures": stmt.excluded.figures,
        "computed_at": stmt.excluded.computed_at}))


def _quarters_of(label: str) -> list[str]:
    period = parse(label)
    return [q.label for q in period.quarters()] if period.is_year else [label]


def _behind(rows: dict[str, NationalRelease]) -> set[str]:
    """The periods of `rows` whose quarters' counts moved after they were computed (a
    change logged and not yet acted on by a refresh)."""
    quarters = {q for label in rows for q in _quarters_of(label)}
    last = dict(db.session.execute(select(RollupChange.quarter, func.max(RollupChange.logged_at))
                                   .where(RollupChange.quarter.in_(sorted(quarters)))
                                   .group_by(RollupChange.quarter)).all())
    return {label for label, row in rows.items()
            if any(q in last and _aware(last[q]) >= row.computed_at for q in _quarters_of(label))}


def _aware(value):
    """SQLite's max() loses the column's type."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def compute(labels, now: datetime, names: list[tuple[str, str]] | None = None, T: int | None = None) -> None:
    """Protect and store the releases of `labels` (quarters and years) from the rollups'
    counts now; a row whose fingerprint still matches is left as it is. A year is
    protected given its quarters as stored (each checked, and computed first when it
    is missing or changed). The caller commits."""
    names = counties() if names is None else names
    T = suppression.threshold() if T is None else T
    codes = tuple(code for code, _name in names)
    periods = [parse(label) for label in sorted(set(labels))]
    quarters = sorted({q.label for p in periods for q in ([p] if not p.is_year else p.quarters())})
    counts = national_counts([parse(q) for q in quarters])
    rows = _rows([p.label for p in periods] + quarters)
    done: dict[str, dict] = {}

    def quarter(label: str) -> dict:
        if label not in done:
            fp, row = fingerprint(label, [counts[label]], names, T), rows.get(label)
            if row is not None and row.fingerprint == fp:
                done[label] = row.figures
            else:
                done[label] = published.own_tables(
                    release.quarter_release(label, counts[label], codes, T), names, T)
                _store(label, fp, done[label], now)
        return done[label]

    def year(period: Period) -> None:
        labels_q = [q.label for q in period.quarters()]
        fp, row = fingerprint(period.label, [counts[q] for q in labels_q], names, T), rows.get(period.label)
        if row is not None and row.fingerprint == fp:
            return
        shown = [Quoted(q, quarter(q)) for q in labels_q]
        current = release.year_release(period.label, shown, [counts[q] for q in labels_q], codes, T)
        _store(period.label, fp, published.own_tables(current, names, T), now)

    for p in periods:  # quarters first: a year reads its quarters' rows
        if not p.is_year:
            quarter(p.label)
    for p in periods:
        if p.is_year:
            year(p)


def refresh(now: datetime, everything: bool = False) -> list[str]:
    """The worker's pass (beat, every few minutes): compute again the releases of the
    quarters logged as changed and of their years (or every release, when `everything`:
    after the nightly recount, which may have repaired counts without an event and may
    follow a change of counties or threshold), and make sure the last completed
    quarter's summary is stored before anyone asks for it (the quarter close). Returns
    the periods it computed or checked."""
    latest = last_completed_quarter(now)
    ensure = set(needed(latest)) | ({str(latest.year)} if latest.quarter == 4 else set())
    # The log is read before the counts: every change seen is in the counts read after
    # it, and only the changes seen are deleted; one logged meanwhile waits for the next pass.
    seen = db.session.execute(select(RollupChange.id, RollupChange.quarter)).all()
    changed = {quarter for _id, quarter in seen}
    have = set(db.session.scalars(select(NationalRelease.period)))
    labels = sorted({p for p in have if everything or changed & set(_quarters_of(p))} | (ensure - have),
                    key=lambda p: (len(p) == 4, p))  # quarters first: a year reads its quarters' rows
    db.session.commit()
    names, T = counties(), suppression.threshold()
    for label in labels:
        compute([label], now, names, T)
        db.session.commit()  # each on its own: a pass cut short keeps what it did
    ids = [i for i, _quarter in seen]
    for start in range(0, len(ids), 500):
        db.session.execute(delete(RollupChange).where(RollupChange.id.in_(ids[start:start + 500])))
    db.session.commit()
    return labels


def summary(period: Period, now: datetime) -> dict:
    """The period's summary from the stored releases: a lookup.

    A row behind its counts (its quarters logged as changed since the last refresh) is
    shown as it was stored, with a note of when it was computed: the
    national follow-up (SKR, Socialstyrelsen) reads closed quarters and years for its
    reports, where a figure a few minutes behind the latest reclassification matters less
    than a page that answers at once and a table protected as one whole; a worker brings
    it up to date within minutes. Only when a row is missing (a period nobody has asked
    for, or stored under other counties or another threshold) is there nothing to show:
    then it is computed here, once, and stored for every reader after."""
    names, T = counties(), suppression.threshold()
    labels = needed(period)
    rows = _rows(labels)
    basis = [{"code": code, "name": name} for code, name in names]
    missing = [label for label in labels if label not in rows or rows[label].figures["counties"] != basis
               or rows[label].figures["disclosure"]["threshold"] != T]
    if missing:
        compute(missing, now, names, T)
        db.session.commit()
        rows = _rows(labels)
    trend = [published.trend_entry(q.label, rows[q.label].figures) for q in period.trend(8)]
    shown = published.summary(period.label, rows[period.label].figures, trend)
    behind = _behind({label: rows[label] for label in labels})
    computed_at = min(rows[label].computed_at for label in labels)
    if not behind:
        return shown | {"as_of": min(period.end, now).isoformat(), "computed_at": computed_at.isoformat(),
                        "note": None}
    since = min(rows[label].computed_at for label in behind)
    note = _("Siffrorna räknades fram %(when)s. Ärenden har ändrats sedan dess; nya siffror räknas fram "
             "inom några minuter.", when=to_local(since).strftime("%Y-%m-%d %H:%M"))
    return shown | {"as_of": min(period.end, since).isoformat(), "computed_at": computed_at.isoformat(),
                    "note": note}
