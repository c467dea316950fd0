"""The attract loop (notices and figures while nobody is there) and 正在获取内容."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.metrics import dp
from kivy.uix.anchorlayout import AnchorLayout
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.app.widgets.basic import Progress, TapButton, Text
from kiosk.viewmodels.home import attract_slides, home_reading, tiles
from kiosk.viewmodels.nav import Screen

if TYPE_CHECKING:
    from collections.abc import Callable

    from kivy.uix.widget import Widget

    from kiosk.app.context import Ui
    from kiosk.viewmodels.attract import Slide

__all__ = ["AttractScreen", "build_attract", "build_loading"]


class AttractScreen(BoxLayout):  # type: ignore[misc]
    """One full-screen slide; the kiosk asks it what a waking tap opens (``action_at``)."""

    def __init__(self, ui: Ui, slides: list[Slide], index: int) -> None:
        theme = ui.theme
        super().__init__(orientation="vertical", padding=dp(theme.padding_dp * 2), spacing=dp(24))
        self.ui = ui
        self._buttons: list[tuple[Widget, Callable[[], None]]] = []
        self.slide = slides[index % len(slides)] if slides else None
        top = Text("政务公开 · 便民查询", theme, size=theme.title_sp, bold=True, halign="center")
        if self.slide is None:
            self.add_widget(top)
            self.add_widget(BoxLayout())
        else:
            slide = self.slide
            self.add_widget(
                Text(
                    slide.heading,
                    theme,
                    size=theme.title_sp,
                    bold=True,
                    color=theme.accent,
                    halign="center",
                )
            )
            self.add_widget(self._body(slide))
            self.add_widget(
                Text(
                    f"{index % len(slides) + 1} / {len(slides)}",
                    theme,
                    color=theme.muted,
                    halign="center",
                )
            )
        self.add_widget(
            Text(
                "轻触屏幕，开始查询",
                theme,
                size=theme.title_sp,
                halign="center",
                color=theme.accent,
                bold=True,
            )
        )

    def _body(self, slide: Slide) -> Widget:
        theme = self.ui.theme
        body = BoxLayout(orientation="vertical", spacing=dp(20))
        body.add_widget(BoxLayout())  # with the one below: the words in the middle
        body.add_widget(Text(slide.title, theme, size=theme.title_sp, bold=True, halign="center"))
        # Landscape has half the height: bars and people go in two columns.
        grid = GridLayout(cols=2 if _landscape() else 1, size_hint_y=None, spacing=(dp(40), dp(20)))
        grid.bind(minimum_height=grid.setter("height"))
        for label, done in slide.bars:
            grid.add_widget(
                _item(
                    Text(f"{label}　{done:.0f}%", theme, size=theme.heading_sp),
                    Progress(done, theme, height=dp(theme.heading_sp * 1.2)),
                )
            )
        if slide.kind == "leaders":
            for who, duty in zip(slide.lines[::2], slide.lines[1::2], strict=True):
                grid.add_widget(
                    _item(
                        Text(who, theme, size=theme.heading_sp, bold=True),
                        Text(duty, theme, color=theme.muted),
                    )
                )
        else:
            for line in slide.lines:
                size = theme.title_sp if slide.kind in {"offer", "figures"} else theme.heading_sp
                body.add_widget(Text(line, theme, size=size, halign="center"))
        if grid.children:
            body.add_widget(grid)
        if slide.kind == "offer":
            buttons = BoxLayout(size_hint_y=None, height=dp(theme.touch_dp * 2.5), spacing=dp(24))
            for label, action, name in (
                ("大字", self._bigger, "attract-elder"),
                ("语音", self._voice, "attract-voice"),
            ):
                button = TapButton(
                    label,
                    theme,
                    action,
                    size=theme.title_sp,
                    name=name,
                    height=dp(theme.touch_dp * 2.5),
                )
                self._buttons.append((button, action))
                buttons.add_widget(button)
            body.add_widget(buttons)
        body.add_widget(BoxLayout())
        return body

    def action_at(self, x: float, y: float) -> Callable[[], None]:
        """What a tap at window ``x``, ``y`` opens: a slide's button, else what the slide shows."""
        for button, action in self._buttons:
            if button.collide_point(*button.to_widget(x, y)):
                return action
        return self._open

    def _open(self) -> None:
        self.ui.home()
        if self.slide is not None and self.slide.target.screen is not Screen.HOME:
            self.ui.go(self.slide.target)

    def _bigger(self) -> None:
        self.ui.home()
        self.ui.set_elder(elder=True)

    def _voice(self) -> None:
        ui = self.ui
        ui.home()
        counts = {t.section: t.count for t in tiles(ui.library)} if ui.library else {}
        ui.speak(home_reading(counts).summary)


def _item(*parts: Widget) -> Widget:
    box = GridLayout(cols=1, size_hint_y=None, spacing=dp(8))
    box.bind(minimum_height=box.setter("height"))
    for part in parts:
        box.add_widget(part)
    return box


def _landscape() -> bool:
    from kivy.core.window import Window  # noqa: PLC0415 - exists once the app runs

    return bool(Window.width > Window.height)


def build_attract(ui: Ui, index: int) -> Widget:
    """Slide ``index`` (modulo their number) of the idle loop."""
    slides = attract_slides(ui.library, ui.today()) if ui.library else []
    return AttractScreen(ui, slides, index)


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
