"""The store's closure invariant survives kill -9 at every step, and the next run completes.

The invariant (``kiosk.agent.store``): an object is stored only after every
object it refers to is. So an index node in the store means its whole subtree
is there, and the updater may stop descending at it; a release is complete
when its manifest is in the store.

Each test runs the agent in-process against a local signed repository
(``localrepo``: no publisher process, no socket), kills a forked child with
SIGKILL at a chosen file-system step, then checks the home: no object refers
to a missing one, ``active`` is absent or complete (deep verification), and a
restart finishes the job.
"""

from __future__ import annotations

import json
import os
import shutil
import signal

import pytest

from content.enums import EntityType
from kiosk.agent import AgentHome, ObjectStore, active_release, verify_release

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
from .repokit import active_is_absent_or_complete


@pytest.fixture(scope="module")
def content():
    return small_entities()


@pytest.fixture
def repo(tmp_path, content):
    """A repository with v1 of the county channel; ``repo.plans`` lists the releases."""
    entities, images = content
    repo = LocalRepo(tmp_path / "publisher")
    repo.plans = [repo.release(entities, images)]
    return repo


def _release_v2(repo, content):
    entities, images = content
    changed = edited(entities, EntityType.CATALOGUE_ENTRY, nth=3)  # the deepest path
    repo.plans.append(repo.release(changed, images))
    return repo.plans[-1]


def _kinds(plan, shas):
    found = {}
    for sha in shas:
        data = plan.objects[sha]
        record = json.loads(data)
        found[sha] = record.get("kind", "entity")
    return found


def _children(data):
    return {child["sha256"] for child in json.loads(data)["children"].values()}


def _check_after_kill(home, versions, step):
    store = ObjectStore(AgentHome(home).objects)
    assert closure_violations(store) == [], f"step {step}"
    assert active_is_absent_or_complete(home) is None, f"step {step}"
    active = active_release(AgentHome(home))
    assert (active.version if active else None) in versions, f"step {step}"


def _check_restart(repo, home, version, step):
    agent = local_agent(repo, home)
    held = set(agent.store)
    report = agent.refresh()
    assert report.ok, f"step {step}: {report.error}"
    assert report.version == version
    # What the killed run committed is never downloaded again.
    assert not set(agent.http.objects()) & held, f"step {step}"
    verify_release((home / "active").resolve())
    assert closure_violations(agent.store) == [], f"step {step}"
    assert not list((home / "releases").glob(".staging-*"))
    assert not list((home / "objects" / ".incoming").iterdir())


def _count_steps(repo, home):
    counter = Counting()
    assert local_agent(repo, home, fs=counter).refresh().ok
    return counter.steps


