"""The whole beat schedule, in one place."""
from celery.schedules import crontab

from workers.app import celery, flask_app

celery.conf.beat_schedule = {
    # Closed cases de-identified, the access log aged out (never younger than 5 years).
    "retention-pass": {
        "task": "avvikelse.retention_pass",
        "schedule": float(flask_app.config["RETENTION_INTERVAL_SECONDS"]),
        "options": {"expires": float(flask_app.config["RETENTION_INTERVAL_SECONDS"])},
    },
    "purge-idempotency-keys": {"task": "avvikelse.purge_idempotency_keys", "schedule": 3600.0},
    # Webhook retries whose scheduled task was lost.
    "sweep-webhooks": {
        "task": "avvikelse.sweep_webhooks",
        "schedule": float(flask_app.config["OUTBOX_SWEEP_SECONDS"]) * 4,
        "options": {"expires": float(flask_app.config["OUTBOX_SWEEP_SECONDS"]) * 4},
    },
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
    # The forum's summary, once a quarter has ended (03:00 UTC on its first day is
    # after midnight in Sweden in summer and winter time alike).
    "forum-quarter-ended": {
        "task": "avvikelse.forum_quarter_ended",
        "schedule": crontab(minute=0, hour=3, day_of_month=1, month_of_year="1,4,7,10"),
    },
}
