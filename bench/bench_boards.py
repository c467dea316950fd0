"""Benchmark of LED board programs (`make bench-boards`): a day for 500 boards, one frame.

1. A day of schedule changes for 500 boards: for every board, walk from 00:00 to
   24:00 (Asia/Shanghai) along :func:`next_change`, and at each boundary resolve
   the rules, compose and render the program and, when its digest changed from
   what the board showed (at 00:00: the previous evening's program, as a running
   service has pushed it), encode it with the board's driver (``encode_only``: the
   exact frames, datagrams or files, without I/O). Encoding shares one
   ``EncodeCache``, as ``gongkai serve``'s pusher does: boards of one model and
   size showing the same program get the same bytes, encoded once
   (``--no-cache`` encodes every push). Content is the demo county's approved
   notices, projects and leaders, in memory; no database, no network.
2. One frame: render and encode one full text slide for a 192x64 dual-colour
   board (Onbon G6, bit planes) and a 128x64 full-colour board (Onbon G6, RGB888),
   median of many runs, never cached.

Targets (issue 7): the day for 500 boards in at most 2 s; one frame in at most
5 ms. A baseline measured in the same run puts the figures in proportion: a bare
Pillow ``ImageDraw.text`` of the same text on an image of the same size.
This is a benchmark, not a test: it prints figures and exits 0 either way.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from content import demo
from content.county_time import SHANGHAI
from publisher.boards.compose import Composer, ContentSnapshot, sorted_notices
from publisher.boards.drivers import EncodeCache, encode_only
from publisher.boards.fonts import find_font
from publisher.boards.layout import warm_up
from publisher.boards.program import BoardConfig, Program
from publisher.boards.render import TextItem, render_items
from publisher.boards.schedule import Content, Rule, next_change, resolve

if TYPE_CHECKING:
    from collections.abc import Callable

DAY_TARGET = 2.0
_EVENING = timedelta(minutes=1)  # before 00:00: the previous day's last program
FRAME_TARGET = 0.005
TEXT = "关于开展二〇二六年度政务公开工作检查的通知 东门大桥改造项目 完成率63%"
_SHAPES = (  # (driver, width, height, colors)
    ("onbon-k", 192, 32, "dual"),
    ("onbon-g6", 128, 64, "rgb"),
    ("onbon-g6", 192, 64, "dual"),
    ("flaschen-taschen", 128, 64, "rgb"),
    ("onbon-k", 96, 16, "mono"),
)


def main() -> int:
    """Run both parts and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", type=int, default=500)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2026, 12, 1))
    parser.add_argument("--no-cache", action="store_true", help="encode every push afresh")
    args = parser.parse_args()
    towns = [town_id for _, town_id in demo.DEMO_TOWNS]
    boards = [_board(n, towns) for n in range(args.boards)]
    snapshot = _snapshot()
    rules = _rules(args.day, boards)
    find_font(16), find_font(12)  # font loading is once per process, not per day
    warm_up()  # so is loading the word segmenter's dictionary

    print(f"bench-boards: {len(boards)} boards, {len(rules)} rules, "
          f"{len(snapshot.notices)} notices, {len(snapshot.projects)} projects")  # fmt: skip
    cache = None if args.no_cache else EncodeCache()
    day, counts = _time_day(boards, rules, snapshot, args.day, cache)
    print(f"day of schedule changes: {day:.3f} s  (target {DAY_TARGET:.1f} s, "
          f"{day / DAY_TARGET:.0%} of it)  boundaries {counts['boundaries']}, "
          f"programs pushed {counts['pushed']}, slides {counts['slides']}, "
          f"bytes pushed {counts['bytes']:,}")  # fmt: skip
    encode = counts["encode_ms"] / 1000
    print(f"  of which encoding (drivers' encode_only) {encode:.3f} s; resolve, compose and "
          f"render {day - encode:.3f} s")  # fmt: skip
    if cache is not None:
        stats = cache.stats()
        print(f"  encode cache: {stats.encodes} distinct encodings ({stats.bytes:,} bytes kept), "
              f"{stats.hits} pushes reused one, {stats.evictions} evicted")  # fmt: skip
    for width, height, colors in ((192, 64, "dual"), (128, 64, "rgb")):
        board = _shape_board("f000", "onbon-g6", width, height, colors=colors, town="county")
        ours = _median(lambda b=board: _frame(b))
        render = _median(lambda b=board: _render(b))
        bare = _median(lambda w=width, h=height: _bare_pillow(w, h))
        print(f"one frame {width}x{height} {colors}: render+encode {ours * 1000:.2f} ms "
              f"(render {render * 1000:.2f} ms; target {FRAME_TARGET * 1000:.0f} ms, "
              f"{ours / FRAME_TARGET:.0%} of it); baseline bare Pillow draw "
              f"{bare * 1000:.2f} ms (x{ours / bare:.1f})")  # fmt: skip
    return 0


