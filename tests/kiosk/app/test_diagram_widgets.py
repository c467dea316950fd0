"""FlowchartView and BarChartView rendered in the offscreen window, checked by pixels.

Example screenshots are kept as /tmp/diagram_*.png for a human to look at.
"""

from __future__ import annotations

import itertools
import math
import shutil
import tempfile
from pathlib import Path

import pytest
from kivy.uix.boxlayout import BoxLayout
from PIL import Image

from content import demo
from content.serialize import to_record
from kiosk.app.widgets.charts import BarChartView
from kiosk.app.widgets.flowchart import FlowchartView, flowchart_layout
from kiosk.viewmodels.charts import report_charts
from kiosk.viewmodels.theme import ELDER, NORMAL

WIDTH = 1000
MARGIN = 40


@pytest.fixture(scope="module")
def county_records():
    county = demo.generate_county()
    charts = [to_record(p)["flowchart"] for p in county.power_items if p.flowchart]
    reports = {r.format_version.value: to_record(r) for r in county.annual_reports}
    hearing = next(c for c in charts if any(s["name"] == "听证" for s in c.get("steps", ())))
    license_chart = next(c for c in charts if c["chart_kind"] == "license" and c.get("steps"))
    return {"hearing": hearing, "license": license_chart, "reports": reports}


class Stage:
    """The session window with helpers: show a widget, pump frames, take a screenshot."""

    def __init__(self, window, pump, folder: Path) -> None:
        self.window = window
        self.pump = pump
        self.folder = folder
        self.added = []

    def show(self, widget):
        """Put a widget at the window's top-left margin (removed after the test)."""
        widget.pos = (MARGIN, self.window.height - MARGIN - widget.height)
        self.window.add_widget(widget)
        self.added.append(widget)
        self.pump(3)
        return widget

    def shot(self, name: str):
        """A screenshot as a PIL image; a copy is kept as /tmp/diagram_<name>.png."""
        self.pump(2)
        path = self.window.screenshot(name=str(self.folder / f"{name}.png"))  # appends 0001
        shutil.copy(path, Path(tempfile.gettempdir()) / f"diagram_{name}.png")
        return Image.open(path).convert("RGB")

    def xy(self, x, y):
        """Kivy window coordinates (bottom-left origin) to image pixel coordinates."""
        return round(x), round(self.window.height - y)


@pytest.fixture
def stage(window, pump, tmp_path):
    before = window.clearcolor
    window.clearcolor = (0.85, 0.87, 0.9, 1)  # not the surface colour: boxes show their fill
    staged = Stage(window, pump, tmp_path)
    yield staged
    for widget in staged.added:
        window.remove_widget(widget)
    window.clearcolor = before
    pump(1)


def _rgb(color):
    return tuple(round(c * 255) for c in color[:3])


def _close(pixel, color, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=True))


