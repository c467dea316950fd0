"""Geometry, part 2: where a step's condition is written, and how it wraps.

A condition labels the arrows *into* its step.  Where one of them turns
sideways into a branch, the label sits above that horizontal arrow, in the
room between the two columns (unless another branch label has that room);
else it goes right of the arrow just above the box.  Never on a box, a line
or another label.  The x and the wrapping are found here; the y once the
channels' heights are known (``_rows``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.viewmodels.flowchart._routes import RouteKind
from kiosk.viewmodels.flowchart._wrap import wrap

if TYPE_CHECKING:
    from kiosk.viewmodels.flowchart._columns import Columns
    from kiosk.viewmodels.flowchart._graph import FlowGraph
    from kiosk.viewmodels.flowchart._grid import Grid
    from kiosk.viewmodels.flowchart._routes import Route

__all__ = ["Label", "place_labels"]


@dataclass(frozen=True)
class Label:
    """A condition's wrapped lines, its channel and left x; ``above`` or below the tracks."""

    lines: tuple[str, ...]
    channel: int
    left: float
    above: bool


def place_labels(
    graph: FlowGraph, grid: Grid, routes: list[Route], columns: Columns
) -> dict[str, Label]:
    """The label of every step that has a condition and arrows into it, by step id."""
    metrics, box_width = columns.metrics, columns.box_width
    taken_above: dict[int, list[tuple[float, float]]] = {}  # channel: (left, right) spans
    labels: dict[str, Label] = {}
    for step_id, step in graph.steps.items():
        into = [route for route in routes if route.target == step_id]
        if not step.condition or not into:
            continue
        end = grid.cells[step_id]
        for route in into:
            start = grid.cells[route.source]
            if route.kind is not RouteKind.DIRECT or start.column == end.column:
                continue
            near = end.column - 1 if end.column > start.column else end.column + 1
            left = columns.left(min(near, end.column)) + box_width / 2 + metrics.label_gap
            right = columns.left(max(near, end.column)) + box_width / 4 - metrics.label_gap
            taken = taken_above.setdefault(start.row + 1, [])
            if any(left < end_x and start_x < right for start_x, end_x in taken):
                continue  # another branch label has this room: go beside the arrow
            taken.append((left, right))
            text = wrap(step.condition, metrics.chars_in(right - left))
            labels[step_id] = Label(text, start.row + 1, left, above=True)
            break
        else:
            left = columns.left(end.column) + box_width / 2 + metrics.label_gap
            text = wrap(step.condition, metrics.chars_in(_right_limit(columns, end.column) - left))
            labels[step_id] = Label(text, end.row, left, above=False)
    return labels


def _right_limit(columns: Columns, column: int) -> float:
    """How far right a label beside an arrow into ``column`` may reach."""
    metrics = columns.metrics
    # Up to the next column's back-edge arrows (a quarter into its boxes).
    if column < columns.highest:
        return columns.left(column + 1) + columns.box_width / 4 - metrics.label_gap
    if columns.right_lanes:
        return (columns.left(column) + columns.box_width + metrics.lane_gap) - metrics.label_gap
    return columns.width - metrics.margin
