"""Settings driven by environment variables.

Every variable defaults to the embedded choice (SQLite file, tasks inline after commit, e-mail to files,
no other server) so that a fresh clone runs with no configuration; production switches by environment only.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean the way operators write them ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("INSIDETRACK_DATA_DIR", Path.cwd() / "var")).resolve()
# The embedded default keeps its database, mail and collected static files here; create it so a fresh clone runs.
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("INSIDETRACK_DEBUG", False)
# The embedded default must run without configuration, so it gets a fixed development key; a production deployment
# sets SECRET_KEY and the check below refuses to start with the development key when DEBUG is off and
# INSIDETRACK_PRODUCTION is set.
SECRET_KEY = os.environ.get("SECRET_KEY", "insidetrack-embedded-development-key-change-me-in-production")
if env_bool("INSIDETRACK_PRODUCTION", False) and SECRET_KEY.startswith("insidetrack-embedded"):
    raise RuntimeError("SECRET_KEY must be set when INSIDETRACK_PRODUCTION is on")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

BRAND_NAME = os.environ.get("INSIDETRACK_BRAND_NAME", "Aurelia Motors")
# Where owners reach the survey pages: links in invitations are built on it.
INSIDETRACK_BASE_URL = os.environ.get("INSIDETRACK_BASE_URL", "http://127.0.0.1:8000")
# SMS goes through a pluggable backend: files in the embedded default, a provider's class in production.
INSIDETRACK_SMS_BACKEND = os.environ.get("INSIDETRACK_SMS_BACKEND", "insidetrack.surveys.messaging.FileSmsBackend")
# Fingerprints (network and device) are stored as keyed hashes so integrity analysis can compare them without the
# database ever holding an IP address or a device identifier.
FINGERPRINT_KEY = os.environ.get("INSIDETRACK_FINGERPRINT_KEY", SECRET_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "anymail",
    "insidetrack.core",
    "insidetrack.accounts",
    "insidetrack.network",
    "insidetrack.customers",
    "insidetrack.journeys",
    "insidetrack.surveys",
    "insidetrack.cases",
    "insidetrack.verbatims",
    "insidetrack.analytics",
    "insidetrack.integrity",
    "insidetrack.connected",
    "insidetrack.privacy",
    "insidetrack.portal",
    "insidetrack.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "insidetrack.accounts.middleware.ActorMiddleware",
]

ROOT_URLCONF = "insidetrack.urls"
WSGI_APPLICATION = "insidetrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "insidetrack.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'insidetrack.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the scheduler loop and web requests read while a write is in flight; IMMEDIATE transactions avoid
    # the "database is locked" upgrade deadlock when two writers start together.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["insidetrack.formats"]  # day month year in English; "24. November" in German
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "insidetrack.core.staticfinders.PackageFileFinder",  # plotly's JavaScript, from the plotly package
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files are served by the app itself (WhiteNoise) so the embedded default needs no web server; finders
# keep working without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Inside Track <no-reply@insidetrack.local>")
# An e-mail provider through django-anymail: EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend plus its settings
# as ANYMAIL_<NAME> variables (e.g. ANYMAIL_MAILGUN_API_KEY, ANYMAIL_WEBHOOK_SECRET). Its delivery webhooks at
# /anymail/<provider>/tracking/ mark bounced addresses so nobody is surveyed there again.
ANYMAIL = {key.removeprefix("ANYMAIL_"): value for key, value in os.environ.items() if key.startswith("ANYMAIL_")}

# Celery: with no broker configured, tasks run inline (eagerly) once the transaction commits.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Embedded default: the app's own scheduler loop runs the sweeps; production: Celery beat (see insidetrack/celery.py).
SCHEDULER_ENABLED = env_bool("INSIDETRACK_SCHEDULER", True)

# A shared cache for counters several web processes must agree on (sign-in link rate limits): Redis in production
# (CACHE_URL or REDIS_URL, e.g. redis://cache:6379/1), a per-process memory cache in the embedded default.
_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "insidetrack"},
}

# Owners sign in with a one-time link by e-mail: how long a link works, and how many links may be asked for per
# e-mail address and per client IP address within the window (seconds) before the form says "try again later".
SIGN_IN_LINK_LIFETIME_MINUTES = int(os.environ.get("INSIDETRACK_SIGN_IN_LINK_LIFETIME_MINUTES", "15"))
SIGN_IN_LINK_LIMIT_PER_EMAIL = int(os.environ.get("INSIDETRACK_SIGN_IN_LINK_LIMIT_PER_EMAIL", "5"))
SIGN_IN_LINK_LIMIT_PER_IP = int(os.environ.get("INSIDETRACK_SIGN_IN_LINK_LIMIT_PER_IP", "20"))
SIGN_IN_LINK_LIMIT_WINDOW = int(os.environ.get("INSIDETRACK_SIGN_IN_LINK_LIMIT_WINDOW", "3600"))
# Behind a reverse proxy the client's address is in a header the proxy sets (e.g. HTTP_X_FORWARDED_FOR; its last
# entry is the one the proxy added); empty means REMOTE_ADDR, the right choice when nothing sits in front.
CLIENT_IP_HEADER = os.environ.get("INSIDETRACK_CLIENT_IP_HEADER", "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