@pytest.mark.parametrize(("theme", "chart"), [(NORMAL, "hearing"), (ELDER, "license")])
def test_flowchart_renders_boxes_text_and_arrowheads(stage, county_records, theme, chart):
    layout = flowchart_layout(county_records[chart]["steps"], theme, width=WIDTH)
    view = stage.show(FlowchartView(layout, theme))
    assert view.size == [layout.width, layout.height]
    assert view.top <= stage.window.height, "the example must fit the window"
    assert view.y >= 0, "the example must fit the window"
    image = stage.shot(f"flowchart_{theme.name}_{chart}")
    pixels = image.load()
    surface, line = _rgb(theme.surface), _rgb(theme.line)

    for box in layout.boxes:
        x, y, w, h = view.box_rect(box)
        inset = layout.padding * 0.6
        left, top = stage.xy(x + inset, y + h - inset)
        right, bottom = stage.xy(x + w - inset, y + inset)
        inside = [pixels[i, j] for i in range(left, right) for j in range(top, bottom)]
        ink = sum(1 for p in inside if not _close(p, surface, 60))
        assert ink > 30, f"no text drawn in {box.step_id}"
        assert ink < len(inside) * 0.5, f"{box.step_id} is not filled with the surface colour"
        # The border is drawn in theme.line (for dashed borders: somewhere along the top).
        bx, by = stage.xy(x, y + h)
        border = [pixels[bx + k, by + d] for k in range(round(w)) for d in (-1, 0, 1)]
        assert any(_close(p, line) for p in border), f"no border on {box.step_id}"

    for edge in layout.edges:
        tip_x, tip_y = view.to_kivy(*edge.points[-1])
        from_x, from_y = view.to_kivy(*edge.points[-2])
        length = math.hypot(tip_x - from_x, tip_y - from_y)
        ux, uy = (tip_x - from_x) / length, (tip_y - from_y) / length
        # A pixel inside the head, a third of the way from the tip to its base.
        ix, iy = stage.xy(tip_x - ux * layout.arrow / 3, tip_y - uy * layout.arrow / 3)
        near = [pixels[ix + dx, iy + dy] for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        assert all(_close(p, line) for p in near), f"no arrowhead at {edge.target}"
        # Beside the shaft, near the head's base: the head is wider than the line.
        bx = tip_x - ux * layout.arrow * 0.85 - uy * layout.arrow * 0.35
        by = tip_y - uy * layout.arrow * 0.85 + ux * layout.arrow * 0.35
        sx, sy = stage.xy(bx, by)
        assert _close(pixels[sx, sy], line), f"arrowhead at {edge.target} is no triangle"

    labelled = [e for e in layout.edges if e.label_lines]
    assert labelled, "the example has branch conditions"
    for edge in labelled:
        lx, ly = view.to_kivy(*edge.label_pos)
        left, top = stage.xy(lx, ly)
        width = round(len(edge.label_lines[0]) * layout.char_w)
        height = round(layout.line_h * len(edge.label_lines))
        region = [pixels[i, j] for i in range(left, left + width) for j in range(top, top + height)]
        assert sum(1 for p in region if _close(p, _rgb(theme.fg), 90)) > 20, edge.label


def test_branch_boxes_are_dashed(stage, county_records):
    layout = flowchart_layout(county_records["license"]["steps"], NORMAL, width=WIDTH)
    view = stage.show(FlowchartView(layout, NORMAL))
    image = stage.shot("flowchart_dashes")
    pixels = image.load()
    line = _rgb(NORMAL.line)

    def runs_on_top_border(box):
        x, y, w, h = view.box_rect(box)
        left, top = stage.xy(x, y + h)
        row = [_close(pixels[left + k, top], line) for k in range(round(w * 0.2), round(w * 0.8))]
        return sum(1 for a, b in itertools.pairwise(row) if a and not b)

    branch = next(b for b in layout.boxes if b.kind == "branch")
    step = next(b for b in layout.boxes if b.kind == "step")
    assert runs_on_top_border(branch) >= 3  # dashes: the line breaks again and again
    assert runs_on_top_border(step) == 0  # one unbroken line


def test_markup_in_steps_is_drawn_as_plain_text(stage):
    steps = [
        {"step_id": "a", "name": "[size=3000]大[/size]", "next": ["b"]},
        {"step_id": "b", "name": "[font=/nonexistent.ttf]x[/font]"},
    ]
    view = stage.show(FlowchartView(flowchart_layout(steps, NORMAL, width=WIDTH), NORMAL))
    sizes = [texture.size for texture in view._textures.values()]
    assert sizes
    assert max(h for _, h in sizes) < 100


@pytest.mark.parametrize("theme", [NORMAL, ELDER])
def test_bar_lengths_follow_the_values(stage, county_records, theme):
    charts = report_charts(county_records["reports"]["legacy_2008"])
    chart = next(c for c in charts if c.title == "依申请公开：申请渠道")
    view = BarChartView(chart, theme, size_hint_x=None, width=WIDTH)
    stage.show(view)
    assert view.height >= len(chart.bars) * theme.touch_dp
    image = stage.shot(f"chart_{theme.name}")
    pixels = image.load()
    accent = _rgb(theme.accent)
    lengths = []
    for bar, (x, y, _w, h) in zip(chart.bars, view.bar_rects, strict=True):
        ix, iy = stage.xy(x, y + h / 2)
        run = 0
        while _close(pixels[ix + run, iy], accent, 30):
            run += 1
        lengths.append(run)
        assert abs(run - bar.share * view.bar_span) <= 2, (bar, run)
    assert lengths[0] > lengths[-1] > 0  # 7 in person, 4 by letter
    # 7 : 4, within the 2 px the rasteriser may take at the ends.
    assert abs(lengths[-1] - lengths[0] * 4 / 7) <= 2


def test_every_demo_report_chart_renders(stage, county_records):
    column = BoxLayout(orientation="vertical", size_hint=(None, None), width=WIDTH)
    # A chart's height follows its width (wrapped notes): the column follows its charts.
    column.bind(minimum_height=column.setter("height"))
    charts = report_charts(county_records["reports"]["revised_2021"])
    views = [BarChartView(chart, NORMAL) for chart in charts]
    for view in views:
        column.add_widget(view)
    stage.show(column)
    column.top = stage.window.height - MARGIN
    stage.pump(3)
    assert column.height == pytest.approx(sum(view.height for view in views))
    assert column.y >= 0, "the example must fit the window"
    image = stage.shot("charts_2021_normal")
    pixels = image.load()
    for view in views:
        assert view.width == WIDTH
        x, y, _w, h = view.bar_rects[0] if view.bar_rects[0][2] else view.bar_rects[-1]
        assert _close(pixels[stage.xy(x + 2, y + h / 2)], _rgb(NORMAL.accent), 30)
        assert len(view.bar_rects) == len(view.chart.bars)
        for bar, rect in zip(view.chart.bars, view.bar_rects, strict=True):
            assert rect[2] == pytest.approx(bar.share * view.bar_span)
