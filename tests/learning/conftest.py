"""Learning together: a case answered by the region to Krokom, and API clients."""
import pytest

from tests.api.conftest import api  # noqa: F401  (the API client fixture)


@pytest.fixture
def answered(people, new_case, act):
    """A case Krokom sent and the region answered (with one measure)."""
    def make(**overrides):
        case = new_case(**overrides)
        act(people["receiver_handler"], case, "acknowledge")
        act(people["receiver_handler"], case, "answer")
        return case

    return make
