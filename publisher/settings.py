"""Django settings for the publisher, built from the home's ``gongkai.toml``.

The home comes from ``$GONGKAI_HOME`` (``publisher.django_setup`` sets it from
``--home``). The database is SQLite in WAL mode in the home unless the config
gives a PostgreSQL URL.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import dj_database_url

from content.county_time import COUNTY_TZ_NAME
from publisher.home import resolve_home
from publisher.tomlfile import ConfigError

if TYPE_CHECKING:
    from publisher.config import Config

_HOME = resolve_home(None)
_LOOPBACK = ["127.0.0.1", "localhost", "[::1]"]


def _config() -> Config | None:
    try:
        return _HOME.config() if _HOME.exists() else None
    except ConfigError:
        return None  # the CLI reports the config error itself


def _database_url() -> str:
    try:
        return _HOME.config().database.url if _HOME.exists() else "sqlite:///db.sqlite3"
    except ConfigError:
        return "sqlite:///db.sqlite3"  # the CLI reports the config error itself


def _allowed_hosts() -> list[str]:
    try:
        return sorted(_HOME.config().served_hosts()) if _HOME.exists() else _LOOPBACK
    except ConfigError:
        return _LOOPBACK


def _database(url: str) -> dict[str, object]:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = f"sqlite:///{_HOME.root / url.removeprefix('sqlite:///')}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # WAL lets the scheduler write while the web UI reads; IMMEDIATE avoids
            # deadlocking upgrades from read to write locks; busy_timeout waits.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


BASE_DIR = Path(__file__).resolve().parent
_CONFIG = _config()
_PUBLIC_URL = _CONFIG.publisher.public_url if _CONFIG else "http://127.0.0.1:8700"
_HTTPS = urlsplit(_PUBLIC_URL).scheme == "https"
# One key per home (`gongkai init` writes it, `serve` on an older home too), so
# sessions survive restarts and agree across workers. Without a home (tests, a
# command before init) a fresh one per process signs nothing that lasts.
SECRET_KEY = _HOME.secret_key() or secrets.token_urlsafe(48)
DEBUG = False
# The same names the request guard answers (publisher.web.guard checks them first).
ALLOWED_HOSTS = _allowed_hosts()
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "publisher.store",
    "publisher.console",
    "publisher.applications",
]
ROOT_URLCONF = "publisher.web.urls"
# Every one of these is async-capable, so the repository, pokes and device API
# stay async views (a sync-only middleware would put each request on a thread).
MIDDLEWARE: list[str] = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "publisher.console.middleware.ConsoleHeaders",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "publisher.console.access.console_context",
            ],
        },
    }
]
DATABASES = {"default": _database(_database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = COUNTY_TZ_NAME
LANGUAGE_CODE = "zh-hans"
USE_I18N = True  # Django's own messages (password validators, forms) in Chinese
LOGGING_CONFIG = None

# --- the staff console (publisher.console) -------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login first
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "publisher.console.passwords.ChineseMinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
# Idle expiry: the cookie's age is renewed by every request, so it runs out only
# after ``[console] idle_minutes`` without one.
SESSION_COOKIE_AGE = (_CONFIG.console.idle_minutes if _CONFIG else 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_PATH = "/staff/"
CSRF_COOKIE_PATH = "/staff/"
SESSION_COOKIE_NAME = "gongkai_session"
CSRF_COOKIE_NAME = "gongkai_csrf"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _HTTPS
if _HTTPS:
    # Behind nginx with TLS: the proxy says the request came over https.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    CSRF_TRUSTED_ORIGINS = [f"https://{urlsplit(_PUBLIC_URL).netloc}"]
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
STATIC_URL = "/staff/static/"
STATIC_ROOT = _HOME.static
# Hashed names (console.3f2a….css) so the static view can serve them immutable.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "console/locked.html"
AXES_VERBOSE = False
#: What the console shows of the configuration (tests override these).
GONGKAI_TOWNS: dict[str, str] = {t.id: t.name for t in _CONFIG.towns} if _CONFIG else {}
GONGKAI_REVIEW_LIMITS: tuple[float, float] = (
    (_CONFIG.review.max_rewrite_share, _CONFIG.review.max_removal_share) if _CONFIG else (0.5, 0.2)
)
GONGKAI_PUBLIC_URL = _PUBLIC_URL
#: Seconds a login waits for a free password check (publisher.console.views.auth).
GONGKAI_LOGIN_WAIT = 5.0
#: The register as the console uses it (publisher.console.views.applications).
GONGKAI_PUBLISHER_NAME = _CONFIG.publisher.name if _CONFIG else "gongkai"
GONGKAI_NUMBER_PATTERN = (
    _CONFIG.applications.number_pattern if _CONFIG else "依申〔{year}〕{serial}号"
)
GONGKAI_DEFAULT_AGENCY = _CONFIG.applications.default_agency if _CONFIG else "县人民政府办公室"
#: The office's ``[calendar]`` overrides (a CalendarSection), None for the library's alone.
GONGKAI_CALENDAR = _CONFIG.calendar if _CONFIG else None
#: The day deadlines are counted as of: None is the county's today (tests pin a day).
GONGKAI_TODAY = None
