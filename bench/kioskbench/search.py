"""2. Search p50/p99 on the demo county and on ten times it, beside a linear substring scan."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from kioskbench.common import CHANNEL, Row, pct, rss_mb, verdict

if TYPE_CHECKING:
    from pathlib import Path

    from kiosk.viewmodels.library import Library

SEARCH_ROUNDS = 15
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


def bench_search(folder: Path, home: Path) -> list[Row]:
    """Time the queries on the demo county's release and on a tenfold one."""
    from kiosk.agent.reader import ReleaseReader
    from kiosk.viewmodels.library import Library

    print("\n4. search (kiosk.viewmodels.search.search) beside a linear substring scan")
    started, before = time.perf_counter(), rss_mb()
    small = Library(ReleaseReader(home))
    _ = small.search_index
    print(f"  demo county: {len(small.order):,} items, read and merged in "
          f"{time.perf_counter() - started:.1f} s, RSS +{rss_mb() - before:.0f} MB")  # fmt: skip
    rows = _search_rows("1x", small, target=False)
    big_home = tenfold_home(folder / "tenfold")
    started, before = time.perf_counter(), rss_mb()
    big = Library(ReleaseReader(big_home))
    _ = big.search_index
    print(
        f"  10x release: {len(big.order):,} items, read and merged in "
        f"{time.perf_counter() - started:.1f} s, RSS +{rss_mb() - before:.0f} MB "
        "(the kiosk's loader thread does this before content is ready)"
    )
    rows += _search_rows("10x", big, target=True)
    return rows


def _search_rows(name: str, library: Library, *, target: bool) -> list[Row]:
    per_query, scanned, misses = _time_queries(library)
    timed = [ms for times in per_query.values() for ms in times]
    p50, p99 = pct(timed, 50), pct(timed, 99)
    s50, s99 = pct(scanned, 50), pct(scanned, 99)
    queries = sum(len(q) for q in QUERIES.values())
    print(
        f"  {name:3}: {queries} queries x {SEARCH_ROUNDS} rounds: search p50 {p50:.2f} ms, "
        f"p99 {p99:.2f} ms, max {max(timed):.2f} ms; scan p50 {s50:.2f} ms, p99 {s99:.2f} ms"
    )
    slowest = sorted(per_query, key=lambda q: -pct(per_query[q], 50))[:4]
    print(
        f"  {name:3}: slowest queries (median): "
        + ", ".join(f"{q} {pct(per_query[q], 50):.1f} ms" for q in slowest)
    )
    if misses:
        print(f"  {name:3}: search found nothing where the scan matched: {', '.join(misses)}")
    result = verdict(ok=p99 <= 10.0) if target else "info"
    return [
        (f"search {name} ({len(library.order):,}): p50", f"{p50:.2f} ms", f"{s50:.2f} ms",
         f"{p50 / s50:.2f}x", "-", "info"),
        (f"search {name} ({len(library.order):,}): p99", f"{p99:.2f} ms", f"{s99:.2f} ms",
         f"{p99 / s99:.2f}x", "<= 10 ms" if target else "-", result),
    ]  # fmt: skip


def _time_queries(library: Library) -> tuple[dict[str, list[float]], list[float], list[str]]:
    """Milliseconds per search (by query) and per scan, every round; queries missed."""
    from content.search import query_grams
    from kiosk.viewmodels.search import search

    keys = library.search_index.haystacks
    queries = [q for group in QUERIES.values() for q in group]
    misses = []
    for query in queries:  # warm up, and check the answers against the scan
        normal, _ = query_grams(query, library.search_index.scheme)
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


def _scan(keys: list[str], normal: str) -> list[int]:
    """The baseline: every entry's keys checked by substring, no index."""
    return [i for i, k in enumerate(keys) if normal in k]


def tenfold_home(home: Path) -> Path:
    """A kiosk home whose active release holds ten copies of the demo county's entities.

    Copies get new ids and varied titles (``VARIANTS``); the release is built by
    ``build_release`` as the publisher builds it, its objects written to the
    home's store (without the agent's per-object fsync) and activated by the
    agent's ``activate``.
    """
    import hashlib
    import importlib
    from datetime import UTC, datetime

    from content.release_build import build_release
    from kiosk.agent.activation import activate
    from kiosk.agent.home import AgentHome
    from kiosk.agent.release import FetchedRelease
    from kiosk.agent.store import ObjectStore

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
