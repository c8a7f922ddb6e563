"""Builds the Flask app once per worker process and loads every task module."""
from avvikelse import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]

import workers.clocks  # noqa: E402,F401
import workers.forum  # noqa: E402,F401
import workers.outbox  # noqa: E402,F401  (registers tasks and the beat schedule)
import workers.retention  # noqa: E402,F401
import workers.schedule  # noqa: E402,F401
import workers.webhooks  # noqa: E402,F401
