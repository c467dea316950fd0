"""Attacks and faults (issue 4, section 5), each on a private copy of the repository.

Every case starts from a kiosk with a good release active, then serves it
something bad. The refresh must fail with the right error, ``active`` must be
exactly as it was (and still verify), and the failure must be in the state file.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from securesystemslib.signer import CryptoSigner

from kiosk.agent import (
    AgentHome,
    ExpiredMetadataError,
    FetchError,
    ObjectStore,
    RollbackError,
    VerificationError,
    state_load,
    verify_release,
)

from .repokit import link, online_signer, release_objects, resign_targets, resign_timestamp


def _flip_bit(path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _object(repo, sha):
    return repo / "objects" / sha[:2] / sha


def _kind(data: bytes) -> str:
    try:
        record = json.loads(data)
    except ValueError:
        return "image"
    if isinstance(record, dict) and record.get("kind") in {"leaf", "node"}:
        return record["kind"]
    return "entity" if isinstance(record, dict) and "entity_type" in record else "other"


@pytest.fixture
def updating(repo_server, new_home, make_agent, publisher):
    """A kiosk with v1 active whose server now holds a (writable) copy of v2."""
    server = repo_server("v1")
    agent = make_agent(server.url, new_home())
    assert agent.refresh().result == "activated"
    server.folder = server.folder.with_name("repo-v2-next")
    shutil.copytree(publisher.repo_v2, server.folder)
    return server, agent


def _assert_untouched(agent, before: str, kind: str):
    assert link(agent.home.active) == before
    verify_release(agent.home.active.resolve())
    state = state_load(agent.home.state)
    assert state.last_result == "failed"
    assert state.last_error_kind == kind
    assert state.applied_release == before.rsplit("/", 1)[-1]
    # Nothing unverified was stored.
    store = ObjectStore(AgentHome(agent.home.root).objects)
    for sha in store:
        store.get(sha)  # raises on a damaged object


@pytest.mark.parametrize("kind", ["entity", "leaf", "node"])
def test_a_tampered_object_is_rejected(updating, publisher, kind):
    server, agent = updating
    before = link(agent.home.active)
    old, new = release_objects(publisher.repo_v1), release_objects(publisher.repo_v2)
    [sha] = [sha for sha in set(new) - set(old) if _kind(new[sha]) == kind][:1]
    _flip_bit(_object(server.folder, sha))

    report = agent.refresh()

    assert report.result == "failed"
    assert isinstance(report.error, VerificationError)
    assert report.error.sha256 == sha
    assert "tampered" in str(report.error)
    _assert_untouched(agent, before, "verification")
    # Once the mirror serves the right bytes again, the update goes through.
    shutil.copyfile(_object(publisher.repo_v2, sha), _object(server.folder, sha))
    assert agent.refresh().result == "activated"


@pytest.mark.parametrize("change", ["truncated", "extended"])
def test_an_object_of_the_wrong_size_is_rejected(updating, publisher, change):
    server, agent = updating
    before = link(agent.home.active)
    old, new = release_objects(publisher.repo_v1), release_objects(publisher.repo_v2)
    sha = min(set(new) - set(old))
    path = _object(server.folder, sha)
    data = path.read_bytes()
    path.write_bytes(data[:-1] if change == "truncated" else data + b" ")

    report = agent.refresh()

    assert isinstance(report.error, VerificationError)
    _assert_untouched(agent, before, "verification")


def test_a_tampered_image_is_rejected_on_a_new_kiosk(repo_server, new_home, make_agent):
    server = repo_server("v1")
    images = [sha for sha, data in release_objects(server.folder).items() if _kind(data) == "image"]
    assert images, "the demo release shows leader photos"
    _flip_bit(_object(server.folder, images[0]))
    agent = make_agent(server.url, new_home())

    report = agent.refresh()

    assert isinstance(report.error, VerificationError)
    assert report.error.sha256 == images[0]
    assert not agent.home.active.exists()
    assert not agent.home.active.is_symlink()


def test_a_tampered_manifest_is_rejected_by_the_tuf_client(updating):
    server, agent = updating
    before = link(agent.home.active)
    [manifest] = (server.folder / "targets" / "channels" / "county").glob(
        f"{_target_sha(server.folder)}.*"
    )
    _flip_bit(manifest)

    report = agent.refresh()

    assert isinstance(report.error, VerificationError)
    assert "hash mismatch" in str(report.error)
    _assert_untouched(agent, before, "verification")


def _target_sha(repo):
    targets = json.loads((repo / "metadata" / "targets.json").read_text())
    return targets["signed"]["targets"]["channels/county/manifest.json"]["hashes"]["sha256"]


@pytest.mark.parametrize("role", ["timestamp", "targets"])
def test_metadata_signed_by_a_wrong_key_is_rejected(updating, publisher, role):
    server, agent = updating
    before = link(agent.home.active)
    intruder = CryptoSigner.generate_ed25519()
    if role == "timestamp":
        resign_timestamp(server.folder, intruder)
    else:
        resign_targets(server.folder, intruder, publisher.home)

    report = agent.refresh()

    assert type(report.error) is VerificationError
    assert "signature" in str(report.error)
    _assert_untouched(agent, before, "verification")


def test_a_replayed_older_timestamp_is_rejected(repo_server, new_home, make_agent, publisher):
    server = repo_server("v2")
    agent = make_agent(server.url, new_home())
    assert agent.refresh().version == 2
    before = link(agent.home.active)
    server.folder = server.folder.with_name("repo-v1-replayed")
    shutil.copytree(publisher.repo_v1, server.folder)

    report = agent.refresh()

    assert isinstance(report.error, RollbackError)
    _assert_untouched(agent, before, "rollback")


def test_a_replayed_older_snapshot_is_rejected(repo_server, new_home, make_agent, publisher):
    server = repo_server("v2")
    agent = make_agent(server.url, new_home())
    assert agent.refresh().version == 2
    before = link(agent.home.active)
    v1_timestamp = json.loads((publisher.repo_v1 / "metadata" / "timestamp.json").read_text())
    old_snapshot = v1_timestamp["signed"]["meta"]["snapshot.json"]["version"]
    # Even a validly signed, newer timestamp may not point back to an older snapshot.
    resign_timestamp(
        server.folder,
        online_signer(publisher.home, "timestamp"),
        snapshot_version=old_snapshot,
    )

    report = agent.refresh()

    assert isinstance(report.error, RollbackError)
    _assert_untouched(agent, before, "rollback")


def test_expired_metadata_is_rejected_and_the_kiosk_goes_stale(
    repo_server, new_home, make_agent, publisher
):
    server = repo_server("v1")
    agent = make_agent(server.url, new_home(), stale_after=timedelta(hours=6))
    assert agent.refresh().result == "activated"
    before = link(agent.home.active)
    succeeded = state_load(agent.home.state).last_success_at
    # A freeze: the mirror keeps serving metadata that the publisher signed, but
    # whose expiry has passed.
    resign_timestamp(
        server.folder,
        online_signer(publisher.home, "timestamp"),
        expires=datetime.now(UTC) - timedelta(minutes=5),
    )

    report = agent.refresh()

    assert isinstance(report.error, ExpiredMetadataError)
    assert "expired" in str(report.error)
    _assert_untouched(agent, before, "expired")
    state = state_load(agent.home.state)
    assert state.last_success_at == succeeded
    limit = agent.config.stale_after
    assert not state.is_stale(succeeded + limit - timedelta(seconds=1), limit)
    assert state.is_stale(succeeded + limit + timedelta(seconds=1), limit)
    # The UI needs no configuration: the agent recorded its limit (6 hours here).
    assert state.stale_after == 6 * 3600
    assert state.is_stale(succeeded + timedelta(hours=6, seconds=1))
    assert not state.is_stale(succeeded + timedelta(hours=5))


def test_a_kiosk_never_activates_metadata_that_is_already_expired(
    repo_server, new_home, make_agent, publisher
):
    server = repo_server("v1")
    resign_timestamp(
        server.folder,
        online_signer(publisher.home, "timestamp"),
        expires=datetime.now(UTC) - timedelta(seconds=1),
    )
    agent = make_agent(server.url, new_home())

    report = agent.refresh()

    assert isinstance(report.error, ExpiredMetadataError)
    assert not agent.home.active.is_symlink()
    assert state_load(agent.home.state).is_stale(datetime.now(UTC), timedelta(days=365))


def test_the_publisher_down_leaves_the_last_good_release(
    repo_server, new_home, make_agent, agent_cli
):
    server = repo_server("v1")
    home = new_home()
    assert agent_cli(server.url, home).returncode == 0
    before = link(home / "active")
    server.stop()  # connection refused from now on

    done = agent_cli(server.url, home)

    assert done.returncode == 1
    assert "refresh failed (fetch)" in done.stderr
    assert f"active release unchanged: v1 ({before.rsplit('/', 1)[-1]})" in done.stderr
    assert link(home / "active") == before
    verify_release((home / "active").resolve())
    state = state_load(home / "state.json")
    assert state.last_result == "failed"
    assert state.last_error_kind == "fetch"
    assert "cannot reach" in state.last_error
    assert state.applied_version == 1
    # In process, the same failure is a FetchError with the URL attached.
    report = make_agent(server.url, home).refresh()
    assert isinstance(report.error, FetchError)
