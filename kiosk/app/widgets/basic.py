"""Small widgets every screen uses, sized and coloured by a ``Theme``.

All text from the release is shown with markup off (pitfall 14 of kivy.md):
a scraped ``[size=3000]`` is just text.  Labels wrap by width and grow to
their text, so nothing is cut off in 关怀模式.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import qrcode
from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
from kivy.graphics.texture import Texture
from kivy.metrics import dp, sp
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

if TYPE_CHECKING:
    from collections.abc import Callable

    from kiosk.viewmodels.theme import RGBA, Theme

__all__ = ["Badge", "Card", "Progress", "QrCode", "TapButton", "Text", "fill"]


def fill(widget: Widget, color: RGBA, *, radius: float = 0, border: RGBA | None = None) -> None:
    """Paint a widget's background (and border) and keep it on the widget's rect."""
    with widget.canvas.before:
        Color(*color)
        shape = (
            RoundedRectangle(pos=widget.pos, size=widget.size, radius=[radius])
            if radius
            else Rectangle(pos=widget.pos, size=widget.size)
        )
        outline = None
        if border is not None:
            Color(*border)
            outline = Line(rectangle=(*widget.pos, *widget.size), width=dp(1.5))

    def follow(*_: Any) -> None:
        shape.pos, shape.size = widget.pos, widget.size
        if outline is not None:
            outline.rectangle = (*widget.pos, *widget.size)

    widget.bind(pos=follow, size=follow)


class Text(Label):  # type: ignore[misc]
    """Wrapping text that is as tall as its lines; never markup."""

    def __init__(
        self,
        text: str,
        theme: Theme,
        *,
        size: float | None = None,
        color: RGBA | None = None,
        bold: bool = False,
        halign: str = "left",
        max_lines: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            text=text,
            markup=False,
            font_size=sp(size or theme.body_sp),
            color=color or theme.fg,
            bold=bold,
            halign=halign,
            valign="top",
            line_height=theme.line_spacing,
            size_hint_y=None,
            max_lines=max_lines,
            shorten=bool(max_lines),
            shorten_from="right",
            **kwargs,
        )
        self.bind(width=self._wrap, texture_size=self._grow)
        self._wrap()  # a fixed width never fires the binding

    def _wrap(self, *_: Any) -> None:
        self.text_size = (self.width, None)

    def _grow(self, *_: Any) -> None:
        self.height = self.texture_size[1]


class TapButton(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    """A button at least the theme's touch size, with a label and an action."""

    def __init__(
        self,
        text: str,
        theme: Theme,
        on_tap: Callable[[], None],
        *,
        primary: bool = True,
        size: float | None = None,
        name: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", dp(theme.touch_dp) + dp(8))
        super().__init__(padding=(dp(12), dp(4)), **kwargs)
        self.name = name or text
        self.min_side = dp(theme.touch_dp)
        background = theme.accent if primary else theme.surface
        foreground = theme.on_accent if primary else theme.fg
        fill(self, background, radius=dp(10), border=None if primary else theme.line)
        self.label = Label(
            text=text,
            markup=False,
            font_size=sp(size or theme.body_sp),
            color=foreground,
            halign="center",
            valign="middle",
        )
        # Wrapped to the button's width, as tall as its lines (and centred by the
        # label): a texture the size of the text, not of the whole button.
        self.label.bind(width=lambda lbl, w: setattr(lbl, "text_size", (w, None)))
        self.add_widget(self.label)
        self._action = on_tap

    def on_release(self) -> None:
        """Run the action."""
        self._action()


class Badge(Label):  # type: ignore[misc]
    """A status word in a bordered box: words, not only colour, carry the status."""

    def __init__(self, text: str, theme: Theme, kind: str | None, **kwargs: Any) -> None:
        color = {"ok": theme.ok, "warn": theme.warn}.get(kind or "", theme.muted)
        super().__init__(
            text=text,
            markup=False,
            font_size=sp(theme.small_sp),
            color=color,
            size_hint=(None, None),
            **kwargs,
        )
        self.bind(texture_size=self._fit)
        with self.canvas.before:
            Color(*color)
            self._box = Line(rectangle=(*self.pos, *self.size), width=dp(1.5))
        self.bind(pos=self._redraw, size=self._redraw)

    def _fit(self, *_: Any) -> None:
        self.size = (self.texture_size[0] + dp(16), self.texture_size[1] + dp(8))

    def _redraw(self, *_: Any) -> None:
        self._box.rectangle = (*self.pos, *self.size)


class Progress(Widget):  # type: ignore[misc]
    """A progress bar; the number is always printed beside it by the caller."""

    def __init__(self, pct: float, theme: Theme, kind: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("height", dp(theme.body_sp * 0.8))
        super().__init__(**kwargs)
        self.pct = max(0.0, min(100.0, pct))
        bar = {"ok": theme.ok, "warn": theme.warn}.get(kind or "", theme.accent)
        with self.canvas:
            Color(*theme.bg)
            self._track = Rectangle()
            Color(*bar)
            self._bar = Rectangle()
            Color(*theme.line)
            self._frame = Line(width=dp(1))
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_: Any) -> None:
        self._track.pos, self._track.size = self.pos, self.size
        self._bar.pos = self.pos
        self._bar.size = (self.width * self.pct / 100, self.height)
        self._frame.rectangle = (*self.pos, *self.size)


class Card(BoxLayout):  # type: ignore[misc]
    """A vertical group on the theme's surface colour that grows with its children."""

    def __init__(self, theme: Theme, **kwargs: Any) -> None:
        kwargs.setdefault("orientation", "vertical")
        kwargs.setdefault("size_hint_y", None)
        kwargs.setdefault("padding", dp(theme.padding_dp))
        kwargs.setdefault("spacing", dp(theme.padding_dp / 2))
        super().__init__(**kwargs)
        self.bind(minimum_height=self.setter("height"))
        fill(self, theme.surface, radius=dp(12))


class QrCode(Widget):  # type: ignore[misc]
    """A QR code drawn from its modules, one texel per module, scaled with NEAREST.

    A small texture scaled with the default linear filter blurs and does not
    scan (kivy.md pitfall 15); a quiet zone of 4 modules is kept.
    """

    def __init__(self, url: str, side: float, **kwargs: Any) -> None:
        super().__init__(size_hint=(None, None), size=(side, side), **kwargs)
        self.url = url
        matrix = _matrix(url)
        count = len(matrix)
        buffer = bytearray()
        for row in reversed(matrix):  # textures start at the bottom row
            for dark in row:
                buffer += b"\x00\x00\x00" if dark else b"\xff\xff\xff"
        texture = Texture.create(size=(count, count), colorfmt="rgb")
        texture.blit_buffer(bytes(buffer), colorfmt="rgb", bufferfmt="ubyte")
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        with self.canvas:
            Color(1, 1, 1, 1)
            self._rect = Rectangle(texture=texture, pos=self.pos, size=self.size)
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_: Any) -> None:
        # Whole pixels per module keep the edges sharp.
        count = self._rect.texture.width
        side = int(min(self.width, self.height) // count) * count
        self._rect.size = (side, side)
        self._rect.pos = (
            int(self.x + (self.width - side) / 2),
            int(self.y + (self.height - side) / 2),
        )


def _matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]
