"""The flowchart (权力运行流程图) drawn from a ``FlowLayout``.

``kiosk.viewmodels.flowchart`` decides where everything goes; this widget only
paints it: boxes with a surface fill and a border in ``theme.line``, text as
core-label textures (plain text: no markup is parsed, so scraped ``[size=…]``
stays text), orthogonal arrows with triangular heads, and branch conditions.
Branch boxes have a dashed square border and start/end boxes are rounded
"pills", so the kind of a box never depends on colour alone.

The layout's coordinates have their origin at the top left with y growing
downwards; Kivy's canvas has it at the bottom left, so every y is flipped
against the widget's top.  The widget is as tall as the layout, ready for a
``ScrollView``.

Usage::

    layout = flowchart_layout(steps, theme, width=scroll.width)
    scroll.add_widget(FlowchartView(layout, theme))
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

from kivy.core.text import Label as CoreLabel
from kivy.graphics import (
    Color,
    Line,
    PopMatrix,
    PushMatrix,
    Rectangle,
    RoundedRectangle,
    Translate,
    Triangle,
)
from kivy.metrics import sp
from kivy.uix.widget import Widget

from kiosk.viewmodels.flowchart import Box, BoxKind, Edge, FlowLayout, layout_flowchart

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from kivy.graphics.texture import Texture

    from kiosk.viewmodels.theme import Theme

__all__ = ["FlowchartView", "flowchart_layout", "text_metrics"]

#: Noto Sans CJK needs about 1.45 em per line; tighter lines touch each other.
MIN_LINE_FACTOR = 1.35


def text_metrics(theme: Theme) -> tuple[float, float]:
    """``(char_w, line_h)`` in pixels for the theme's body text (one CJK glyph is 1 em)."""
    size = float(sp(theme.body_sp))
    return size, size * max(theme.line_spacing, MIN_LINE_FACTOR)


def flowchart_layout(
    steps: Sequence[Mapping[str, Any]], theme: Theme, *, width: float
) -> FlowLayout:
    """Lay out steps for the theme's text size at ``width`` pixels.

    Raises:
        ValueError: no steps, or the width is too narrow.
    """
    char_w, line_h = text_metrics(theme)
    return layout_flowchart(steps, width=width, char_w=char_w, line_h=line_h)


