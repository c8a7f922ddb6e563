"""The whole beat schedule, in one place."""
from workers.app import celery

celery.conf.beat_schedule = {
    "sweep-outbox": {"task": "avvikelse.sweep_outbox", "schedule": 15.0},
}
