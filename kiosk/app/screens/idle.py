"""The attract loop (notices and figures while nobody is there) and 正在获取内容."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.metrics import dp
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout

from kiosk.app.widgets.basic import Card, Text
from kiosk.viewmodels.home import attract_slides

if TYPE_CHECKING:
    from kivy.uix.widget import Widget

    from kiosk.app.context import Ui

__all__ = ["build_attract", "build_loading"]


def build_attract(ui: Ui, index: int) -> Widget:
    """Slide ``index`` (modulo their number) of the idle loop."""
    theme = ui.theme
    slides = attract_slides(ui.library, ui.today()) if ui.library else []
    root = BoxLayout(orientation="vertical", padding=dp(theme.padding_dp * 2), spacing=dp(24))
    root.add_widget(
        Text("政务公开 · 便民查询", theme, size=theme.title_sp, bold=True, halign="center")
    )
    if slides:
        slide = slides[index % len(slides)]
        card = Card(theme)
        kind = "通知公告" if slide.kind == "notice" else "数据一览"
        card.add_widget(Text(kind, theme, color=theme.accent, bold=True))
        card.add_widget(Text(slide.title, theme, size=theme.heading_sp, bold=True))
        for line in slide.lines:
            card.add_widget(Text(line, theme))
        root.add_widget(card)
        root.add_widget(
            Text(
                f"{index % len(slides) + 1} / {len(slides)}",
                theme,
                color=theme.muted,
                halign="center",
            )
        )
    root.add_widget(BoxLayout())
    root.add_widget(
        Text(
            "轻触屏幕，开始查询",
            theme,
            size=theme.title_sp,
            halign="center",
            color=theme.accent,
            bold=True,
        )
    )
    return root


def build_loading(ui: Ui, reason: str) -> Widget:
    """Before any release is active: never a blank screen."""
    theme = ui.theme
    root = AnchorLayout()
    box = BoxLayout(orientation="vertical", size_hint=(0.85, None), spacing=dp(24))
    box.bind(minimum_height=box.setter("height"))
    box.add_widget(Text("正在获取内容…", theme, size=theme.title_sp, bold=True, halign="center"))
    box.add_widget(
        Text("本机正在从县政务公开平台下载经过签名校验的内容，请稍候。", theme, halign="center")
    )
    if reason:
        box.add_widget(Text(reason, theme, size=theme.small_sp, color=theme.muted, halign="center"))
    root.add_widget(box)
    return root
