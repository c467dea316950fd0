"""Django settings for the publisher, built from the home's ``gongkai.toml``.

The home comes from ``$GONGKAI_HOME`` (``publisher.django_setup`` sets it from
``--home``). The database is SQLite in WAL mode in the home unless the config
gives a PostgreSQL URL.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from content.county_time import COUNTY_TZ_NAME
from publisher.home import resolve_home
from publisher.tomlfile import ConfigError

_HOME = resolve_home(None)
_LOOPBACK = ["127.0.0.1", "localhost", "[::1]"]


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
# Only signs sessions of the (later) staff UI; a fresh one per process is safe until then.
SECRET_KEY = secrets.token_urlsafe(48)
DEBUG = False
# The same names the request guard answers (publisher.web.guard checks them first).
ALLOWED_HOSTS = _allowed_hosts()
INSTALLED_APPS = ["django.contrib.contenttypes", "publisher.store", "publisher.applications"]
ROOT_URLCONF = "publisher.web.urls"
MIDDLEWARE: list[str] = []
DATABASES = {"default": _database(_database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = COUNTY_TZ_NAME
LANGUAGE_CODE = "zh-hans"
USE_I18N = False
LOGGING_CONFIG = None
