"""A horizontal bar chart of annual-report figures (``kiosk.viewmodels.charts.Chart``).

Labels are on the left, right-aligned to the axis, in the body size; every
bar's figure and unit are printed at its end (a zero bar prints "0件" at the
axis), so no number depends on colour or on judging a length.  The widget
fills its width and sets its own height from the bar count, the theme's touch
size and text sizes; put it in a vertical ``BoxLayout`` or ``ScrollView``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Line, PopMatrix, PushMatrix, Rectangle, Translate
from kivy.metrics import dp, sp
from kivy.uix.widget import Widget

if TYPE_CHECKING:
    from kivy.graphics.texture import Texture

    from kiosk.viewmodels.charts import Bar, Chart
    from kiosk.viewmodels.theme import Theme

__all__ = ["BarChartView", "value_text"]

#: The label column never takes more than this share of the width.
MAX_LABEL_SHARE = 0.42


def value_text(bar: Bar, unit: str) -> str:
    """The printed figure of a bar: ``5230件``, ``0.5万元``."""
    value = bar.value
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}"


class BarChartView(Widget):  # type: ignore[misc]
    """A titled horizontal bar chart.

    ``bar_rects`` gives every drawn bar's rectangle and ``bar_span`` the
    length a bar of share 1 gets (what a pixel test measures).

    Args:
        chart: the figures.
        theme: colours and sizes.
    """

    def __init__(self, chart: Chart, theme: Theme, **kwargs: Any) -> None:
        kwargs.setdefault("size_hint_y", None)
        super().__init__(**kwargs)
        self.chart = chart
        self.theme = theme
        self._bars: list[tuple[float, float, float, float]] = []  # canvas coordinates
        self.bar_span = 0.0
        self._translate = Translate(*self.pos)
        self._redraw()
        # Scrolling moves the widget: only the translation follows; a new width redraws.
        self.bind(pos=self._move, width=self._redraw)

    @property
    def bar_rects(self) -> list[tuple[float, float, float, float]]:
        """Every bar as ``(x, y, w, h)`` in parent coordinates (``w == 0`` for a zero)."""
        return [(x + self.x, y + self.y, w, h) for x, y, w, h in self._bars]

    def _move(self, *_: Any) -> None:
        self._translate.xy = self.pos

    def _label(
        self, text: str, size_sp: float, *, width: float | None = None, halign: str = "left"
    ) -> Texture:
        # Plain core label: the text is never parsed as markup.
        label = CoreLabel(
            text=text,
            font_size=sp(size_sp),
            color=(1, 1, 1, 1),
            text_size=(width, None) if width else (None, None),
            halign=halign,
        )
        label.refresh()
        texture: Texture = label.texture
        return texture

    def _draw_title(self, title: Texture, unit: Texture | None, top: float) -> float:
        """The title left and the unit right on one line; returns the line's bottom."""
        pad = float(sp(self.theme.small_sp)) * 0.6
        y = top - title.height
        Color(*self.theme.fg)
        Rectangle(texture=title, pos=(pad, y), size=title.size)
        if unit is not None:
            Color(*self.theme.muted)
            Rectangle(
                texture=unit,
                pos=(self.width - pad - unit.width, y + (title.height - unit.height) / 2),
                size=unit.size,
            )
        return float(y)

    def _redraw(self, *_: Any) -> None:
        theme, chart = self.theme, self.chart
        body, small = float(sp(theme.body_sp)), float(sp(theme.small_sp))
        pad = small * 0.6
        gap = small * 0.5
        width = max(float(self.width), 1.0)
        # Measure first, then lay out from the top down.
        unit = self._label(f"单位：{chart.unit}", theme.small_sp) if chart.unit else None
        room = width - 2 * pad - (unit.width + gap if unit is not None else 0)
        title = self._label(chart.title, theme.body_sp, width=max(room, body))
        longest = max((len(bar.label) for bar in chart.bars), default=1)
        label_w = min(longest * body, width * MAX_LABEL_SHARE)
        labels = [
            self._label(bar.label, theme.body_sp, width=label_w, halign="right")
            for bar in chart.bars
        ]
        values = [self._label(value_text(bar, chart.unit), theme.body_sp) for bar in chart.bars]
        value_w = max((t.width for t in values), default=0.0)
        note = (
            self._label(chart.note, theme.small_sp, width=width - 2 * pad) if chart.note else None
        )
        row_min = max(float(dp(theme.touch_dp)), body * theme.line_spacing + pad)
        rows = [max(row_min, t.height + pad) for t in labels]

        axis_x = pad + label_w + gap
        self.bar_span = max(0.0, width - pad - value_w - gap - axis_x)
        height = pad + title.height + gap + sum(rows) + pad
        if note is not None:
            height += note.height + gap
        self.height = height

        self.canvas.clear()
        self._bars = []
        top = height
        with self.canvas:
            PushMatrix()
            self._translate = Translate(*self.pos)
            y = self._draw_title(title, unit, top - pad) - gap
            # The axis first, so the bars start exactly on it.
            Color(*theme.line)
            axis = max(1.0, float(dp(1.5)))
            Line(points=[axis_x, y, axis_x, y - sum(rows)], width=axis)
            thickness = row_min * 0.55
            for bar, label, value, row_h in zip(chart.bars, labels, values, rows, strict=True):
                mid = y - row_h / 2
                Color(*theme.fg)
                Rectangle(
                    texture=label,
                    pos=(axis_x - gap - label.width, mid - label.height / 2),
                    size=label.size,
                )
                length = bar.share * self.bar_span
                rect = (axis_x, mid - thickness / 2, length, thickness)
                self._bars.append(rect)
                if length > 0:
                    Color(*theme.accent)
                    Rectangle(pos=rect[:2], size=rect[2:])
                Color(*theme.fg)
                Rectangle(
                    texture=value,
                    pos=(axis_x + length + gap, mid - value.height / 2),
                    size=value.size,
                )
                y -= row_h
            if note is not None:
                Color(*theme.muted)
                Rectangle(texture=note, pos=(pad, y - gap - note.height), size=note.size)
            PopMatrix()
