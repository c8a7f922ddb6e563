"""The whole beat schedule, in one place."""
from workers.app import celery, flask_app

celery.conf.beat_schedule = {
    "sweep-outbox": {
        "task": "avvikelse.sweep_outbox",
        "schedule": float(flask_app.config["OUTBOX_SWEEP_SECONDS"]),
        "options": {"expires": float(flask_app.config["OUTBOX_SWEEP_SECONDS"])},
    },
    "clock-pass": {
        "task": "avvikelse.clock_pass",
        "schedule": float(flask_app.config["CLOCK_INTERVAL_SECONDS"]),
        # A pass that waited a whole interval in the queue is stale: the next is coming.
        "options": {"expires": float(flask_app.config["CLOCK_INTERVAL_SECONDS"])},
    },
}
