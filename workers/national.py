"""The stored national releases kept current (avvikelse/national/stored.py)."""
import logging

from celery import shared_task

from avvikelse.core import dispatch
from avvikelse.core.clock import now_utc
from avvikelse.national import stored

log = logging.getLogger(__name__)


@shared_task(name=dispatch.NATIONAL_REFRESH, acks_late=True, ignore_result=True)
def refresh(everything: bool = False) -> list[str]:
    """Beat, every NATIONAL_REFRESH_SECONDS: the releases marked stale since the last
    pass (however many cases changed, one solve each), and the last completed quarter's.
    After the nightly recount: every release, checked by fingerprint."""
    done = stored.refresh(now_utc(), everything=everything)
    if done:
        log.info("national releases refreshed: %s", ", ".join(done))
    return done