@pytest.mark.parametrize("scenario", ["install", "update"])
def test_a_kill_at_every_step_of_a_refresh_keeps_the_invariant(tmp_path, repo, content, scenario):
    seed = provisioned(tmp_path / "seed", repo)
    if scenario == "update":
        assert local_agent(repo, seed).refresh().version == 1
        _release_v2(repo, content)
    version = repo.plans[-1].manifest.version
    steps = _count_steps(repo, copy_home(seed, tmp_path / "probe"))
    # Every object is written (temporary file, rename), every level synced, then the
    # release staged and switched: the update is a few dozen steps, not thousands.
    assert ("rename", str(tmp_path / "probe" / "active")) in steps
    if scenario == "update":
        assert len(steps) < 60, steps
        chosen = list(range(1, len(steps) + 1))
    else:  # hundreds of steps: a sample of the downloads, every step of the end
        count = len(steps)
        chosen = sorted({*range(1, count, count // 15), *range(count - 30, count + 1)})

    for step in chosen:
        home = copy_home(seed, tmp_path / f"crash-{step}")
        status = in_child(lambda home=home, step=step: local_agent(
            repo, home, fs=CrashAt(step)).refresh())  # fmt: skip
        assert os.WIFSIGNALED(status), f"step {step}: the child was not killed"
        assert os.WTERMSIG(status) == signal.SIGKILL
        _check_after_kill(home, {None, 1, version} if scenario == "update" else {None, 1}, step)
        _check_restart(repo, home, version, step)
        shutil.rmtree(home)


def test_a_kill_between_a_leaf_and_its_parent_is_completed_by_the_next_run(tmp_path, repo, content):
    home = provisioned(tmp_path / "kiosk", repo)
    assert local_agent(repo, home).refresh().version == 1
    v1 = repo.plans[0]
    v2 = _release_v2(repo, content)
    new = sorted(
        release_closure(v2.manifest, v2.objects) - release_closure(v1.manifest, v1.objects)
    )
    kinds = _kinds(v2, new)
    [leaf] = [sha for sha, kind in kinds.items() if kind == "leaf"]
    [parent] = [
        sha for sha, kind in kinds.items()
        if kind == "node" and leaf in _children(v2.objects[sha])
    ]  # fmt: skip
    [entity] = [sha for sha, kind in kinds.items() if kind == "entity"]

    # Kill the agent just before it commits the leaf's parent: the leaf is in.
    status = in_child(lambda: local_agent(
        repo, home, fs=CrashAt(when=lambda op, path: op == "rename" and path.name == parent),
    ).refresh())  # fmt: skip
    assert os.WTERMSIG(status) == signal.SIGKILL

    store = ObjectStore(AgentHome(home).objects)
    assert store.has(leaf)
    assert store.has(entity)
    assert not store.has(parent)
    assert closure_violations(store) == []
    assert active_release(AgentHome(home)).version == 1
    verify_release((home / "active").resolve())
    # The next run fetches the parent and what is above it; the leaf and entity stay.
    agent = local_agent(repo, home)
    report = agent.refresh()
    assert report.version == 2
    fetched = set(agent.http.objects())
    assert parent in fetched
    assert not fetched & {leaf, entity}
    assert fetched == set(new) - {leaf, entity}
    verify_release((home / "active").resolve())
    assert closure_violations(agent.store) == []


def test_a_node_in_the_store_means_its_whole_subtree_is_there(tmp_path, repo):
    home = provisioned(tmp_path / "kiosk", repo)
    # Kill a first install at many points; every time, what is stored is closed.
    steps = _count_steps(repo, copy_home(home, tmp_path / "probe"))
    for step in range(5, len(steps), max(1, len(steps) // 12)):
        killed = copy_home(home, tmp_path / f"kill-{step}")
        in_child(lambda killed=killed, step=step: local_agent(
            repo, killed, fs=CrashAt(step)).refresh())  # fmt: skip
        store = ObjectStore(AgentHome(killed).objects)
        for sha in store:
            record = store.get(sha)
            if b'"kind":"node"' in record[:40] or b'"kind":"leaf"' in record[:40]:
                closure = release_closure_of_node(store, sha)
                assert all(store.has(s) for s in closure), f"step {step}: {sha[:12]}"
        assert closure_violations(store) == []


def release_closure_of_node(store, sha):
    """Every object below an index object, read from the store."""
    found = set()
    stack = [sha]
    while stack:
        node = json.loads(store.get(stack.pop()))
        if node["kind"] == "node":
            children = [c["sha256"] for c in node["children"].values()]
            found.update(children)
            stack.extend(c for c in children if store.has(c))
        else:
            for entry in node["entries"]:
                found.add(entry["object"])
                found.update(entry["files"])
    return found


def test_an_incomplete_store_is_refused_by_the_activation(tmp_path, repo):
    home = provisioned(tmp_path / "kiosk", repo)
    agent = local_agent(repo, home)
    fetched = agent.updater.refresh()
    root = next(iter(fetched.manifest.indexes.values()))
    agent.store.remove(root.sha256)  # a broken store (not something the agent does)

    with pytest.raises(Exception, match="not complete in the object store"):
        agent.activator.activate(fetched)
    assert not (home / "active").is_symlink()
    # The refresh notices and fetches the missing root again.
    assert agent.refresh().result == "activated"
    verify_release((home / "active").resolve())
