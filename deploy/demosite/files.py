"""Real files for the demo site: PDFs carrying a document's text, flowchart PNGs, photos.

Everything is drawn on request and is deterministic: the same input gives the
same bytes (reportlab's invariant mode, no timestamps in images).
"""

from __future__ import annotations

import hashlib
import io
import textwrap
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

if TYPE_CHECKING:
    from collections.abc import Sequence

    from content.models import FlowStep

__all__ = ["flowchart_png", "pdf_document", "portrait_jpeg"]

# An Adobe-GB1 CID font every PDF reader has: no font file is needed or embedded,
# and text extraction (pdftotext, pypdf) gives the Chinese back.
_PDF_FONT = "STSong-Light"
_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def pdf_document(title: str, lines: Sequence[str]) -> bytes:
    """A small, valid PDF whose text is the title and the given lines."""
    _register_pdf_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setAuthor("大余县人民政府（演示数据）")
    width, height = A4
    y = height - 72
    pdf.setFont(_PDF_FONT, 16)
    for part in textwrap.wrap(title, 28) or [title]:
        pdf.drawString(60, y, part)
        y -= 26
    pdf.setFont(_PDF_FONT, 11)
    y -= 8
    for line in lines:
        for part in textwrap.wrap(line, 40) or [""]:
            if y < 60:
                pdf.showPage()
                pdf.setFont(_PDF_FONT, 11)
                y = height - 72
            pdf.drawString(60, y, part)
            y -= 18
    pdf.showPage()
    pdf.save()
    del width
    return buffer.getvalue()


def flowchart_png(title: str, steps: Sequence[FlowStep]) -> bytes:
    """A flowchart image: one box per step, top to bottom, arrows between them.

    Branch targets other than the next box are written beside the box; this is
    what a county's scanned flowchart looks like, not the kiosk's own drawing.
    """
    box_w, box_h, gap, margin = 360, 56, 34, 40
    height = margin * 2 + 40 + len(steps) * (box_h + gap)
    image = Image.new("RGB", (box_w + margin * 2 + 220, height), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(20), _font(15)
    draw.text((margin, margin - 20), title[:30], fill="black", font=font)
    x = margin
    y = margin + 30
    for index, step in enumerate(steps):
        draw.rectangle((x, y, x + box_w, y + box_h), outline="#1f4e79", width=3, fill="#eaf2fb")
        draw.text((x + 14, y + 8), step.name, fill="#102a43", font=font)
        if step.time_limit:
            draw.text((x + 14, y + 32), f"时限：{step.time_limit}", fill="#334e68", font=small)
        others = [
            target
            for target in step.next
            if index + 1 >= len(steps) or target != steps[index + 1].step_id
        ]
        if others:
            names = {s.step_id: s.name for s in steps}
            label = "→ " + "、".join(names.get(target, target) for target in others)
            draw.text((x + box_w + 12, y + 18), label, fill="#7b341e", font=small)
        if index + 1 < len(steps):
            mid = x + box_w // 2
            draw.line((mid, y + box_h, mid, y + box_h + gap), fill="#1f4e79", width=3)
            draw.polygon(
                (
                    (mid - 7, y + box_h + gap - 10),
                    (mid + 7, y + box_h + gap - 10),
                    (mid, y + box_h + gap),
                ),
                fill="#1f4e79",
            )
        y += box_h + gap
    return _png(image)


def portrait_jpeg(seed: str) -> bytes:
    """A neutral head-and-shoulders silhouette, tinted by ``seed`` (no real face)."""
    digest = hashlib.sha256(seed.encode()).digest()
    background = (200 + digest[0] % 40, 210 + digest[1] % 30, 220 + digest[2] % 30)
    image = Image.new("RGB", (240, 320), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((75, 50, 165, 150), fill="#5b6770")
    draw.pieslice((30, 160, 210, 380), 180, 360, fill="#2f3b45")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


@cache
def _register_pdf_font() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in _CJK_FONTS:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size, index=0)
    # No CJK font installed: boxes still draw; the labels fall back to Pillow's font.
    return ImageFont.load_default(size)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
