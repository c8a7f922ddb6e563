"""The periods figures are asked for: a month ("2026-03"), a quarter ("2026Q1") or a year
("2026"), in Swedish time, each with the steps its figures are broken down by: a month
is one step, a quarter its three months, a year its four quarters."""
import re
from dataclasses import dataclass
from datetime import datetime

from avvikelse.forum.periods import Period, month_start, quarter_of

MESSAGE = "Ange en period som månad (2026-03), kvartal (2026Q1) eller år (2026)."
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
_QUARTER_OR_YEAR = re.compile(r"^\s*(\d{4})(?:\s*[Qq]([1-4]))?\s*$")


class PeriodError(ValueError):
    def __init__(self):
        super().__init__(MESSAGE)
        self.message = MESSAGE


@dataclass(frozen=True)
class Span:
    label: str
    start: datetime
    #: exclusive
    end: datetime
    #: "month" or "quarter": what the figures over time are counted by
    step: str

    def steps(self) -> list["Span"]:
        if self.step == "quarter":
            year = int(self.label[:4])
            return [quarter(Period(year, q)) for q in range(1, 5)]
        if len(self.label) == 7:  # one month
            return [self]
        year, first = int(self.label[:4]), 3 * int(self.label[5]) - 2
        return [month(year, m) for m in range(first, first + 3)]


def month(year: int, number: int) -> Span:
    end = month_start(year + 1, 1) if number == 12 else month_start(year, number + 1)
    return Span(f"{year}-{number:02d}", month_start(year, number), end, "month")


def quarter(period: Period) -> Span:
    return Span(period.label, period.start, period.end, "month" if period.quarter else "quarter")


def parse(text: str | None) -> Span:
    text = text or ""
    found = _MONTH.match(text)
    if found:
        year, number = int(found[1]), int(found[2])
        if not (2000 <= year <= 2100 and 1 <= number <= 12):
            raise PeriodError()
        return month(year, number)
    found = _QUARTER_OR_YEAR.match(text)
    if not found or not 2000 <= int(found[1]) <= 2100:
        raise PeriodError()
    return quarter(Period(int(found[1]), int(found[2]) if found[2] else None))


def current_quarter(now: datetime) -> Span:
    return quarter(quarter_of(now))
