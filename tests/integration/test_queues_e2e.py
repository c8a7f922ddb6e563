"""The two lanes: a long pass on the bulk queue never holds up a filing's routing and
mail, which a worker of the default queue takes alone; a bulk worker takes the passes."""
import pytest
from redis import Redis
from sqlalchemy import func, select

from avvikelse.core import dispatch
from avvikelse.core.clock import now_utc
from avvikelse.cases.services import file_case
from avvikelse.extensions import db
from avvikelse.forum.models import SolvedPattern
from tests.fixtures.factories import case_input
from tests.integration.test_routing_e2e import _people

pytestmark = pytest.mark.integration


def test_a_filing_is_routed_and_mailed_while_bulk_passes_wait_for_their_own_worker(live_stack, smtp_sink):
    events = live_stack.worker("--queues", dispatch.DEFAULT_QUEUE)
    broker = Redis.from_url(live_stack.env["CELERY_BROKER_URL"])
    with live_stack.context():
        reporter, _, _ = _people()
        # every pass beat would start: to the bulk queue, which no worker takes yet
        # (through both ways of handing work over)
        assert dispatch.dispatch_each(dispatch.RETENTION_PASS, [()])
        assert all(dispatch.dispatch(task) for task in sorted(dispatch.BULK_TASKS - {dispatch.RETENTION_PASS}))
        file_case(reporter, case_input(), now_utc())
        db.session.commit()
    # routed and mailed (the receiver's intake, the reporter) by the default lane alone
    assert len(smtp_sink.wait_for(2, timeout=30)) == 2
    assert broker.llen(dispatch.BULK_QUEUE) == len(dispatch.BULK_TASKS)

    bulk = live_stack.worker("--queues", dispatch.BULK_QUEUE)
    live_stack.wait_for(lambda: all(bulk.succeeded(task) for task in dispatch.BULK_TASKS),
                        timeout=60, what="the bulk worker to run every pass")
    # the recount queues a refresh of every release after it: the lane is done once that
    # has been taken and has finished too
    live_stack.wait_for(lambda: broker.llen(dispatch.BULK_QUEUE) == 0
                        and bulk.full_log().count("] received") == bulk.full_log().count("] succeeded"),
                        timeout=30, what="the bulk queue to drain")
    assert not any(f"Task {task}[" in events.full_log() for task in dispatch.BULK_TASKS)
    # each pass ran cleanly on the file database; forum-warm stored what it solved (its
    # own open write did not hold SQLite's lock against the patterns' connection)
    assert "ERROR/" not in bulk.full_log() and "not stored" not in bulk.full_log()
    with live_stack.context():
        assert db.session.scalar(select(func.count()).select_from(SolvedPattern)) > 0

