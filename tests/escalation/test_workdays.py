"""The Swedish calendar: weekends, public holidays and the de facto ones are days off."""
from datetime import date

import pytest

from avvikelse.core import workdays
from tests.escalation.conftest import local


@pytest.mark.parametrize("day, working", [
    (date(2026, 6, 19), False),   # midsommarafton
    (date(2026, 6, 20), False),   # midsommardagen (a Saturday anyway)
    (date(2026, 12, 24), False),  # julafton
    (date(2026, 12, 31), False),  # nyårsafton
    (date(2026, 4, 3), False),    # långfredagen
    (date(2026, 4, 6), False),    # annandag påsk
    (date(2026, 5, 14), False),   # Kristi himmelsfärdsdag
    (date(2026, 6, 6), False),    # nationaldagen (a Saturday)
    (date(2026, 3, 7), False),    # a Saturday
    (date(2026, 6, 18), True),    # the Thursday before midsommar
    (date(2026, 12, 23), True),
    (date(2026, 3, 9), True),     # a Monday
])
def test_working_days(day, working):
    assert workdays.is_working_day(day) is working


def test_due_day_on_midsommarafton_moves_to_monday():
    # Received Friday 22 May 2026: 28 days on is midsommarafton.
    assert workdays.due_moment(local(2026, 5, 22, 10, 15), 28) == local(2026, 6, 22, 10, 15)


def test_due_day_on_julafton_moves_past_christmas():
    assert workdays.due_moment(local(2026, 11, 26, 9, 0), 28) == local(2026, 12, 28, 9, 0)


def test_due_day_on_a_working_day_stays():
    assert workdays.due_moment(local(2026, 3, 2, 9, 0), 28) == local(2026, 3, 30, 9, 0)


def test_due_day_keeps_local_time_across_summer_time():
    # 1 March is winter time (+01), 29 March summer time (+02): still 09:00 in Sweden.
    due = workdays.due_moment(local(2026, 3, 1, 9, 0), 28)
    assert due == local(2026, 3, 30, 9, 0)  # 29 March is a Sunday
    assert due.utcoffset().total_seconds() == 7200


def test_one_working_day_after_a_friday_is_monday():
    assert workdays.add_working_days(local(2026, 3, 6, 14, 0), 1) == local(2026, 3, 9, 14, 0)


def test_a_day_off_counts_from_the_next_working_morning():
    # Opened on Saturday: all of Monday to acknowledge, so the deadline is Tuesday 00:00.
    assert workdays.add_working_days(local(2026, 3, 7, 10, 0), 1) == local(2026, 3, 10, 0, 0)


def test_one_working_day_over_easter():
    # Skärtorsdagen → långfredagen, påskafton, påskdagen, annandag påsk are off → Tuesday.
    assert workdays.add_working_days(local(2026, 4, 2, 16, 0), 1) == local(2026, 4, 7, 16, 0)
