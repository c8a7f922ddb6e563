"""One clock for the whole app; services take `now` as an argument so tests need no sleep."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

SWEDEN = ZoneInfo("Europe/Stockholm")


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def to_local(value: datetime) -> datetime:
    return value.astimezone(SWEDEN)
