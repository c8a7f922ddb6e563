"""The structure a reader relies on: no import circles, one event table that covers every
event the code emits."""
import grimp
import pytest
from sqlalchemy import select

from avvikelse.cases.transitions import TRANSITIONS
from avvikelse.core import outbox
from avvikelse.core.outbox import OutboxEvent
from avvikelse.events import EVENTS
from avvikelse.extensions import db


def _cycles(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root), on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(component)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child), on_stack.add(child)
                work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_module_imports_itself_through_others():
    """Package __init__ modules included, which the sibling contract does not see."""
    graph = grimp.build_graph("avvikelse", "workers", include_external_packages=False)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    assert _cycles(graph) == [{"a.b", "a.c"}]


def test_every_action_of_the_transitions_table_has_its_event_listed():
    for action in TRANSITIONS:
        assert f"case.{action.value}" in EVENTS, action


def test_every_handler_is_a_function_of_a_domain():
    for kind, handlers in EVENTS.items():
        assert isinstance(handlers, tuple), kind
        for handler in handlers:
            assert callable(handler) and handler.__module__.startswith("avvikelse."), (kind, handler)


def test_a_case_through_its_whole_life_emits_only_listed_kinds(new_case, people, act):
    case = new_case()  # filed and routed
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "ask", note="Vilket datum?")
    act(people["reporter"], case, "reply", note="Den 3 mars.")
    act(people["receiver_handler"], case, "answer")
    act(people["reporter"], case, "dispute", note="Svaret stämmer inte.")
    act(people["receiver_handler"], case, "answer")
    act(people["reporter"], case, "accept")
    kinds = set(db.session.scalars(select(OutboxEvent.kind)))
    assert {"case.submitted", "case.route", "case.answer", "case.accept", "mail.send"} <= kinds
    assert kinds <= set(EVENTS)
    assert db.session.scalar(select(OutboxEvent).where(OutboxEvent.processed_at.is_(None))) is None


def test_an_unlisted_kind_fails_and_waits(app):
    outbox.emit("case.nobody_listed_this", reference="AV-2026-000001")
    db.session.commit()
    assert outbox.drain() == 0
    evt = db.session.scalar(select(OutboxEvent))
    assert evt.processed_at is None and evt.attempts == 1 and "KeyError" in evt.last_error


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_handlers_of_one_kind_get_keys_of_their_own(kind):
    keys = {outbox.handler_key("e1", h) for h in EVENTS[kind]}
    assert len(keys) == len(EVENTS[kind])
