"""Heartbeats against the real publisher (``gongkai serve``) and a recording mirror."""

from __future__ import annotations

import shutil
from importlib import metadata

from kiosk.agent import state_load

from .repokit import TOKEN


def test_the_applied_version_shows_in_the_device_list(publisher, new_home, agent_cli):
    home = new_home()

    done = agent_cli(publisher.url, home, token=publisher.token)

    assert done.returncode == 0, done.stderr
    state = state_load(home / "state.json")
    row = publisher.devices()["hall-1"]
    assert row["applied_version"] == state.applied_version >= 2
    assert row["last_refresh_ok"] is True
    assert row["last_error"] is None
    assert row["last_seen_at"]
    assert row["disk_free"] > 0
    assert row["uptime"] > 0
    assert row["app_version"] == metadata.version("gongkai")
    assert row["behind"] is False


def test_a_revoked_token_is_refused_and_the_agent_carries_on(publisher, new_home, agent_cli):
    token = publisher.device_add("hall-revoked")
    publisher.run("device", "revoke", "hall-revoked")
    home = new_home()

    done = agent_cli(publisher.url, home, token=token)

    assert done.returncode == 0, done.stderr  # the refresh itself went through
    assert "heartbeat refused (401)" in done.stderr
    assert (home / "active").is_symlink()
    row = publisher.devices()["hall-revoked"]
    assert row["applied_version"] is None
    assert row["last_seen_at"] is None


def test_a_failed_refresh_goes_into_the_next_heartbeat(
    repo_server, new_home, make_agent, publisher
):
    server = repo_server("v1")
    agent = make_agent(server.url, new_home(), token=TOKEN)
    agent.run_once()
    server.folder = server.folder.with_name("repo-v2-bad")
    shutil.copytree(publisher.repo_v2, server.folder)
    for path in (server.folder / "objects").rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes() + b"!")  # every object damaged
    server.reset()

    report = agent.run_once()

    assert report.result == "failed"
    [beat] = server.heartbeats
    [request] = server.requests("/api/devices/heartbeat")
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert beat["applied_version"] == 1
    assert beat["last_refresh_ok"] is False
    assert beat["last_error"].startswith("verification: ")
    assert beat["last_refresh_at"].endswith("+00:00")


def test_heartbeats_never_break_a_refresh(repo_server, new_home, make_agent):
    server = repo_server("v1")
    agent = make_agent(server.url, new_home(), token=TOKEN)
    assert agent.run_once().result == "activated"
    assert len(server.heartbeats) == 1  # the mirror stands in for the publisher (204)
    server.stop()
    assert agent.heartbeat() == "failed"  # logged, not raised
