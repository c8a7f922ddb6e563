"""My unit's figures: a manager's units or an overseer's organisation, per unit,
category, event type and month or quarter; own organisation only, nothing suppressed."""
from datetime import timedelta

import pytest

from avvikelse.core.clock import now_utc
from avvikelse.core.workdays import local_date
from avvikelse.extensions import db
from avvikelse.figures import compute, periods
from avvikelse.forum.periods import quarter_of
from avvikelse.cases.inputs import MeasureInput


def _month() -> str:
    return local_date(now_utc()).strftime("%Y-%m")


def _quarter() -> str:
    return quarter_of(now_utc()).label


@pytest.fixture
def krokom(people, make_user, new_case, act):
    """Krokom's home care (HSJV) filed three cases to the region (one answered in time with
    two measures, one overdue, one open), home help (HTJ) one; the region filed one to
    HSJV (answered late, one measure) and one to Krokom's intake (overdue); Östersund
    filed one to the region."""
    hsjv = make_user("2309", units=["2309-HSJV"])
    htj = make_user("2309", units=["2309-HTJ"])
    region = people["receiver_handler"]
    in_time = new_case(reporter=hsjv, category="medication")
    act(region, in_time, "acknowledge")
    act(region, in_time, "answer", measures=[_measure("Ny rutin"), _measure("Utbildning")])
    late = new_case(reporter=hsjv, event_type="near_miss")
    late.due_at = now_utc() - timedelta(days=1)
    new_case(reporter=hsjv)
    new_case(reporter=htj, category="medication")
    to_hsjv = new_case(reporter=region, sender_unit="23-OSD-MED", receiver_organisation="2309",
                       receiver_unit="2309-HSJV", category="sip")
    to_hsjv.due_at = now_utc() - timedelta(hours=1)
    db.session.commit()
    act(people["sender_handler"], to_hsjv, "acknowledge")
    act(people["sender_handler"], to_hsjv, "answer", measures=[_measure("Checklista")])
    to_intake = new_case(reporter=region, sender_unit="23-OSD-MED", receiver_organisation="2309")
    to_intake.due_at = now_utc() - timedelta(hours=1)
    new_case(reporter=make_user("2380", units=["2380-HTJ"]))
    db.session.commit()
    return {"manager_hsjv": make_user("2309", ["manager"], units=["2309-HSJV"]),
            "manager_krokom": make_user("2309", ["manager"], units=[]),
            "mas": people["mas"], "reporter": people["reporter"], "region": region}


def _measure(words):
    return MeasureInput(text=words, owner="Enhetschef", due_on=now_utc().date() + timedelta(days=30))


def _figures(user, period=None):
    span = periods.parse(period or _quarter())
    return compute.compute(compute.scope(user), span, now_utc())


def _counts(row) -> tuple:
    return tuple(row[m] for m in compute.METRICS)  # filed, received, in time, overdue, measures


def test_the_organisation_sees_every_unit_and_its_intake(krokom):
    found = _figures(krokom["mas"])
    by_unit = {r["unit"]: _counts(r) for r in found["by_unit"]}
    assert by_unit["2309-HSJV"] == (3, 1, 0, 0, 1)
    assert by_unit["2309-HTJ"] == (1, 0, 0, 0, 0)
    assert by_unit["intake"] == (0, 1, 0, 1, 0)
    assert by_unit["2309-SABO"] == (0, 0, 0, 0, 0)  # a unit with nothing is a figure too
    assert _counts(found["totals"]) == (4, 2, 0, 1, 1)
    # Only Krokom's own units: never the region's or Östersund's.
    assert all(r["unit"].startswith("2309-") or r["unit"] == "intake" for r in found["by_unit"])
    # A manager with no units: the organisation.
    assert _figures(krokom["manager_krokom"]) | {"as_of": None} == found | {"as_of": None}


