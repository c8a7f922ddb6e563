"""Every figure of the forum against the hand-computed fixture (conftest.py)."""
import pytest
from sqlalchemy import event, func, select

from avvikelse.cases.models import Case
from avvikelse.extensions import db
from avvikelse.forum import figures, services
from avvikelse.forum.filters import Filters
from avvikelse.forum.periods import Period
from tests.forum.conftest import NOW


def q2(filters=None):
    return services.summary(Period(2026, 2), filters or Filters(), NOW)


def test_quarter_counts(forum_cases):
    f = q2()
    assert f["period"] == "2026Q2"
    assert f["total"] == 6
    assert f["by_direction"] == {"kommun_to_region": 5, "region_to_kommun": 1, "kommun_to_kommun": 0}
    assert f["by_category"] == {"discharge": 3, "medication": 1, "sip": 2}
    assert f["by_clause"] == {"§6.1, LUS": 3, "§6.4, §7.3, bilaga 10": 1, "§6.1, §7.3": 2}
    assert f["by_organisation"] == {"23": 6, "2309": 5, "2380": 1}
    assert f["by_kommun"] == {"2309": 5, "2380": 1}
    assert {(o["code"], o["sent"], o["received"]) for o in f["organisations"]} == {
        ("23", 1, 5), ("2309", 4, 1), ("2380", 1, 0)}
    assert sorted((p["sender"], p["receiver"], p["count"]) for p in f["by_pair"]) == [
        ("23", "2309", 1), ("2309", "23", 4), ("2380", "23", 1)]
    assert f["by_kind"] == {"deviation": 4, "complaint": 2}
    # every case was filed from Krokom's home care and went to the intake
    assert [(u["code"], u["sent"], u["received"]) for u in f["by_unit"]] == [
        ("2309-HSJV", 6, 0), ("intake", 0, 6)]


def test_quarter_risk(forum_cases):
    f = q2()
    assert f["risk_matrix"] == [[1, 1, 0, 0], [1, 1, 0, 1], [0, 0, 1, 0], [0, 0, 0, 0]]
    assert f["by_consequence"] == {"1": 2, "2": 3, "3": 1, "4": 0}
    assert f["by_risk_level"] == {"low": 3, "moderate": 1, "high": 1, "very_high": 1}


def test_serious_and_decisions(forum_cases):
    f = q2()
    assert f["serious"] == 2
    # the overdue escalation of c5 is not a decision on a serious case
    assert f["serious_decisions"] == {"investigation": 1, "lex_maria": 1, "none": 1, "undecided": 1}


def test_answer_times_and_open_at_quarter_end(forum_cases):
    f = q2()
    assert f["answered"] == 4 and f["answered_in_time"] == 2
    assert f["median_answer_days"] == 21.5  # 4, 10, 33, 47 days
    assert f["answered_in_time_share"] == 0.5
    assert f["open"] == 3  # c3, c4 (answered, not closed), c5
    assert f["overdue"] == 1  # c5: due 06-17, unanswered


def test_open_during_a_running_quarter_is_as_of_now(forum_cases):
    from tests.forum.conftest import local

    f = services.summary(Period(2026, 2), Filters(), local(6, 15, 12))
    assert f["open"] == 3  # c2 (closed only on 06-20), c4, c5
    assert f["overdue"] == 0  # c2 and c4 were answered, c5 is due 06-17


