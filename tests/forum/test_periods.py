from datetime import UTC, datetime

import pytest

from avvikelse.core.clock import SWEDEN
from avvikelse.forum.periods import (
    Period,
    PeriodError,
    last_completed_quarter,
    parse,
    quarter_of,
)


@pytest.mark.parametrize("text, period", [
    ("2026Q3", Period(2026, 3)), ("2026q1", Period(2026, 1)), (" 2026 ", Period(2026)),
])
def test_parse(text, period):
    assert parse(text) == period


@pytest.mark.parametrize("text", ["", None, "2026Q5", "2026Q0", "26Q1", "2026-03", "Q3", "1999", "2026Q3x"])
def test_parse_refuses(text):
    with pytest.raises(PeriodError, match="2026Q3"):
        parse(text)


def test_edges_are_swedish_midnight_in_utc():
    # winter time (UTC+1) at New Year, summer time (UTC+2) at 1 April
    assert Period(2026, 1).start == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert Period(2026, 2).start == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)
    assert Period(2026, 1).end == Period(2026, 2).start
    assert Period(2026).end == Period(2027, 1).start == Period(2026, 4).end


@pytest.mark.parametrize("local, label", [
    (datetime(2026, 3, 31, 23, 30), "2026Q1"), (datetime(2026, 4, 1, 0, 10), "2026Q2"),
    (datetime(2025, 12, 31, 23, 30), "2025Q4"), (datetime(2026, 1, 1, 0, 10), "2026Q1"),
])
def test_quarter_of_local_instants(local, label):
    assert quarter_of(local.replace(tzinfo=SWEDEN)).label == label


def test_previous_trend_and_last_completed():
    assert Period(2026, 1).previous() == Period(2025, 4)
    assert Period(2026).previous() == Period(2025)
    assert [p.label for p in Period(2026).trend()] == [
        "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert last_completed_quarter(datetime(2026, 4, 1, 0, 10, tzinfo=SWEDEN)) == Period(2026, 1)
