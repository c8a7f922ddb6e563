"""One clock for the whole app; services take `now` as an argument so tests need no sleep."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def to_local(value: datetime) -> datetime:
    return value.astimezone(SWEDEN)


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601 for JSON: a moment in UTC with a Z, a date as it is."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()
