"""Shared bits for the page tests: a valid report as the form posts it."""
import html
from datetime import timedelta

from avvikelse.core.clock import now_utc, to_local


def local(delta: timedelta) -> str:
    """A time as the datetime-local input sends it (Swedish time, no offset)."""
    return to_local(now_utc() + delta).strftime("%Y-%m-%dT%H:%M")


def case_form(**overrides) -> dict:
    data = {
        "kind": "deviation",
        "event_type": "adverse_event",
        "receiver_organisation": "23",
        "receiver_unit": "",
        "sender_unit": "2309-HSJV",
        "occurred_at": local(-timedelta(days=1)),
        "category": "discharge",
        "description": "Utskrivningsmeddelandet kom inte fram.",
        "immediate_action": "Ringde avdelningen.",
        "consequence": "2",
        "probability": "2",
    }
    data.update(overrides)
    return data


def text(response) -> str:
    """The page with entities resolved, for checking what a reader sees."""
    return html.unescape(response.get_data(as_text=True))


def error_beside(response, field_id: str, message: str) -> bool:
    """The message is in the element the field's aria-describedby points at."""
    body = response.get_data(as_text=True)
    marker = f'id="{field_id}-fel"'
    at = body.find(marker)
    return at != -1 and html.escape(message, quote=False) in body[at:at + 600]
