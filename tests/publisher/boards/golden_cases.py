"""The golden-image cases of test_render.py, shared with golden/regenerate.py.

Each case renders one program for one board with the installed bitmap fonts;
the PNGs under ``golden/`` are the expected pixels, one file per slide.
"""

from __future__ import annotations

from datetime import datetime

from content.county_time import SHANGHAI
from publisher.boards.cardfont import face_for
from publisher.boards.program import BoardConfig
from publisher.boards.render import ClockItem, QrItem, TextItem, render_items


def board(board_id, width, height, colors, *, font_px=16, driver="preview"):
    return BoardConfig(
        id=board_id,
        name=board_id,
        town="county",
        place="",
        driver=driver,
        address="golden-previews",
        width=width,
        height=height,
        colors=colors,
        font_px=font_px,
    )


AT = datetime(2026, 12, 1, 8, 30, tzinfo=SHANGHAI)
CASES = {
    "mono-64x16-notice": (
        board("mono", 64, 16, "mono"),
        [TextItem("关于开展年度工作检查的通知。")],
    ),
    "dual-192x32-progress": (
        board("dual", 192, 32, "dual", driver="onbon-k"),
        [TextItem("东门大桥改造项目 完成率63%", color="yellow"), ClockItem(AT, color="green")],
    ),
    "dual-96x24-12px": (
        board("small", 96, 24, "dual", font_px=12),
        [TextItem("县长 任玥：主持县政府全面工作。分管县审计局。", color="red")],
    ),
    "rgb-128x64-qr": (
        board("rgb", 128, 64, "rgb"),
        [QrItem("http://127.0.0.1:8700/d/7kq2x")],  # a short link, as boards show
    ),
}


def render_case(name):
    config, items = CASES[name]
    return render_items(config, face_for(config), items)
