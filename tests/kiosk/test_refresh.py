"""Refresh and activation through the CLI against a static copy of the repository."""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
from datetime import UTC, datetime, timedelta

from kiosk.agent import AgentHome, ObjectStore, state_load, verify_release

from .repokit import link, release_objects


def _target_sha(repo, channel="county"):
    targets = json.loads((repo / "metadata" / "targets.json").read_text())
    return targets["signed"]["targets"][f"channels/{channel}/manifest.json"]["hashes"]["sha256"]


def test_the_first_run_activates_a_complete_release(repo_server, new_home, agent_cli):
    server = repo_server("v1")
    home = new_home()

    done = agent_cli(server.url, home)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("activated v1 ")
    active = home / "active"
    assert active.is_symlink()
    assert link(active) == f"releases/1-{_target_sha(server.folder)[:12]}"
    release = verify_release(active.resolve())
    assert release.manifest_sha256 == _target_sha(server.folder)
    expected = release_objects(server.folder)
    for sha, data in expected.items():
        held = (active / "objects" / sha[:2] / sha).read_bytes()
        assert hashlib.sha256(held).hexdigest() == sha
        assert held == data
    assert server.objects_served() == len(expected)
    state = state_load(home / "state.json")
    assert state.applied_version == 1
    assert state.last_result == "activated"
    assert state.last_success_at is not None
    assert state.downloaded_objects == len(expected) + 1  # and the manifest


def test_a_second_run_is_already_current_and_downloads_nothing(repo_server, new_home, agent_cli):
    server = repo_server("v1")
    home = new_home()
    assert agent_cli(server.url, home).returncode == 0
    mtimes = {p: p.stat().st_mtime_ns for p in (home / "objects").rglob("*") if p.is_file()}
    server.reset()

    done = agent_cli(server.url, home)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("already current: v1 ")
    assert server.requests("/repo/objects/") == []
    assert server.requests("/repo/targets/") == []
    # ngclient probes for a newer root and reads timestamp.json; nothing else changed.
    assert {s.path for s in server.requests("/repo/")} == {
        "/repo/metadata/2.root.json",
        "/repo/metadata/timestamp.json",
    }
    assert mtimes == {p: p.stat().st_mtime_ns for p in (home / "objects").rglob("*") if p.is_file()}
    assert state_load(home / "state.json").last_result == "current"


def test_an_update_downloads_only_the_changed_objects(repo_server, new_home, agent_cli, publisher):
    server = repo_server("v1")
    home = new_home()
    assert agent_cli(server.url, home).returncode == 0
    first = link(home / "active")
    server.folder = server.folder.with_name("repo-v2-swapped")
    shutil.copytree(publisher.repo_v2, server.folder)
    server.reset()

    done = agent_cli(server.url, home)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("activated v2 ")
    old, new = release_objects(publisher.repo_v1), release_objects(publisher.repo_v2)
    changed = set(new) - set(old)
    assert 0 < len(changed) < 20
    served = [s.path.rsplit("/", 1)[-1] for s in server.requests("/repo/objects/")]
    assert sorted(served) == sorted(changed)
    assert len(server.requests("/repo/targets/")) == 1
    state = state_load(home / "state.json")
    assert state.downloaded_objects == len(changed) + 1
    changed_bytes = sum(len(new[sha]) for sha in changed)
    manifest_bytes = (home / "active" / "manifest.json").stat().st_size
    assert state.downloaded_bytes == changed_bytes + manifest_bytes
    assert link(home / "previous") == first
    assert verify_release((home / "previous").resolve()).version == 1
    assert verify_release((home / "active").resolve()).version == 2
    assert sorted(p.name for p in (home / "releases").iterdir()) == sorted(
        [first.rsplit("/", 1)[-1], link(home / "active").rsplit("/", 1)[-1]]
    )
    # The store keeps what the two releases use (and their manifests), nothing else.
    store = set(ObjectStore(AgentHome(home).objects))
    assert store == set(old) | set(new) | {
        _target_sha(publisher.repo_v1),
        _target_sha(server.folder),
    }


