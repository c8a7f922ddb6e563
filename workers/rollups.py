"""The nightly recount of the rollups (beat)."""
import logging

from celery import shared_task

from avvikelse.core import dispatch
from avvikelse.extensions import db
from avvikelse.rollups import services

log = logging.getLogger(__name__)


@shared_task(name=dispatch.ROLLUPS_RECOUNT, acks_late=True, ignore_result=True)
def recount() -> dict:
    """Compare with a full recount, repair, report (a difference is logged as a warning)."""
    found = services.recount()
    db.session.commit()
    log.info("rollups recounted: %s", found.as_dict())
    # A repair moves counts without an event; the directory's counties may have changed
    # too: every stored national release is checked against its fingerprint.
    dispatch.dispatch(dispatch.NATIONAL_REFRESH, True)
    return found.as_dict()
