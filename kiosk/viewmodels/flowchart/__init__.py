"""A power item's flowchart (权力运行流程图) laid out for a portrait screen.

The county publishes a flowchart as steps (``FlowStep``: ``step_id``, ``name``,
``actor``, ``time_limit``, ``next``, ``condition``); this package turns them
into boxes and orthogonal arrows with a simple layered (Sugiyama-style)
layout, so the Kivy widget only draws rectangles, lines and text.

Layout rules:

* the **main path** (from the first step, always following the successor the
  others rejoin, else an unconditional one, else the longest) runs top to
  bottom in a central column;
* other steps (不予受理, 补正材料, 听证 …) are **branch** boxes in side
  columns, on the row of their layer;
* **back-edges** (loops such as 补正材料 → 受理) and forward edges whose
  straight route is blocked by a box run along a **lane** outside the
  columns: out of one box's side and into the other's where nothing stands
  beside them (补正材料 → 受理 goes up the right), else through the gaps
  between rows and up the left lane; edges never cross a box;
* a step's ``condition`` labels the edges *into* it: above the horizontal
  arrow of a branch, else right of the arrow just above the box; never on a
  box, a line or another label.

It is done in two stages.  The **layout** decides, without a coordinate,
which steps there are and how they connect (``graph``), which row and column
each stands in (``grid``), and which way each arrow goes, in which lane and on
which tracks (``routes``).  The **geometry** (``geometry``, with ``columns``,
``labels``, ``rows`` and ``arrows``) turns that into coordinates for a screen
width and text size; text is wrapped by ``wrap``.  If the columns do not fit
the width, the layout is tried again with fewer side columns.

Coordinates are in the units of ``char_w`` and ``line_h`` (pixels for the
widget), with the **origin at the top left and y growing downwards**; the
widget flips them into Kivy's bottom-left system.

Usage::

    layout = layout_flowchart(record["flowchart"]["steps"], width=1000, char_w=30, line_h=42)
    for box in layout.boxes: ...      # box.x, box.y, box.w, box.h, box.lines, box.kind
    for edge in layout.edges: ...     # edge.points (arrowhead at the last point), edge.label
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.viewmodels.flowchart.columns import Metrics, max_side_columns
from kiosk.viewmodels.flowchart.geometry import build_layout
from kiosk.viewmodels.flowchart.graph import FlowGraph, parse_steps
from kiosk.viewmodels.flowchart.grid import place_steps
from kiosk.viewmodels.flowchart.model import Box, BoxKind, Edge, FlowLayout, Point
from kiosk.viewmodels.flowchart.routes import plan_routes

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["Box", "BoxKind", "Edge", "FlowLayout", "Point", "layout_flowchart"]


def layout_flowchart(
    steps: Sequence[Mapping[str, Any]], *, width: float, char_w: float, line_h: float
) -> FlowLayout:
    """Lay out a flowchart's steps top to bottom for a screen ``width`` wide.

    Args:
        steps: ``FlowStep``-shaped mappings (``step_id``, ``name``, ``actor``,
            ``time_limit``, ``next``, ``condition``); the first is the start.
            Unknown or missing ``next`` ids are ignored; repeated ids keep the
            first step; loops are fine.
        width: the drawing's width.
        char_w: the advance of one (CJK) character of the box text.
        line_h: the height of one text line.

    Returns:
        The layout; its ``height`` is what the drawing needs.

    Raises:
        ValueError: no steps, or ``width`` too narrow for even one column.
    """
    if char_w <= 0 or line_h <= 0:
        raise ValueError("char_w and line_h must be positive")
    parsed = parse_steps(steps)
    if not parsed:
        raise ValueError("a flowchart needs at least one step")
    metrics = Metrics(char_w, line_h)
    graph = FlowGraph(parsed)
    for side_columns in range(max_side_columns(width, metrics), -1, -1):
        grid = place_steps(graph, side_columns)
        layout = build_layout(graph, grid, plan_routes(graph, grid), metrics, width=width)
        if layout is not None:
            return layout
    raise ValueError(f"width {width} is too narrow for boxes with char_w {char_w}")
