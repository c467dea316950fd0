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
   entities (``content.release.build_release``, activated in a kiosk home by the
   agent's ``activate``), beside a plain linear substring scan of the same
   keys. Target: p99 at most 10 ms at 10x.
3. **Scrolling.** The 公开目录 list (every catalogue entry, ``RowView`` rows)
   scrolled by 40 px per frame for 5 s, beside a bare ``RecycleView`` of the same
   rows as plain Labels with the same viewport, row height and spacing; two
   runs each, alternately, frames pooled. Both run uncapped (``maxfps = 0``) so
   a frame time is the cost of a frame, not the frame cap. Target: frame time
   at most 1.2x the bare one's; the app's own work per frame (everything
   outside ``Window.flip``: clock, input, layout, recycling, canvas) at most 5 ms.
4. **Memory.** Peak RSS of ``gongkai kiosk --tour OUTDIR`` (every screen, both
   modes) beside the bare Label app's over 3 s: the kernel's high-water mark
   (``wait4``), with the highest psutil sample (every 20 ms) beside it.
   Target: at most the bare app's plus 100 MB.

How frames are timed, without patching anything: the child process schedules,
on Kivy's clock before the app runs, a callback that binds ``Window.on_flip``.
The handler performs the flip itself (``window.flip()``, exactly what the
default ``on_flip`` does; Kivy binds no other handler to it) and returns True,
so it knows when each flip starts and ends. The kiosk children call
``configure`` with the settings the app then uses before importing Kivy's
clock (``configure`` is idempotent), then ``content.cli.main(["kiosk", ...])``
(start) or ``kiosk.app.main.run`` (scrolling, uncapped).

Run under Xvfb: without ``BENCH_KIOSK_XVFB=1`` the script runs itself again
under ``xvfb-run -a -s "-screen 0 1080x1920x24 -nolisten tcp"``. Software GL
(llvmpipe) makes absolute frame times a CI floor, not a kiosk's GPU figure.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import argparse
    import subprocess

    from kiosk.viewmodels.library import Library

REPO = Path(__file__).resolve().parent.parent
XVFB_MARK = "BENCH_KIOSK_XVFB"
XVFB_SERVER = "-screen 0 1080x1920x24 -nolisten tcp"
T_LAUNCH = "BENCH_KIOSK_T_LAUNCH"
RESULT = "BENCH_KIOSK "
CHANNEL = "town-nanan"
SCROLL_PX = 40.0
SEARCH_ROUNDS = 15
SCROLL_ROUNDS = 2
TENFOLD = 10
#: Ten title variants, one per copy of the demo county (the first is the original).
VARIANTS = (
    "",
    "（修订）",
    "实施细则",
    "（第二批）",
    "政策解读",
    "补充通知",
    "（试行）",
    "办理指南",
    "年度计划",
    "工作方案",
)
#: What people type on the keypad: initials prefixes, full pinyin, Chinese, digits.
QUERIES = {
    "initials": (
        "b",
        "bd",
        "bdc",
        "bdcd",
        "bdcdj",
        "y",
        "yl",
        "ylbz",
        "x",
        "xczx",
        "zfxxgk",
    ),
    "pinyin": (
        "budongchan",
        "dengji",
        "yiliao",
        "jiaoyu",
        "shebao",
        "xiangcunzhenxing",
        "zhengfuxinxi",
        "gongkai",
    ),
    "chinese": ("县", "税", "不动", "公开", "不动产", "乡村振", "不动产登", "乡村振兴", "医疗保障"),
    "digits": ("1", "20", "2024", "202410", "3602", "0001"),
}


# --- harness ---------------------------------------------------------------------------


def main() -> int:
    """Run the benchmark (under Xvfb); exit 1 when a target is missed."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="launches per app (default 3)")
    parser.add_argument("--scroll-seconds", type=float, default=5.0)
    parser.add_argument("--keep", type=Path, default=None, help="keep the homes and logs here")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args.child[0], json.loads(args.child[1]))
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
    started = time.perf_counter()
    sys.path.insert(0, str(REPO))
    import importlib

    demohome = importlib.import_module("tests.kiosk.app.demohome")
    home = demohome.build_kiosk_home(folder / "demo", channel=CHANNEL)
    print(f"demo county home ({CHANNEL}) built in {time.perf_counter() - started:.0f} s")
    print(f"{os.cpu_count()} CPUs, {_load()}")
    rows: list[tuple[str, ...]] = []
    rows += _bench_start(folder, home, args.runs)
    rows += _bench_scroll(folder, home, args.scroll_seconds)
    rows += _bench_memory(folder, home)
    rows += _bench_search(folder, home)
    print()
    _table(rows)
    missed = [r for r in rows if r[-1] == "FAIL"]
    print(f"\ntotal {time.perf_counter() - started:.0f} s; {_load()} (other work skews figures)")
    print("targets met" if not missed else f"TARGETS MISSED: {len(missed)}")
    return 1 if missed else 0


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def _launch(
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


def _child_command(mode: str, **spec: Any) -> list[str]:
    return [sys.executable, __file__, "--child", mode, json.dumps(spec)]


# --- 1. start ----------------------------------------------------------------------------


def _bench_start(folder: Path, home: Path, runs: int) -> list[tuple[str, ...]]:
    import statistics

    print("\n1. cold start to the first interactive frame (1080x1920, Xvfb)")
    fonts = str(home / "ui" / "fonts")
    app = _child_command("app-start", home=str(home))
    bare = _child_command("bare-start", home=str(folder / "bare"), fonts=fonts, hold=0.0)
    # Untimed first runs: the kiosk extracts its font, Mesa fills its shader caches.
    _launch(folder, "start-app-warmup", app)
    _launch(folder, "start-bare-warmup", bare)
    apps, bares = [], []
    for run in range(runs):  # interleaved, so drift hits both alike
        apps.append(_launch(folder, f"start-app-{run}", app))
        bares.append(_launch(folder, f"start-bare-{run}", bare))
    first = statistics.median(r["first"] for r in apps)
    content = statistics.median(r["content"] for r in apps)
    base = statistics.median(r["first"] for r in bares)
    print(
        f"  kiosk first frame   {_spread([r['first'] for r in apps], 's')}  screen: "
        f"{apps[0]['first_screen']}"
    )
    print(
        f"  kiosk content ready {_spread([r['content'] for r in apps], 's')}  screen: "
        f"{apps[0]['content_screen']} (release read and 首页 drawn)"
    )
    print(f"  bare Label app      {_spread([r['first'] for r in bares], 's')}")
    print(
        f"  peak RSS at first frame: kiosk {apps[0]['rss_mb']:.0f} MB, "
        f"bare {bares[0]['rss_mb']:.0f} MB"
    )
    ratio = first / base
    return [
        ("start: first frame", f"{first:.2f} s", f"{base:.2f} s", f"{ratio:.2f}x", "<= 2x",
         _verdict(ok=ratio <= 2.0)),
        ("start: content ready", f"{content:.2f} s", f"{base:.2f} s", f"{content / base:.2f}x",
         "-", "info"),
    ]  # fmt: skip


def _spread(values: list[float], unit: str) -> str:
    import statistics

    return (
        f"median {statistics.median(values):.2f} {unit} "
        f"(runs {', '.join(f'{v:.2f}' for v in values)})"
    )


# --- 3. scrolling ----------------------------------------------------------------------


def _bench_scroll(folder: Path, home: Path, seconds: float) -> list[tuple[str, ...]]:
    print(
        f"\n2. scrolling the 公开目录 list, {SCROLL_PX:.0f} px/frame for {seconds:.0f} s, "
        f"kiosk and bare alternately, {SCROLL_ROUNDS} runs each (frames pooled)"
    )
    rows_file = folder / "catalogue-rows.json"
    app_command = _child_command("app-scroll", home=str(home), seconds=seconds, rows=str(rows_file))
    bare_command = _child_command(
        "bare-scroll",
        home=str(folder / "bare"),
        fonts=str(home / "ui" / "fonts"),
        seconds=seconds,
        rows=str(rows_file),
    )
    runs: dict[str, list[dict[str, Any]]] = {"kiosk": [], "bare": []}
    for run in range(SCROLL_ROUNDS):  # the kiosk first: it writes the rows the bare app shows
        runs["kiosk"].append(_launch(folder, f"scroll-app-{run}", app_command))
        runs["bare"].append(_launch(folder, f"scroll-bare-{run}", bare_command))
    stats = {name: _pooled(found) for name, found in runs.items()}
    for name, label in (("kiosk", "kiosk RowView"), ("bare", "bare Label")):
        found, pooled = runs[name][0], stats[name]
        each = ", ".join(f"{_pct(r['frames_ms'], 50):.1f}" for r in runs[name])
        print(
            f"  {label:14} {found['rows']} rows, {found['views']} row widgets, "
            f"{len(pooled['frame'])} frames: frame median {_pct(pooled['frame'], 50):.1f} ms, "
            f"p95 {_pct(pooled['frame'], 95):.1f} ms (per-run medians {each}); "
            f"in flip {_pct(pooled['flip'], 50):.1f} ms; outside flip median "
            f"{_pct(pooled['work'], 50):.1f} ms, p95 {_pct(pooled['work'], 95):.1f} ms"
        )
    app, bare = stats["kiosk"], stats["bare"]
    return [
        _scroll_row("frame median", app["frame"], bare["frame"], 50, limit=1.2),
        _scroll_row("frame p95", app["frame"], bare["frame"], 95, limit=1.2),
        _scroll_row("work/frame median", app["work"], bare["work"], 50, limit_ms=5.0),
        _scroll_row("work/frame p95", app["work"], bare["work"], 95),
    ]


def _pooled(runs: list[dict[str, Any]]) -> dict[str, list[float]]:
    return {
        key: [ms for run in runs for ms in run[f"{key}s_ms"]] for key in ("frame", "flip", "work")
    }


def _scroll_row(
    name: str,
    app: list[float],
    bare: list[float],
    percentile: float,
    *,
    limit: float | None = None,
    limit_ms: float | None = None,
) -> tuple[str, ...]:
    mine, base = _pct(app, percentile), _pct(bare, percentile)
    if limit is not None:
        target, verdict = f"<= {limit}x", _verdict(ok=mine / base <= limit)
    elif limit_ms is not None:
        target, verdict = f"<= {limit_ms:.0f} ms", _verdict(ok=mine <= limit_ms)
    else:
        target, verdict = "-", "info"
    return (
        f"scroll: {name}",
        f"{mine:.1f} ms",
        f"{base:.1f} ms",
        f"{mine / base:.2f}x",
        target,
        verdict,
    )


# --- 4. memory ---------------------------------------------------------------------------


def _bench_memory(folder: Path, home: Path) -> list[tuple[str, ...]]:
    import subprocess

    print("\n3. memory: peak RSS over the tour (every screen, both modes)")
    gongkai = str(Path(sys.executable).parent / "gongkai")
    out = folder / "tour"
    with (folder / "logs" / "tour.log").open("wb") as stderr:
        tour = subprocess.Popen(
            [gongkai, "kiosk", "--home", str(home), "--tour", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        kiosk = _peak_rss_of(tour)
    shots = len(list(out.glob("*.png")))
    bare_command = _child_command(
        "bare-start", home=str(folder / "bare"), fonts=str(home / "ui" / "fonts"), hold=3.0
    )
    with (folder / "logs" / "bare-rss.log").open("wb") as stderr:
        env = {**os.environ, T_LAUNCH: repr(time.time())}
        bare_process = subprocess.Popen(
            bare_command, stdout=subprocess.DEVNULL, stderr=stderr, env=env
        )
        bare = _peak_rss_of(bare_process)
    print(
        f"  kiosk tour: exit {kiosk.code}, {shots} screenshots in {kiosk.seconds:.0f} s; "
        f"peak RSS {kiosk.peak:.0f} MB (highest 20 ms sample {kiosk.sampled:.0f} MB)"
    )
    print(
        f"  bare Label app, 3 s after its first frame: exit {bare.code}; peak RSS "
        f"{bare.peak:.0f} MB (highest 20 ms sample {bare.sampled:.0f} MB)"
    )
    ok = kiosk.code == 0 and bare.code == 0 and kiosk.peak <= bare.peak + 100
    return [
        ("memory: peak RSS", f"{kiosk.peak:.0f} MB", f"{bare.peak:.0f} MB",
         f"+{kiosk.peak - bare.peak:.0f} MB", "<= bare+100 MB", _verdict(ok=ok)),
    ]  # fmt: skip


class _Usage(NamedTuple):
    peak: float  # MB: the kernel's high-water mark (ru_maxrss), exact
    sampled: float  # MB: the highest RSS psutil saw
    seconds: float
    code: int


def _peak_rss_of(process: subprocess.Popen[bytes]) -> _Usage:
    """Sample a running child's RSS every 20 ms until it exits; its ``wait4`` peak too."""
    import contextlib

    import psutil

    started = time.perf_counter()
    sampled = 0
    watched = psutil.Process(process.pid)
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        with contextlib.suppress(psutil.Error):
            sampled = max(sampled, watched.memory_info().rss)
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    return _Usage(
        usage.ru_maxrss / 1024, sampled / 2**20, time.perf_counter() - started, process.returncode
    )


# --- 2. search ---------------------------------------------------------------------------


def _bench_search(folder: Path, home: Path) -> list[tuple[str, ...]]:
    from kiosk.agent.reader import ReleaseReader
    from kiosk.viewmodels.library import Library

    print("\n4. search (kiosk.viewmodels.search.search) beside a linear substring scan")
    started, before = time.perf_counter(), _rss_mb()
    small = Library(ReleaseReader(home))
    _ = small.search_index
    print(f"  demo county: {len(small.order):,} items, read and merged in "
          f"{time.perf_counter() - started:.1f} s, RSS +{_rss_mb() - before:.0f} MB")  # fmt: skip
    rows = _search_rows("1x", small, target=False)
    big_home = _tenfold_home(folder / "tenfold")
    started, before = time.perf_counter(), _rss_mb()
    big = Library(ReleaseReader(big_home))
    _ = big.search_index
    print(
        f"  10x release: {len(big.order):,} items, read and merged in "
        f"{time.perf_counter() - started:.1f} s, RSS +{_rss_mb() - before:.0f} MB "
        "(the kiosk's loader thread does this before content is ready)"
    )
    rows += _search_rows("10x", big, target=True)
    return rows


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def _search_rows(name: str, library: Library, *, target: bool) -> list[tuple[str, ...]]:
    per_query, scanned, misses = _time_queries(library)
    timed = [ms for times in per_query.values() for ms in times]
    p50, p99 = _pct(timed, 50), _pct(timed, 99)
    s50, s99 = _pct(scanned, 50), _pct(scanned, 99)
    queries = sum(len(q) for q in QUERIES.values())
    print(
        f"  {name:3}: {queries} queries x {SEARCH_ROUNDS} rounds: search p50 {p50:.2f} ms, "
        f"p99 {p99:.2f} ms, max {max(timed):.2f} ms; scan p50 {s50:.2f} ms, p99 {s99:.2f} ms"
    )
    slowest = sorted(per_query, key=lambda q: -_pct(per_query[q], 50))[:4]
    print(
        f"  {name:3}: slowest queries (median): "
        + ", ".join(f"{q} {_pct(per_query[q], 50):.1f} ms" for q in slowest)
    )
    if misses:
        print(f"  {name:3}: search found nothing where the scan matched: {', '.join(misses)}")
    verdict = _verdict(ok=p99 <= 10.0) if target else "info"
    return [
        (f"search {name} ({len(library.order):,}): p50", f"{p50:.2f} ms", f"{s50:.2f} ms",
         f"{p50 / s50:.2f}x", "-", "info"),
        (f"search {name} ({len(library.order):,}): p99", f"{p99:.2f} ms", f"{s99:.2f} ms",
         f"{p99 / s99:.2f}x", "<= 10 ms" if target else "-", verdict),
    ]  # fmt: skip


def _time_queries(library: Library) -> tuple[dict[str, list[float]], list[float], list[str]]:
    """Milliseconds per search (by query) and per scan, every round; queries missed."""
    from content.search import query_grams
    from kiosk.viewmodels.search import search

    keys = library.search_index.keys
    queries = [q for group in QUERIES.values() for q in group]
    misses = []
    for query in queries:  # warm up, and check the answers against the scan
        normal, _ = query_grams(query)
        found = sum(len(g.entries) for g in search(library, query, per_group=10**9))
        if found == 0 and _scan(keys, normal):
            misses.append(f"{query} (scan {len(_scan(keys, normal)):,})")
    timed: dict[str, list[float]] = {q: [] for q in queries}
    scanned = []
    clock = time.perf_counter_ns
    for _ in range(SEARCH_ROUNDS):
        for query in queries:
            began = clock()
            search(library, query)
            timed[query].append((clock() - began) / 1e6)
            began = clock()
            normal, _ = query_grams(query)
            _scan(keys, normal)
            scanned.append((clock() - began) / 1e6)
    return timed, scanned, misses


def _scan(keys: list[Any], normal: str) -> list[int]:
    """The baseline: every key checked by substring, no index."""
    return [
        i
        for i, k in enumerate(keys)
        if normal in k.text or normal in k.pinyin or normal in k.initials
    ]


def _tenfold_home(home: Path) -> Path:
    """A kiosk home whose active release holds ten copies of the demo county's entities.

    Copies get new ids and varied titles (``VARIANTS``); the release is built by
    ``build_release`` as the publisher builds it, its objects written to the
    home's store (without the agent's per-object fsync) and activated by the
    agent's ``activate``.
    """
    import hashlib
    import importlib
    from datetime import UTC, datetime

    from content.release import build_release
    from kiosk.agent.activate import activate
    from kiosk.agent.home import AgentHome
    from kiosk.agent.store import ObjectStore
    from kiosk.agent.updater import FetchedRelease

    started = time.perf_counter()
    localrepo = importlib.import_module("tests.kiosk.localrepo")
    entities, images = localrepo.county_entities()
    copies = [_copy(e, k) for k in range(TENFOLD) for e in entities]
    plan = build_release(
        copies,
        channel=CHANNEL,
        version=1,
        created_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
        publisher_url="http://127.0.0.1:8600",
    )
    built = time.perf_counter() - started
    agent_home = AgentHome(home)
    store = ObjectStore(agent_home.objects)
    manifest_sha = hashlib.sha256(plan.manifest_bytes).hexdigest()
    objects = {**plan.objects, manifest_sha: plan.manifest_bytes}
    objects.update({sha: images[sha] for sha in plan.files})
    for sha, data in objects.items():
        path = store.path(sha)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    fetched = FetchedRelease(plan.manifest, plan.manifest_bytes, manifest_sha)
    activate(agent_home, fetched, store=store)
    print(
        f"  10x release: {len(copies):,} entities, {len(objects):,} objects, built in "
        f"{built:.0f} s, installed in {time.perf_counter() - started - built:.0f} s"
    )
    return home


def _copy(entity: Any, number: int) -> Any:
    if number == 0:
        return entity
    update: dict[str, Any] = {"id": f"{entity.id}.x{number}"}
    for name in ("title", "name"):
        if name in type(entity).model_fields:
            update[name] = getattr(entity, name) + VARIANTS[number]
            break
    return entity.model_copy(update=update)


# --- report ------------------------------------------------------------------------------


def _pct(values: list[float], percentile: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percentile / 100 * (len(ordered) - 1)))]