def test_a_units_manager_sees_their_unit_only(krokom):
    found = _figures(krokom["manager_hsjv"])
    assert [r["unit"] for r in found["by_unit"]] == ["2309-HSJV"]
    assert _counts(found["totals"]) == (3, 1, 0, 0, 1)
    by_category = {r["category"]: _counts(r) for r in found["by_category"]}
    assert by_category == {"discharge": (2, 0, 0, 0, 0), "medication": (1, 0, 0, 0, 0), "sip": (0, 1, 0, 0, 1)}


def test_per_category_event_type_and_month(krokom):
    found = _figures(krokom["mas"], _month())
    assert found["step"] == "month" and [r["period"] for r in found["by_period"]] == [_month()]
    by_category = {r["category"]: _counts(r) for r in found["by_category"]}
    assert by_category == {"discharge": (2, 1, 0, 1, 0), "medication": (2, 0, 0, 0, 0), "sip": (0, 1, 0, 0, 1)}
    assert {r["event_type"]: r["filed"] for r in found["by_event_type"]} == {"adverse_event": 3, "near_miss": 1}
    (month,) = found["by_period"]
    assert _counts(month) == _counts(found["totals"])


def test_a_quarter_is_counted_by_month_and_a_year_by_quarter(krokom):
    quarter = _figures(krokom["mas"], _quarter())
    assert quarter["step"] == "month" and len(quarter["by_period"]) == 3
    assert sum(r["filed"] for r in quarter["by_period"]) == 4
    year = _figures(krokom["mas"], str(local_date(now_utc()).year))
    assert year["step"] == "quarter" and [r["period"][-2:] for r in year["by_period"]] == ["Q1", "Q2", "Q3", "Q4"]
    assert {r["period"]: r["filed"] for r in year["by_period"]}[_quarter()] == 4
    # Last year's figures are last year's: nothing in them.
    assert _counts(_figures(krokom["mas"], str(local_date(now_utc()).year - 1))["totals"]) == (0, 0, 0, 0, 0)


def test_answered_in_time_counts_by_the_due_time(krokom, people, new_case, act):
    case = new_case(reporter=krokom["region"], sender_unit="23-OSD-MED", receiver_organisation="2309",
                    receiver_unit="2309-HTJ")
    act(people["sender_handler"], case, "acknowledge")
    act(people["sender_handler"], case, "answer")
    found = {r["unit"]: _counts(r) for r in _figures(krokom["mas"])["by_unit"]}
    assert found["2309-HTJ"] == (1, 1, 1, 0, 1)


def test_the_region_sees_its_own_side_only(krokom, people):
    found = _figures(people["chefslakare"])
    assert _counts(found["totals"]) == (2, 5, 1, 1, 2)
    units = {r["unit"] for r in found["by_unit"]}
    assert "intake" in units and not any(u.startswith("2309") for u in units)


def test_who_may_read(krokom, people):
    assert compute.may_read(krokom["manager_hsjv"]) and compute.may_read(people["mas"])
    assert compute.may_read(people["chefslakare"])
    assert not compute.may_read(people["reporter"]) and not compute.may_read(people["receiver_handler"])
    assert not compute.may_read(people["forum"]) and not compute.may_read(people["admin"])


@pytest.mark.parametrize("text, label", [("2026-03", "2026-03"), ("2026Q1", "2026Q1"), ("2026", "2026"),
                                         (" 2026q4 ", "2026Q4")])
def test_periods(text, label):
    assert periods.parse(text).label == label


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-03", "2026Q5", "1999", "2026-3", "", "mars"])
def test_bad_periods(text):
    with pytest.raises(periods.PeriodError):
        periods.parse(text)


def test_month_edges_are_swedish_midnight():
    march = periods.parse("2026-03")
    assert march.start.isoformat() == "2026-02-28T23:00:00+00:00"
    assert march.end.isoformat() == "2026-03-31T22:00:00+00:00"  # summer time from 29 March
    assert periods.parse("2026-12").end.isoformat() == "2026-12-31T23:00:00+00:00"
