"""What the console needs from its home and the guard: a secret key, https cookies, small bodies."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from publisher.home import Home
from publisher.web.guard import RequestGuard

from ..servekit import GONGKAI, free_port, run

if TYPE_CHECKING:
    from pathlib import Path

_SETTINGS = (
    "import json, publisher.settings as s; print(json.dumps({'key': s.SECRET_KEY, "
    "'secure': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, "
    "'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'age': s.SESSION_COOKIE_AGE, "
    "'origins': getattr(s, 'CSRF_TRUSTED_ORIGINS', [])}))"
)


def settings_of(home: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _SETTINGS],
        env={**os.environ, "GONGKAI_HOME": str(home)},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def test_init_writes_one_private_secret_key_that_settings_read(tmp_path):
    home = tmp_path / "H"
    run("init", "--home", str(home))
    key = home / "secret_key"

    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first, second = settings_of(home), settings_of(home)
    assert first["key"] == second["key"] == key.read_text().strip()
    assert (first["secure"], first["csrf"], first["hsts"]) == (False, False, 0)
    assert first["age"] == 30 * 60
    assert not Home(home).secret_key_ensure()  # never rewritten
    assert key.read_text().strip() == first["key"]


def test_an_https_public_url_makes_cookies_secure_with_hsts_and_idle_time_is_configurable(tmp_path):
    home = tmp_path / "H"
    run("init", "--home", str(home))
    config = home / "gongkai.toml"
    text = config.read_text().replace(
        'public_url = "http://127.0.0.1:8700"', 'public_url = "https://gongkai.example.gov.cn"'
    )
    config.write_text(text + "\n[console]\nidle_minutes = 20\n")

    found = settings_of(home)

    assert (found["secure"], found["csrf"]) == (True, True)
    assert found["hsts"] == 365 * 24 * 3600
    assert found["origins"] == ["https://gongkai.example.gov.cn"]
    assert found["age"] == 20 * 60


@pytest.mark.slow
def test_serve_gives_a_home_from_before_the_console_its_key(tmp_path):
    home = tmp_path / "H"
    run("init", "--home", str(home))
    (home / "secret_key").unlink()
    port = free_port()

    served = subprocess.run(
        [GONGKAI, "serve", "--home", str(home), "--port", str(port), "--no-sync", "--for", "2"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert served.returncode == 0, served.stderr
    assert "wrote a new secret key" in served.stdout
    assert f"staff console: http://127.0.0.1:{port}/staff/" in served.stdout
    assert stat.S_IMODE((home / "secret_key").stat().st_mode) == 0o600


@pytest.mark.django_db
def test_the_guard_refuses_a_large_login_body_unread():
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    guard = RequestGuard(app, hosts={"127.0.0.1"})
    sent = []

    async def receive():
        raise AssertionError("the body was read")

    async def send(message):
        sent.append(message)

    for path, length, expected in [
        (reverse("console:login"), 10_000, 413),
        (reverse("console:decide", args=[1]), 100_000, 413),
        (reverse("console:queue"), 10, 405),  # a page that takes no POST
    ]:
        sent.clear()
        scope = {
            "type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
            "query_string": b"", "client": ("127.0.0.9", 5000),
            "headers": [(b"host", b"127.0.0.1"), (b"content-length", str(length).encode())],
        }  # fmt: skip
        asyncio.run(guard(scope, receive, send))
        assert sent[0]["status"] == expected, path
    assert reached == []
