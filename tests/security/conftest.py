"""Some tests here build a second app (production settings, a dead Redis)."""
import pytest


@pytest.fixture(autouse=True)
def _restore_default_celery(app):
    """Building an app makes its Celery app the current and default one, and tasks called
    directly would then run against that app's database: give it back after each test."""
    yield
    app.extensions["celery"].set_default()
    app.extensions["celery"].set_current()