def _verdict(*, ok: bool) -> str:
    return "pass" if ok else "FAIL"


def _table(rows: list[tuple[str, ...]]) -> None:
    head = ("measure", "kiosk", "baseline", "ratio", "target", "result")
    widths = [max(_width(r[i]) for r in (head, *rows)) for i in range(len(head))]
    for row in (head, tuple("-" * w for w in widths), *rows):
        cells = [c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)]
        print("  ".join(cells).rstrip())


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# --- children (one Kivy app per process) -------------------------------------------------


def _child(mode: str, spec: dict[str, Any]) -> int:
    if mode == "app-start":
        return _app_start(spec)
    if mode == "app-scroll":
        return _app_scroll(spec)
    if mode == "bare-start":
        return _bare(spec, scroll=False)
    if mode == "bare-scroll":
        return _bare(spec, scroll=True)
    raise SystemExit(f"unknown child mode {mode}")


def _report(result: dict[str, Any]) -> None:
    print(RESULT + json.dumps(result), flush=True)


def _app_start(spec: dict[str, Any]) -> int:
    """``gongkai kiosk --home HOME``, timed to its first frame and to content ready."""
    from kiosk.app.bootstrap import configure
    from kiosk.app.settings import KioskSettings

    configure(KioskSettings(home=Path(spec["home"]).resolve()))  # what the CLI's run() does
    from kivy.clock import Clock

    frames = _FirstFrames(float(os.environ[T_LAUNCH]), content=True, hold=0.0)
    Clock.schedule_once(frames.install, 0)
    from content.cli import main as gongkai

    return gongkai(["kiosk", "--home", spec["home"]])


