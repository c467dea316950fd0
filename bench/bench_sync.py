"""Benchmark of the sync against the demo county on loopback (`make bench-sync`).

Runs, with the politeness interval at 0: a full sync of the demo county, a
re-sync with no change, and a re-sync after one mutation round of the demo
site. Prints requests, bytes, wall and CPU seconds and CPU milliseconds per
item for each, the re-sync/full ratios, and the parsing cost per item measured
on its own (parse + assemble of every page, no network, no store).

Targets (issue 3): the no-change re-sync uses at most 5% of the full sync's
requests and 2% of its bytes; parsing costs at most 2 ms of CPU per item.
Issue 17: the validator-less column (人事信息, no ETag or Last-Modified) is reported
on its own; its no-change re-sync costs at most its list pages plus 2% of its
articles (and robots.txt).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

GONGKAI = str(Path(sys.executable).parent / "gongkai")
COLUMNS = ("jgzn", "ldxx", "qlqd", "zdxm", "msss", "gkml", "gkzn", "tzgg", "gknb")
#: The demo column that sends no validators, and its list pages (3, and the empty 4th).
NO_VALIDATORS, NO_VALIDATORS_PAGES = "dayu-rsxx", 4


def main() -> int:
    """Run the benchmark; exit 1 when a target is missed."""
    with (
        subprocess.Popen(
            [GONGKAI, "demo-site", "--port", "0", "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        ) as site,
        tempfile.TemporaryDirectory() as folder,
    ):
        try:
            url, token = _site_address(site)
            home_path = Path(folder) / "home"
            subprocess.run([GONGKAI, "init", "--home", str(home_path), "--demo", url], check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
            return _measure(home_path, url, token)
        finally:
            site.terminate()
            site.wait(timeout=30)


def _measure(home_path: Path, url: str, token: str) -> int:
    from publisher.django_setup import setup
    from publisher.home import Home

    home = Home(home_path)
    setup(home, migrate=True)
    from publisher.commands._common import client_factory
    from publisher.sync import SyncEngine

    config = home.config()
    engine = SyncEngine(home=home, config=config, client_factory=client_factory(config))
    rows = {
        "full sync": _timed(engine),
        "re-sync, no change": _timed(engine),
    }
    _mutate(url, token)
    rows["re-sync after --mutate"] = _timed(engine)
    full = rows["full sync"]
    header = ("items", "requests", "bytes", "wall s", "cpu s", "cpu ms/item")
    widths = (8, 10, 13, 9, 8, 13)
    print(f"{'run':<24}" + "".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    for name, row in rows.items():
        print(
            f"{name:<24}{row['items']:>8}{row['requests']:>10}{row['bytes']:>13}"
            f"{row['wall']:>9.1f}{row['cpu']:>8.1f}"
            f"{1000 * row['cpu'] / max(row['items'], 1):>13.2f}"
        )
    quiet = rows["re-sync, no change"]
    request_ratio = quiet["requests"] / full["requests"]
    byte_ratio = quiet["bytes"] / full["bytes"]
    mutated = rows["re-sync after --mutate"]
    print(
        f"no-change/full: requests {request_ratio:.2%} (target <= 5%), "
        f"bytes {byte_ratio:.3%} (target <= 2%)"
    )
    print(
        f"mutated/full: requests {mutated['requests'] / full['requests']:.2%}, "
        f"bytes {mutated['bytes'] / full['bytes']:.3%}"
    )
    parse_ms = _parse_cost(url)
    print(f"parsing: {parse_ms:.3f} ms CPU per item (target <= 2 ms)")
    ok = request_ratio <= 0.05 and byte_ratio <= 0.02 and parse_ms <= 2.0
    ok &= _validatorless(rows)
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


def _validatorless(rows: dict[str, dict[str, float]]) -> bool:
    """The validator-less column's own table and target; whether the target is met."""
    print(f"\nvalidator-less column ({NO_VALIDATORS}: no ETag, no Last-Modified)")
    print(f"{'run':<24}{'items':>8}{'requests':>10}{'articles read':>15}{'bytes':>10}")
    for name, row in rows.items():
        run = row["by_source"][NO_VALIDATORS]  # type: ignore[index]
        read = run["new"] + run["changed"] + run["read_unchanged"]
        print(f"{name:<24}{run['items']:>8}{run['requests']:>10}{read:>15}{run['bytes']:>10}")
    quiet = rows["re-sync, no change"]["by_source"][NO_VALIDATORS]  # type: ignore[index]
    allowed = 1 + NO_VALIDATORS_PAGES + max(1, int(0.02 * quiet["items"]))
    met = quiet["requests"] <= allowed
    print(f"no-change re-sync: {quiet['requests']} requests "
          f"(target <= robots.txt + {NO_VALIDATORS_PAGES} list pages + 2% of "
          f"{quiet['items']} articles = {allowed})")  # fmt: skip
    return met