class FlowchartView(Widget):  # type: ignore[misc]
    """A drawn flowchart, sized to its layout.

    Args:
        layout: from ``flowchart_layout`` (or ``layout_flowchart``) at this width.
        theme: colours and text sizes (title ``body_sp``, the rest ``small_sp``).
    """

    def __init__(self, layout: FlowLayout, theme: Theme, **kwargs: Any) -> None:
        kwargs.setdefault("size_hint", (None, None))
        super().__init__(**kwargs)
        self.flow = layout
        self.theme = theme
        self._textures: dict[tuple[str, float], Texture] = {}
        self.size = (layout.width, layout.height)
        self.line_width = max(1.5, layout.char_w / 12)
        self._translate = Translate(*self.pos)
        self._redraw()
        # Scrolling moves the widget: only the translation follows, nothing is redrawn.
        self.bind(pos=self._move)

    # -- coordinates -----------------------------------------------------------------

    def to_kivy(self, x: float, y: float) -> tuple[float, float]:
        """A layout point (top-left origin) in this widget's parent coordinates."""
        return self.x + x, self.top - y

    def _local(self, x: float, y: float) -> tuple[float, float]:
        """A layout point on the canvas, which is translated to the widget's corner."""
        return x, self.flow.height - y

    def _move(self, *_: Any) -> None:
        self._translate.xy = self.pos

    def box_rect(self, box: Box) -> tuple[float, float, float, float]:
        """A box as Kivy ``(x, y, w, h)`` with ``(x, y)`` its bottom-left corner."""
        x, y = self.to_kivy(box.x, box.bottom)
        return x, y, box.w, box.h

    # -- drawing ----------------------------------------------------------------------

    def _texture(self, text: str, size_sp: float) -> Texture:
        key = (text, size_sp)
        if key not in self._textures:
            # White glyphs, tinted by the Color instruction before each Rectangle.
            label = CoreLabel(text=text, font_size=sp(size_sp), color=(1, 1, 1, 1))
            label.refresh()
            self._textures[key] = label.texture
        return self._textures[key]

    def _redraw(self) -> None:
        self.canvas.clear()
        with self.canvas:
            PushMatrix()
            self._translate = Translate(*self.pos)
            for edge in self.flow.edges:
                self._draw_edge(edge)
            for box in self.flow.boxes:
                self._draw_box(box)
            seen: set[tuple[tuple[str, ...], tuple[float, float]]] = set()
            for edge in self.flow.edges:
                if edge.label_lines and edge.label_pos is not None:
                    key = (edge.label_lines, edge.label_pos)
                    if key not in seen:
                        seen.add(key)
                        self._draw_label(edge.label_lines, edge.label_pos)
            PopMatrix()

    def _draw_box(self, box: Box) -> None:
        theme = self.theme
        x, y = self._local(box.x, box.bottom)
        w, h = box.w, box.h
        if box.kind in {BoxKind.START, BoxKind.END}:
            radius = min(h / 2, w / 2, self.flow.char_w)  # a terminator "pill"
        elif box.kind is BoxKind.STEP:
            radius = self.flow.char_w * 0.25
        else:
            radius = 0.0
        Color(*theme.surface)
        RoundedRectangle(pos=(x, y), size=(w, h), radius=[radius])
        Color(*theme.line)
        if box.kind is BoxKind.BRANCH:
            self._dashed_rect(x, y, w, h)
        else:
            Line(rounded_rectangle=(x, y, w, h, max(radius, 1)), width=self.line_width)
        # Lines centred as a block, each in its own line_h slot.
        line_h = self.flow.line_h
        block_top = box.y + (box.h - len(box.lines) * line_h) / 2
        for index, text in enumerate(box.lines):
            title = index < box.title_lines
            size = theme.body_sp if title else theme.small_sp
            Color(*(theme.fg if title else theme.muted))
            self._text(text, size, box.cx, block_top + index * line_h, centred=True)

    def _dashed_rect(self, x: float, y: float, w: float, h: float) -> None:
        # Kivy dashes only 1 px lines; an elder-readable dash is drawn piece by piece.
        dash = self.flow.char_w * 0.45
        gap = dash * 0.6
        corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
        for (ax, ay), (bx, by) in itertools.pairwise(corners):
            length = math.hypot(bx - ax, by - ay)
            count = max(1, round((length + gap) / (dash + gap)))
            step = length / count
            piece = step - gap if count > 1 else length
            for i in range(count):
                t0, t1 = i * step / length, (i * step + piece) / length
                Line(
                    points=[
                        ax + (bx - ax) * t0,
                        ay + (by - ay) * t0,
                        ax + (bx - ax) * t1,
                        ay + (by - ay) * t1,
                    ],
                    width=self.line_width,
                    cap="square",
                )

    def _draw_edge(self, edge: Edge) -> None:
        points = [self._local(px, py) for px, py in edge.points]
        if len(points) < 2:
            return
        (ax, ay), (tx, ty) = points[-2], points[-1]
        length = math.hypot(tx - ax, ty - ay) or 1.0
        ux, uy = (tx - ax) / length, (ty - ay) / length
        arrow = min(self.flow.arrow, length)
        half = arrow * 0.55
        base = (tx - ux * arrow, ty - uy * arrow)
        # The line stops at the head's base so its square end does not blunt the tip.
        shaft = [*points[:-1], base]
        Color(*self.theme.line)
        Line(points=[c for p in shaft for c in p], width=self.line_width, joint="miter")
        Triangle(
            points=[
                tx,
                ty,
                base[0] - uy * half,
                base[1] + ux * half,
                base[0] + uy * half,
                base[1] - ux * half,
            ]
        )

    def _draw_label(self, lines: tuple[str, ...], pos: tuple[float, float]) -> None:
        Color(*self.theme.fg)
        for index, text in enumerate(lines):
            self._text(text, self.theme.small_sp, pos[0], pos[1] + index * self.flow.line_h)

    def _text(
        self, text: str, size_sp: float, x: float, slot_top: float, *, centred: bool = False
    ) -> None:
        """Draw one line in a ``line_h`` slot whose top is ``slot_top`` (layout y)."""
        if not text:
            return
        texture = self._texture(text, size_sp)
        tw, th = texture.size
        left = x - tw / 2 if centred else x
        kx, ky = self._local(left, slot_top + (self.flow.line_h + th) / 2)
        Rectangle(texture=texture, pos=(kx, ky), size=(tw, th))