def _app_scroll(spec: dict[str, Any]) -> int:
    """``kiosk.app.main.run`` uncapped, on the list of every catalogue entry, scrolled."""
    from kiosk.app.bootstrap import configure
    from kiosk.app.settings import KioskSettings

    settings = KioskSettings(home=Path(spec["home"]).resolve(), maxfps=0, speech=False)
    configure(settings)
    from kivy.clock import Clock

    scroller = _Scroller(float(spec["seconds"]), Path(spec["rows"]))
    Clock.schedule_once(scroller.open_list, 0)
    from kiosk.app.main import run

    return run(settings)


def _bare(spec: dict[str, Any], *, scroll: bool) -> int:
    """A bare Kivy app in the kiosk's environment: one Label, or a RecycleView of Labels."""
    from kiosk.app.bootstrap import configure, register_font
    from kiosk.app.fonts import find_font
    from kiosk.app.settings import KioskSettings

    folder = Path(spec["home"])
    folder.mkdir(parents=True, exist_ok=True)
    configure(KioskSettings(home=folder, maxfps=0 if scroll else 30))
    register_font(find_font(Path(spec["fonts"])))
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.uix.label import Label

    if scroll:
        scroller = _Scroller(float(spec["seconds"]), Path(spec["rows"]))
        Clock.schedule_once(scroller.open_bare, 0)
        root = scroller.bare_view()
    else:
        frames = _FirstFrames(float(os.environ[T_LAUNCH]), content=False, hold=spec["hold"])
        Clock.schedule_once(frames.install, 0)
        root = Label(text="政务公开 · 便民查询", font_size="40sp")

    class BareApp(App):  # type: ignore[misc]
        def build(self) -> Any:
            return root

    BareApp().run()
    return 0


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stop_app(_dt: float = 0.0) -> None:
    from kivy.app import App

    App.get_running_app().stop()


