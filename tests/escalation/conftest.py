"""Time, moved by time-machine; the clock pass run as beat would; who was told what."""
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from avvikelse.core import outbox
from avvikelse.core.clock import SWEDEN
from avvikelse.escalation.clocks import run_pass
from avvikelse.escalation.models import ClockStep, Escalation
from avvikelse.extensions import db
from avvikelse.notifications.models import Notice


def local(*args) -> datetime:
    """A Swedish wall-clock time, as an aware datetime."""
    return datetime(*args, tzinfo=SWEDEN)


class Clock:
    """Frozen time that tests move on; everything that asks for now_utc() sees it."""

    def __init__(self):
        self._travel = self._at = None

    def set(self, moment: datetime) -> datetime:
        if self._travel is None:
            self._travel = time_machine.travel(moment, tick=False)
            self._at = self._travel.start()
        else:
            self._at.move_to(moment)
        return moment

    def stop(self):
        if self._travel is not None:
            self._travel.stop()


@pytest.fixture
def clock():
    c = Clock()
    yield c
    c.stop()


@pytest.fixture
def tick(clock):
    """Move time to `moment`, run one clock pass there, then what it set off."""

    def run(moment: datetime):
        clock.set(moment)
        result = run_pass(moment)
        outbox.drain()
        return result

    return run


def told(user) -> list[str]:
    stmt = select(Notice.text).where(Notice.user_id == user.id).order_by(Notice.id)
    return list(db.session.scalars(stmt))


def steps(case) -> list[tuple[str, bool]]:
    stmt = select(ClockStep.step, ClockStep.sent).where(ClockStep.case_id == case.id).order_by(ClockStep.rank)
    return [tuple(r) for r in db.session.execute(stmt)]


def escalations(case) -> list[Escalation]:
    stmt = select(Escalation).where(Escalation.case_id == case.id).order_by(Escalation.id)
    return list(db.session.scalars(stmt))
