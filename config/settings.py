"""Settings, driven by the environment (12-factor).

DATABASE_URL  default: SQLite file var/db.sqlite3 (the embedded default: no server needed)
REDIS_URL     absent: Celery uses a filesystem broker under var/ (no server needed)
Rule limits (DESIGN §1) are settings named after their rule id, so that another province or a
changed rule needs no code change: grep ``RULE_R5`` to find the review clock, etc.
"""
import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
_DEV_SECRET = "dev-insecure-key-change-me-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
DEBUG = env_bool("DJANGO_DEBUG", False) and not PRODUCTION
ALLOWED_HOSTS = [h for h in os.environ.get(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver").split(",") if h]
if PRODUCTION:
    # Refuse to start rather than run a government system with a guessable key or open hosts.
    from django.core.exceptions import ImproperlyConfigured

    if len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET:
        raise ImproperlyConfigured("DJANGO_ENV=production needs DJANGO_SECRET_KEY (at least 50 random characters)")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ENV=production needs DJANGO_ALLOWED_HOSTS (comma-separated host names)")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # behind the TLS-terminating proxy
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # a working day
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "core",
    "accounts",
    "review",
    "notifications",
    "registry",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "web.middleware.ChosenLanguageMiddleware",
    "core.trailing_slash.CommonMiddleware",  # no slash-redirect of API writes (a 301 drops the body)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.replica.ReadYourWritesMiddleware",  # after a write, this client reads from the primary
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "web.middleware.DatabaseUnavailableMiddleware",
    "core.acts.SharedScopeMiddleware",  # one read of the organisation tree per request (issue 19)
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling, before the password check
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: 5 wrong passwords for one user name from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "web.errors.locked_out"
AXES_RESET_ON_SUCCESS = True
# The client's address (core.client_address): the connection's, or X-Forwarded-For's right-most address
# that is not a trusted proxy when the connection comes from one of TRUSTED_PROXIES (addresses or
# networks, comma-separated; default none: the header is ignored). Throttles and axes alike.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip"

# django-csp: nothing but this origin; no inline script or style anywhere in the pages.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "web.errors.csrf_failure"  # JSON under /api/, a Chinese page elsewhere
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.views.unread_count",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
# A connection that died with a database restart is replaced, not reused (work resumes by itself).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for the writer lock instead of failing at once: two clerks saving at the same moment.
    # and take the write lock at BEGIN, so that two transitions on SQLite queue instead of
    # deadlocking on a read-to-write upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Prepared statements (issue 19): PostgreSQL parses and plans each statement once per
    # connection instead of each time. core.postgresql binds every value on the server and lets
    # psycopg prepare a write (INSERT, UPDATE, DELETE) the fifth time a connection runs it, and
    # core.statements prepares the lock query every act compiles; a SELECT is never prepared
    # otherwise, as a prepared statement's generic plan made the two-character search 29× slower
    # at 1,000,000 documents. "off" for a pooler in transaction mode (PgBouncer), where a prepared
    # statement does not follow its session: then nothing is prepared (Django's own backend).
    if os.environ.get("DB_PREPARED_STATEMENTS", "on").strip().lower() != "off":
        DATABASES["default"]["ENGINE"] = "core.postgresql"
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

# --- Read replica (issue 19, core.replica): optional; absent, everything reads the primary. ------
# Only views that opt in (public pages and API, the feed, staff listings and searches, exports)
# read from it, and only while it is reachable and at most REPLICA_MAX_LAG_SECONDS behind (probed
# at most every REPLICA_HEALTH_SECONDS per process). A client that wrote reads from the primary for
# REPLICA_READ_YOUR_WRITES_SECONDS, which must outlast the lag the replica may have plus one probe.
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_HEALTH_SECONDS = float(os.environ.get("REPLICA_HEALTH_SECONDS", "1"))
REPLICA_READ_YOUR_WRITES_SECONDS = float(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "10"))
REPLICA_CONNECT_TIMEOUT = int(os.environ.get("REPLICA_CONNECT_TIMEOUT", "2"))  # s; a dead replica costs little
REPLICA_WARNING_SECONDS = float(os.environ.get("REPLICA_WARNING_SECONDS", "60"))  # one warning per period
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
if os.environ.get("DATABASE_REPLICA_URL"):
    from django.core.exceptions import ImproperlyConfigured

    if REPLICA_READ_YOUR_WRITES_SECONDS <= REPLICA_MAX_LAG_SECONDS + REPLICA_HEALTH_SECONDS:
        raise ImproperlyConfigured("REPLICA_READ_YOUR_WRITES_SECONDS must exceed REPLICA_MAX_LAG_SECONDS + "
                                   "REPLICA_HEALTH_SECONDS, or a writer may not see its write")
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"],
                                                 conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", REPLICA_CONNECT_TIMEOUT)
    if "prepare_threshold" in DATABASES["default"].get("OPTIONS", {}):  # as the primary
        DATABASES["replica"]["ENGINE"] = DATABASES["default"]["ENGINE"]
        for option in ("server_side_binding", "prepare_threshold"):
            DATABASES["replica"]["OPTIONS"].setdefault(option, DATABASES["default"]["OPTIONS"][option])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # the test database has no replica of its own

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# WhiteNoise serves static files in every mode (no separate web server needed for the demo);
# from the app folders directly, so that `collectstatic` is optional.
WHITENOISE_USE_FINDERS = True
LOCALE_PATHS = [BASE_DIR / "locale"]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# A normative document is a few thousand characters; 2.5 MB requests are refused with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
MAX_TITLE_LENGTH = 200
MAX_BODY_CHARS = int(os.environ.get("MAX_BODY_CHARS", "500000"))
# JSON bodies of the API (core.parsers): larger ones are refused with 413 before being read
# (2 MB: a body of MAX_BODY_CHARS Chinese characters is 1.5 MB in UTF-8),
# deeper nesting with 400 before being decoded.
MAX_JSON_BODY_BYTES = int(os.environ.get("MAX_JSON_BODY_BYTES", "2000000"))
MAX_JSON_DEPTH = int(os.environ.get("MAX_JSON_DEPTH", "32"))
# Plausible dates (core.inputs): none before this day; none more than MAX_DAYS_AHEAD ahead (a comment
# period's close, a publication or entry-into-force date); deliberation, filing, evaluation: not after today.
EARLIEST_PLAUSIBLE_DATE = os.environ.get("EARLIEST_PLAUSIBLE_DATE", "2000-01-01")
MAX_DAYS_AHEAD = int(os.environ.get("MAX_DAYS_AHEAD", "366"))

# API tokens expire this many hours after the log-in that issued them (accounts.authentication).
API_TOKEN_TTL_HOURS = float(os.environ.get("API_TOKEN_TTL_HOURS", "12"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "accounts.authentication.SessionAuthentication",  # its CSRF refusal in the error format
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {
        "public_comments": os.environ.get("THROTTLE_PUBLIC_COMMENTS", "20/hour"),
        "public_comments_per_document": os.environ.get("THROTTLE_PUBLIC_COMMENTS_PER_DOCUMENT", "2000/hour"),
        "review_submissions": os.environ.get("THROTTLE_REVIEW_SUBMISSIONS", "60/hour"),
        # 审查建议 (R19): anonymous review requests per client address
        "review_requests": os.environ.get("THROTTLE_REVIEW_REQUESTS", "10/hour"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "行政规范性文件合法性审核与登记系统 API",
    "DESCRIPTION": "Normative-document legality review and registry (DESIGN.md §4).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "review.models.Document.Channel",
        "ReviewOutcomeEnum": "review.models.ReviewRound.Outcome",
        "EvaluationOutcomeEnum": "registry.models.Evaluation.Outcome",
        "DocumentStateEnum": "review.models.State",
        "FilingStateEnum": "registry.models.Filing.State",
        "FilingOutcomeEnum": "registry.models.Filing.Outcome",
        "FilingActionEnum": "registry.models.Filing.Action",
        "ReviewRequestStateEnum": "registry.models.ReviewRequest.State",
        "ReviewRequestOutcomeEnum": "registry.models.ReviewRequest.Outcome",
    },
}

# --- Domain rules (DESIGN §1). Each default is the law's; change here, not in code. ---------
RULE_R3_COMMENT_MIN_WORKING_DAYS = 7        # 规范性文件征求意见不少于7个工作日
RULE_R3_COMMENT_MIN_DAYS_BUSINESS = 30      # 优化营商环境条例 Art. 62 / 713号 Art. 15: 30 days
RULE_R5_REVIEW_WORKING_DAYS = 15            # 115号: review within 15 working days
RULE_R5_REVIEW_MIN_WORKING_DAYS = 5         # at least 5 (7 for a major decision)
RULE_R5_REVIEW_MIN_WORKING_DAYS_MAJOR = 7
RULE_R5_EXTENSION_MAX_WORKING_DAYS = 15     # a head may extend once, by at most 15 working days
RULE_R18_CONTRACT_REVIEW_WORKING_DAYS = 7   # contracts: review due in 7 working days (unconfirmed)
RULE_R16_CONTRACT_AMOUNT_YUAN = 1_000_000   # contracts at or above need a legal adviser's opinion (unconfirmed)
RULE_R11_FILING_DAYS = 30                   # 备案 within 30 days of publication
RULE_R12_MAX_VALIDITY_YEARS = 5
RULE_R12_MAX_VALIDITY_YEARS_PROVISIONAL = 2
RULE_R12_EVALUATE_MONTHS_BEFORE_EXPIRY = 6
RULE_R9_NUMBER_TEMPLATE = "{prefix}〔{year}〕{seq}号"
RULE_R19_FILING_REVIEW_WORKING_DAYS = 30    # 备案审查: the recipient reviews an accepted filing within 30 working days
RULE_R19_CORRECTION_ANSWER_DAYS = 30        # the issuer answers a correction within 30 days
RULE_R19_REQUEST_REPLY_DAYS = 60            # 审查建议 answered within 60 days (unconfirmed)

# Throttle counters and other short-lived data: Redis when there is one, so that every web
# process counts the same; else this process's memory.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
          if os.environ.get("REDIS_URL") else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery (DESIGN §5) ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # The embedded default: a broker that needs no server, shared by web and worker processes.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
        # kombu keeps its exchange tables (celery.exchange, the worker's broadcast) in
        # control_folder, "control" in the working directory unless told: under var/ with the rest
        "control_folder": str(_broker_dir / "control"),
    }
    CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
# beat keeps its schedule under var/, not in the repository root (issue 18: no stray files)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@gov.example.cn")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The level sits on the handler too: records propagated from django.request skip the root
    # logger's own level, so only the handler can quiet the 4xx warnings.
    "handlers": {"console": {"class": "logging.StreamHandler", "level": os.environ.get("LOG_LEVEL", "WARNING")}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Expected refusals (403, 404, 429 …) are INFO, one line, no traceback (core.refusal_logging).
    "filters": {"expected_refusals": {"()": "core.refusal_logging.ExpectedRefusals"}},
    "loggers": {"django.request": {"filters": ["expected_refusals"]}},
}

# --- Reminders (DESIGN §5, notifications/) --------------------------------------------------
RULE_R5_REMIND_WORKING_DAYS_BEFORE_DUE = 3  # 审核到期前3个工作日提醒; overdue: every working day
RULE_R9_REGISTER_WITHIN_WORKING_DAYS = 5    # 审核通过后超过5个工作日未登记，提醒登记人员
RULE_R11_REMIND_DAYS_BEFORE_FILING_DUE = 5  # 备案期限届满前5日提醒
RULE_R12_EVALUATE_EVERY_YEARS = 5           # 未设有效期的，至少每5年评估一次 (277号 Art. 34)
RULE_R19_REMIND_DAYS_BEFORE_DUE = 5         # 备案审查、纠正答复、审查建议答复到期前5日提醒
NOTIFICATIONS_BROKER_TIMEOUT = float(os.environ.get("NOTIFICATIONS_BROKER_TIMEOUT", "1.0"))  # s
# The periodic sweep (celery -A config worker --beat, or a separate beat): catches up anything
# an on-commit publish could not send, e.g. while the broker was down.
CELERY_BEAT_SCHEDULE = {
    "sweep-reminders": {"task": "notifications.sweep_reminders", "schedule": 600.0},
    # R12: validity ends at the end of its last day, Asia/Shanghai time.
    "expire-documents": {"task": "registry.expire_documents", "schedule": crontab(hour=0, minute=5)},
    # The audit log's seals (review.history): the unsealed tail is at most this old.
    "seal-audit-log": {"task": "review.seal_audit_log", "schedule": float(os.environ.get("AUDIT_SEAL_SECONDS", "60"))},
}
# Each process keeps the holiday schedule (core.calendar) this long; its own writes apply at once.
HOLIDAYS_CACHE_SECONDS = int(os.environ.get("HOLIDAYS_CACHE_SECONDS", "60"))
# The sealer waits at most this long at a time for acts in flight before it reads where the log
# ends (then tries again); kept below PostgreSQL's deadlock_timeout (1 s).
AUDIT_SEAL_LOCK_TIMEOUT_MS = int(os.environ.get("AUDIT_SEAL_LOCK_TIMEOUT_MS", "200"))

# --- (v2) Documents as files (DESIGN §4) ---------------------------------------------------
# Uploaded .docx originals: the filesystem under var/media/ unless an S3-compatible bucket is
# configured (then django-storages with boto3 must be installed: pip install django-storages[s3]).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: originals go out through the API's permission check
MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "20"))
# Uploads above this are streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def s3_storage(environ) -> dict:
    """The uploaded originals in an S3-compatible bucket (MinIO, a cloud's OSS/COS) from STORAGE_S3_*."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["STORAGE_S3_BUCKET"],
            "endpoint_url": environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("STORAGE_S3_REGION") or None,
            "access_key": environ.get("STORAGE_S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
            "location": environ.get("STORAGE_S3_PREFIX", "originals"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


if os.environ.get("STORAGE_S3_BUCKET"):
    STORAGES["default"] = s3_storage(os.environ)
# PDF copies of generated .docx files: LibreOffice (soffice) when installed, else 404 not_available.
SOFFICE_PATH = os.environ.get("SOFFICE_PATH", "")  # default: soffice / libreoffice on PATH
PDF_TIMEOUT_SECONDS = int(os.environ.get("PDF_TIMEOUT_SECONDS", "20"))  # under gunicorn's 30 s timeout