def test_trend_and_previous(forum_cases):
    f = q2()
    assert [t["period"] for t in f["trend"]] == [
        "2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    assert [t["total"] for t in f["trend"]] == [0, 0, 0, 0, 0, 1, 1, 6]
    assert [t["serious"] for t in f["trend"]] == [0, 0, 0, 0, 0, 0, 0, 2]
    prev = f["previous"]
    assert prev["period"] == "2026Q1" and prev["total"] == 1
    assert prev["by_direction"] == {"kommun_to_region": 1, "region_to_kommun": 0, "kommun_to_kommun": 0}
    assert prev["open"] == 1 and prev["overdue"] == 0 and prev["median_answer_days"] is None


def test_year_and_agreement_follow_up(forum_cases):
    f = services.summary(Period(2026), Filters(), NOW)
    assert f["total"] == 8  # c1–c8; c9 is 2025
    assert [t["period"] for t in f["trend"]][-1] == "2026Q4"
    assert [t["total"] for t in f["trend"]] == [0, 0, 0, 1, 1, 6, 1, 0]
    by_code = {a["category"]: a for a in f["agreement"]}
    assert by_code["discharge"] == {
        "category": "discharge", "clause": "§6.1, LUS", "total": 5,
        "quarters": [{"period": "2026Q1", "total": 1}, {"period": "2026Q2", "total": 3},
                     {"period": "2026Q3", "total": 1}, {"period": "2026Q4", "total": 0}],
        "previous_year": 1, "answered": 1, "confirmed": 1, "confirmed_share": 1.0, "measures": 1}
    assert (by_code["medication"]["answered"], by_code["medication"]["confirmed"],
            by_code["medication"]["confirmed_share"]) == (1, 0, 0.0)
    # c4 partly (2 measures) and c6's latest answer yes (0); c6's first answer is not counted
    assert (by_code["sip"]["total"], by_code["sip"]["confirmed"], by_code["sip"]["measures"]) == (2, 2, 2)
    assert by_code["hygiene"]["total"] == 0 and by_code["hygiene"]["confirmed_share"] is None


@pytest.mark.parametrize("filters, total", [
    (Filters(organisation="2380"), 1),
    (Filters(organisation="2309"), 5),
    (Filters(category="discharge"), 3),
    (Filters(kind="complaint"), 2),
    (Filters(direction="region_to_kommun"), 1),
    (Filters(direction="kommun_to_kommun"), 0),
    (Filters(direction="kommun_to_region", category="sip"), 2),
])
def test_filters(forum_cases, filters, total):
    f = q2(filters)
    assert f["total"] == total
    assert sum(f["by_category"].values()) == total
    assert f["filters"] == filters.as_dict()


def test_filtered_answer_times(forum_cases):
    f = q2(Filters(category="sip"))
    assert (f["answered"], f["median_answer_days"], f["answered_in_time_share"]) == (2, 25.5, 0.5)
    assert f["serious_decisions"] == {"none": 1, "undecided": 1}
    assert f["trend"][-1]["total"] == 2


def test_quarter_edges_in_swedish_time(forum_cases):
    # c7 2026-03-31 23:30 is Q1; c1 2026-04-01 00:10 is Q2 (still 31 March in UTC);
    # c3 2026-06-30 23:30 is Q2; c8 2026-07-01 00:10 is Q3.
    assert services.summary(Period(2026, 1), Filters(), NOW)["total"] == 1
    assert services.summary(Period(2026, 3), Filters(), NOW)["total"] == 1
    assert forum_cases["c1"].reported_at.astimezone().utcoffset() is not None
    assert forum_cases["c1"].reported_at.utctimetuple().tm_mday == 31


def test_year_edges_in_swedish_time(new_case):
    from tests.forum.conftest import local

    last_of_2025 = new_case()
    last_of_2025.reported_at = local(12, 31, 23, 30, year=2025)
    first_of_2026 = new_case()
    first_of_2026.reported_at = local(1, 1, 0, 10)  # 2025-12-31 23:10 UTC
    from avvikelse.extensions import db

    db.session.commit()
    assert services.summary(Period(2025), Filters(), NOW)["total"] == 1
    assert services.summary(Period(2026), Filters(), NOW)["total"] == 1
    assert services.summary(Period(2026, 1), Filters(), NOW)["total"] == 1
    assert services.summary(Period(2025, 4), Filters(), NOW)["total"] == 1


def test_a_case_waiting_for_the_senders_information_is_not_overdue(forum_cases):
    """The answer clock stops while the receiver waits for the sender (the wait moves the
    due time on when the information comes), so the forum does not count it late."""
    from datetime import timedelta

    from avvikelse.cases.enums import Status
    from avvikelse.extensions import db

    late = forum_cases["c5"]  # due 06-17, unanswered: the quarter's one overdue case
    late.status, late.awaiting_info_since = Status.AWAITING_INFO, late.due_at - timedelta(days=1)
    db.session.commit()
    assert q2()["overdue"] == 0


def test_decisions_by_step_and_cases_by_outcome(forum_cases, people):
    """Each serious escalation counts once, at the step its decision stands at now (a
    corrected step gives way to its correction); closed cases count by how they ended."""
    from avvikelse.cases.enums import Outcome
    from avvikelse.escalation.models import Decision, EscalationStep, Step
    from avvikelse.extensions import db

    from sqlalchemy import select

    from avvikelse.escalation.models import Escalation

    mas, chef = db.session.scalars(select(Escalation).where(Escalation.case_id == forum_cases["c2"].id)
                                   .order_by(Escalation.role != "mas")).all()
    at = forum_cases["c2"].reported_at

    def step(escalation, decision, kind, corrects=None):
        row = EscalationStep(escalation_id=escalation.id, decision=decision, step=kind, at=at,
                             by_id=people["chefslakare"].id, corrects_id=corrects.id if corrects else None)
        db.session.add(row)
        db.session.flush()
        return row

    step(mas, Decision.INVESTIGATION, Step.INVESTIGATING)
    step(chef, Decision.LEX_MARIA, Step.INVESTIGATING)
    wrong = step(chef, Decision.LEX_SARAH, Step.REPORTED)
    step(chef, Decision.LEX_MARIA, Step.REPORTED, corrects=wrong)
    forum_cases["c1"].outcome = Outcome.ACCEPTED
    forum_cases["c2"].outcome = Outcome.SETTLED_IN_FORUM
    forum_cases["c6"].outcome = Outcome.ACCEPTED
    db.session.commit()

    f = q2()
    assert f["decision_steps"] == {"investigation:investigating": 1, "lex_maria:reported": 1}
    assert f["by_outcome"] == {"accepted": 2, "settled_in_forum": 1}
    shown = services.published(Period(2026, 2), Filters(), NOW)
    assert shown["decision_steps"] == {"investigation:investigating": "x", "lex_maria:reported": "x"}
    assert shown["by_outcome"] == {"accepted": "x", "settled_in_forum": "x"}
    filtered = services.published(Period(2026, 2), Filters(kind="deviation"), NOW)
    assert filtered["decision_steps"] is None and filtered["by_outcome"] is None


def _plan(statement) -> str:
    connection = db.session.connection()
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    if db.engine.dialect.name == "sqlite":
        values = tuple(compiled.params[name] for name in compiled.positiontup)
        return "\n".join(r[-1] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", values))
    # A test's few rows make a sequential scan cheapest; at any real size the index wins.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return "\n".join(r[0] for r in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))


def test_a_countys_period_is_read_by_its_senders_from_the_index_alone(forum_cases):
    """The scope's cases are found by their senders' index ranges and counted from the
    index alone; the receiver is checked on what those ranges hold, never through an
    index of its own (at national size that ANDed in every case the county's
    organisations ever received)."""
    directory = figures.Directory.load()
    period = Period(2026, 2)
    where = figures._where(directory, period.start, period.end, Filters())  # noqa: SLF001
    plan = _plan(select(Case.category, func.count()).where(*where).group_by(Case.category))
    if db.engine.dialect.name == "sqlite":
        assert "COVERING INDEX ix_cases_forum_scope" in plan, plan
    else:
        # (Which index a handful of rows gets is the planner's whim; what cannot happen
        # is the receiver's condition as an index condition.)
        conditions = [line for line in plan.splitlines() if "Index Cond" in line]
        assert not any("receiver_organisation_id" in line for line in conditions), plan
        assert "Filter: " in plan and "(receiver_organisation_id + 0) = ANY" in plan, plan


def test_the_periods_breakdowns_are_one_statement_on_postgresql(forum_cases):
    """Pairs, kinds, units, categories and risk: one grouped scan (GROUPING SETS) on
    PostgreSQL, the same figures as one statement per breakdown (SQLite's way)."""
    directory = figures.Directory.load()
    period = Period(2026, 2)
    where = figures._where(directory, period.start, period.end, Filters())  # noqa: SLF001
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = figures._breakdowns(where, figures.PERIOD_SETS)  # noqa: SLF001
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    one_by_one = {name: sorted(tuple(r) for r in db.session.execute(
        select(*cols, func.count(), figures.SERIOUS).where(*where).group_by(*cols)))
        for name, cols in figures.PERIOD_SETS.items()}
    assert {name: sorted(rows) for name, rows in found.items()} == one_by_one
    # the fixture's cases went to the intake: a NULL unit that is a value, not a rollup
    assert [r[1] for r in one_by_one["receiver_unit"]] == [None, None]
    expected = 1 if db.engine.dialect.name == "postgresql" else len(figures.PERIOD_SETS)
    assert len(statements) == expected
