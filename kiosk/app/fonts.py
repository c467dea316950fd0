"""The kiosk's Simplified Chinese font, found at start or a clear error.

SDL2_ttf opens face 0 of a collection, and face 0 of Debian's Noto Sans CJK
is the *Japanese* face (直, 骨 and 写 drawn in Japanese forms).  So the SC face
is extracted once with fontTools into the kiosk's own folder; it covers rare
name characters outside the BMP (𠮷) that WenQuanYi does not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FontError", "KioskFont", "find_font", "missing_characters"]

#: Where Debian's fonts-noto-cjk puts the collections.
NOTO_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/noto-cjk"))
SC_FAMILY = "Noto Sans CJK SC"
#: Must render: common UI text, forms that differ between SC and JP, a rare name character.
PROBE = "政务公开领导分工权力清单直骨写递𠮷"


class FontError(RuntimeError):
    """No usable Simplified Chinese font; the message says what to install."""


@dataclass(frozen=True)
class KioskFont:
    """The font files to register as Kivy's default."""

    regular: Path
    bold: Path | None
    family: str


def find_font(cache: Path) -> KioskFont:
    """The SC font, extracted into ``cache`` on first use.

    ``GONGKAI_KIOSK_FONT`` may name an .otf/.ttf to use instead (a bundled
    font on a kiosk image).

    Raises:
        FontError: nothing suitable; the message names the Debian package.
    """
    override = os.environ.get("GONGKAI_KIOSK_FONT")
    if override:
        path = Path(override)
        if not path.is_file():
            raise FontError(f"GONGKAI_KIOSK_FONT={override}: no such font file")
        return KioskFont(path, None, path.stem)
    regular = _extract("NotoSansCJK-Regular.ttc", cache)
    if regular is None:
        raise FontError(
            f"no Simplified Chinese font: {SC_FAMILY} not found in "
            f"{', '.join(map(str, NOTO_DIRS))}; install the Debian package fonts-noto-cjk "
            "(or set GONGKAI_KIOSK_FONT to an SC .otf)"
        )
    return KioskFont(regular, _extract("NotoSansCJK-Bold.ttc", cache), SC_FAMILY)


def missing_characters(font: Path, text: str) -> list[str]:
    """The characters of ``text`` the font has no glyph for."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - only when extracting

    with TTFont(font, lazy=True) as face:
        cmap = face.getBestCmap()
    return [c for c in dict.fromkeys(text) if not c.isspace() and ord(c) not in cmap]


def _extract(collection: str, cache: Path) -> Path | None:
    for folder in NOTO_DIRS:
        source = folder / collection
        if source.is_file():
            break
    else:
        return None
    target = cache / (Path(collection).stem.replace("CJK", "CJKsc") + ".otf")
    if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    from fontTools.ttLib import TTCollection  # noqa: PLC0415 - only on first start

    cache.mkdir(parents=True, exist_ok=True)
    with TTCollection(source, lazy=True) as faces:
        for face in faces.fonts:
            if face["name"].getDebugName(1) == SC_FAMILY:
                temporary = target.with_suffix(".tmp")
                face.save(temporary)
                # Checked once, when extracted; later starts reuse the checked file.
                missing = missing_characters(temporary, PROBE)
                if missing:
                    temporary.unlink()
                    raise FontError(f"{source} lacks {''.join(missing)}: not a full SC font")
                temporary.replace(target)  # a crash mid-write never leaves half a font
                return target
    return None
