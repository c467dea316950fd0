"""The header above every screen: 首页, 返回, the time, 内容更新于 … and 关怀模式."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout

from content.county_time import SHANGHAI
from kiosk.app.widgets.basic import Badge, TapButton, Text, fill

if TYPE_CHECKING:
    from collections.abc import Callable

    from kiosk.viewmodels.status import Freshness
    from kiosk.viewmodels.theme import Theme

__all__ = ["Header", "HeaderActions", "clock_text"]

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class HeaderActions:
    """What the header's buttons do."""

    home: Callable[[], None]
    back: Callable[[], None]
    toggle_elder: Callable[[], None]


class Header(BoxLayout):  # type: ignore[misc]
    """Redrawn with every screen; its clock is updated in place every second."""

    def __init__(self, actions: HeaderActions, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", size_hint_y=None, **kwargs)
        self.actions = actions
        self.clock_label: Text | None = None

    def draw(self, theme: Theme, *, ways_back: bool, elder: bool, fresh: Freshness) -> None:
        """Draw for ``theme``; ``ways_back`` adds 首页 and 返回 (not on 首页 or the loop)."""
        self.clear_widgets()
        self.canvas.before.clear()
        fill(self, theme.surface)
        self.padding = (dp(theme.padding_dp), dp(8))
        top = BoxLayout(size_hint_y=None, height=dp(theme.touch_dp + 8), spacing=dp(12))
        narrow = {"size_hint_x": None, "width": dp(theme.touch_dp * 2.2)}
        if ways_back:
            top.add_widget(TapButton("首页", theme, self.actions.home, name="home", **narrow))
            top.add_widget(
                TapButton("返回", theme, self.actions.back, primary=False, name="back", **narrow)
            )
        self.clock_label = Text(clock_text(_now()), theme, size=theme.body_sp, halign="center")
        top.add_widget(self.clock_label)
        top.add_widget(
            TapButton(
                "关怀模式：开" if elder else "关怀模式：关",
                theme,
                self.actions.toggle_elder,
                primary=elder,
                name="elder",
                size_hint_x=None,
                width=dp(theme.touch_dp * 4),
            )
        )
        self.add_widget(top)
        status = BoxLayout(size_hint_y=None, height=dp(theme.small_sp * 2), spacing=dp(12))
        status.add_widget(Text(fresh.text, theme, size=theme.small_sp, color=theme.muted))
        if fresh.stale:
            status.add_widget(Badge("！" + fresh.warning, theme, "warn"))
        self.add_widget(status)
        self.height = top.height + status.height + dp(16)

    def tick(self) -> None:
        """Update the time shown."""
        if self.clock_label is not None:
            self.clock_label.text = clock_text(_now())


def clock_text(now: datetime) -> str:
    """``12月4日 星期五 09:30``: the header's clock."""
    return f"{now.month}月{now.day}日 星期{WEEKDAYS[now.weekday()]} {now:%H:%M}"


def _now() -> datetime:
    return datetime.now(SHANGHAI)
