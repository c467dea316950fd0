"""The two display modes: normal and 关怀模式 (elder-friendly), as plain numbers.

The elder mode follows the MIIT elder-friendly design rules (适老化通用设计规范):
body text at least 18 pt equivalent, headings at least 30, contrast at least
7:1, touch targets at least 60x60 dp (44x44 in the normal mode) and line
spacing at least 1.3.  Sizes are in dp/sp as Kivy counts them (1 pt = 4/3 px
at 96 dpi; an 18 pt body is 24 px).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ELDER", "NORMAL", "RGBA", "Theme", "contrast_ratio", "theme_for"]

RGBA = tuple[float, float, float, float]


def _hex(value: str) -> RGBA:
    value = value.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (r, g, b, 1.0)


@dataclass(frozen=True)
class Theme:
    """Everything a screen needs to size and colour itself."""

    name: str  # "normal" | "elder"
    body_sp: float
    small_sp: float
    heading_sp: float
    #: Few sizes on purpose: each (size, weight) opens its own FreeType face of
    #: the CJK font, ~2.5 MB each, kept for the life of the process.
    title_sp: float
    touch_dp: float  # minimum touch target side
    line_spacing: float
    padding_dp: float
    bg: RGBA
    surface: RGBA  # cards and rows
    fg: RGBA  # body text
    muted: RGBA  # secondary text (still meets the mode's contrast on surface and bg)
    accent: RGBA  # buttons and links: text on accent uses ``on_accent``
    on_accent: RGBA
    ok: RGBA  # 已完成 / 按序时
    warn: RGBA  # 慢序时 / stale
    line: RGBA  # borders, arrows, chart axes


NORMAL = Theme(
    name="normal",
    body_sp=20,
    small_sp=16,
    heading_sp=26,
    title_sp=34,
    touch_dp=44,
    line_spacing=1.2,
    padding_dp=16,
    bg=_hex("#f3f5f8"),
    surface=_hex("#ffffff"),
    fg=_hex("#1a1a1a"),
    muted=_hex("#555b63"),
    accent=_hex("#b3261e"),
    on_accent=_hex("#ffffff"),
    ok=_hex("#1b6e34"),
    warn=_hex("#8a4b00"),
    line=_hex("#4a5058"),
)

ELDER = Theme(
    name="elder",
    body_sp=30,  # 18 pt is 24 px; a hall panel is read from arm's length
    small_sp=26,
    heading_sp=42,  # at least 30
    title_sp=42,  # the heading size: each size of the CJK face costs the kiosk ~2.5 MB
    touch_dp=72,  # at least 60
    line_spacing=1.4,  # at least 1.3
    padding_dp=22,
    bg=_hex("#ffffff"),
    surface=_hex("#ffffff"),
    fg=_hex("#000000"),
    muted=_hex("#2b2b2b"),
    accent=_hex("#8c1512"),
    on_accent=_hex("#ffffff"),
    ok=_hex("#0b4a1f"),
    warn=_hex("#5c3200"),
    line=_hex("#000000"),
)


def theme_for(*, elder: bool) -> Theme:
    """The theme of a mode."""
    return ELDER if elder else NORMAL


def contrast_ratio(a: RGBA, b: RGBA) -> float:
    """The WCAG 2 contrast ratio of two opaque colours (1 to 21)."""

    def luminance(c: RGBA) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(v) for v in c[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
