"""Settings per environment, read from the environment.

Everything a county may want to change (deadlines, thresholds, page sizes) lives here
rather than in code, so a new agreement is a configuration change, not a release.
"""
import os
from pathlib import Path

from avvikelse import resources

# Beside the code in a checkout (`make run`, the tests); ./instance of the working directory
# when installed, since this file then lies in site-packages.
INSTANCE = Path(
    os.environ.get("AVVIKELSE_INSTANCE") or (resources.CHECKOUT or Path.cwd()) / "instance"
).absolute()


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'avvikelse.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # One Fernet key, or several comma-separated (current first) while rotating.
    AVVIKELSE_ENCRYPTION_KEY = os.environ.get("AVVIKELSE_ENCRYPTION_KEY")
    # Base URL used in e-mailed links (mails are sent from workers, outside any request).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    # Mail: SMTP when MAIL_SERVER is set, else written as .eml files under instance/mail.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_FROM = os.environ.get("MAIL_FROM", "avvikelse@localhost")
    MAIL_FOLDER = str(INSTANCE / "mail")
    MAIL_TIMEOUT = 10

    # Celery. The embedded default is kombu's filesystem transport: no server to install.
    CELERY = {
        "broker_url": os.environ.get("CELERY_BROKER_URL", "filesystem://"),
        "broker_transport_options": {
            "data_folder_in": str(INSTANCE / "broker"),
            "data_folder_out": str(INSTANCE / "broker"),
            "processed_folder": str(INSTANCE / "broker-done"),
            # kombu 5.5+ keeps its exchange table here; its default is ./control.
            "control_folder": str(INSTANCE / "broker-control"),
            "store_processed": False,
            # Redis: a message a dead worker held is delivered again after this long.
            # The outbox sweep usually gets there first; this is the broker's own net.
            "visibility_timeout": _env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
            # Publishing to a broker that is down gives up at once (kombu's default is to
            # retry forever, which would hang a user's request): the outbox has the work.
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.5,
            "socket_connect_timeout": 2,
        },
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        # Late ack + reject on lost worker: a task survives a worker killed mid-task.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # Filing must never hang on a broker that is down: fail fast, the outbox retries.
        "task_publish_retry": False,
        "broker_connection_timeout": 2,
        "broker_connection_retry_on_startup": True,
    }
    # Publish outbox events to Celery right after each commit. Tests turn this off and
    # drain the outbox explicitly so each step can be observed.
    OUTBOX_AUTODISPATCH = True
    # Events not handed over by then are re-sent by the periodic sweep, which beat runs
    # this often.
    OUTBOX_RETRY_AFTER_SECONDS = _env_int("OUTBOX_RETRY_AFTER_SECONDS", 30)
    OUTBOX_SWEEP_SECONDS = _env_int("OUTBOX_SWEEP_SECONDS", 15)

    # The agreement's clocks and thresholds: answer days, reminders, escalation. An
    # agreement's version may set its own (avvikelse/agreements); these apply where it does not.
    ANSWER_DUE_DAYS = _env_int("ANSWER_DUE_DAYS", 28)
    SERIOUS_CONSEQUENCE_MIN = _env_int("SERIOUS_CONSEQUENCE_MIN", 3)
    SERIOUS_RISK_MIN = _env_int("SERIOUS_RISK_MIN", 8)
    # Whether a kommun may file to another kommun where no agreement says (region ↔ kommun
    # always may).
    KOMMUN_TO_KOMMUN_ALLOWED = os.environ.get("KOMMUN_TO_KOMMUN_ALLOWED", "").lower() == "true"
    # The forum: counts from 1 to this minus one are shown as "<N" (0 stays 0).
    FORUM_SUPPRESS_BELOW = _env_int("FORUM_SUPPRESS_BELOW", 5)
    # Reminders to the receiving handlers this many days before the due day, and on it.
    REMINDER_DAYS_BEFORE = _env_int("REMINDER_DAYS_BEFORE", 7)
    # Calendar days past due before the case escalates to the receiver's MAS/chefsläkare.
    OVERDUE_ESCALATION_DAYS = _env_int("OVERDUE_ESCALATION_DAYS", 7)
    # An escalation not acknowledged within this many working days is notified again.
    ESCALATION_ACK_WORKING_DAYS = _env_int("ESCALATION_ACK_WORKING_DAYS", 1)
    # The second answer, after the sender disputed the first, is due this many days later.
    SECOND_ANSWER_DUE_DAYS = _env_int("SECOND_ANSWER_DUE_DAYS", 14)
    # A case waiting for the sender's information: the sender is reminded after this.
    AWAITING_INFO_REMINDER_DAYS = _env_int("AWAITING_INFO_REMINDER_DAYS", 7)
    # An answered case the sender leaves without reaction closes by itself after this.
    AUTO_CLOSE_DAYS = _env_int("AUTO_CLOSE_DAYS", 14)
    # A Lex Maria / Lex Sarah investigation not yet reported to IVO: the decision-maker
    # is reminded this many days after the event (IVO expects reports without delay).
    REPORT_REMINDER_DAYS = _env_int("REPORT_REMINDER_DAYS", 60)
    # A complainant is to have a reply within this many days (PSL 3:8: four weeks).
    COMPLAINT_REPLY_DAYS = _env_int("COMPLAINT_REPLY_DAYS", 28)
    # Learning together (avvikelse/learning): a joint investigation is due this many weeks
    # after it opened; its participants are reminded this many days before and on the day,
    # and the lead organisation's MAS/SAS/chefsläkare told this many days after. Measures
    # are reminded and escalated to their owner organisation's overseers the same way.
    INVESTIGATION_DUE_WEEKS = _env_int("INVESTIGATION_DUE_WEEKS", 8)
    INVESTIGATION_REMINDER_DAYS_BEFORE = _env_int("INVESTIGATION_REMINDER_DAYS_BEFORE", 7)
    INVESTIGATION_OVERDUE_ESCALATION_DAYS = _env_int("INVESTIGATION_OVERDUE_ESCALATION_DAYS", 7)
    MEASURE_REMINDER_DAYS_BEFORE = _env_int("MEASURE_REMINDER_DAYS_BEFORE", 7)
    MEASURE_OVERDUE_ESCALATION_DAYS = _env_int("MEASURE_OVERDUE_ESCALATION_DAYS", 7)
    # How often beat runs the clock pass, and how many cases it claims per transaction.
    CLOCK_INTERVAL_SECONDS = _env_int("CLOCK_INTERVAL_SECONDS", 15 * 60)
    CLOCK_BATCH_SIZE = _env_int("CLOCK_BATCH_SIZE", 500)

    PAGE_SIZE = 25
    API_PAGE_SIZE_MAX = 100
    # Oversized bodies are refused with 413 before any parsing.
    MAX_CONTENT_LENGTH = 1024 * 1024
    API_TOKEN_HOURS = _env_int("API_TOKEN_HOURS", 12)
    # Every token expires: one created without an end date gets the longest allowed,
    # a longer one is refused (a person's own tokens; an integration account's).
    API_TOKEN_MAX_DAYS = _env_int("API_TOKEN_MAX_DAYS", 90)
    INTEGRATION_TOKEN_MAX_DAYS = _env_int("INTEGRATION_TOKEN_MAX_DAYS", 365)
    # A token is minted from a web session only this soon after signing in (or again).
    TOKEN_MINT_RECENT_MINUTES = _env_int("TOKEN_MINT_RECENT_MINUTES", 15)
    # Requests per token, and per client address, across the API ("" turns a limit off).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    API_ADDRESS_RATE_LIMIT = os.environ.get("API_ADDRESS_RATE_LIMIT", "1200 per minute")
    # Webhook deliveries: attempts before giving up, and the first retry's delay (doubles).
    WEBHOOK_MAX_ATTEMPTS = _env_int("WEBHOOK_MAX_ATTEMPTS", 8)
    WEBHOOK_RETRY_SECONDS = _env_int("WEBHOOK_RETRY_SECONDS", 30)
    WEBHOOK_TIMEOUT_SECONDS = _env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
    # Webhooks go over https to public addresses only (no loopback, private, link-local,
    # metadata …). These networks, comma-separated CIDRs, may be reached all the same, and
    # only they over plain http: e.g. "10.20.0.0/16" for a receiver in the county's own
    # network, "127.0.0.1/32" for local trials.
    WEBHOOK_ALLOWED_NETWORKS = os.environ.get("WEBHOOK_ALLOWED_NETWORKS", "")

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    # English catalogue (translations/en); compiled to .mo by `make setup` (pybabel compile)
    # in a checkout, and by setup.py into a built wheel.
    BABEL_TRANSLATION_DIRECTORIES = resources.folder("translations")
    WTF_CSRF_TIME_LIMIT = None  # a long report must not fail on an expired token
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    ARGON2_PROFILE = "RFC_9106_LOW_MEMORY"

    # --- Security (issue 6) ---
    #: refuses to start with development secrets; set on ProductionConfig
    PRODUCTION = False
    # Server-side sessions: files under the instance folder, or Redis when this is set.
    SESSION_REDIS_URL = os.environ.get("SESSION_REDIS_URL")
    SESSION_FOLDER = os.environ.get("SESSION_FOLDER", str(INSTANCE / "sessions"))
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 30)
    SESSION_ABSOLUTE_HOURS = _env_int("SESSION_ABSOLUTE_HOURS", 10)
    # Failed logins per address (and per account from one address) before 429; an account
    # tried from many addresses is slowed down, never locked. Successes never count.
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "10 per 15 minutes")
    # Load balancers in front of the app: the client address is taken from this many
    # X-Forwarded-For (and -Proto) entries, counted from the right. 0: none is trusted.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    #: Redis for the counters, shared by all web processes; memory when unset or down
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # PDL: access log rows are kept this long, then may be purged (never younger).
    ACCESS_LOG_RETENTION_YEARS = _env_int("ACCESS_LOG_RETENTION_YEARS", 5)
    # Ended cases (closed with any outcome, or withdrawn) lose their patient identifier and
    # complainant details this many days after ending.
    CASE_DEIDENTIFY_AFTER_DAYS = _env_int("CASE_DEIDENTIFY_AFTER_DAYS", 2 * 365)
    # Removing free text is disposal of public records (gallring under arkivlagen): done only
    # under a disposal decision the county has made (its reference), this many days after
    # a case ended. Without a decision the text is kept.
    DISPOSAL_DECISION = os.environ.get("DISPOSAL_DECISION", "")
    DISPOSAL_AFTER_DAYS = _env_int("DISPOSAL_AFTER_DAYS", 2 * 365)
    RETENTION_INTERVAL_SECONDS = _env_int("RETENTION_INTERVAL_SECONDS", 24 * 3600)
    # The nightly recount of the rollups (forum and national figures) from the cases:
    # the hour (UTC) beat runs it; 1 is 02:00 or 03:00 in Sweden.
    ROLLUPS_RECOUNT_HOUR_UTC = _env_int("ROLLUPS_RECOUNT_HOUR_UTC", 1)
    # How often beat computes again the stored national releases whose counts changed
    # (a reader meanwhile sees the last one, with the time it was computed).
    NATIONAL_REFRESH_SECONDS = _env_int("NATIONAL_REFRESH_SECONDS", 5 * 60)
    # How often beat protects the forum's pages (each running samverkan's last and running
    # quarter and last year) ahead of a reader, storing the patterns (forum/patterns.py).
    FORUM_WARM_SECONDS = _env_int("FORUM_WARM_SECONDS", 10 * 60)
    # The solved patterns stored for every process; off, each solves for itself again (a
    # benchmark's "before").
    FORUM_PATTERN_STORE = os.environ.get("FORUM_PATTERN_STORE", "true").lower() != "false"
    # Stored patterns no one read for this many days are pruned by the retention pass; a
    # period's solved while it ran (its counts have likely moved on) after the second.
    FORUM_PATTERN_KEEP_DAYS = _env_int("FORUM_PATTERN_KEEP_DAYS", 400)
    FORUM_PATTERN_RUNNING_KEEP_DAYS = _env_int("FORUM_PATTERN_RUNNING_KEEP_DAYS", 3)
    # Single sign-on (OpenID Connect); password login can be switched off.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET")
    OIDC_HSA_CLAIM = os.environ.get("OIDC_HSA_CLAIM", "hsa_id")
    OIDC_UNIT_CLAIM = os.environ.get("OIDC_UNIT_CLAIM", "unit_code")
    PASSWORD_LOGIN_ENABLED = os.environ.get("PASSWORD_LOGIN_ENABLED", "true").lower() != "false"
    # Strong authentication: the IdP's `acr` values accepted (comma-separated, e.g. an
    # LoA3/SITHS value). When set, whoever holds a role that opens case content (handler,
    # MAS, chefsläkare) signs in through OIDC with one of them; never with a password.
    STRONG_AUTH_ACR = os.environ.get("STRONG_AUTH_ACR", "")

    # --- Attachments (avvikelse/attachments) ---
    # Types taken, judged by content: any of application/pdf, image/jpeg, image/png,
    # image/heic, image/heif (HEIC/HEIF are stored as JPEG).
    ATTACHMENT_TYPES = os.environ.get(
        "ATTACHMENT_TYPES", "application/pdf,image/jpeg,image/png,image/heic,image/heif")
    # Per file, and all of a case's files together. Only the two upload endpoints take a
    # body this large; everything else keeps MAX_CONTENT_LENGTH.
    ATTACHMENT_MAX_BYTES = _env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    ATTACHMENT_CASE_MAX_BYTES = _env_int("ATTACHMENT_CASE_MAX_BYTES", 50 * 1024 * 1024)
    # Images larger than this are refused before they are decoded (decompression bombs).
    ATTACHMENT_MAX_PIXELS = _env_int("ATTACHMENT_MAX_PIXELS", 40_000_000)
    # disk (files under ATTACHMENT_FOLDER), database (a bytea column) or s3.
    ATTACHMENT_STORAGE = os.environ.get("ATTACHMENT_STORAGE", "disk")
    ATTACHMENT_FOLDER = os.environ.get("ATTACHMENT_FOLDER", str(INSTANCE / "attachments"))
    ATTACHMENT_S3_ENDPOINT = os.environ.get("ATTACHMENT_S3_ENDPOINT")  # https://host[:port]
    ATTACHMENT_S3_BUCKET = os.environ.get("ATTACHMENT_S3_BUCKET")
    ATTACHMENT_S3_ACCESS_KEY = os.environ.get("ATTACHMENT_S3_ACCESS_KEY")
    ATTACHMENT_S3_SECRET_KEY = os.environ.get("ATTACHMENT_S3_SECRET_KEY")
    ATTACHMENT_S3_REGION = os.environ.get("ATTACHMENT_S3_REGION")
    ATTACHMENT_S3_TIMEOUT_SECONDS = _env_int("ATTACHMENT_S3_TIMEOUT_SECONDS", 30)
    # The virus scanner: clamd (a socket path, or host:port) or an ICAP URL
    # (icap://host:1344/service). Neither: files are let through marked unscanned.
    ATTACHMENT_CLAMD = os.environ.get("ATTACHMENT_CLAMD")
    ATTACHMENT_ICAP_URL = os.environ.get("ATTACHMENT_ICAP_URL")
    ATTACHMENT_SCAN_TIMEOUT_SECONDS = _env_int("ATTACHMENT_SCAN_TIMEOUT_SECONDS", 60)


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    OUTBOX_AUTODISPATCH = False
    MAIL_SERVER = None
    ARGON2_PROFILE = "CHEAPEST"
    PUBLIC_URL = "http://avvikelse.test"
    # Every test request comes from 127.0.0.1: a per-address limit would couple tests.
    API_ADDRESS_RATE_LIMIT = ""
    # Every test receiver listens on 127.0.0.1.
    WEBHOOK_ALLOWED_NETWORKS = "127.0.0.1/32"
    CELERY = {**Config.CELERY, "broker_url": "memory://", "broker_transport_options": {}}


class ProductionConfig(Config):
    PRODUCTION = True
    # Behind TLS in production; `make run-prod` on plain http://127.0.0.1 turns it off.
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "true").lower() != "false"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
