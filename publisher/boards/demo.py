"""Demo boards (one per driver) and demo schedules for ``gongkai init --demo``.

No controller listens at the demo addresses unless one is started (the
Flaschen-Taschen ``ft-server``, or a fake Onbon peer), so pushes to them fail
and are retried with back-off: the state shows that, and the preview board
always works (it writes files into HOME/previews/).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from publisher.boards.program import BoardConfig
from publisher.boards.schedule import Content, Rule

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

__all__ = ["DEMO_BOARDS", "GUIDE_PATH", "demo_rules"]

DEMO_BOARDS: tuple[BoardConfig, ...] = (
    BoardConfig(
        id="hall-k",
        name="县政务服务中心门头屏",
        town="county",
        place="一楼入口",
        driver="onbon-k",
        address="127.0.0.1:5005",
        width=192,
        height=32,
        colors="dual",
        font_px=16,
        hours=("07:30", "18:30"),
        hours_days="workdays",  # the service centre is closed on weekends and holidays
        group=("hall",),
    ),
    BoardConfig(
        id="nanan-g6",
        name="南安镇便民服务中心全彩屏",
        town="nanan",
        place="办事大厅",
        driver="onbon-g6",
        address="127.0.0.1:5006",
        width=128,
        height=64,
        colors="rgb",
        font_px=16,
        hours=("08:00", "18:00"),
        group=("hall",),
    ),
    BoardConfig(
        id="square-ft",
        name="新城镇广场屏",
        town="xincheng",
        place="镇政府广场",
        driver="flaschen-taschen",
        address="127.0.0.1:1337",
        width=128,
        height=64,
        colors="rgb",
        font_px=16,
        hours=("00:00", "24:00"),
        group=("square",),
    ),
    BoardConfig(
        id="lobby-preview",
        name="县政府大楼大厅（预览）",
        town="county",
        place="大楼一层",
        driver="preview",
        address="previews/lobby-preview",
        width=192,
        height=64,
        colors="dual",
        font_px=16,
        hours=("00:00", "24:00"),
        group=("hall",),
    ),
)


#: The demo county's disclosure guide (its page; the board shows its short link).
GUIDE_PATH = "/zwgk/gkzn/202601/t20260110_1000757.shtml"


def demo_rules(*, now: datetime, site: str) -> Sequence[Rule]:
    """A notice loop by day, project progress at midday, a night window, a QR code."""

    def rule(**fields: object) -> Rule:
        return Rule(id=0, created_at=now, **fields)  # type: ignore[arg-type]

    return (
        rule(
            name="白天通知轮播",
            groups=frozenset({"all"}),
            start=7 * 60 + 30,
            end=18 * 60,
            content=(
                Content("clock", color="green", seconds=5.0),
                Content("notices", limit=5, color="red", seconds=8.0),
            ),
        ),
        rule(
            name="重点项目进度",
            groups=frozenset({"hall"}),
            start=10 * 60,
            end=12 * 60,
            days="workdays",  # office days on the official calendar, 调休 included
            priority=5,
            content=(Content("projects", limit=5, color="yellow", seconds=6.0),),
        ),
        rule(
            name="夜间提示",
            boards=frozenset({"square-ft", "lobby-preview"}),
            start=22 * 60,
            end=6 * 60,
            content=(
                Content("text", "夜间请注意出行安全 县人民政府提醒", color="green"),
                Content("clock", color="green", seconds=5.0),
            ),
        ),
        rule(
            name="政策全文二维码",
            boards=frozenset({"nanan-g6"}),
            start=8 * 60,
            end=18 * 60,
            priority=1,
            content=(
                Content("notices", limit=3, color="yellow"),
                Content(
                    "qr",
                    f"{site}{GUIDE_PATH}",
                    caption="扫码看信息公开指南",
                    color="yellow",
                ),
            ),
        ),
    )
