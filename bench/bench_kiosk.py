"""Benchmark of the hall kiosk app (`make bench-kiosk`): start, search, scrolling, memory.

Not a timed test: it prints figures beside baselines measured in the same run,
on the same machine, under the same Xvfb server, and says which targets were met.

1. **Start.** ``gongkai kiosk --home HOME`` cold (a new process; the OS file
   cache is warm, and one untimed run first extracts the font and fills the
   Mesa shader cache), n=3, median, from the harness's launch timestamp (passed
   in ``BENCH_KIOSK_T_LAUNCH``) to the end of the first ``Window.flip`` after
   the app's ``on_start`` (the kiosk shell: header and 正在获取内容, taps
   handled), beside a bare Kivy app showing one Label with the same ``Config``
   (``kiosk.app.bootstrap.configure``) and font. Target: at most 2x. Reported
   separately: content ready, the first flip once the release's ``Library`` was
   read in the background and 首页 drawn with it.
2. **Search.** ``kiosk.viewmodels.search.search`` p50/p99 over a mix of
   queries (initials prefixes, full pinyin, Chinese, digits), on the demo
   county's release (``town-nanan``) and on a real release of ten times its
   entities (``content.release_build.build_release``, activated in a kiosk home by the
   agent's ``activate``), beside a plain linear substring scan of the same
   keys. Target: p99 at most 10 ms at 10x.
3. **Scrolling.** The 公开目录 list (every catalogue entry, ``RowView`` rows)
   scrolled by 40 px per frame for 5 s, beside a bare ``RecycleView`` of the same
   rows as plain Labels with the same viewport, row height and spacing; two
   runs each, alternately, frames pooled. Both run uncapped (``maxfps = 0``) so
   a frame time is the cost of a frame, not the frame cap. Target: frame time
   at most 1.2x the bare one's; the app's own work per frame (everything
   outside ``Window.flip``: clock, input, layout, recycling, canvas) at most 5 ms.
4. **Memory.** RSS of the kiosk after its tour (every screen, both modes, with
   real taps; measured two of its one-second ticks after the last screen, when it
   has freed what the last screen replaced) beside the bare Label app's RSS 3 s
   after its first frame. Target: at most the bare app's plus 100 MB. Both
   processes' peaks (the kernel's high-water mark) are printed beside them.

How frames are timed, without patching anything: the child process schedules,
on Kivy's clock before the app runs, a callback that binds ``Window.on_flip``.
The handler performs the flip itself (``window.flip()``, exactly what the
default ``on_flip`` does; Kivy binds no other handler to it) and returns True,
so it knows when each flip starts and ends. The kiosk children call
``configure`` with the settings the app then uses before importing Kivy's
clock (``configure`` is idempotent), then ``content.cli.main(["kiosk", ...])``
(start) or ``kiosk.app.main.run`` (scrolling, uncapped).

The parts live in ``bench/kioskbench/`` (one module per measurement, each with
its child apps); this script is the harness and the children's entry point.

Run under Xvfb: without ``BENCH_KIOSK_XVFB=1`` the script runs itself again
under ``xvfb-run -a -s "-screen 0 1080x1920x24 -nolisten tcp"``. Software GL
(llvmpipe) makes absolute frame times a CI floor, not a kiosk's GPU figure.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))  # kioskbench, when run as a script
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the repository (tests.*)

from kioskbench import memory, scroll, search, start
from kioskbench.common import CHANNEL, Row

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

XVFB_MARK = "BENCH_KIOSK_XVFB"
XVFB_SERVER = "-screen 0 1080x1920x24 -nolisten tcp"
#: One Kivy app per child process, by mode.
CHILDREN: dict[str, Callable[[dict[str, Any]], int]] = {
    "app-start": start.app_start,
    "bare-start": start.bare_start,
    "app-scroll": scroll.app_scroll,
    "bare-scroll": scroll.bare_scroll,
    "app-tour": memory.app_tour,
    "bare-rss": memory.bare_rss,
}


def main() -> int:
    """Run the benchmark (under Xvfb); exit 1 when a target is missed."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="launches per app (default 3)")
    parser.add_argument("--scroll-seconds", type=float, default=5.0)
    parser.add_argument("--keep", type=Path, default=None, help="keep the homes and logs here")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return CHILDREN[args.child[0]](json.loads(args.child[1]))
    if os.environ.get(XVFB_MARK) != "1":
        return _under_xvfb()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return _run(args.keep.resolve(), args)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-kiosk-") as folder:
        return _run(Path(folder), args)


def _under_xvfb() -> int:
    import shutil
    import subprocess

    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("bench-kiosk: xvfb-run not found (apt-get install xvfb xauth)", file=sys.stderr)
        return 1
    command = [xvfb, "-a", "-s", XVFB_SERVER, sys.executable, __file__, *sys.argv[1:]]
    return subprocess.run(command, env={**os.environ, XVFB_MARK: "1"}, check=False).returncode


def _run(folder: Path, args: argparse.Namespace) -> int:
    import importlib

    started = time.perf_counter()
    demohome = importlib.import_module("tests.kiosk.app.demohome")
    home = demohome.build_kiosk_home(folder / "demo", channel=CHANNEL)
    print(f"demo county home ({CHANNEL}) built in {time.perf_counter() - started:.0f} s")
    print(f"{os.cpu_count()} CPUs, {_load()}")
    rows: list[Row] = []
    rows += start.bench_start(folder, home, args.runs)
    rows += scroll.bench_scroll(folder, home, args.scroll_seconds)
    rows += memory.bench_memory(folder, home)
    rows += search.bench_search(folder, home)
    print()
    _table(rows)
    missed = [r for r in rows if r[-1] == "FAIL"]
    print(f"\ntotal {time.perf_counter() - started:.0f} s; {_load()} (other work skews figures)")
    print("targets met" if not missed else f"TARGETS MISSED: {len(missed)}")
    return 1 if missed else 0


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def _table(rows: list[Row]) -> None:
    head = ("measure", "kiosk", "baseline", "ratio", "target", "result")
    widths = [max(_width(r[i]) for r in (head, *rows)) for i in range(len(head))]
    for row in (head, tuple("-" * w for w in widths), *rows):
        cells = [c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)]
        print("  ".join(cells).rstrip())


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


if __name__ == "__main__":
    sys.exit(main())
