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
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

if TYPE_CHECKING:
    from collections.abc import Sequence

    from content.models import FlowStep

__all__ = ["flowchart_png", "pdf_document", "portrait_jpeg"]

# A subset of WenQuanYi Micro Hei is embedded, so any phone's PDF viewer shows the
# text. Without the font installed, fall back to the Adobe-GB1 CID font STSong-Light,
# which needs no file but which viewers without CJK packs cannot draw.
_PDF_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_PDF_FALLBACK = "STSong-Light"
_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def pdf_document(title: str, lines: Sequence[str]) -> bytes:
    """A small, valid PDF whose text is the title and the given lines."""
    font = _pdf_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    pdf.setAuthor("大余县人民政府（演示数据）")
    width, height = A4
    y = height - 72
    pdf.setFont(font, 16)
    for part in textwrap.wrap(title, 28) or [title]:
        pdf.drawString(60, y, part)
        y -= 26
    pdf.setFont(font, 11)
    y -= 8
    for line in lines:
        for part in textwrap.wrap(line, 40) or [""]:
            if y < 60:
                pdf.showPage()
                pdf.setFont(font, 11)
                y = height - 72
            pdf.drawString(60, y, part)
            y -= 18
    pdf.showPage()
    pdf.save()
    del width
    return buffer.getvalue()


def flowchart_png(title: str, steps: Sequence[FlowStep]) -> bytes:
    """A flowchart image like the ones counties publish.

    The main path (each step's first ``next``) runs top to bottom; branch steps
    sit to the right of the step that leads to them, with the branch condition
    on the arrow; other jumps are written as "→ 步骤" beside the box.
    """
    box_w, box_h, gap, margin, side_w = 330, 58, 38, 36, 250
    by_id = {step.step_id: step for step in steps}
    main = _main_path(steps)
    placed = {step.step_id for step in main}
    side_of: dict[str, list[FlowStep]] = {}
    for step in main:
        for target in step.next:
            if target not in placed and target in by_id:
                placed.add(target)
                side_of.setdefault(step.step_id, []).append(by_id[target])
    rows = len(main) + sum(max(0, len(s) - 1) for s in side_of.values())
    width = margin * 2 + box_w + 140 + side_w
    image = Image.new("RGB", (width, margin * 2 + 50 + rows * (box_h + gap)), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(20), _font(15)
    draw.text((margin, margin - 16), title[:32], fill="black", font=font)
    side_x = margin + box_w + 140
    y = margin + 40
    for index, step in enumerate(main):
        _box(draw, (margin, y, box_w, box_h), step, font, small)
        following = main[index + 1].step_id if index + 1 < len(main) else None
        jumps = [
            by_id[t].name
            for t in step.next
            if t != following and t in by_id and by_id[t] not in side_of.get(step.step_id, [])
        ]
        if jumps:
            draw.text(
                (margin + box_w - 110, y + box_h + 6),
                "→ " + "、".join(jumps),
                fill="#7b341e",
                font=small,
            )
        branch_y = y
        for branch in side_of.get(step.step_id, []):
            _arrow(draw, (margin + box_w, branch_y + box_h // 2), (side_x, branch_y + box_h // 2))
            if branch.condition:
                draw.text(
                    (margin + box_w + 8, branch_y + box_h // 2 - 22),
                    branch.condition[:8],
                    fill="#7b341e",
                    font=small,
                )
            _box(draw, (side_x, branch_y, side_w, box_h), branch, font, small)
            back = [by_id[t].name for t in branch.next if t in by_id]
            if back:
                draw.text(
                    (side_x + 8, branch_y + box_h + 4),
                    "→ " + "、".join(back),
                    fill="#7b341e",
                    font=small,
                )
            branch_y += box_h + gap
        if following is not None and following in step.next:
            mid = margin + box_w // 2
            _arrow(draw, (mid, y + box_h), (mid, y + box_h + gap))
        y = max(y + box_h + gap, branch_y)
    return _png(image.crop((0, 0, width, y - gap + margin)))


def _main_path(steps: Sequence[FlowStep]) -> list[FlowStep]:
    by_id = {step.step_id: step for step in steps}
    path: list[FlowStep] = []
    current = steps[0] if steps else None
    while current is not None and current not in path:
        path.append(current)
        current = by_id.get(current.next[0]) if current.next else None
    return path


def _box(
    draw: ImageDraw.ImageDraw,
    frame: tuple[int, int, int, int],
    step: FlowStep,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    small: ImageFont.FreeTypeFont | ImageFont.ImageFont,
) -> None:
    x, y, w, h = frame
    draw.rectangle((x, y, x + w, y + h), outline="#1f4e79", width=3, fill="#eaf2fb")
    draw.text((x + 12, y + 7), step.name, fill="#102a43", font=font)
    detail = f"时限：{step.time_limit}" if step.time_limit else (step.actor or "")
    if detail:
        draw.text((x + 12, y + 34), detail, fill="#334e68", font=small)


def _arrow(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int]) -> None:
    draw.line((*start, *end), fill="#1f4e79", width=3)
    x1, (x2, y2) = start[0], end
    if x1 == x2:  # downwards
        head = ((x2 - 7, y2 - 11), (x2 + 7, y2 - 11), (x2, y2))
    else:  # to the right
        head = ((x2 - 11, y2 - 7), (x2 - 11, y2 + 7), (x2, y2))
    draw.polygon(head, fill="#1f4e79")


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
def _pdf_font() -> str:
    if _PDF_FONT_FILE.exists():
        pdfmetrics.registerFont(TTFont("WenQuanYiMicroHei", str(_PDF_FONT_FILE), subfontIndex=0))
        return "WenQuanYiMicroHei"
    pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FALLBACK))
    return _PDF_FALLBACK


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