def _time_day(
    boards: list[BoardConfig],
    rules: list[Rule],
    snapshot: ContentSnapshot,
    day: date,
    cache: EncodeCache | None,
) -> tuple[float, dict[str, int]]:
    start = datetime.combine(day, dtime(), tzinfo=SHANGHAI)
    end = start + timedelta(days=1)
    counts = {"boundaries": 0, "pushed": 0, "slides": 0, "bytes": 0}
    encoding = 0.0
    began = time.perf_counter()
    composer = Composer(snapshot)
    for board in boards:
        moment = start
        # What the board shows since last evening: a running service pushes at
        # 00:00 only if the program changes then.
        last = composer.program(board, resolve(board, rules, start - _EVENING)).content_digest()
        while moment < end:
            counts["boundaries"] += 1
            program = composer.program(board, resolve(board, rules, moment))
            digest = program.content_digest()
            if digest != last:
                last = digest
                counts["pushed"] += 1
                counts["slides"] += len(program.slides)
                encode_began = time.perf_counter()
                counts["bytes"] += sum(map(len, encode_only(board, program, cache=cache)))
                encoding += time.perf_counter() - encode_began
            moment = next_change(board, rules, moment)
    counts["encode_ms"] = round(encoding * 1000)
    return time.perf_counter() - began, counts


def _frame(board: BoardConfig) -> None:
    slides = render_items(board, find_font(16), [TextItem(TEXT)])
    encode_only(board, Program(board.id, slides[:1]))


def _render(board: BoardConfig) -> None:
    render_items(board, find_font(16), [TextItem(TEXT)])


def _bare_pillow(width: int, height: int) -> None:
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"
    draw.text((0, 0), TEXT[:24], font=find_font(16)._face, fill=(255, 0, 0))  # noqa: SLF001


def _median(call: Callable[[], object], runs: int = 200) -> float:
    for _ in range(10):
        call()  # warm the glyph cache, as a running publisher has it
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _board(number: int, towns: list[str]) -> BoardConfig:
    driver, width, height, colors = _SHAPES[number % len(_SHAPES)]
    town = "county" if number % 7 == 0 else towns[number % len(towns)]
    return _shape_board(f"b{number:03d}", driver, width, height, colors=colors, town=town)


def _shape_board(
    board_id: str, driver: str, width: int, height: int, *, colors: str, town: str
) -> BoardConfig:
    return BoardConfig(
        id=board_id,
        name=board_id,
        town=town,
        place="",
        driver=driver,  # type: ignore[arg-type]
        address="127.0.0.1:5005",
        width=width,
        height=height,
        colors=colors,  # type: ignore[arg-type]
        hours=("06:30", "22:30") if int(board_id[1:] or 0) % 3 else ("00:00", "24:00"),
        group=("hall",) if width >= 128 else ("strip",),
    )


def _snapshot() -> ContentSnapshot:
    county = demo.generate_county()
    return ContentSnapshot(
        notices=sorted_notices(county.notices),
        projects=county.projects,
        leaders=county.leaders,
    )


def _rules(day: date, boards: list[BoardConfig]) -> list[Rule]:
    """A county's week: notice loops, progress at midday, duties, nights, an emergency."""
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def rule(rule_id: int, **fields: object) -> Rule:
        fields.setdefault("created_at", now)
        return Rule(id=rule_id, name=f"r{rule_id}", **fields)  # type: ignore[arg-type]

    noon = datetime.combine(day, dtime(12), tzinfo=SHANGHAI)
    return [
        rule(1, groups=frozenset({"all"}), start=390, end=1080,
             content=(Content("notices", limit=5),)),
        rule(2, groups=frozenset({"hall"}), start=600, end=720, priority=5,
             content=(Content("projects", limit=5, color="yellow"),)),
        rule(3, groups=frozenset({"strip"}), start=480, end=540, weekdays=frozenset(range(5)),
             priority=3, content=(Content("text", "办事请取号 按号就座 文明办事"),)),
        rule(4, groups=frozenset({"all"}), start=1080, end=1380,
             content=(Content("text", "政务公开 服务群众 县人民政府", color="green"),)),
        rule(5, groups=frozenset({"all"}), start=1320, end=360, priority=1,
             content=(Content("text", "夜间请注意安全"),)),
        rule(6, boards=frozenset(b.id for b in boards[::10]), start=840, end=960, priority=2,
             content=(Content("leaders", limit=3),)),
        rule(7, boards=frozenset(b.id for b in boards[::25]), emergency=True, created_at=noon,
             expires_at=noon + timedelta(hours=2),
             content=(Content("text", "暴雨红色预警 请勿外出 注意安全", color="red"),)),
    ]  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
