"""Settings read from the environment, with safe embedded defaults (SQLite, local memory)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_SECRET_KEY = "plaza-insecure-development-key-change-me"  # noqa: S105 - refused by production


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
# A separate key for census hashes, so rotating SECRET_KEY never orphans the census.
CENSUS_HASH_KEY = os.environ.get("CENSUS_HASH_KEY", SECRET_KEY)
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "plaza.core.apps.PlazaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Before allauth, so that core's templates (allauth/layouts/…, allauth/elements/…) override allauth's.
    "plaza.core",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "plaza.pages",
    "plaza.proposals",
    "plaza.data",
    "plaza.votes",
    "plaza.budgets",
    "plaza.reports",
    "plaza.accountability",
    # After Plaza's apps: its templates and static files serve the API docs without a CDN.
    "ninja",
]

MIDDLEWARE = [
    "plaza.core.server_timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Hot API writes (a ballot) answered without the rest of the stack; see plaza/core/api/lean.py.
    "plaza.core.api.lean.LeanWriteMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "plaza.core.tenancy.JurisdictionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "plaza.core.i18n.JurisdictionLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "plaza.core.form_status.RefusedFormStatusMiddleware",
]

# Server-Timing on every response (plaza/core/server_timing.py): on in development, asked for in production.
PLAZA_SERVER_TIMING = env_bool("PLAZA_SERVER_TIMING", DEBUG)

ROOT_URLCONF = "plaza.urls"
WSGI_APPLICATION = "plaza.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Core's templates first, so its allauth/, account/ and mfa/ overrides win over allauth's own.
        "DIRS": [BASE_DIR / "plaza" / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plaza.core.context_processors.plaza",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'plaza.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        " PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = (
        {"NAME": os.environ.get("SQLITE_TEST_NAME")} if os.environ.get("SQLITE_TEST_NAME") else {}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "plaza.core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs: "inline" runs them in-process after commit (embedded default),
# "celery" hands them to Celery workers on REDIS_URL (production).
PLAZA_JOB_BACKEND = os.environ.get("PLAZA_JOB_BACKEND", "celery" if REDIS_URL else "inline")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("PLAZA_CELERY_QUEUE", "celery")
# A running job beats every PLAZA_JOB_HEARTBEAT_SECONDS; one silent for PLAZA_JOB_STALE_SECONDS
# is taken for dead (its worker was killed) and queued again.
PLAZA_JOB_HEARTBEAT_SECONDS = float(os.environ.get("PLAZA_JOB_HEARTBEAT_SECONDS", "15"))
PLAZA_JOB_STALE_SECONDS = float(os.environ.get("PLAZA_JOB_STALE_SECONDS", "120"))
PLAZA_JOB_PROGRESS_SECONDS = float(os.environ.get("PLAZA_JOB_PROGRESS_SECONDS", "1"))

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
if env_bool("PLAZA_TESTING", False):
    ACCOUNT_RATE_LIMITS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
LOGIN_REDIRECT_URL = "/account/"
LOGIN_URL = "/accounts/login/"

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Plaza <plaza@localhost>")

# Text messages (plaza/core/sms.py): empty sends none, and pages don't offer them. The demo prints them.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "plaza.core.sms.ConsoleBackend" if DEBUG else "")
SMS_FROM = os.environ.get("SMS_FROM", "")
SMS_TIMEOUT = float(os.environ.get("SMS_TIMEOUT", "10"))
SMS_TWILIO_API_URL = os.environ.get("SMS_TWILIO_API_URL", "https://api.twilio.com")
SMS_TWILIO_ACCOUNT_SID = os.environ.get("SMS_TWILIO_ACCOUNT_SID", "")
SMS_TWILIO_AUTH_TOKEN = os.environ.get("SMS_TWILIO_AUTH_TOKEN", "")
SMS_TWILIO_MESSAGING_SERVICE_SID = os.environ.get("SMS_TWILIO_MESSAGING_SERVICE_SID", "")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("fr", _("French")), ("pt", _("Portuguese"))]
LOCALE_PATHS = [BASE_DIR / "plaza" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Files no visitor may fetch directly (a report photo's original, with its EXIF location): outside MEDIA_ROOT,
# never served by the web server, read only through permission-checked views (plaza.core.private_files).
PLAZA_PRIVATE_MEDIA_ROOT = Path(os.environ.get("PLAZA_PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The public address of this Plaza, for links in e-mails and feeds.
PLAZA_SITE_URL = os.environ.get("PLAZA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Local copies of the standards and real data used by tests (never the network).
PLAZA_SHARED_DIR = Path(os.environ.get("PLAZA_SHARED_DIR", BASE_DIR.parent / "shared"))

# How many reverse proxies of ours stand in front of Plaza (each appends to X-Forwarded-For).
PLAZA_TRUSTED_PROXY_COUNT = int(os.environ.get("PLAZA_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = PLAZA_TRUSTED_PROXY_COUNT

# The lean write path's few hot statements are prepared once per connection on PostgreSQL
# (plaza/core/prepared.py); 0 behind a connection pooler that cannot keep prepared statements.
PLAZA_PREPARED_STATEMENTS = env_bool("PLAZA_PREPARED_STATEMENTS", True)

# API throttling: requests per minute per token or address.
PLAZA_API_RATE = os.environ.get("PLAZA_API_RATE", "600/m")
PLAZA_ATTACHMENT_MAX_BYTES = int(os.environ.get("PLAZA_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# Map tiles, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png": the one thing a page may load from
# outside, and only when set. Empty: maps draw their points on a plain background (plaza.core.geo).
PLAZA_MAP_TILES = os.environ.get("PLAZA_MAP_TILES", "")
PLAZA_MAP_ATTRIBUTION = os.environ.get("PLAZA_MAP_ATTRIBUTION", "© OpenStreetMap contributors")
# Geocoding typed addresses: each jurisdiction's gazetteer first, then a Nominatim server when its URL is set
# (empty: the gazetteer only). Nominatim's usage policy asks for a user agent that names the deployment.
PLAZA_NOMINATIM_URL = os.environ.get("PLAZA_NOMINATIM_URL", "")
PLAZA_NOMINATIM_USER_AGENT = os.environ.get("PLAZA_NOMINATIM_USER_AGENT", "Plaza geocoder")
PLAZA_NOMINATIM_TIMEOUT = float(os.environ.get("PLAZA_NOMINATIM_TIMEOUT", "5"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "plaza.core.logging.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
