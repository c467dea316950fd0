"""An update costs O(changed objects), measured on the demo county's full ``town-nanan``.

The channel is built in-process (``content.demo`` + ``build_release``, synthetic
image bytes; about 7,855 objects) and served from a folder (``localrepo``), so
the counts are the agent's own: objects requested, store reads and writes, and
file-system steps (through the injectable ``FileSystem``).
"""

from __future__ import annotations

import hashlib
import shutil
from types import SimpleNamespace

import pytest

from content.enums import EntityType
from kiosk.agent import AgentHome, ObjectStore, verify_release

from .localrepo import (
    Counting,
    LocalRepo,
    closure_violations,
    copy_home,
    county_entities,
    edited,
    local_agent,
    provisioned,
    release_closure,
)

CHANNEL = "town-nanan"


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The channel's v1 and a kiosk home with it installed (copy it before changing it)."""
    base = tmp_path_factory.mktemp("county")
    entities, images = county_entities()
    repo = LocalRepo(base / "publisher")
    plan = repo.release(entities, images, CHANNEL)
    home = provisioned(base / "seed", repo)
    report = local_agent(repo, home, channel=CHANNEL, parallel=4).refresh()
    assert report.result == "activated", report.error
    assert report.downloaded_objects == plan.manifest.objects + len(plan.files) + 1
    return SimpleNamespace(repo=repo, entities=entities, images=images, seed=home, plans=[plan])


@pytest.fixture
def home(tmp_path, county):
    """A copy of the seed, brought up to the repository's newest release."""
    home = copy_home(county.seed, tmp_path / "kiosk")
    assert local_agent(county.repo, home, channel=CHANNEL).refresh().ok
    return home


def _publish(county, entities):
    plan = county.repo.release(entities, county.images, CHANNEL)
    county.plans.append(plan)
    county.entities = entities
    return plan


def _closure(plan) -> set[str]:
    return release_closure(plan.manifest, plan.objects)


def test_a_one_item_update_reads_and_writes_only_the_changed_objects(county, home):
    before = _closure(county.plans[-1])
    assert len(before) > 7500
    plan = _publish(county, edited(county.entities, EntityType.CATALOGUE_ENTRY, nth=7))
    new = _closure(plan) - before
    counting = Counting()
    agent = local_agent(county.repo, home, channel=CHANNEL, fs=counting)

    report = agent.refresh()

    assert report.result == "activated", report.error
    # The changed entity, its leaf and the three nodes above it; and the manifest.
    assert len(new) == 5
    assert sorted(agent.http.objects()) == sorted(new)
    assert report.downloaded_objects == len(new) + 1
    stats = agent.store.stats
    assert stats.writes == len(new) + 1
    assert stats.reads == 0  # nothing held is re-read (the manifest came from the network)
    assert stats.has < 120  # the children of the changed nodes, the roots: not 7,855
    assert stats.removes == 0
    assert len(counting.steps) < 60, counting.steps
    print(  # noqa: T201 - the measured figures, shown with -s
        f"\none-item update of {len(before)} objects: {len(new) + 1} downloaded, store: "
        f"{stats.has} presence checks, {stats.reads} reads, {stats.writes} writes, "
        f"{stats.syncs} folder fsyncs; {len(counting.steps)} file-system steps"
    )
    assert not [step for step in counting.steps if step[0] == "link"]  # no link per object
    verify_release((home / "active").resolve())
    verify_release((home / "previous").resolve())


def test_an_already_current_refresh_reads_nothing_and_writes_only_the_state(county, home):
    counting = Counting()
    agent = local_agent(county.repo, home, channel=CHANNEL, fs=counting)

    report = agent.refresh()

    assert report.result == "current"
    assert agent.http.objects() == []
    assert agent.store.stats.reads == agent.store.stats.writes == 0
    assert agent.store.stats.has <= len(county.plans[-1].manifest.indexes) + 2
    # Writing state.json atomically (temporary file, rename, fsync of the home), and the
    # start-up cleanup of what a killed run could leave (nothing here): no more.
    changes = [(op, path) for op, path in counting.steps if not op.startswith("remove")]
    assert [op for op, _ in changes] == ["write", "rename", "fsync"]
    assert changes[1] == ("rename", f"{home}/state.json")
    cleanup = {path.rsplit("/", 1)[-1] for op, path in counting.steps if op.startswith("remove")}
    assert cleanup == {"active.tmp", "previous.tmp", "tmp"}


def test_garbage_collection_never_removes_a_reachable_object(county, home):
    leader = next(
        e for e in county.entities
        if e.entity_type is EntityType.LEADER and e.scope == "county" and e.photo is not None
    )  # fmt: skip
    photo = leader.photo.sha256
    releases = []
    for step in range(3):
        entities = county.entities
        if step == 1:  # a leader leaves: their record and photo become garbage later
            entities = [e for e in entities if e.id != leader.id]
        else:
            entities = edited(entities, EntityType.CATALOGUE_ENTRY, nth=20 + step)
        releases.append(_publish(county, entities))
        agent = local_agent(county.repo, home, channel=CHANNEL)
        assert agent.refresh().result == "activated"
    store = ObjectStore(AgentHome(home).objects)
    garbage_before = set(store) - _closure(releases[-1]) - _closure(releases[-2])
    assert photo in garbage_before

    report = agent.activator.collect_garbage()

    kept = _closure(releases[-1]) | _closure(releases[-2])
    manifests = _manifests(home)
    assert set(store) == kept | manifests
    assert photo not in set(store)
    assert report.removed_objects == len(garbage_before - manifests)
    assert report.reachable == len(kept | manifests)
    assert report.damaged == ()
    verify_release((home / "active").resolve())
    verify_release((home / "previous").resolve())
    assert closure_violations(store) == []
    # A deep collection (the daily scrub) removes nothing more and finds nothing damaged.
    deep = agent.activator.collect_garbage(deep=True)
    assert (deep.removed_objects, deep.damaged) == (0, ())
    assert sorted(p.name for p in (home / "releases").iterdir()) == sorted(
        p.resolve().name for p in (home / "active", home / "previous")
    )


def _manifests(home):
    return {
        hashlib.sha256((home / link / "manifest.json").read_bytes()).hexdigest()
        for link in ("active", "previous")
    }


def test_the_release_folder_is_a_manifest_and_a_link_to_the_store(county, home):
    active = (home / "active").resolve()
    assert sorted(p.name for p in active.iterdir()) == ["manifest.json", "objects", "release.json"]
    assert str((active / "objects").readlink()) == "../../objects"
    assert (active / "objects").resolve() == (home / "objects").resolve()
    shutil.rmtree(home)
