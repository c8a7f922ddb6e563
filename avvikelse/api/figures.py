"""GET /figures?period=2026-03|2026Q1|2026: the caller's own figures (figures/compute.py),
for managers, MAS, chefsläkare and SAS; others get 403."""
from flask import g, request

from avvikelse.api.errors import fail, invalid
from avvikelse.core.clock import now_utc
from avvikelse.directory.models import Organisation
from avvikelse.extensions import db
from avvikelse.figures import compute, periods


def own_figures():
    user = g.api_user
    if not compute.may_read(user):
        fail(403, "Siffrorna per enhet är för chefer, MAS, chefsläkare och SAS.")
    raw = request.args.get("period")
    now = now_utc()
    try:
        span = periods.parse(raw) if raw else periods.current_quarter(now)
    except periods.PeriodError as exc:
        invalid({"period": [exc.message]})
    scope = compute.scope(user)
    figures = compute.compute(scope, span, now)
    organisation = db.session.get(Organisation, scope.organisation_id)
    return {"organisation": organisation.code,
            "units": None if scope.unit_ids is None else sorted(r["unit"] for r in figures["by_unit"]),
            **figures}
