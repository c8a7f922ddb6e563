"""The Swedish working-day calendar. Pure functions: no app, no database.

Public holidays and the de facto ones (midsommarafton, julafton, nyårsafton) are days
off, as are Saturdays and Sundays. Dates are Swedish local dates: a deadline "on
Friday" means Friday in Sweden, whatever UTC says.
"""
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from avvikelse.core.clock import SWEDEN


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    # include_sundays=False: python-holidays lists every Sunday otherwise; weekends are
    # handled below, so only real holidays belong in this set.
    calendar = holidays.Sweden(years=year, include_sundays=False, categories=("public", "de_facto"))
    return frozenset(calendar)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first one after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(moment: datetime, days: int) -> datetime:
    """`moment` moved `days` working days on, same local time of day.

    A moment on a day off counts from the start of the next working day, so a case
    opened on a Saturday gets all of Monday and Tuesday, not Monday until noon.
    """
    local = moment.astimezone(SWEDEN)
    day = local.date()
    if not is_working_day(day):
        day = next_working_day(day)
        local = datetime.combine(day, time(0), tzinfo=SWEDEN)
    for _ in range(days):
        day = next_working_day(day + timedelta(days=1))
    return _at(day, local.time()).astimezone(moment.tzinfo)


def due_moment(start: datetime, days: int) -> datetime:
    """`start` plus `days` calendar days; a due day that is not a working day moves
    to the next working day at the same local time."""
    local = start.astimezone(SWEDEN) + timedelta(days=days)
    day = next_working_day(local.date())
    return _at(day, local.time()).astimezone(start.tzinfo)


def start_of_day(day: date) -> datetime:
    """Local midnight of a Swedish date, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=SWEDEN)


def local_date(moment: datetime) -> date:
    return moment.astimezone(SWEDEN).date()


def _at(day: date, clock: time) -> datetime:
    # combine + zoneinfo resolves DST itself: 02:30 on the spring-forward night is
    # read as 03:30, never as a time that does not exist.
    return datetime.combine(day, clock, tzinfo=SWEDEN)
