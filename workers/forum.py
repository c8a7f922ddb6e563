"""Building the forum's summary: on demand (a build row the page polls) and by beat;
and its current pages protected ahead of a reader."""
import logging

from celery import shared_task

from avvikelse.core import dispatch
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum import services, warming
from avvikelse.forum.filters import Filters
from avvikelse.forum.periods import last_completed_quarter

log = logging.getLogger(__name__)


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


@shared_task(name=dispatch.FORUM_WARM, acks_late=True, ignore_result=True)
def warm() -> int:
    """Beat, every FORUM_WARM_SECONDS: each running samverkan's current pages protected
    and their patterns stored, those no change has touched since the last pass skipped."""
    done = warming.warm(now_utc())
    db.session.commit()  # on in-memory SQLite the patterns ride on the session
    log.info("forum pages protected: %s", ", ".join(done))
    return len(done)
