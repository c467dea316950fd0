"""Garbage collection: never a reachable object, only when due, safe to kill, self-repairing.

Runs the agent in-process against a local signed repository (``localrepo``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from datetime import UTC, datetime, timedelta

import pytest

from content.enums import EntityType
from kiosk.agent import AgentHome, ObjectStore, verify_release

from .localrepo import (
    Counting,
    CrashAt,
    LocalRepo,
    closure_violations,
    copy_home,
    edited,
    in_child,
    local_agent,
    provisioned,
    release_closure,
    small_entities,
)

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def content():
    return small_entities()


class Kiosk:
    """A local repository and a kiosk home following it, with a settable clock."""

    def __init__(self, base, content) -> None:
        self.entities, self.images = content
        self.repo = LocalRepo(base / "publisher")
        self.plans = [self.repo.release(self.entities, self.images)]
        self.home = provisioned(base / "kiosk", self.repo)
        self.now = T0

    def agent(self, home=None, **options):
        return local_agent(self.repo, home or self.home, clock=lambda: self.now, **options)

    def publish(self, nth: int):
        self.entities = edited(self.entities, EntityType.CATALOGUE_ENTRY, nth=nth)
        self.plans.append(self.repo.release(self.entities, self.images))
        return self.plans[-1]

    def kept(self, home=None) -> set[str]:
        """Everything active and previous need, manifests included (from the plans)."""
        home = home or self.home
        found: set[str] = set()
        for link in ("active", "previous"):
            if not (home / link).is_symlink():
                continue
            data = (home / link / "manifest.json").read_bytes()
            [plan] = [p for p in self.plans if p.manifest_bytes == data]
            found |= release_closure(plan.manifest, plan.objects)
            found.add(_sha(data))
        return found


def _sha(data: bytes) -> str:
    import hashlib  # noqa: PLC0415

    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def kiosk(tmp_path, content):
    kiosk = Kiosk(tmp_path, content)
    assert kiosk.agent().refresh().version == 1
    return kiosk


def _gc_json(home) -> dict:
    return json.loads((home / "gc.json").read_text())


def test_garbage_is_collected_at_an_idle_refresh_once_enough_releases_were_dropped(kiosk):
    store = ObjectStore(AgentHome(kiosk.home).objects)
    for number in range(2, 6):  # v2..v5: v1, v2, v3 dropped in turn
        kiosk.publish(nth=number)
        agent = kiosk.agent()
        agent.activator.gc_every = 3
        assert agent.refresh().result == "activated"
    # Activations never collect (they stay O(change)); they count dropped releases.
    assert _gc_json(kiosk.home)["dropped"] == 3
    assert set(store) > kiosk.kept()
    # The next refresh finds nothing new: an idle moment, and 3 ≥ gc_every.
    agent = kiosk.agent()
    agent.activator.gc_every = 3
    assert agent.refresh().result == "current"
    assert set(store) == kiosk.kept()
    assert _gc_json(kiosk.home)["dropped"] == 0
    assert closure_violations(store) == []
    verify_release((kiosk.home / "active").resolve())
    verify_release((kiosk.home / "previous").resolve())


def test_below_the_threshold_garbage_waits_unless_the_disk_is_short(kiosk):
    store = ObjectStore(AgentHome(kiosk.home).objects)
    for number in (2, 3):
        kiosk.publish(nth=number)
        assert kiosk.agent().refresh().result == "activated"
    assert _gc_json(kiosk.home)["dropped"] == 1
    assert kiosk.agent().refresh().result == "current"
    assert set(store) > kiosk.kept()  # 1 < gc_every (8): not yet
    agent = kiosk.agent()
    agent.activator.min_free = 1 << 62  # a disk with less free space than that
    assert agent.refresh().result == "current"
    assert set(store) == kiosk.kept()


def test_the_daily_scrub_finds_a_damaged_object_and_the_agent_fetches_it_again(kiosk):
    kiosk.publish(nth=2)
    assert kiosk.agent().refresh().result == "activated"
    store = ObjectStore(AgentHome(kiosk.home).objects)
    v1, v2 = kiosk.plans
    shared = sorted(
        sha for sha in release_closure(v1.manifest, v1.objects)
        & release_closure(v2.manifest, v2.objects)
        if sha not in v1.objects  # an image both releases show
    )  # fmt: skip
    image = shared[0]
    store.path(image).write_bytes(b"rot")
    assert kiosk.agent().refresh().result == "current"  # not due: not re-read
    assert store.path(image).read_bytes() == b"rot"

    kiosk.now += timedelta(days=1, minutes=1)
    agent = kiosk.agent()
    report = agent.refresh()

    assert report.result == "current"
    assert image in agent.http.objects()  # fetched again, with the objects above it
    assert store.get(image)  # verified
    verify_release((kiosk.home / "active").resolve())
    verify_release((kiosk.home / "previous").resolve())
    assert closure_violations(store) == []
    assert _gc_json(kiosk.home)["verified_at"].startswith(kiosk.now.date().isoformat())


def test_a_kill_at_every_step_of_a_collection_never_loses_a_kept_object(tmp_path, kiosk):
    for number in (2, 3, 4):
        kiosk.publish(nth=number)
        assert kiosk.agent().refresh().result == "activated"
    counter = Counting()
    probe = copy_home(kiosk.home, tmp_path / "probe")
    report = kiosk.agent(probe, fs=counter).activator.collect_garbage()
    assert report.removed_objects > 5
    kept = kiosk.kept()
    assert set(ObjectStore(AgentHome(probe).objects)) == kept
    steps = len(counter.steps)
    removals = [path for op, path in counter.steps if op == "remove"]
    assert len(removals) == report.removed_objects  # a kill lands between any two
    interruptions = 0

    for step in range(1, steps + 1):
        home = copy_home(kiosk.home, tmp_path / f"crash-{step}")
        status = in_child(lambda home=home, step=step: kiosk.agent(
            home, fs=CrashAt(step)).activator.collect_garbage())  # fmt: skip
        assert os.WIFSIGNALED(status), f"step {step}"
        assert os.WTERMSIG(status) == signal.SIGKILL
        store = ObjectStore(AgentHome(home).objects)
        assert set(store) >= kept, f"step {step}: a kept object was removed"
        verify_release((home / "active").resolve())
        verify_release((home / "previous").resolve())
        interrupted = _gc_json(home)["running"] is not None
        # The next refresh finishes an interrupted collection before anything else.
        agent = kiosk.agent(home)
        assert agent.refresh().result == "current"
        if interrupted:
            assert set(store) == kept, f"step {step}"
            interruptions += 1
        assert closure_violations(store) == []
        assert _gc_json(home)["running"] is None
        shutil.rmtree(home)
    assert interruptions >= steps - 8  # all but the steps before and after the marker


def test_an_older_agents_store_is_scrubbed_once(kiosk):
    store = ObjectStore(AgentHome(kiosk.home).objects)
    # What an agent before the invariant could leave: a node stored before its children.
    orphan = json.dumps({
        "kind": "node", "entity_type": "notice", "prefix": "f",
        "children": {"0": {"sha256": "0" * 64, "size": 1}},
    }).encode()  # fmt: skip
    orphan_sha = store.put(orphan)
    stray = kiosk.home / "objects" / orphan_sha[:2] / ".x.1234.tmp"
    stray.write_bytes(b"half")
    (kiosk.home / "gc.json").unlink()

    report = kiosk.agent().refresh()

    assert report.result == "current"
    assert not store.has(orphan_sha)
    assert not stray.exists()
    assert set(store) == kiosk.kept()
    state = _gc_json(kiosk.home)
    assert state["running"] is None
    assert state["verified_at"]
