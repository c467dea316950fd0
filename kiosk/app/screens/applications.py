"""依申请公开: how to apply (from the guide, with its QR) and 查询办理进度 on a digit keypad.

The lookup runs on a thread (the publisher is asked over the network; the
frame must not wait) and its answer is drawn on the next frame. Only the
status and dates come back; the kiosk says plainly when it is offline.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView

from kiosk.app.widgets.basic import Card, QrCode, TapButton, Text
from kiosk.viewmodels.applications import (
    DIGIT_KEYS,
    Field,
    answer_lines,
    apply_guide,
)

if TYPE_CHECKING:
    from kivy.uix.widget import Widget

    from kiosk.app.context import Ui

__all__ = ["build_applications"]

_KEY_LABELS = {"backspace": "删除", "clear": "清空"}


def build_applications(ui: Ui) -> Widget:
    """The screen: the guide's card, then the lookup card with its keypad."""
    theme, form = ui.theme, ui.lookup_form
    root = BoxLayout(orientation="vertical", padding=dp(theme.padding_dp), spacing=dp(12))
    root.add_widget(Text("依申请公开", theme, size=theme.title_sp, bold=True))

    guide = apply_guide(ui.library)
    how = Card(theme)
    how.add_widget(Text("如何申请", theme, size=theme.heading_sp, bold=True))
    row = BoxLayout(spacing=dp(12), size_hint_y=None)
    texts = BoxLayout(orientation="vertical", spacing=dp(4), size_hint_y=None)
    for line in guide.lines:
        texts.add_widget(Text(line, theme))
    texts.bind(minimum_height=texts.setter("height"))
    row.add_widget(texts)
    if guide.qr_url:
        side = dp(theme.touch_dp * 3)
        qr = BoxLayout(orientation="vertical", size_hint=(None, None), width=side)
        qr.add_widget(QrCode(guide.qr_url, side))
        qr.add_widget(Text("扫码查看公开指南", theme, size=theme.small_sp, halign="center"))
        qr.bind(minimum_height=qr.setter("height"))
        row.add_widget(qr)
        row.qr_url = guide.qr_url
    row.bind(minimum_height=row.setter("height"))
    texts.bind(height=lambda *_: setattr(row, "height", max(texts.height, row.height)))
    how.add_widget(row)
    how.add_widget(
        TapButton(
            "朗读申请方式",
            theme,
            lambda: ui.speak("。".join(guide.lines)),
            primary=False,
            name="read-apply",
        )
    )
    # The guide scrolls (its procedure is long, and longer in 关怀模式); the lookup,
    # its answer and the keypad always stay in view.
    scroll = ScrollView(do_scroll_x=False, bar_width=dp(10), size_hint_y=1)
    scroll.name = "guide"
    scroll.add_widget(how)
    root.add_widget(scroll)

    check = Card(theme)
    check.add_widget(Text("查询办理进度", theme, size=theme.heading_sp, bold=True))
    fields = BoxLayout(spacing=dp(12), size_hint_y=None, height=dp(theme.touch_dp) + dp(8))
    for which, label, shown in (
        (Field.NUMBER, "登记编号数字", form.number or "请输入"),
        (Field.PHONE, "电话后四位", "●" * len(form.phone) or "请输入"),
    ):
        active = form.field is which
        fields.add_widget(
            TapButton(
                f"{label}：{shown}",
                theme,
                partial(_focus, ui, which),
                primary=active,
                name=f"field-{which.value}",
            )
        )
    check.add_widget(fields)
    configured = ui.status_lookup is not None
    lines = answer_lines(form, configured=configured)
    result = BoxLayout(orientation="vertical", size_hint_y=None, spacing=dp(4))
    result.name = "answer"
    for line in lines:
        result.add_widget(Text(line, theme, size=theme.heading_sp))
    result.bind(minimum_height=result.setter("height"))
    check.add_widget(result)
    actions = BoxLayout(spacing=dp(12), size_hint_y=None, height=dp(theme.touch_dp) + dp(8))
    actions.add_widget(
        TapButton(
            "查询" if not form.pending else "查询中…",
            theme,
            partial(_lookup, ui),
            primary=form.ready and configured,
            name="lookup",
        )
    )
    actions.add_widget(
        TapButton(
            "朗读结果", theme, lambda: ui.speak("".join(lines)), primary=False, name="read-result"
        )
    )
    check.add_widget(actions)
    root.add_widget(check)
    root.add_widget(_keypad(ui))
    return root


def _keypad(ui: Ui) -> Widget:
    theme = ui.theme
    side = dp(theme.touch_dp * 1.3)
    gap = dp(8)
    keys = GridLayout(cols=3, spacing=gap, size_hint=(None, None))
    keys.width = 3 * side * 1.6 + 2 * gap
    keys.height = 4 * side + 3 * gap
    for key in DIGIT_KEYS:
        keys.add_widget(
            TapButton(
                _KEY_LABELS.get(key, key),
                theme,
                partial(_press, ui, key),
                primary=key.isdigit(),
                size=theme.heading_sp,
                name=f"digit-{key}",
                size_hint=(None, None),
                width=side * 1.6,
                height=side,
            )
        )
    centred = AnchorLayout(anchor_x="center", size_hint=(1, None), height=keys.height)
    centred.add_widget(keys)
    return centred


def _press(ui: Ui, key: str) -> None:
    ui.lookup_form.press(key)
    ui.refresh_screen()


def _focus(ui: Ui, which: Field) -> None:
    ui.lookup_form.focus(which)
    ui.refresh_screen()


def _lookup(ui: Ui) -> None:
    form, lookup = ui.lookup_form, ui.status_lookup
    if lookup is None or not form.ready:
        return
    generation = form.start()
    number, tail = form.number, form.phone
    ui.refresh_screen()

    def ask() -> None:
        answer = lookup(number, tail)

        def show(_dt: float) -> None:
            if form.finish(generation, answer):
                ui.refresh_screen()

        Clock.schedule_once(show)  # back on the UI thread for the next frame

    threading.Thread(target=ask, name="status-lookup", daemon=True).start()
