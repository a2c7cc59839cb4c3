"""Settings for the DVCTT portal, read from the environment.

Development (the default) needs nothing set: SQLite in the project folder, DEBUG on.
Production sets DJANGO_PROFILE=production, which requires SECRET_KEY, DATABASE_URL and
ALLOWED_HOSTS and turns on every secure-transport setting; a missing or malformed value
stops start-up with a clear message.
"""

from pathlib import Path
import os

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more, got {value}")
    return value


def env_required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the production profile")
    return value


PROFILE = os.environ.get("DJANGO_PROFILE", "development").strip().lower()
if PROFILE not in ("development", "production"):
    raise ImproperlyConfigured(f"DJANGO_PROFILE must be development or production, got {PROFILE!r}")
PRODUCTION = PROFILE == "production"

if PRODUCTION:
    SECRET_KEY = env_required("SECRET_KEY")
    DEBUG = env_bool("DEBUG", False)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the production profile")
    DATABASES = {
        "default": dj_database_url.parse(
            env_required("DATABASE_URL"), conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600)
        )
    }
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"
    DEBUG = env_bool("DEBUG", True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        )
    }

# A kept connection is tested before each request reuses it, so a database restart or failover
# costs a reconnection, not a 500 from every worker.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Serialise writers instead of failing with "database is locked" under concurrent saves.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "dvctt_portal.axes_app.AxesConfig",  # django-axes, named in Vietnamese
    "units",
    "submissions",
    "targets",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "units.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view or process_view (CSRF's reads the form) touches the body.
    "units.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "units.middleware.ContentSecurityPolicyMiddleware",
    "units.middleware.BusyDatabaseMiddleware",
    "units.middleware.PrivateResponsesMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Reverse proxies in front of the portal that append the client's address to X-Forwarded-For
# (0: the portal faces the network directly and ignores the header). units.network.client_address.
DVCTT_TRUSTED_PROXIES = env_int("DVCTT_TRUSTED_PROXIES", 0)

# Login throttling (django-axes): after 5 failures for one username from one address, that
# pair waits 15 minutes; others (and the same person from another computer) may still log in.
# The lock-out page is in Vietnamese.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "units.network.client_address"

# Every asset is served by the portal itself: nothing external, no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

ROOT_URLCONF = "dvctt_portal.urls"
WSGI_APPLICATION = "dvctt_portal.wsgi.application"

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
                "units.context_processors.person",
            ],
        },
    },
]

# Django's renderer, with selects and inputs written in Python (issue 20; dvctt_portal/forms_renderer.py).
FORM_RENDERER = "dvctt_portal.forms_renderer.PortalFormRenderer"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Spreadsheet uploads: anything larger is refused before it is parsed.
DVCTT_MAX_UPLOAD_BYTES = env_int("DVCTT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
# A whole request body: the largest upload and its form. Larger ones are answered 413 before any
# of the body is read (units.middleware.RequestBodyLimitMiddleware); an upload within the limit
# stays in memory, never in a temporary file.
DVCTT_MAX_REQUEST_BYTES = DVCTT_MAX_UPLOAD_BYTES + 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DVCTT_MAX_REQUEST_BYTES
# A one-stop system's dossier list: a province's year is hundreds of thousands of rows (an .xlsx
# of 500,000 rows is ~30 MB). Only the dossier upload page takes this much; the file goes to a
# temporary file, then to DVCTT_UPLOAD_DIR until its background job has imported it.
DVCTT_MAX_DOSSIER_UPLOAD_BYTES = env_int("DVCTT_MAX_DOSSIER_UPLOAD_BYTES", 200 * 1024 * 1024)
DVCTT_UPLOAD_DIR = Path(os.environ.get("DVCTT_UPLOAD_DIR") or BASE_DIR / "var" / "uploads")

# Background jobs (django-tasks, the backport of Django 6's django.tasks): inline by default, so
# the embedded portal needs no server; TASKS_BACKEND=database queues them in the portal's own
# database (django-tasks-db), run by `python manage.py db_worker` (see the README).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "inline")
if TASKS_BACKEND not in ("inline", "database"):
    raise ImproperlyConfigured("TASKS_BACKEND is inline or database")
if TASKS_BACKEND == "database" and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A job's import is one transaction: on SQLite it would hold the only writer for minutes.
    raise ImproperlyConfigured("TASKS_BACKEND=database needs PostgreSQL (DATABASE_URL=postgres://…)")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend" if TASKS_BACKEND == "database"
                     else "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # a form's fields without its files (the grid is ~20 KB)
CSRF_FAILURE_VIEW = "units.views.csrf_failure"
# Whether unit heads may enter their own unit's counts (off: they see their grid read-only).
DVCTT_UNIT_HEADS_MAY_ENTER = env_bool("DVCTT_UNIT_HEADS_MAY_ENTER", False)

# E-mail (reminders): one EMAIL_URL (smtp://user:password@host:587/?tls=True, smtps://…:465,
# console:) or Django's usual EMAIL_* variables; without either, development prints mail to the
# console and production sends through an SMTP server on localhost.
_email_url = os.environ.get("EMAIL_URL", "").strip()
if _email_url:
    globals().update({key: value for key, value in dj_email_url.parse(_email_url).items() if value not in (None, "")})
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND",
        "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
    )
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cổng theo dõi DVCTT <dvctt@localhost>")
# The portal's address as people reach it, for the links in e-mails.
DVCTT_PORTAL_URL = os.environ.get("DVCTT_PORTAL_URL", "http://127.0.0.1:8000").strip().rstrip("/")

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