class _FirstFrames:
    """Times the first flip after ``on_start`` and (for the kiosk) the first with content."""

    def __init__(self, launched: float, *, content: bool, hold: float) -> None:
        self.launched = launched
        self.content = content
        self.hold = hold
        self.result: dict[str, Any] = {}
        self.app: Any = None

    def install(self, _dt: float) -> None:
        """On the first clock tick, after ``on_start``: take over ``on_flip``."""
        from kivy.app import App
        from kivy.clock import Clock
        from kivy.core.window import Window

        self.app = App.get_running_app()
        Window.bind(on_flip=self.flip)
        Clock.schedule_once(self.give_up, 60)

    def flip(self, window: Any) -> bool:
        """Flip (the default ``on_flip``), then note the frame."""
        window.flip()
        now = time.time()
        kiosk = getattr(self.app, "kiosk", None)
        if "first" not in self.result:
            self.result["first"] = now - self.launched
            self.result["first_screen"] = kiosk.screen_name if kiosk else "label"
            self.result["rss_mb"] = _peak_rss_mb()
            if not self.content:
                self.finish()
        if self.content and "content" not in self.result and kiosk and kiosk.library:
            self.result["content"] = now - self.launched
            self.result["content_screen"] = kiosk.screen_name
            self.finish()
        return True

    def finish(self) -> None:
        """Print the result; stop the app (after ``hold`` seconds)."""
        from kivy.clock import Clock

        _report(self.result)
        Clock.schedule_once(_stop_app, self.hold)

    def give_up(self, _dt: float) -> None:
        """No frame worth reporting in a minute: stop without a result."""
        if "first" not in self.result or (self.content and "content" not in self.result):
            _stop_app()


