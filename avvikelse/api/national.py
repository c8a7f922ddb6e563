"""`GET /national/summary?period=2026Q3` (or `2026`): the national figures, protected as
one national table (national/release.py). For the role `national` only; a hidden count
is "x"."""
from flask import g, request

from avvikelse.api.errors import fail
from avvikelse.core.clock import now_utc
from avvikelse.national import services
from avvikelse.national.views import parse_period


def national_summary():
    if not services.can_read(g.api_user):
        fail(403, "Den nationella bilden är för den nationella rollen.")
    period = parse_period(request.args.get("period"))
    return services.summary(period, now_utc())
