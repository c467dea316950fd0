"""The store's database comes from one URL: SQLite in WAL mode, or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from publisher import settings


def test_sqlite_in_the_home_in_wal_mode():
    config = settings._database("sqlite:///db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(str(config["NAME"])).name == "db.sqlite3"
    assert Path(str(config["NAME"])).is_absolute()
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgresql_from_a_url():
    config = settings._database("postgresql://gongkai:secret@db.example:5433/gongkai")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"]) == ("gongkai", "db.example", 5433)
    assert "OPTIONS" not in config or "init_command" not in config["OPTIONS"]