def test_timestamp_is_fetched_conditionally(repo_server, new_home, make_agent):
    server = repo_server("v1")
    agent = make_agent(server.url, new_home())
    assert agent.refresh().result == "activated"
    server.reset()

    assert agent.refresh().result == "current"

    [timestamp] = server.requests("/repo/metadata/timestamp.json")
    assert timestamp.headers.get("If-None-Match")
    assert timestamp.status == 304


def test_a_kiosk_without_root_json_is_refused_clearly(repo_server, tmp_path, agent_cli):
    server = repo_server("v1")
    home = tmp_path / "unprovisioned"
    home.mkdir()

    done = agent_cli(server.url, home)

    assert done.returncode == 1
    assert "refresh failed (provisioning)" in done.stderr
    assert "root.json" in done.stderr
    assert not (home / "active").exists()
    assert server.requests("/repo/") == []


def test_a_channel_without_a_release_fails_without_touching_active(
    repo_server, new_home, make_agent
):
    server = repo_server("v1")
    agent = make_agent(server.url, new_home(), channel="town-nowhere")

    report = agent.refresh()

    assert report.result == "failed"
    assert report.error.kind == "fetch"
    assert "no signed release of channel town-nowhere" in str(report.error)
    assert not (agent.home.active).exists()


def test_a_town_channel_gets_county_and_town_content(repo_server, new_home, make_agent):
    server = repo_server("v1")
    agent = make_agent(server.url, new_home(), channel="town-nanan")

    report = agent.refresh()

    assert report.result == "activated", report.error
    release = verify_release(agent.home.active.resolve())
    assert release.manifest.channel == "town-nanan"
    assert set(release.manifest.scopes) == {"county", "town-nanan"}


def test_a_damaged_local_object_is_found_by_the_daily_scrub_and_fetched_again(
    repo_server, new_home, make_agent, publisher
):
    server = repo_server("v1")
    clock = [datetime(2026, 11, 26, 10, 0, tzinfo=UTC)]
    agent = make_agent(server.url, new_home(), clock=lambda: clock[0])
    assert agent.refresh().result == "activated"
    server.folder = server.folder.with_name("repo-v2-heal")
    shutil.copytree(publisher.repo_v2, server.folder)
    assert agent.refresh().result == "activated"
    # A leaf both releases use, damaged on the kiosk's disk. The store is the only copy
    # (release folders link to it), and a refresh does not re-read what it holds.
    store = ObjectStore(AgentHome(agent.home.root).objects)
    old, new = release_objects(publisher.repo_v1), release_objects(publisher.repo_v2)
    shared = [s for s in set(old) & set(new) if b'"kind":"leaf"' in new[s]]
    store.path(shared[0]).write_bytes(b"{}")
    server.reset()
    assert agent.refresh().result == "current"
    assert server.requests("/repo/objects/") == []  # not due yet: nothing re-read

    clock[0] += timedelta(days=1, seconds=1)  # the daily scrub is due at the next idle refresh
    report = agent.refresh()

    assert report.result == "current", report.error
    served = [s.path.rsplit("/", 1)[-1] for s in server.requests("/repo/objects/")]
    assert served.count(shared[0]) == 1
    assert len(served) < 12  # the leaf and the nodes above it, not the release
    verify_release(agent.home.active.resolve())
    verify_release(agent.home.previous.resolve())
    assert state_load(agent.home.state).applied_version == 2


def test_one_agent_per_home(repo_server, new_home, make_agent):
    server = repo_server("v1")
    home = new_home()
    with (home / "agent.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        report = make_agent(server.url, home).refresh()
    assert report.result == "failed"
    assert report.error.kind == "locked"
    assert not (home / "active").is_symlink()
    assert make_agent(server.url, home).refresh().result == "activated"
