"""Production profile: refuses to start with the default secret, DEBUG on, or settings that would lose work."""

import os

from django.core.exceptions import ImproperlyConfigured

from plaza.settings import *  # noqa: F403
from plaza.settings import DEFAULT_SECRET_KEY, env_bool

DEBUG = env_bool("DEBUG", False)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "")
PLAZA_SERVER_TIMING = env_bool("PLAZA_SERVER_TIMING", False)

if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:  # noqa: F405
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value before running in production.")
if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production.")
if ALLOWED_HOSTS in (["*"], []):  # noqa: F405
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names in production.")
if "127.0.0.1" in PLAZA_SITE_URL or "localhost" in PLAZA_SITE_URL:  # noqa: F405
    raise ImproperlyConfigured("Set PLAZA_SITE_URL to the public address (links in e-mails use it).")
if SMS_BACKEND in ("plaza.core.sms.ConsoleBackend", "plaza.core.sms.LocmemBackend"):
    raise ImproperlyConfigured("SMS_BACKEND: the console and locmem backends would put one-time codes in logs.")
if PLAZA_JOB_BACKEND == "celery" and not REDIS_URL:  # noqa: F405
    raise ImproperlyConfigured("PLAZA_JOB_BACKEND=celery needs REDIS_URL: no worker would ever see the jobs.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
