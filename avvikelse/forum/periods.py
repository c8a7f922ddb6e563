"""Periods the forum meets about: a quarter ("2026Q3") or a year ("2026").

Edges are midnight in Swedish time: a case reported 2026-04-01 00:10 local time is in Q2
although it is still 31 March in UTC. Every edge is handed to SQL as a UTC instant.
"""
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from avvikelse.core.clock import SWEDEN

_PATTERN = re.compile(r"^\s*(\d{4})(?:\s*[Qq]([1-4]))?\s*$")
MESSAGE = "Ange en period som år och kvartal, t.ex. 2026Q3, eller som år, t.ex. 2026."


class PeriodError(ValueError):
    def __init__(self):
        super().__init__(MESSAGE)
        self.message = MESSAGE


def _edge(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=SWEDEN).astimezone(UTC)


#: the first instant of a month in Swedish time, as UTC (figures/periods.py counts months)
month_start = _edge


@dataclass(frozen=True, order=True)
class Period:
    year: int
    #: None for a whole year
    quarter: int | None = None

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def start(self) -> datetime:
        return _edge(self.year, 1 if self.is_year else 3 * self.quarter - 2)

    @property
    def end(self) -> datetime:
        """Exclusive: the first instant of the next period."""
        if self.is_year or self.quarter == 4:
            return _edge(self.year + 1, 1)
        return _edge(self.year, 3 * self.quarter + 1)

    def previous(self) -> "Period":
        if self.is_year:
            return Period(self.year - 1)
        return Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)

    def last_quarter(self) -> "Period":
        return Period(self.year, 4) if self.is_year else self

    def quarters(self) -> list["Period"]:
        return [Period(self.year, q) for q in range(1, 5)] if self.is_year else [self]

    def trend(self, n: int = 8) -> list["Period"]:
        """n quarters, oldest first, ending with this quarter (a year: its last)."""
        found = [self.last_quarter()]
        while len(found) < n:
            found.insert(0, found[0].previous())
        return found

    def __str__(self) -> str:
        return self.label

    @property
    def title(self) -> str:
        return f"kvartal {self.quarter} {self.year}" if self.quarter else f"år {self.year}"


def parse(text: str | None) -> Period:
    match = _PATTERN.match(text or "")
    if not match:
        raise PeriodError()
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise PeriodError()
    return Period(year, int(match.group(2)) if match.group(2) else None)


def quarter_of(instant: datetime) -> Period:
    local = instant.astimezone(SWEDEN)
    return Period(local.year, (local.month - 1) // 3 + 1)


def last_completed_quarter(now: datetime) -> Period:
    return quarter_of(now).previous()
