"""Production profile: refuses to start with the default secret or with DEBUG on."""

import os

from django.core.exceptions import ImproperlyConfigured

from plaza.settings import *  # noqa: F403
from plaza.settings import DEFAULT_SECRET_KEY, env_bool

DEBUG = env_bool("DEBUG", False)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:  # noqa: F405
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value before running in production.")
if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be off in production.")
if ALLOWED_HOSTS == ["*"]:  # noqa: F405
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names in production.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
