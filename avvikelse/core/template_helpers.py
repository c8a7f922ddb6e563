"""Filters and globals for templates: Swedish dates, labels."""
from datetime import date, datetime

from flask import Flask

from avvikelse.core.clock import to_local


def sv_datetime(value: datetime | None) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def sv_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.isoformat()


def register(app: Flask) -> None:
    from avvikelse.cases import categories, risk, vocabulary

    app.add_template_filter(sv_datetime, "datetime")
    app.add_template_filter(sv_date, "date")
    app.add_template_global(categories.BY_CODE, "CATEGORIES")
    app.add_template_global(risk, "risk")
    app.add_template_global(vocabulary, "vocabulary")
