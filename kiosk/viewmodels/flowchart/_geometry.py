"""Geometry: a placed and routed flowchart made into boxes and arrows with coordinates.

Puts the parts together: one box width for every column (``_columns``), each
box's text wrapped to it, the conditions' labels (``_labels``), the heights of
rows and channels (``_rows``) and the arrows' polylines (``_arrows``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.viewmodels.flowchart._arrows import route_points, simplify
from kiosk.viewmodels.flowchart._columns import fit_columns
from kiosk.viewmodels.flowchart._labels import place_labels
from kiosk.viewmodels.flowchart._model import Box, Edge, FlowLayout
from kiosk.viewmodels.flowchart._routes import RouteKind, channel_tracks
from kiosk.viewmodels.flowchart._rows import place_rows
from kiosk.viewmodels.flowchart._wrap import wrap

if TYPE_CHECKING:
    from kiosk.viewmodels.flowchart._columns import Metrics
    from kiosk.viewmodels.flowchart._graph import FlowGraph, Step
    from kiosk.viewmodels.flowchart._grid import Grid
    from kiosk.viewmodels.flowchart._routes import Route

__all__ = ["build_layout"]


def build_layout(
    graph: FlowGraph, grid: Grid, routes: list[Route], metrics: Metrics, *, width: float
) -> FlowLayout | None:
    """The drawing ``width`` wide, or None when the grid's columns do not fit it."""
    padding = metrics.padding
    wanted = max(
        max(len(text) for text in step.texts()) * metrics.char_w + 2 * padding
        for step in graph.steps.values()
    )
    wanted = max(wanted, 5 * metrics.char_w + 2 * padding)
    columns = fit_columns(
        grid, routes, metrics, width=width, wanted=wanted, lane_spacing=metrics.track_gap
    )
    if columns is None:
        # Many loops on a narrow screen: pack the lanes closer before giving up.
        columns = fit_columns(
            grid, routes, metrics, width=width, wanted=wanted, lane_spacing=metrics.track_gap / 3
        )
    if columns is None:
        return None
    per_line = metrics.chars_in(columns.box_width - 2 * padding)
    texts = {step_id: _box_lines(step, per_line) for step_id, step in graph.steps.items()}
    labels = place_labels(graph, grid, routes, columns)
    row_heights = [0.0] * grid.row_count
    for step_id, cell in grid.cells.items():
        lines, _ = texts[step_id]
        row_heights[cell.row] = max(
            row_heights[cell.row], 2 * padding + len(lines) * metrics.line_h
        )
    rows = place_rows(row_heights, labels, channel_tracks(grid, routes), metrics)
    boxes = {
        step_id: Box(
            step_id=step_id,
            x=columns.left(cell.column),
            y=rows.row_top[cell.row],
            w=columns.box_width,
            h=row_heights[cell.row],
            lines=texts[step_id][0],
            kind=graph.box_kind(step_id),
            title_lines=texts[step_id][1],
        )
        for step_id, cell in grid.cells.items()
    }
    edges: list[Edge] = []
    for route in routes:
        label = labels.get(route.target)
        edges.append(
            Edge(
                points=simplify(route_points(route, boxes, grid, columns, rows.track_y)),
                label=graph.steps[route.target].condition or None,
                label_pos=(label.left, rows.label_y[route.target]) if label else None,
                back=route.kind is RouteKind.BACK,
                label_lines=label.lines if label else (),
                source=route.source,
                target=route.target,
            )
        )
    return FlowLayout(
        width=width,
        height=rows.height,
        boxes=tuple(boxes[step_id] for step_id in graph.order),
        edges=tuple(edges),
        padding=padding,
        arrow=metrics.arrow,
        char_w=metrics.char_w,
        line_h=metrics.line_h,
    )


def _box_lines(step: Step, per_line: int) -> tuple[tuple[str, ...], int]:
    """A step's box text wrapped to ``per_line`` characters, and how many lines the title has."""
    title, *rest = step.texts()
    title_lines = wrap(title, per_line)
    rest_lines = [line for text in rest for line in wrap(text, per_line)]
    return (*title_lines, *rest_lines), len(title_lines)
