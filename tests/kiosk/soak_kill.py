# ruff: noqa: T201 - a script that reports on stdout
"""Soak: kill -9 the kiosk agent at random points, many times (not collected by pytest).

Builds its own chain on loopback (demo site, publisher with releases v1 and v2),
then runs TRIALS trials like ``test_crash.py``: copy a seeded kiosk home (fresh,
or with v1 active), start ``gongkai kiosk-agent --once`` against a slowish
static mirror of v2, SIGKILL it after a random delay, check that ``active`` is
absent or a complete, verified release, run the agent again to completion and
check again. Prints where the kills landed and exits 1 on any violation.

    .venv/bin/python tests/kiosk/soak_kill.py --trials 1000 --workers 4
"""

from __future__ import annotations

import argparse
import collections
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import repokit

from kiosk.agent import Agent, AgentConfig


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", default="soak")
    parser.add_argument("--delay", type=float, default=0.004, help="mirror delay per request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gongkai-soak-") as folder:
        base = Path(folder)
        print("building the chain (demo site, publisher, two releases)…", flush=True)
        with repokit.demo_site() as site:
            publisher = repokit.build_publisher(base, site)
        mirror_v1 = repokit.RepoServer(publisher.repo_v1)
        mirror = repokit.RepoServer(publisher.repo_v2, delay=args.delay)
        try:
            fresh = repokit.kiosk_home(base / "seed-fresh", publisher.root_json)
            updating = repokit.kiosk_home(base / "seed-v1", publisher.root_json)
            seeder = Agent(AgentConfig(publisher=mirror_v1.url, home=updating))
            assert seeder.refresh().version == 1
            seeder.http.clear()
            work = base / "trials"
            work.mkdir()
            seeds = (fresh, updating)
            windows = [repokit.calibrate(mirror.url, seed, work) for seed in seeds]
            rng = random.Random(args.seed)
            plan = []
            for trial in range(args.trials):
                startup, total = windows[trial % 2]
                low = 0.0 if trial % 5 == 0 else 0.8 * startup
                plan.append((trial, seeds[trial % 2], rng.uniform(low, total)))
            started = time.monotonic()

            def run(item: tuple[int, Path, float]) -> repokit.KillOutcome:
                trial, seed, delay = item
                outcome = repokit.kill_trial(
                    trial, seed=seed, work=work, url=mirror.url, delay=delay, expected_version=2
                )
                shutil.rmtree(work / f"trial-{trial}", ignore_errors=True)
                if outcome.after_kill or outcome.after_restart:
                    print(f"VIOLATION {outcome}", flush=True)
                return outcome

            with ThreadPoolExecutor(max_workers=args.workers) as pool:
                outcomes = list(pool.map(run, plan))
        finally:
            mirror.stop()
            mirror_v1.stop()
    bad = [o for o in outcomes if o.after_kill or o.after_restart]
    phases = collections.Counter(o.phase for o in outcomes)
    print(
        f"{len(outcomes)} trials in {time.monotonic() - started:.0f} s; "
        f"kills landed: {dict(sorted(phases.items()))}; violations: {len(bad)}"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
