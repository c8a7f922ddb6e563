"""Keyset (cursor) paging: the cost of a page grows with the page, not the table."""
import base64
import json
from datetime import datetime


def encode_cursor(at: datetime, row_id: int) -> str:
    raw = json.dumps([at.isoformat(), row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """None for no cursor or a cursor that is not ours (a tampered one starts over)."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, row_id = json.loads(raw)
        return datetime.fromisoformat(at), int(row_id)
    except (ValueError, TypeError):
        return None
