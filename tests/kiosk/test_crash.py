"""kill -9 during download and activation always leaves ``active`` complete.

Two complementary tests:

* random kills of the real ``gongkai kiosk-agent --once`` process (at least 50
  trials; ``soak_kill.py`` runs hundreds), from a fresh kiosk and from one
  updating v1 → v2, against a mirror that answers slowly enough for kills to
  land in the download;
* a crash at *every* file-system step of an activation (a forked child kills
  itself with SIGKILL just before step n), which random timing rarely hits.

After each kill, ``active`` must be absent or a complete, verified release;
after a restart, the newest release must be active and complete.
"""

from __future__ import annotations

import collections
import os
import random
import shutil
import signal
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from kiosk.agent import Activator, AgentHome, FileSystem, ObjectStore, active_release

from .repokit import active_is_absent_or_complete, calibrate, kill_trial, kiosk_home

TRIALS = int(os.environ.get("GONGKAI_KILL_TRIALS", "50"))


@pytest.fixture
def seeds(tmp_path, publisher, repo_server, make_agent):
    """Kiosk homes to copy per trial: a fresh one, and one with v1 active."""
    fresh = kiosk_home(tmp_path / "seed-fresh", publisher.root_json)
    updating = kiosk_home(tmp_path / "seed-v1", publisher.root_json)
    assert make_agent(repo_server("v1").url, updating).refresh().version == 1
    return fresh, updating


def test_kill_9_at_random_points_never_leaves_a_partial_active(tmp_path, repo_server, seeds):
    server = repo_server("v2", delay=0.004)  # a slowish mirror widens the download window
    work = tmp_path / "trials"
    work.mkdir()
    # Kill between 0 and a run's typical duration, mostly after the interpreter has
    # started (startup is most of a run, and a kill there proves little).
    windows = [calibrate(server.url, seed, work) for seed in seeds]
    rng = random.Random(os.environ.get("GONGKAI_KILL_SEED", "4"))
    plan = []
    for trial in range(TRIALS):
        startup, total = windows[trial % 2]
        low = 0.0 if trial % 5 == 0 else 0.8 * startup
        plan.append((trial, seeds[trial % 2], rng.uniform(low, total)))

    def run(item):
        trial, seed, delay = item
        return kill_trial(
            trial, seed=seed, work=work, url=server.url, delay=delay, expected_version=2
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(run, plan))

    problems = [o for o in outcomes if o.after_kill or o.after_restart]
    assert problems == []
    phases = collections.Counter(o.phase for o in outcomes)
    print(f"\nkill -9 trials: {len(outcomes)}; where the kills landed: {dict(phases)}")  # noqa: T201
    assert sum(n for phase, n in phases.items() if phase != "completed") >= TRIALS // 2


class _CrashAt(FileSystem):
    """Kills the process (SIGKILL, like kill -9) just before its n-th file-system step."""

    def __init__(self, step: int) -> None:
        self.step = step
        self.count = 0

    def _before(self, operation, path):  # noqa: ARG002
        self.count += 1
        if self.count == self.step:
            os.kill(os.getpid(), signal.SIGKILL)


class _Counting(FileSystem):
    def __init__(self) -> None:
        self.count = 0
        self.operations: list[tuple[str, str]] = []

    def _before(self, operation, path):
        self.count += 1
        self.operations.append((operation, path.name))


def _activate_in_child(home, fetched, fs) -> int:
    """Run an activation in a forked child; return its wait status."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            Activator(AgentHome(home), store=ObjectStore(home / "objects"), fs=fs).activate(fetched)
        except BaseException:  # noqa: BLE001
            code = 3
        os._exit(code)
    return os.waitpid(pid, 0)[1]


@pytest.mark.parametrize("scenario", ["fresh", "update"])
def test_a_crash_at_every_step_of_activation_leaves_active_complete(
    tmp_path, repo_server, seeds, make_agent, scenario
):
    server = repo_server("v2")
    prepared = tmp_path / "prepared"
    shutil.copytree(seeds[0] if scenario == "fresh" else seeds[1], prepared, symlinks=True)
    # Download and verify v2 into the store, without activating it.
    agent = make_agent(server.url, prepared)
    before = active_release(AgentHome(prepared))
    fetched = agent.updater.refresh(current=before)
    assert fetched.manifest.version == 2
    counter = _Counting()
    probe = tmp_path / "probe"
    shutil.copytree(prepared, probe, symlinks=True)
    Activator(AgentHome(probe), store=ObjectStore(probe / "objects"), fs=counter).activate(fetched)
    # A release folder is a manifest, a record and a link to the store: a dozen steps
    # whatever the release's size (no step per object any more), every kind covered.
    assert 8 <= counter.count <= 20, counter.operations
    assert {op for op, _ in counter.operations} >= {"mkdir", "write", "symlink", "fsync", "rename"}
    assert ("write", "manifest.json") in counter.operations
    assert ("symlink", "objects") in counter.operations

    for step in range(1, counter.count + 1):
        home = tmp_path / f"crash-{step}"
        shutil.copytree(prepared, home, symlinks=True)
        status = _activate_in_child(home, fetched, _CrashAt(step))
        assert os.WIFSIGNALED(status), f"step {step}: the child was not killed"
        assert os.WTERMSIG(status) == signal.SIGKILL
        assert active_is_absent_or_complete(home) is None, f"step {step}"
        active = active_release(AgentHome(home))
        assert active is None or active.version in {before.version if before else None, 2}
        # The restart finishes the job and cleans up.
        report = make_agent(server.url, home).refresh()
        assert report.ok, f"step {step}: {report.error}"
        assert report.version == 2
        assert active_is_absent_or_complete(home) is None
        assert not list((home / "releases").glob(".staging-*"))
        shutil.rmtree(home)
