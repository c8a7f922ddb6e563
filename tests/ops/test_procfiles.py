"""The processes an operator starts (Procfile) and `make run` starts (Procfile.dev) take
every queue work is sent to: a queue no worker takes would keep its tasks for ever."""
import shlex

import pytest

from avvikelse.core import dispatch
from tests.fixtures.worker import ROOT


def _workers(procfile: str) -> dict[str, list[str]]:
    lines = (ROOT / procfile).read_text().splitlines()
    processes = dict(line.split(": ", 1) for line in lines if line.strip())
    return {name: shlex.split(command) for name, command in processes.items()
            if shlex.split(command)[:4] == ["celery", "-A", "workers", "worker"]}


def _queues(args: list[str]) -> set[str]:
    # a worker without --queues takes the default queue alone
    return set(args[args.index("--queues") + 1].split(",")) if "--queues" in args else {dispatch.DEFAULT_QUEUE}


@pytest.mark.parametrize("procfile", ["Procfile", "Procfile.dev"])
def test_each_queue_has_a_worker_of_its_own(procfile):
    workers = _workers(procfile)
    taken = [_queues(args) for args in workers.values()]
    assert sorted(map(sorted, taken)) == [[dispatch.BULK_QUEUE], [dispatch.DEFAULT_QUEUE]]
    # distinct node names: two workers on one host under one name clash
    names = [args[args.index("--hostname") + 1] for args in workers.values()]
    assert len(set(names)) == len(names)


def test_bulk_tasks_are_routed_to_the_bulk_queue_and_events_stay_on_the_default(app):
    router = app.extensions["celery"].amqp.router
    for task in dispatch.BULK_TASKS:
        assert router.route({}, task, (), {})["queue"].name == dispatch.BULK_QUEUE
    for task in (dispatch.PROCESS_EVENT, dispatch.SWEEP_OUTBOX, dispatch.CLOCK_PASS, dispatch.DELIVER_WEBHOOK,
                 dispatch.BUILD_FORUM_SUMMARY):
        assert router.route({}, task, (), {})["queue"].name == dispatch.DEFAULT_QUEUE