class _Scroller:
    """Scrolls a RecycleView by ``SCROLL_PX`` per frame and times every flip."""

    def __init__(self, seconds: float, rows: Path) -> None:
        self.seconds = seconds
        self.rows = rows
        self.view: Any = None
        self.flips: list[tuple[float, float]] = []
        self.direction = -1.0
        self.until = 0.0
        self.done = False

    # kiosk side
    def open_list(self, _dt: float) -> None:
        """Wait for the release, open 公开目录's full list, then start."""
        from kivy.app import App
        from kivy.clock import Clock

        kiosk = getattr(App.get_running_app(), "kiosk", None)
        if kiosk is None or kiosk.library is None:
            Clock.schedule_once(self.open_list, 0.1)
            return
        from kiosk.viewmodels.nav import Place

        kiosk.go(Place("list", "catalogue"))
        Clock.schedule_once(self.start_kiosk, 1.5)

    def start_kiosk(self, _dt: float) -> None:
        """Find the list, write its rows and geometry for the bare run, scroll."""
        from kivy.app import App
        from kivy.uix.recycleview import RecycleView

        kiosk = App.get_running_app().kiosk
        self.view = next(w for w in kiosk.current.walk() if isinstance(w, RecycleView))
        layout = self.view.layout_manager
        x, y = self.view.to_window(self.view.x, self.view.y)
        sample = next(iter(self.view.view_adapter.views.values()), None)
        shape = {
            "pos": [x, y],
            "size": list(self.view.size),
            "row_height": layout.default_size[1],
            "spacing": layout.spacing,
            "bar_width": self.view.bar_width,
            "font_size": sample._title.font_size if sample else 18,  # noqa: SLF001
            "texts": [f"{d['title']}\n{d['subtitle']}" for d in self.view.data],
        }
        self.rows.write_text(json.dumps(shape, ensure_ascii=False), encoding="utf-8")
        self.start()

    # bare side
    def bare_view(self) -> Any:
        """A RecycleView of plain Labels where the kiosk's list was, with its rows."""
        from kivy.uix.floatlayout import FloatLayout
        from kivy.uix.recycleboxlayout import RecycleBoxLayout
        from kivy.uix.recycleview import RecycleView

        shape = json.loads(self.rows.read_text(encoding="utf-8"))
        width, height = shape["size"]
        root = FloatLayout()
        view = RecycleView(
            size_hint=(None, None),
            size=(width, height),
            pos=shape["pos"],
            bar_width=shape["bar_width"],
            scroll_type=["bars", "content"],
        )
        layout = RecycleBoxLayout(
            orientation="vertical",
            default_size=(None, shape["row_height"]),
            default_size_hint=(1, None),
            size_hint_y=None,
            spacing=shape["spacing"],
        )
        layout.bind(minimum_height=layout.setter("height"))
        view.add_widget(layout)
        view.viewclass = "Label"
        box = (width - 24, shape["row_height"])
        view.data = [
            {"text": t, "font_size": shape["font_size"], "text_size": box, "halign": "left"}
            for t in shape["texts"]
        ]
        root.add_widget(view)
        self.view = view
        return root

    def open_bare(self, _dt: float) -> None:
        """Let the bare list lay out as long as the kiosk's did, then scroll."""
        from kivy.clock import Clock

        Clock.schedule_once(lambda _dt: self.start(), 1.5)

    # both
    def start(self) -> None:
        """Take over ``on_flip`` and move the list every frame for ``seconds``."""
        from kivy.clock import Clock
        from kivy.core.window import Window

        Window.bind(on_flip=self.flip)
        Clock.schedule_interval(self.step, 0)
        self.until = time.perf_counter() + self.seconds

    def step(self, _dt: float) -> bool:
        """Move by ``SCROLL_PX``, bouncing off the ends."""
        if self.done:
            return False
        span = self.view.layout_manager.height - self.view.height
        if span <= 0:
            return True
        value = self.view.scroll_y + self.direction * SCROLL_PX / span
        if not 0.0 <= value <= 1.0:
            self.direction = -self.direction
            value = min(1.0, max(0.0, value))
        self.view.scroll_y = value
        return True

    def flip(self, window: Any) -> bool:
        """Flip (the default ``on_flip``), timed; report once ``seconds`` have passed."""
        began = time.perf_counter()
        window.flip()
        ended = time.perf_counter()
        if self.until and not self.done:
            self.flips.append((began, ended))
            if ended >= self.until:
                self.finish()
        return True

    def finish(self) -> None:
        """Frame times (flip end to flip end) and work outside the flip; stop."""
        from itertools import pairwise

        from kivy.clock import Clock

        flips = self.flips
        self.done = True
        adapter = self.view.view_adapter
        frames = [(b[1] - a[1]) * 1e3 for a, b in pairwise(flips)]
        work = [(b[0] - a[1]) * 1e3 for a, b in pairwise(flips)]
        inside = [(e - s) * 1e3 for s, e in flips]
        _report(
            {
                "rows": len(self.view.data),
                "views": len(adapter.views) + sum(len(v) for v in adapter.dirty_views.values()),
                "frames_ms": frames,
                "flips_ms": inside,
                "works_ms": work,
            }
        )
        Clock.schedule_once(_stop_app, 0)


if __name__ == "__main__":
    sys.exit(main())
