"""Django settings for Lindung, read from the environment (safe by default).

LINDUNG_DATA_DIR   data folder (SQLite file, uploads, secret key); default ./var
DATABASE_URL       postgresql://… selects PostgreSQL; default SQLite in the data folder (WAL mode)
DATABASE_REPLICA_URLS  comma-separated postgresql://… streaming replicas for report and list reads
LINDUNG_PGBOUNCER  1 when DATABASE_URL points at PgBouncer in transaction mode
LINDUNG_DEBUG      1 to turn DEBUG on (off by default)
LINDUNG_ALLOWED_HOSTS  comma-separated; default 127.0.0.1,localhost
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# Personal data at rest (UU PDP): every file this process creates (the SQLite database and its WAL, uploads, error
# files, claim documents, backups, exports) is readable by its owner only: files 0600, folders 0700.
os.umask(0o077)
DATA_DIR = Path(os.environ.get("LINDUNG_DATA_DIR") or Path.cwd() / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)


def _secret_key() -> str:
    env = os.environ.get("LINDUNG_SECRET_KEY")
    if env:
        return env
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("LINDUNG_DEBUG")
# As the README says; Django's test tools add "testserver" themselves.
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("LINDUNG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(
        ","
    )
    if host.strip()
]

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
    "axes",
    "django_tasks",
    "django_tasks_db",
    "lindung.common",
    "lindung.regions",
    "lindung.accounts",
    "lindung.participants",
    "lindung.imports",
    "lindung.contributions",
    "lindung.claims",
    "lindung.agreements",
    "lindung.branches",
    "lindung.reports",
    "lindung.reconciliation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages and API answers compressed (a national page is mostly repeated table markup).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindung.common.middleware.DefaultIndonesianLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lindung.common.middleware.SecurityHeadersMiddleware",
    # Reads of reports and lists from a replica (inert without DATABASE_REPLICA_URLS).
    "lindung.common.dbrouting.ReplicaMiddleware",
    # Last, as django-axes asks: login throttling.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lindung.urls"
WSGI_APPLICATION = "lindung.wsgi.application"

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
            ],
        },
    },
]


def _databases() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        max_age = envint("LINDUNG_CONN_MAX_AGE", 60)
        databases = {"default": dj_database_url.parse(url, conn_max_age=max_age)}
        # Read replicas (PostgreSQL only): replica1, replica2, … for lindung.common.dbrouting; never migrated or
        # created by the test runner (a mirror of default there).
        replicas = os.environ.get("DATABASE_REPLICA_URLS", "")
        if databases["default"]["ENGINE"] == "django.db.backends.postgresql":
            for n, replica_url in enumerate(
                [u.strip() for u in replicas.split(",") if u.strip()], start=1
            ):
                replica = dj_database_url.parse(replica_url, conn_max_age=max_age)
                replica.setdefault("OPTIONS", {}).setdefault(
                    "connect_timeout", envint("LINDUNG_REPLICA_CONNECT_TIMEOUT", 2)
                )
                replica["TEST"] = {"MIRROR": "default"}
                databases[f"replica{n}"] = replica
        # PgBouncer in transaction mode: no WITH HOLD cursors (a server-side cursor outlives its transaction).
        if envbool("LINDUNG_PGBOUNCER"):
            for alias in databases.values():
                alias["DISABLE_SERVER_SIDE_CURSORS"] = True
        return databases
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("LINDUNG_SQLITE_PATH")
            or str(DATA_DIR / "lindung.sqlite3"),
            "OPTIONS": {
                # WAL lets readers go on while an import or billing run writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }


DATABASES = _databases()
# Read replicas and PgBouncer: docs/deployment.md. The router and its middleware are inert without replicas.
LINDUNG_REPLICAS = [alias for alias in DATABASES if alias.startswith("replica")]
LINDUNG_REPLICA_PIN_SECONDS = envint("LINDUNG_REPLICA_PIN_SECONDS", 10)
LINDUNG_REPLICA_MAX_LAG_SECONDS = envint("LINDUNG_REPLICA_MAX_LAG_SECONDS", 30)
LINDUNG_REPLICA_CHECK_SECONDS = envint("LINDUNG_REPLICA_CHECK_SECONDS", 5)
LINDUNG_PGBOUNCER = envbool("LINDUNG_PGBOUNCER")
DATABASE_ROUTERS = ["lindung.common.dbrouting.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every gunicorn worker on this machine; reports are cached per data version (see reports.services).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "LINDUNG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: 5 failures for one username from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = envint("LINDUNG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LINDUNG_MAX_UPLOAD_BYTES = envint("LINDUNG_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# Retention (UU PDP: personal data kept no longer than needed): uploaded sheets and import error files are deleted
# this many days after the import; a preview never started is deleted after a day. The daily job does it.
LINDUNG_FILE_RETENTION_DAYS = envint("LINDUNG_FILE_RETENTION_DAYS", 90)

# Hardening: cookies and headers; HTTPS-only cookies when served behind TLS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("LINDUNG_HTTPS")
CSRF_COOKIE_SECURE = envbool("LINDUNG_HTTPS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if envbool("LINDUNG_HTTPS"):
    # Behind TLS (a reverse proxy sets X-Forwarded-Proto): HSTS for a year, and plain HTTP redirected.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = envint("LINDUNG_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_AGE = 8 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "lindung.common.logs.OneLineRefusals"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["one_line_refusals"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("LINDUNG_LOG_LEVEL", "WARNING"),
    },
}
