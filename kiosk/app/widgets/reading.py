"""The 朗读 bar: 朗读 (the summary), 继续朗读 (the rest), and 正在朗读… 停止朗读 while reading.

The app tells every bar on the screen when reading starts or ends
(``show_speaking``), so 停止朗读 is there only while there is something to stop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout

from kiosk.app.widgets.basic import TapButton, Text

if TYPE_CHECKING:
    from kiosk.app.context import Ui
    from kiosk.viewmodels.reading import Reading

__all__ = ["ReadAloud"]


class ReadAloud(BoxLayout):  # type: ignore[misc]
    """朗读 for one screen's ``Reading``; ``vertical`` stacks the buttons (a side column)."""

    def __init__(self, ui: Ui, reading: Reading, *, vertical: bool = False, **kwargs: Any) -> None:
        theme = ui.theme
        self.row_height = dp(theme.touch_dp + 8)
        kwargs.setdefault("size_hint_y", None)
        super().__init__(
            orientation="vertical" if vertical else "horizontal", spacing=dp(12), **kwargs
        )
        self.name = "read-aloud"
        self.ui, self.reading, self.vertical = ui, reading, vertical
        self.summary_read = False
        self._reading_more = False
        self.show_speaking(speaking=ui.speaking)

    def show_speaking(self, *, speaking: bool) -> None:
        """Redraw for the speaker's state."""
        theme = self.ui.theme
        self.clear_widgets()
        if speaking:
            now = Text("正在朗读…", theme, bold=True, color=theme.accent)
            now.name = "reading"
            self.add_widget(now)
            self.add_widget(TapButton("停止朗读", theme, self._stop, name="stop-speaking"))
        else:
            self.add_widget(TapButton("朗读", theme, self._summary, name="speak"))
            if self.summary_read and self.reading.more and not self._reading_more:
                self.add_widget(
                    TapButton("继续朗读", theme, self._more, primary=False, name="speak-more")
                )
        count = len(self.children)
        self.height = (
            self.row_height * count + dp(12) * (count - 1) if self.vertical else (self.row_height)
        )

    def _summary(self) -> None:
        self.summary_read, self._reading_more = True, False
        self.ui.speak(self.reading.summary)

    def _more(self) -> None:
        self._reading_more = True
        self.ui.speak(self.reading.more)

    def _stop(self) -> None:
        self.ui.stop_speaking()
