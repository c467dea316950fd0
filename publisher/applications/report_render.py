"""Write an annual report: the entity as JSON, an HTML page, a PDF with the standard tables.

The HTML escapes every text (a section's prose is the office's, not markup) and
needs no script or external file, so it can be pasted into the county site's
CMS as it is. The PDF embeds a subset of WenQuanYi Micro Hei (deploy's Debian
packages install it), so any reader shows it; without that font it falls back
to the Adobe-GB1 CID font STSong-Light, which needs no file but which readers
without CJK packs cannot draw.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from jinja2 import Environment

from content import atomicfile
from content.serialize import to_record
from publisher.applications.report_tables import Table, report_tables

if TYPE_CHECKING:
    from content.models import AnnualReport

__all__ = ["render_html", "render_pdf", "write_report"]

_SECTIONS: Final = (
    ("一、总体情况", "overview"),
    ("五、存在的主要问题及改进情况", "problems"),
    ("六、其他需要报告的事项", "other"),
)
_FONT_FILE: Final = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_FALLBACK: Final = "STSong-Light"

_PAGE: Final = """<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; max-width: 60rem;
       margin: 2rem auto; line-height: 1.7; color: #222; }
h1 { text-align: center; font-size: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; font-size: .9rem; }
th, td { border: 1px solid #555; padding: .3rem .4rem; text-align: center; }
th { background: #eef1f5; }
td.label { text-align: left; }
p.note { color: #666; font-size: .85rem; text-align: center; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
{% if draft %}<p class="note">{{ draft }}</p>{% endif %}
{% for heading, paragraphs, table in blocks %}
<h2>{{ heading }}</h2>
{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>
{% endfor %}
{% if table %}<table>
{% for row in table.rows %}<tr>{% for cell in row %}<{{ 'th' if cell.head else 'td' }}
{%- if cell.colspan > 1 %} colspan="{{ cell.colspan }}"{% endif %}
{%- if cell.rowspan > 1 %} rowspan="{{ cell.rowspan }}"{% endif %}
{%- if cell.is_label %} class="label"{% endif %}>
{{- cell.text }}</{{ 'th' if cell.head else 'td' }}>{% endfor %}</tr>
{% endfor %}</table>{% endif %}
{% endfor %}
<p class="note">{{ organization }} {{ published }}</p>
</body>
</html>
"""


def write_report(report: AnnualReport, out: Path, *, draft: str = "") -> list[Path]:
    """Write ``annual-report-Y.json``, ``.html`` and ``.pdf`` into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"annual-report-{report.year}"
    record = json.dumps(to_record(report), ensure_ascii=False, indent=2, sort_keys=True)
    paths = [stem.with_suffix(".json"), stem.with_suffix(".html"), stem.with_suffix(".pdf")]
    atomicfile.write_atomic(paths[0], (record + "\n").encode())
    atomicfile.write_atomic(paths[1], render_html(report, draft=draft).encode())
    atomicfile.write_atomic(paths[2], render_pdf(report, draft=draft))
    return paths


def _title(report: AnnualReport) -> str:
    return f"{report.organization}{report.year}年政府信息公开工作年度报告"


def _blocks(report: AnnualReport) -> list[tuple[str, list[str], Table | None]]:
    sections = report.sections.model_dump()
    tables = report_tables(report)

    def prose(key: str) -> list[str]:
        return [line for line in sections[key].splitlines() if line.strip()] or ["无。"]

    first, *rest = _SECTIONS
    blocks: list[tuple[str, list[str], Table | None]] = [(first[0], prose(first[1]), None)]
    blocks += [(table.title, [], table) for table in tables]
    blocks += [(heading, prose(key), None) for heading, key in rest]
    return blocks


def render_html(report: AnnualReport, *, draft: str = "") -> str:
    """The report as one self-contained, escaped HTML page."""
    template = Environment(autoescape=True, keep_trailing_newline=True).from_string(_PAGE)
    return template.render(
        title=_title(report),
        draft=draft,
        blocks=_blocks(report),
        organization=report.organization,
        published=f"{report.published_date:%Y年%-m月%-d日}",
    )


def render_pdf(report: AnnualReport, *, draft: str = "") -> bytes:
    """The report as a PDF (A4, the standard tables with their merged cells)."""
    import io  # noqa: PLC0415 - reportlab costs ~150 ms: only the PDF pays
    from xml.sax.saxutils import escape  # noqa: PLC0415

    from reportlab.lib import colors  # noqa: PLC0415
    from reportlab.lib.pagesizes import A4, landscape  # noqa: PLC0415
    from reportlab.lib.styles import ParagraphStyle  # noqa: PLC0415
    from reportlab.lib.units import mm  # noqa: PLC0415
    from reportlab.platypus import (  # noqa: PLC0415
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import Table as PdfTable  # noqa: PLC0415

    font = _pdf_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, firstLineIndent=21)
    heading = ParagraphStyle("heading", fontName=font, fontSize=13, leading=20, spaceBefore=8)
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=24, alignment=1)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, alignment=1)
    label = ParagraphStyle("label", parent=cell, alignment=0)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4) if _wide(report) else A4,
        title=_title(report),
        author=report.organization,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
    )
    story: list[object] = [Paragraph(escape(_title(report)), title)]
    if draft:
        story.append(Paragraph(escape(draft), ParagraphStyle("note", parent=cell, fontSize=9)))
    for head, paragraphs, table in _blocks(report):
        story.append(Paragraph(escape(head), heading))
        story.extend(Paragraph(escape(text), body) for text in paragraphs)
        if table is None:
            continue
        data, spans, heads = _grid(table)
        styled = [
            [
                Paragraph(escape(text), label if r not in heads and _is_label(text) else cell)
                for text in row
            ]
            for r, row in enumerate(data)
        ]
        width = document.width / table.columns
        widths = [width] * table.columns
        if table.columns == 9:
            widths = [document.width * 0.08, document.width * 0.36] + [document.width * 0.08] * 7
        pdf_table = PdfTable(styled, colWidths=widths, repeatRows=3 if table.columns == 9 else 0)
        commands = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            *(("SPAN", start, end) for start, end in spans),
            *(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#eef1f5")) for r in heads),
        ]
        pdf_table.setStyle(TableStyle(commands))
        story += [pdf_table, Spacer(1, 6 * mm)]
    document.build(story)
    return buffer.getvalue()


def _is_label(text: str) -> bool:
    return bool(text) and not text[:1].isdigit() and text != "—"


@cache
def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: PLC0415
    from reportlab.pdfbase.ttfonts import TTFont  # noqa: PLC0415

    if _FONT_FILE.exists():
        pdfmetrics.registerFont(TTFont("WenQuanYiMicroHei", str(_FONT_FILE), subfontIndex=0))
        return "WenQuanYiMicroHei"
    pdfmetrics.registerFont(UnicodeCIDFont(_FALLBACK))
    return _FALLBACK


def _wide(report: AnnualReport) -> bool:
    return any(table.columns > 9 for table in report_tables(report))


def _grid(
    table: Table,
) -> tuple[list[list[str]], list[tuple[tuple[int, int], tuple[int, int]]], set[int]]:
    """Cells placed on a grid: texts, SPAN ranges ((col, row) pairs), rows of header cells."""
    covered: set[tuple[int, int]] = set()
    data = [[""] * table.columns for _ in table.rows]
    spans = []
    heads: set[int] = set()
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            data[r][c] = cell.text
            if cell.head:
                heads.add(r)
            if cell.colspan > 1 or cell.rowspan > 1:
                spans.append(((c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered.add((r + dr, c + dc))
            c += cell.colspan
    return data, spans, heads
