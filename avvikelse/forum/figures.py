"""The forum's figures, aggregated in the database.

Every breakdown is one grouped query over the period's cases (per sender organisation of
the scope, a range on reported_at: `ix_cases_forum_scope`); Python only reshapes the few
grouped rows and never loops over cases. Figures here are raw: suppression is applied when shown.

Each table is of one `Scope`: a samverkan's own cases (both organisations in its
county), or the cases between the organisations of two counties (the section both
counties' forums show). A forum never reads a table of another scope.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, false, func, literal, or_, select, tuple_
from sqlalchemy.orm import aliased

from avvikelse.cases.categories import BY_CODE
from avvikelse.cases.enums import Confirmed, Outcome, Status
from avvikelse.cases.models import Answer, Case, Measure
from avvikelse.directory.models import Organisation, OrgKind, Samverkan, Unit
from avvikelse.escalation.models import Escalation, EscalationStep, Trigger
from avvikelse.extensions import db
from avvikelse.forum.filters import DIRECTIONS, Filters
from avvikelse.forum.periods import Period

RISK_LEVELS = ("low", "moderate", "high", "very_high")
INTAKE = "intake"


class ScopeError(ValueError):
    pass


@dataclass(frozen=True)
class Scope:
    """Whose cases a table counts: a county's own (`other` None), or those between the
    organisations of two counties, named in code order so that both forums read the
    very same table (and so the very same protected release)."""

    county: str
    other: str | None = None

    @classmethod
    def between(cls, a: str, b: str) -> "Scope":
        first, second = sorted((a, b))
        return cls(first, second)

    @property
    def counties(self) -> tuple[str, ...]:
        return (self.county,) if self.other is None else (self.county, self.other)

    @property
    def is_cross(self) -> bool:
        return self.other is not None


def default_scope() -> Scope:
    """The one running samverkan's own cases; with several running, the caller must say
    whose (a forum reads its own county's, never everything)."""
    running = db.session.scalars(select(Samverkan.code).where(Samverkan.active).limit(2)).all()
    if len(running) != 1:
        raise ScopeError("Ange vilket läns samverkan siffrorna gäller.")
    return Scope(running[0])


@dataclass(frozen=True)
class Directory:
    """The scope's organisations, read once: a few dozen rows that let SQL work on ids
    alone. `regions` act as a region toward anyone; `both` (Region Gotland) as the
    region toward a kommun and as the kommun toward a region."""

    by_id: dict[int, Organisation]
    regions: frozenset[int]
    scope: Scope | None = None
    both: frozenset[int] = frozenset()

    @classmethod
    def load(cls, scope: Scope | None = None) -> "Directory":
        scope = scope or default_scope()
        orgs = db.session.scalars(select(Organisation).where(Organisation.county_code.in_(scope.counties))).all()
        return cls({o.id: o for o in orgs}, frozenset(o.id for o in orgs if o.kind == OrgKind.REGION), scope,
                   frozenset(o.id for o in orgs if o.kind == OrgKind.BOTH))

    def ids(self, code: str) -> list[int]:
        return [i for i, o in self.by_id.items() if o.code == code]

    def of_county(self, county: str) -> list[int]:
        return [i for i, o in self.by_id.items() if o.county_code == county]

    def clause(self):
        """SQL for the scope's cases: both organisations in the county, or one in each."""
        if self.scope is None:
            return false()
        # The index ranges are the senders' (ix_cases_forum_scope); the receiver is only
        # checked on what they find. "+ 0" keeps it out of index use: a county's senders
        # mostly send within the county, which no planner knows, so PostgreSQL otherwise
        # ANDs in a bitmap of every case its organisations ever received (147 000 at
        # national size) to drop a few percent of 3 600.
        receiver = Case.receiver_organisation_id + 0
        if not self.scope.is_cross:
            ids = self.of_county(self.scope.county)
            return and_(Case.sender_organisation_id.in_(ids), receiver.in_(ids))
        a, b = self.of_county(self.scope.county), self.of_county(self.scope.other)
        return or_(and_(Case.sender_organisation_id.in_(a), receiver.in_(b)),
                   and_(Case.sender_organisation_id.in_(b), receiver.in_(a)))

    def acts_as_region(self, org_id: int, other_id: int) -> bool:
        if org_id in self.both:
            return other_id not in self.regions
        return org_id in self.regions

    def direction(self, sender_id: int, receiver_id: int) -> str:
        sender = "region" if self.acts_as_region(sender_id, receiver_id) else "kommun"
        receiver = "region" if self.acts_as_region(receiver_id, sender_id) else "kommun"
        return f"{sender}_to_{receiver}"

    @staticmethod
    def kind(org: Organisation) -> str:
        """"region", "kommun" or "both" (release.Orgs resolves "both" per pair)."""
        return org.kind.value


def direction_clause(directory: Directory, direction: str):
    sender, _, receiver = direction.partition("_to_")
    regions, both = directory.regions, directory.both
    s_region = or_(Case.sender_organisation_id.in_(regions),
                   and_(Case.sender_organisation_id.in_(both), ~Case.receiver_organisation_id.in_(regions)))
    r_region = or_(Case.receiver_organisation_id.in_(regions),
                   and_(Case.receiver_organisation_id.in_(both), ~Case.sender_organisation_id.in_(regions)))
    return and_(s_region if sender == "region" else ~s_region,
                r_region if receiver == "region" else ~r_region)


#: a duplicate merged into another case is the same event: the forum counts it once
COUNTED = Case.status != Status.MERGED


def _where(directory: Directory, start: datetime, end: datetime, filters: Filters) -> list:
    conditions = [Case.reported_at >= start, Case.reported_at < end, COUNTED, directory.clause()]
    if filters.organisation:
        ids = directory.ids(filters.organisation)
        conditions.append((Case.sender_organisation_id.in_(ids)) | (Case.receiver_organisation_id.in_(ids)))
    if filters.category:
        conditions.append(Case.category == filters.category)
    if filters.kind:
        conditions.append(Case.kind == filters.kind)
    if filters.direction:
        conditions.append(direction_clause(directory, filters.direction))
    return conditions


def _days(later, earlier):
    """Days between two timestamp columns, as a float, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def _rows(stmt) -> list:
    return db.session.execute(stmt).all()


def _grouped(where: list, *columns) -> list:
    return _rows(select(*columns, func.count()).where(*where).group_by(*columns))


SERIOUS = func.sum(case((Case.serious.is_(True), 1), else_=0))

#: the headline breakdowns, of a period and of the one before it
CORE_SETS = {
    "pair": (Case.sender_organisation_id, Case.receiver_organisation_id),
    "kind": (Case.kind,),
}
#: and the period's own, all read from ix_cases_forum_scope alone
PERIOD_SETS = CORE_SETS | {
    "sender_unit": (Case.sender_organisation_id, Case.sender_unit_id),
    "receiver_unit": (Case.receiver_organisation_id, Case.receiver_unit_id),
    "category": (Case.category,),
    "risk": (Case.consequence, Case.probability),
}


def _breakdowns(where: list, sets: dict[str, tuple]) -> dict[str, list[tuple]]:
    """Counts (and serious counts) of the period's cases grouped by each set of columns:
    {name: [(*values, n, serious)]}. PostgreSQL groups them all in one scan (GROUPING
    SETS; GROUPING() tells a row's set, as a NULL may be a value, e.g. no receiver
    unit); SQLite, which has no grouping sets, in one statement per set."""
    if db.engine.dialect.name != "postgresql":
        return {name: [tuple(row) for row in _rows(select(*cols, func.count(), SERIOUS).where(*where)
                                                   .group_by(*cols))]
                for name, cols in sets.items()}
    # By name: `==` on a column builds SQL rather than comparing.
    by_key = {c.key: c for cols in sets.values() for c in cols}
    keys = list(by_key)
    # GROUPING(a, b, …) sets a bit, first column highest, for each column *not* grouped.
    masks = {}
    for name, cols in sets.items():
        grouped = {c.key for c in cols}
        mask = sum(1 << (len(keys) - 1 - i) for i, key in enumerate(keys) if key not in grouped)
        masks[mask] = (name, [keys.index(c.key) for c in cols])
    columns = list(by_key.values())
    stmt = (select(func.grouping(*columns), *columns, func.count(), SERIOUS).where(*where)
            .group_by(func.grouping_sets(*(tuple_(*cols) for cols in sets.values()))))
    found: dict[str, list[tuple]] = {name: [] for name in sets}
    for mask, *values, n, serious in _rows(stmt):
        name, positions = masks[mask]
        found[name].append((*(values[i] for i in positions), n, serious))
    return found


def compute(period: Period, filters: Filters, now: datetime, *, with_previous: bool = True,
            progress=lambda step: None, directory: Directory | None = None) -> dict:
    directory = directory or Directory.load()
    where = _where(directory, period.start, period.end, filters)
    figures: dict = {"period": period.label, "filters": filters.as_dict()}
    groups = _breakdowns(where, PERIOD_SETS)
    figures.update(_core(directory, where, groups, min(period.end, now)))
    progress(30)
    figures["by_org_unit"] = _by_org_unit(directory, groups)
    figures["by_unit"] = _by_unit(figures["by_org_unit"])
    figures["by_category"] = {code: n for code, n, _ in groups["category"]}
    figures["by_clause"] = _by_clause(figures["by_category"])
    figures.update(_risk(groups["risk"]))
    figures["serious_decisions"] = _decisions(where)
    figures["decision_steps"] = _decision_steps(where)
    figures["by_outcome"] = figures.pop("_by_outcome")
    progress(60)
    figures["trend"] = trend(directory, period, filters)
    if period.is_year:
        figures["agreement"] = agreement(directory, period, filters)
    progress(80)
    if with_previous:
        # Only the headline figures: the previous period's breakdowns are its own page.
        prev = period.previous()
        prev_where = _where(directory, prev.start, prev.end, filters)
        previous = _core(directory, prev_where, _breakdowns(prev_where, CORE_SETS), min(prev.end, now))
        previous.pop("_by_outcome")
        figures["previous"] = {"period": prev.label} | previous
    progress(100)
    return figures


def _core(directory: Directory, where: list, groups: dict[str, list[tuple]], as_of: datetime) -> dict:
    """The headline figures: totals, direction, organisations, kind, serious, answer
    times, and open and overdue as of `as_of` (the period's end, or now while it runs)."""
    found = {"as_of": as_of.isoformat()}
    found.update(_by_organisation(directory, groups["pair"]))
    found["by_kind"] = {"deviation": 0, "complaint": 0} | {k.value: n for k, n, _ in groups["kind"]}
    found.update(_answers_and_open(where, as_of))
    return found


def _by_organisation(directory: Directory, rows: list[tuple]) -> dict:
    """Total, direction, pairs and organisations: all from the counts by pair."""
    by_direction = {d: 0 for d in DIRECTIONS}
    orgs: dict[str, dict] = {}
    pairs = []
    for sender_id, receiver_id, n, _serious in rows:
        direction = directory.direction(sender_id, receiver_id)
        by_direction[direction] = by_direction.get(direction, 0) + n
        sender, receiver = directory.by_id[sender_id], directory.by_id[receiver_id]
        pairs.append({"sender": sender.code, "receiver": receiver.code, "count": n})
        for org, key in ((sender, "sent"), (receiver, "received")):
            entry = orgs.setdefault(org.code, {"code": org.code, "name": org.name, "kind": directory.kind(org),
                                               "sent": 0, "received": 0})
            entry[key] += n
    organisations = sorted(orgs.values(), key=lambda o: (o["kind"] != "region", o["name"]))
    return {
        "total": sum(row[2] for row in rows),
        "serious": sum(row[3] or 0 for row in rows),
        "by_direction": by_direction,
        "by_pair": sorted(pairs, key=lambda p: (-p["count"], p["sender"], p["receiver"])),
        "organisations": organisations,
        "by_organisation": {o["code"]: o["sent"] + o["received"] for o in organisations},
        "by_kommun": {o["code"]: o["sent"] + o["received"] for o in organisations if o["kind"] == "kommun"},
    }


def _units(directory: Directory) -> dict:
    """The scope's organisations' units (not the whole country's)."""
    return {u.id: u for u in db.session.scalars(select(Unit).where(Unit.organisation_id.in_(list(directory.by_id))))}


def _by_unit(by_org_unit: list[dict]) -> list[dict]:
    """Units across organisations (a unit belongs to one, so its row is its own); every
    organisation's intake (no unit) in one row."""
    found: dict[str, dict] = {}
    for row in by_org_unit:
        code = row["unit"] or INTAKE
        entry = found.setdefault(code, {"code": code, "name": row["name"], "sent": 0, "received": 0})
        entry["sent"] += row["sent"]
        entry["received"] += row["received"]
    return sorted(found.values(), key=lambda u: u["code"])


def _by_org_unit(directory: Directory, groups: dict[str, list[tuple]]) -> list[dict]:
    """Units within their organisation: sent by each sender unit, received by each
    receiver unit or the organisation's intake (unit None). The rows of one organisation
    sum to its sent and received counts, the figures disclosure control links them to."""
    units = _units(directory)
    found: dict[tuple, dict] = {}
    for name, key in (("sender_unit", "sent"), ("receiver_unit", "received")):
        for org_id, unit_id, n, _ in groups[name]:
            unit = units.get(unit_id)
            org = directory.by_id[org_id].code
            code = unit.code if unit else None
            entry = found.setdefault((org, code), {"organisation": org, "unit": code,
                                                   "name": unit.name if unit else None, "sent": 0, "received": 0})
            entry[key] += n
    return sorted(found.values(), key=lambda u: (u["organisation"], u["unit"] or ""))


def cube(directory: Directory, quarters: list[Period]) -> dict[str, dict[tuple, int]]:
    """The base table of disclosure control for each quarter: counts by (sender,
    receiver, category, kind), from one grouped query over all the quarters."""
    bucket = _bucket(quarters)
    stmt = (select(bucket, Case.sender_organisation_id, Case.receiver_organisation_id, Case.category,
                   Case.kind, func.count())
            .where(Case.reported_at >= quarters[0].start, Case.reported_at < quarters[-1].end, COUNTED,
                   directory.clause())
            .group_by(bucket, Case.sender_organisation_id, Case.receiver_organisation_id, Case.category,
                      Case.kind))
    found: dict[str, dict[tuple, int]] = {q.label: {} for q in quarters}
    for label, sender_id, receiver_id, category, kind, n in _rows(stmt):
        key = (directory.by_id[sender_id].code, directory.by_id[receiver_id].code, category, kind.value)
        found[label][key] = found[label].get(key, 0) + n
    return found


def answer_cube(directory: Directory, quarters: list[Period]) -> dict[str, dict[tuple, int]]:
    """Cases with an answer, by the latest answer's confirmation, in the same cells as
    `cube`: {(sender, receiver, category, kind, "confirmed" | "answered"): n}. A year's
    release protects the agreement's answered and confirmed per category with them."""
    bucket = _bucket(quarters)
    later = aliased(Answer)
    is_latest = ~exists().where(later.case_id == Answer.case_id, later.id > Answer.id)
    confirmed = case((Answer.confirmed.in_([Confirmed.YES, Confirmed.PARTLY]), literal("confirmed")),
                     else_=literal("answered"))
    columns = (bucket, Case.sender_organisation_id, Case.receiver_organisation_id, Case.category, Case.kind,
               confirmed)
    stmt = (select(*columns, func.count()).select_from(Case).join(Answer, Answer.case_id == Case.id)
            .where(Case.reported_at >= quarters[0].start, Case.reported_at < quarters[-1].end, COUNTED,
                   is_latest, directory.clause())
            .group_by(*columns))
    found: dict[str, dict[tuple, int]] = {q.label: {} for q in quarters}
    for label, sender_id, receiver_id, category, kind, status, n in _rows(stmt):
        key = (directory.by_id[sender_id].code, directory.by_id[receiver_id].code, category, kind.value, status)
        found[label][key] = found[label].get(key, 0) + n
    return found


def _by_clause(by_category: dict[str, int]) -> dict[str, int]:
    clauses: dict[str, int] = {}
    for code, n in by_category.items():
        clause = BY_CODE[code].clause if code in BY_CODE else "—"
        clauses[clause] = clauses.get(clause, 0) + n
    return clauses


def risk_level(score: int) -> str:
    return "very_high" if score >= 9 else "high" if score >= 6 else "moderate" if score >= 3 else "low"


def _risk(rows: list[tuple]) -> dict:
    matrix = [[0] * 4 for _ in range(4)]
    for consequence, probability, n, _ in rows:
        if 1 <= consequence <= 4 and 1 <= probability <= 4:
            matrix[consequence - 1][probability - 1] += n
    by_level = {level: 0 for level in RISK_LEVELS}
    for c in range(4):
        for p in range(4):
            by_level[risk_level((c + 1) * (p + 1))] += matrix[c][p]
    return {
        # rows: consequence 1–4, columns: probability 1–4
        "risk_matrix": matrix,
        "by_consequence": {str(c + 1): sum(matrix[c]) for c in range(4)},
        "by_risk_level": by_level,
    }


def _decisions(where: list) -> dict[str, int]:
    """Decisions on the period's serious cases: one per escalation (MAS and chefsläkare
    each decide for their own organisation); `undecided` counts those still open."""
    stmt = (select(Escalation.decision, func.count()).join(Case, Case.id == Escalation.case_id)
            .where(*where, Escalation.trigger == Trigger.SERIOUS).group_by(Escalation.decision))
    return {(d.value if d else "undecided"): n for d, n in _rows(stmt)}


def _decision_steps(where: list) -> dict[str, int]:
    """The period's serious escalations by where their decision stands now, "lex_maria:
    reported" → n: each escalation's latest step that no later step corrected."""
    correcting = aliased(EscalationStep)
    standing = (select(func.max(EscalationStep.id))
                .where(~exists().where(correcting.corrects_id == EscalationStep.id))
                .group_by(EscalationStep.escalation_id))
    stmt = (select(EscalationStep.decision, EscalationStep.step, func.count())
            .join(Escalation, Escalation.id == EscalationStep.escalation_id)
            .join(Case, Case.id == Escalation.case_id)
            .where(*where, Escalation.trigger == Trigger.SERIOUS, EscalationStep.id.in_(standing))
            .group_by(EscalationStep.decision, EscalationStep.step))
    return {f"{d.value}:{step.value}": n for d, step, n in _rows(stmt)}


def _answers_and_open(where: list, instant: datetime) -> dict:
    """One pass over the period's cases (the rows themselves: the breakdowns before read
    the index alone) for answered, in time, open and overdue at `instant`, the outcomes,
    and on PostgreSQL the median answer time; on SQLite the median is the middle of a
    sorted list in a second statement."""
    answered = and_(Case.answered_at.is_not(None), Case.received_at.is_not(None))
    is_open = and_(Case.reported_at < instant, Case.status != Status.WITHDRAWN,
                   (Case.closed_at.is_(None)) | (Case.closed_at > instant))
    # A clock stopped for the sender's information is not late (its due time moves on by
    # the wait when the information comes).
    waiting = and_(Case.status == Status.AWAITING_INFO, Case.awaiting_info_since <= instant)
    overdue = and_(is_open, Case.due_at < instant, ~waiting,
                   (Case.answered_at.is_(None)) | (Case.answered_at > instant))

    def flag(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    days = _days(Case.answered_at, Case.received_at)
    in_sql = db.engine.dialect.name == "postgresql"
    # percentile_cont(0.5) is the mean of the two middle values of an even count: the
    # same median as the sorted list's.
    median_column = (func.percentile_cont(0.5).within_group(days).filter(answered) if in_sql
                     else literal(None))
    n, in_time, n_open, n_overdue, median, *outcomes = _rows(select(
        flag(answered), flag(and_(answered, Case.answered_at <= Case.due_at)), flag(is_open), flag(overdue),
        median_column, *(flag(Case.outcome == o) for o in Outcome),
    ).where(*where))[0]
    if n and not in_sql:
        middle = db.session.scalars(select(days).where(*where, answered).order_by(days)
                                    .limit(2 - n % 2).offset((n - 1) // 2)).all()
        median = sum(middle) / len(middle)
    return {
        "_by_outcome": {o.value: k for o, k in zip(Outcome, outcomes, strict=True) if k},
        "answered": n,
        "answered_in_time": in_time,
        "median_answer_days": round(median, 1) if n else None,
        "answered_in_time_share": round(in_time / n, 3) if n else None,
        "open": n_open,
        "overdue": n_overdue,
    }


def _bucket(quarters: list[Period]):
    """A CASE that names each case's quarter from UTC edges (no timezone maths in SQL)."""
    return case(*[(Case.reported_at < q.end, literal(q.label)) for q in quarters], else_=literal(None))


def trend(directory: Directory, period: Period, filters: Filters) -> list[dict]:
    quarters = period.trend(8)
    where = _where(directory, quarters[0].start, quarters[-1].end, filters)
    bucket = _bucket(quarters)
    counts = {label: (n, s) for label, n, s in _rows(
        select(bucket, func.count(), func.sum(case((Case.serious.is_(True), 1), else_=0)))
        .where(*where).group_by(bucket))}
    return [{"period": q.label, "total": counts.get(q.label, (0, 0))[0],
             "serious": counts.get(q.label, (0, 0))[1] or 0} for q in quarters]


def agreement(directory: Directory, period: Period, filters: Filters) -> list[dict]:
    """The yearly follow-up per clause: the year's cases, by quarter, the previous year,
    the share the receiver confirmed (yes or partly) and the measures taken."""
    where = _where(directory, period.start, period.end, filters)
    quarters = period.quarters()
    bucket = _bucket(quarters)
    per_quarter: dict[str, dict[str, int]] = {}
    for category, label, n in _grouped(where, Case.category, bucket):
        per_quarter.setdefault(category, {})[label] = n
    prev = period.previous()
    previous = dict(_grouped(_where(directory, prev.start, prev.end, filters), Case.category))
    # The latest answer counts (a disputed case's first answer was superseded): an
    # answer with no later one for its case. From the period's cases through the
    # answers' case_id index; a grouped max() subquery made PostgreSQL scan every answer.
    later = aliased(Answer)
    is_latest = ~exists().where(later.case_id == Answer.case_id, later.id > Answer.id)
    latest = [*where, is_latest]
    answers = {c: (n, conf) for c, n, conf in _rows(
        select(Case.category, func.count(),
               func.sum(case((Answer.confirmed.in_([Confirmed.YES, Confirmed.PARTLY]), 1), else_=0)))
        .select_from(Case).join(Answer, Answer.case_id == Case.id).where(*latest).group_by(Case.category))}
    measures = dict(_rows(
        select(Case.category, func.count(Measure.id)).select_from(Case).join(Answer, Answer.case_id == Case.id)
        .join(Measure, Measure.answer_id == Answer.id).where(*latest).group_by(Case.category)))
    found = []
    for category in BY_CODE.values():
        code = category.code
        by_q = per_quarter.get(code, {})
        answered, confirmed = answers.get(code, (0, 0))
        found.append({
            "category": code,
            "clause": category.clause,
            "total": sum(by_q.values()),
            "quarters": [{"period": q.label, "total": by_q.get(q.label, 0)} for q in quarters],
            "previous_year": previous.get(code, 0),
            "answered": answered,
            "confirmed": confirmed or 0,
            "confirmed_share": round((confirmed or 0) / answered, 3) if answered else None,
            "measures": measures.get(code, 0),
        })
    return found
