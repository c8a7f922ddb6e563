"""Searching as a user: the references a search finds, in order."""
import pytest

from avvikelse.core.clock import now_utc
from avvikelse.search import filters, queries


def found(user, **args) -> list[str]:
    """The references a search with these query-string parameters finds, in its order."""
    search = filters.parse({k: str(v) for k, v in args.items()}, filters.Context(user, now_utc()))
    return [row.reference for row in queries.rows(user, search, now_utc(), limit=100).items]


@pytest.fixture
def search():
    return found
