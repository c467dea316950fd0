# ruff: noqa: T201 - a script that reports on stdout and runs its own server
"""Benchmark: what a kiosk refresh costs on the full demo county (not collected by pytest).

Builds the demo county's ``town-nanan`` channel in-process (``content.demo`` +
``content.release_build.build_release``, synthetic image bytes, signed with the
publisher's ``TufRepository``; about 7,855 objects), serves it from a separate
process (so only the agent's CPU is counted), and measures one in-process
``Agent.refresh`` for:

* first install (empty home);
* a one-item update (one catalogue entry retitled: the deepest index path);
* an already-current refresh;

repeating the last two ``--rounds`` times (medians); then a garbage collection
and a deep one (the daily scrub), which run only when due, at idle moments. ``--strace`` counts the
agent's system calls per phase instead (strace attached to this process; its
timings are then not meaningful).

    .venv/bin/python tests/kiosk/bench_update.py [--rounds 5] [--strace]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Self

sys.path.insert(0, str(Path(__file__).resolve().parent))

import localrepo

from content.enums import EntityType
from kiosk.agent import Agent, AgentConfig

CHANNEL = "town-nanan"


def serve(folder: Path) -> None:
    import repokit  # noqa: PLC0415 - only the server process needs it

    server = repokit.RepoServer(folder)
    print(server.url, flush=True)
    sys.stdin.read()  # until the parent closes the pipe
    server.stop()


class Strace:
    """strace -f -c attached to this process for the duration of a ``with`` block."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.calls = 0

    def __enter__(self) -> Self:
        self.process = subprocess.Popen(
            ["strace", "-f", "-c", "-p", str(os.getpid()), "-o", str(self.out)],
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr
        self.process.stderr.readline()  # "strace: Process N attached"
        time.sleep(0.3)
        return self

    def __exit__(self, *_: object) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        match = re.search(
            r"^\S+\s+\S+\s+\S+\s+(\d+)\s+(?:\d+\s+)?total$", self.out.read_text(), re.MULTILINE
        )
        self.calls = int(match.group(1)) if match else -1


def measure(agent: Agent, label: str, *, trace: Path | None) -> dict:
    if trace is not None:
        with Strace(trace) as strace:
            report = agent.refresh()
        calls = strace.calls
    else:
        calls = None
    cpu, wall = time.process_time(), time.perf_counter()
    if trace is None:
        report = agent.refresh()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert report.ok, f"{label}: {report.error}"
    row = {
        "phase": label,
        "result": str(report.result),
        "cpu": cpu,
        "wall": wall,
        "objects": report.downloaded_objects,
        "bytes": report.downloaded_bytes,
        "syscalls": calls,
    }
    print(
        f"  {label:<12} {row['result']:<10} cpu {cpu * 1000:8.1f} ms  wall {wall * 1000:8.1f} ms"
        f"  downloaded {row['objects']:5d} objects {row['bytes']:9d} B"
        + (f"  syscalls {calls}" if calls is not None else ""),
        flush=True,
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--strace", action="store_true", help="count system calls per phase")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as folder:
        base = Path(folder)
        started = time.perf_counter()
        entities, images = localrepo.county_entities()
        repo = localrepo.LocalRepo(base / "publisher")
        plan = repo.release(entities, images, CHANNEL)
        print(
            f"{CHANNEL} v1: {plan.manifest.objects} objects + {len(plan.files)} images "
            f"({time.perf_counter() - started:.1f} s to build)",
            flush=True,
        )
        with subprocess.Popen(
            [sys.executable, __file__, "--serve", str(repo.repository)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        ) as server:
            assert server.stdout
            url = server.stdout.readline().strip()
            home = base / "kiosk"
            home.mkdir()
            shutil.copyfile(repo.root_json, home / "root.json")
            agent = Agent(AgentConfig(publisher=url, home=home, channel=CHANNEL))
            trace = base / "strace.txt" if args.strace else None
            rows = [measure(agent, "install", trace=trace)]
            for number in range(args.rounds):
                entities = localrepo.edited(entities, EntityType.CATALOGUE_ENTRY, nth=number)
                repo.release(entities, images, CHANNEL)
                rows.append(measure(agent, "update", trace=trace))
                rows.append(measure(agent, "current", trace=trace))
            for deep in (False, True):  # what maintenance costs, when due (idle, rarely)
                cpu, wall = time.process_time(), time.perf_counter()
                garbage = agent.activator.collect_garbage(deep=deep)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                label = "scrub" if deep else "gc"
                print(
                    f"  {label:<12} {'':<10} cpu {cpu * 1000:8.1f} ms  wall {wall * 1000:8.1f} ms"
                    f"  removed {garbage.removed_objects}, kept {garbage.reachable}",
                    flush=True,
                )
            agent.http.clear()
            assert server.stdin
            server.stdin.close()
        print("medians:")
        for phase in ("install", "update", "current"):
            chosen = [r for r in rows if r["phase"] == phase]
            cpu = statistics.median(r["cpu"] for r in chosen) * 1000
            wall = statistics.median(r["wall"] for r in chosen) * 1000
            line = f"  {phase:<8} cpu {cpu:8.1f} ms  wall {wall:8.1f} ms"
            if args.strace:
                line += f"  syscalls {statistics.median(r['syscalls'] for r in chosen):.0f}"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
