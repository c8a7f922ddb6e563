"""Building the forum's summary: on demand (a build row the page polls) and by beat."""
from celery import shared_task

from avvikelse.core import dispatch
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum import services
from avvikelse.forum.filters import Filters
from avvikelse.forum.periods import last_completed_quarter


@shared_task(name=dispatch.BUILD_FORUM_SUMMARY, acks_late=True, ignore_result=True)
def build_summary(build_id: int) -> str:
    build = services.run_build(build_id, now_utc())
    return build.status


@shared_task(name=dispatch.FORUM_QUARTER_ENDED, acks_late=True, ignore_result=True)
def quarter_ended() -> int:
    """Beat, just after a quarter ends: build the quarter (and the year after Q4), for
    each samverkan running here."""
    now = now_utc()
    quarter = last_completed_quarter(now)
    periods = [quarter] + ([quarter.__class__(quarter.year)] if quarter.quarter == 4 else [])
    ids = []
    for county in services.running_counties():
        for period in periods:
            ids.append(services.start_build(None, period, Filters(), now, county).id)
    db.session.commit()
    for build_id in ids:
        services.run_build(build_id, now)
    return len(ids)
