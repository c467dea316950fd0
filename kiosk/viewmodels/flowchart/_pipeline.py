"""The entry point: the layout's and the geometry's stages in turn, for one screen width.

Tries the most side columns the width could hold first, and fewer until the
boxes fit (at worst one column and the lanes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.viewmodels.flowchart._columns import Metrics, max_side_columns
from kiosk.viewmodels.flowchart._geometry import build_layout
from kiosk.viewmodels.flowchart._graph import FlowGraph, parse_steps
from kiosk.viewmodels.flowchart._grid import place_steps
from kiosk.viewmodels.flowchart._routes import plan_routes

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from kiosk.viewmodels.flowchart._model import FlowLayout

__all__ = ["layout_flowchart"]


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
