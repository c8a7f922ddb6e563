"""core.collector.paused: the cyclic collector off inside, on again after, whatever
happens inside; never switched on for a caller that had it off."""
import gc

import pytest

from avvikelse.core import collector


@pytest.fixture(autouse=True)
def _enabled_after():
    yield
    gc.enable()


def test_off_inside_and_on_after():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_exception():
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_caller_that_had_it_off_keeps_it_off():
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