def _timed(engine: object) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    summaries = engine.run()  # type: ignore[attr-defined]
    by_source = {
        s.source: {
            "items": s.new + s.changed + s.unchanged,
            "new": s.new,
            "changed": s.changed,
            # requests beyond robots.txt and the list pages were articles read again
            "read_unchanged": max(0, s.requests - 1 - NO_VALIDATORS_PAGES - s.new - s.changed),
            "requests": s.requests,
            "bytes": s.bytes,
        }
        for s in summaries
    }
    return {
        "by_source": by_source,  # type: ignore[dict-item]
        "items": sum(s.new + s.changed + s.unchanged for s in summaries),
        "requests": sum(s.requests for s in summaries),
        "bytes": sum(s.bytes for s in summaries),
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
    }


def _parse_cost(url: str) -> float:
    """CPU ms per item of reading pages into entities (pages fetched beforehand)."""
    from content import demo
    from content.scope import ScopeResolver
    from publisher.sources.assemble import AssemblyContext, assemble
    from publisher.sources.decoding import decode_html
    from publisher.sources.html import parse_detail
    from publisher.sources.profiles import load_profile
    from publisher.sources.records import ListEntry

    county, _ = demo.mutate_county(demo.generate_county(base_url=url), rounds=1)
    scopes = ScopeResolver(dict(demo.DEMO_TOWNS))
    pages = []
    for key in COLUMNS:
        profile = load_profile(f"builtin:dayu/{key}")
        column = demo.COLUMNS[key]
        for entities in county.by_type().values():
            for entity in entities:
                page_url = entity.provenance.source_url
                if page_url.startswith(url + column.path):
                    with urllib.request.urlopen(page_url, timeout=30) as response:
                        body, kind = response.read(), response.headers.get("Content-Type")
                    pages.append((profile, page_url, body, kind))
    start = time.process_time()
    for profile, page_url, body, kind in pages:
        text, _ = decode_html(body, kind)
        record = parse_detail(text, page_url, profile.detail, ListEntry(page_url))
        ctx = AssemblyContext(
            entity_type=profile.entity_type,
            scopes=scopes,
            source_column=profile.name,
            parser=profile.parser,
            fetched_at=county.agencies[0].provenance.fetched_at,
        )
        assemble(record, ctx)
    return 1000 * (time.process_time() - start) / len(pages)


def _site_address(site: subprocess.Popen[str]) -> tuple[str, str]:
    url = token = None
    assert site.stdout is not None  # noqa: S101
    while url is None or token is None:
        line = site.stdout.readline()
        if not line:
            raise RuntimeError("demo-site exited early")
        if match := re.search(r"(http://127\.0\.0\.1:\d+)/", line):
            url = url or match.group(1)
        if "control token" in line:
            token = line.rsplit(" ", 1)[-1].strip()
    return url, token


def _mutate(url: str, token: str) -> None:
    request = urllib.request.Request(
        f"{url}/__demo__/mutate", method="POST", data=b"", headers={"X-Demo-Token": token}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        json.loads(response.read())


if __name__ == "__main__":
    sys.exit(main())
