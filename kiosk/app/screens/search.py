"""Search with the kiosk's own keypad: no system IME, no typing Chinese."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from kivy.metrics import dp
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.app.screens.browse import row_list
from kiosk.app.widgets.basic import TapButton, Text
from kiosk.viewmodels.search import COMMON, KEYS
from kiosk.viewmodels.sections import row_of

if TYPE_CHECKING:
    from kivy.uix.widget import Widget

    from kiosk.app.context import Ui
    from kiosk.viewmodels.sections import Row

__all__ = ["build_search"]


def build_search(ui: Ui, *, landscape: bool) -> Widget:
    """Query line, grouped results and the keypad (below in portrait, beside in landscape)."""
    theme, state = ui.theme, ui.search_state
    root = BoxLayout(
        orientation="horizontal" if landscape else "vertical",
        padding=dp(theme.padding_dp),
        spacing=dp(12),
    )
    results = BoxLayout(orientation="vertical", spacing=dp(8))
    shown = state.query.upper() if state.query else "请在下方输入拼音或拼音首字母"
    results.add_widget(Text(f"搜索：{shown}", theme, size=theme.heading_sp, bold=True))
    if state.query:
        summary = f"找到 {state.total} 条" if state.total else "没有找到，请换个拼音试试"
        results.add_widget(Text(summary, theme, color=theme.muted))
    else:
        results.add_widget(_common(ui))
    rows: list[Row | str] = []
    library, today = ui.library, ui.today()
    for group in state.groups:
        more = "（仅显示前几条，请多输入几个字母）" if group.more else ""
        rows.append(f"{group.label}{more}")
        if library is not None:
            rows += [row_of(entry, library, today) for entry in group.entries]
    results.add_widget(row_list(ui, rows))
    root.add_widget(results)
    root.add_widget(_keypad(ui, landscape=landscape))
    return root


def _common(ui: Ui) -> Widget:
    """常用事项: the matters most visitors come for, one tap each (no pinyin needed)."""
    theme = ui.theme
    box = GridLayout(cols=1, size_hint_y=None, spacing=dp(10))
    box.bind(minimum_height=box.setter("height"))
    box.add_widget(Text("常用事项（不会拼音也能查）", theme, bold=True))
    grid = GridLayout(cols=2, size_hint_y=None, spacing=dp(10))
    grid.bind(minimum_height=grid.setter("height"))

    def choose(query: str) -> None:
        if ui.library is not None:
            ui.search_state.set_query(query, ui.library)
        ui.refresh_screen()

    for label, query in COMMON:
        grid.add_widget(
            TapButton(label, theme, partial(choose, query), primary=False, name=f"common-{query}")
        )
    box.add_widget(grid)
    return box


def _keypad(ui: Ui, *, landscape: bool) -> Widget:
    theme = ui.theme
    cols = 6 if landscape else 9
    side = dp(theme.touch_dp * 1.15)
    gap = dp(6)
    keys = GridLayout(cols=cols, spacing=gap, size_hint=(None, None))
    keys.width = cols * (side + gap)
    keys.height = -(-len(KEYS) // cols) * (side + gap)

    def press(key: str) -> None:
        if ui.library is not None:
            ui.search_state.press(key, ui.library)
        ui.refresh_screen()

    for key in KEYS:
        keys.add_widget(
            TapButton(
                key,
                theme,
                partial(press, key),
                size=theme.heading_sp,
                name=f"key-{key}",
                size_hint=(None, None),
                width=side,
                height=side,
            )
        )
    # 删除 and 清空 get a wide row of their own: two characters in a key would wrap.
    edits = BoxLayout(size_hint=(None, None), width=keys.width, height=side, spacing=gap)
    for key, label in (("backspace", "删除"), ("clear", "清空")):
        edits.add_widget(
            TapButton(
                label, theme, partial(press, key), primary=False, name=f"key-{key}", height=side
            )
        )
    holder = BoxLayout(orientation="vertical", spacing=gap, size_hint=(None, None))
    holder.width, holder.height = keys.width, keys.height + side + gap
    holder.add_widget(keys)
    holder.add_widget(edits)
    centred = AnchorLayout(anchor_x="center", size_hint=(1, None), height=holder.height)
    if landscape:
        centred.size_hint = (None, 1)
        centred.width = holder.width
    centred.add_widget(holder)
    return centred
