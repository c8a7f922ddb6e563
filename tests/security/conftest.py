"""Some tests here build a second app (production settings, a dead Redis)."""
import pytest

from avvikelse.accounts import throttle


@pytest.fixture(autouse=True)
def _restore_default_celery(app):
    """Building an app makes its Celery app the current and default one, and tasks called
    directly would then run against that app's database: give it back after each test."""
    yield
    app.extensions["celery"].set_default()
    app.extensions["celery"].set_current()


@pytest.fixture(autouse=True)
def login_delays(monkeypatch):
    """The slow-down of an account under attack, seen without waiting: the delays asked for."""
    asked: list[float] = []
    monkeypatch.setattr(throttle, "sleep", asked.append)
    return asked
