"""Builds the Flask app once per worker process, and the Celery app with every task.

The task modules below register the tasks under the names in avvikelse.core.dispatch,
which is how the app hands work over; the beat schedule is built from the app's settings.
"""
from avvikelse import create_app
from workers import clocks, forum, national, outbox, retention, rollups, webhooks  # noqa: F401  (register the tasks)
from workers.schedule import beat_schedule

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = beat_schedule(flask_app.config)
