"""Celery entry point: `celery -A workers worker`.

The Flask app is created on first use of `workers.celery`, not on import, so the web
process can import task modules (to call `.delay`) without building a second app.
"""


def __getattr__(name: str):
    if name == "celery":
        from workers.app import celery

        return celery
    raise AttributeError(name)
