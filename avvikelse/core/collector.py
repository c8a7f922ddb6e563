"""Pausing Python's cyclic garbage collector around a burst of allocation.

A forum page read in a fresh process lays out every release it shows: hundreds of
thousands of small tuples, lists and dicts, none of them in a reference cycle. Each
time enough of them survive, the collector walks the whole heap (the app, SQLAlchemy,
the cached releases): at a million cases that was a quarter of the page's time, spent
finding nothing. Paused, the same objects are looked at once, after the burst.
Reference counting frees everything as usual meanwhile; only cycles wait.
"""
import gc
from contextlib import contextmanager


@contextmanager
def paused():
    """The collector off for the block, and on again after it, even on an exception; a
    caller that had already switched it off keeps it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
