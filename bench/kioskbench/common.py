"""What the kiosk benchmark's parts share: launching child apps, their results, percentiles."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO / "bench" / "bench_kiosk.py"
T_LAUNCH = "BENCH_KIOSK_T_LAUNCH"
RESULT = "BENCH_KIOSK "
CHANNEL = "town-nanan"

#: A row of the summary table: measure, kiosk, baseline, ratio, target, result.
Row = tuple[str, ...]


def launch(
    folder: Path, name: str, command: list[str], *, timeout: float = 180.0
) -> dict[str, Any]:
    """Run a child; return the JSON it printed after ``RESULT`` (its stderr goes to a log)."""
    import subprocess

    log = folder / "logs" / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as stderr:
        env = {**os.environ, T_LAUNCH: repr(time.time())}
        done = subprocess.run(
            command, stdout=subprocess.PIPE, stderr=stderr, env=env, timeout=timeout, check=False
        )
    for line in done.stdout.decode().splitlines():
        if line.startswith(RESULT):
            found: dict[str, Any] = json.loads(line.removeprefix(RESULT))
            found["exit"] = done.returncode
            return found
    tail = log.read_text(errors="replace").splitlines()[-15:]
    raise RuntimeError(f"{name} printed no result (exit {done.returncode}):\n" + "\n".join(tail))


def child_command(mode: str, **spec: Any) -> list[str]:
    """The command line of a child process running one measured app."""
    return [sys.executable, str(SCRIPT), "--child", mode, json.dumps(spec)]


def report(result: dict[str, Any]) -> None:
    """Print a child's result where the harness looks for it."""
    print(RESULT + json.dumps(result), flush=True)


def pct(values: list[float], percentile: float) -> float:
    """The ``percentile``-th value of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percentile / 100 * (len(ordered) - 1)))]


def verdict(*, ok: bool) -> str:
    """A target's result cell."""
    return "pass" if ok else "FAIL"


def rss_mb() -> float:
    """This process's resident set now, in MB."""
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def peak_rss_mb() -> float:
    """This process's peak resident set (``ru_maxrss``), in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stop_app(_dt: float = 0.0) -> None:
    """Stop the running Kivy app (a clock callback)."""
    from kivy.app import App

    App.get_running_app().stop()
