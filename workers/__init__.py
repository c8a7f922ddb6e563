"""Celery entry point: `celery -A workers worker`.

The Flask app is created on first use of `workers.celery`, not on import: importing a
task module (a test does) builds no app. The app itself never imports `workers`; it hands
work over by task name (avvikelse.core.dispatch).
"""


def __getattr__(name: str):
    if name == "celery":
        from workers.app import celery

        return celery
    raise AttributeError(name)
