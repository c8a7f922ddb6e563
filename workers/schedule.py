"""The whole beat schedule, in one place, from the app's settings."""
from celery.schedules import crontab

from avvikelse.core import dispatch


def beat_schedule(config) -> dict:
    def every(seconds: float) -> dict:
        # A run that waited a whole interval in the queue is stale: the next is coming.
        return {"schedule": seconds, "options": {"expires": seconds}}

    return {
        # Closed cases de-identified, the access log aged out (never younger than 5 years).
        "retention-pass": {"task": dispatch.RETENTION_PASS,
                           **every(float(config["RETENTION_INTERVAL_SECONDS"]))},
        "purge-idempotency-keys": {"task": dispatch.PURGE_IDEMPOTENCY_KEYS, "schedule": 3600.0},
        # Webhook retries whose scheduled task was lost.
        "sweep-webhooks": {"task": dispatch.SWEEP_WEBHOOKS,
                           **every(float(config["OUTBOX_SWEEP_SECONDS"]) * 4)},
        "sweep-outbox": {"task": dispatch.SWEEP_OUTBOX, **every(float(config["OUTBOX_SWEEP_SECONDS"]))},
        "clock-pass": {"task": dispatch.CLOCK_PASS, **every(float(config["CLOCK_INTERVAL_SECONDS"]))},
        # The forum's summary, once a quarter has ended (03:00 UTC on its first day is
        # after midnight in Sweden in summer and winter time alike).
        "forum-quarter-ended": {
            "task": dispatch.FORUM_QUARTER_ENDED,
            "schedule": crontab(minute=0, hour=3, day_of_month=1, month_of_year="1,4,7,10"),
        },
        # The forum's pages of the last, the running quarter and the last year protected
        # and their patterns stored, so a reader's first view (in any web process, after
        # any restart) reads them instead of solving.
        "forum-warm": {"task": dispatch.FORUM_WARM, **every(float(config["FORUM_WARM_SECONDS"]))},
        # The national releases whose counts changed, computed again (debounced: however
        # many cases changed, one solve per release a pass); also stores a quarter's
        # release once it has ended, before anyone asks for it.
        "national-refresh": {"task": dispatch.NATIONAL_REFRESH,
                             **every(float(config["NATIONAL_REFRESH_SECONDS"]))},
        # The rollups compared with a full recount from the cases; differences repaired
        # and logged.
        "rollups-recount": {
            "task": dispatch.ROLLUPS_RECOUNT,
            "schedule": crontab(minute=30, hour=int(config["ROLLUPS_RECOUNT_HOUR_UTC"])),
        },
    }
