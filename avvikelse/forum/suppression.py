"""Small counts are shown as "<5" wherever a forum member or an export sees them.

A count of 1 to FORUM_SUPPRESS_BELOW − 1 could point at one patient or one member of
staff; 0 reveals nobody and stays 0. Shares and medians are not counts and pass through.
"""
from flask import current_app

#: keys whose values (or whose nested values) are counts
_NOT_COUNTS = {"period", "as_of", "median_answer_days", "answered_in_time_share", "confirmed_share",
               "code", "name", "kind", "sender", "receiver", "clause", "category", "filters",
               "items"}


def threshold() -> int:
    return int(current_app.config.get("FORUM_SUPPRESS_BELOW", 5))


def count(n, below: int | None = None):
    below = threshold() if below is None else below
    if isinstance(n, bool) or not isinstance(n, int):
        return n
    return f"<{below}" if 0 < n < below else n


def apply(value, below: int | None = None, key: str | None = None):
    """A deep copy of figures with every count suppressed."""
    below = threshold() if below is None else below
    if key in _NOT_COUNTS:
        return value
    if isinstance(value, dict):
        return {k: apply(v, below, k) for k, v in value.items()}
    if isinstance(value, list):
        return [apply(v, below, key) for v in value]
    return count(value, below)
