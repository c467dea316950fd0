"""Layout, part 2: every step in a row and a column.

Still no coordinates.  The main path runs down column 0; other steps
(不予受理, 补正材料, 听证 …) are branches in the side columns ±1 … ±n on the
row of their layer, right before left, a branch continuing straight below its
branch predecessor where it can.  A layer wider than the columns goes on in
another row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from kiosk.viewmodels.flowchart._graph import FlowGraph

__all__ = ["Cell", "Grid", "place_steps"]


class Cell(NamedTuple):
    """A place in the grid: the row from the top, the column (0 the main one, ± the sides)."""

    row: int
    column: int


class Grid:
    """Where each step stands.

    Attributes:
        cells: each step's cell, in the order the steps were placed.
        row_count: how many rows there are.
        lowest_column: the leftmost column used (0 or negative).
        highest_column: the rightmost column used (0 or positive).
    """

    def __init__(self, cells: dict[str, Cell]) -> None:
        self.cells = cells
        self.row_count = max(cell.row for cell in cells.values()) + 1
        self.lowest_column = min(cell.column for cell in cells.values())
        self.highest_column = max(cell.column for cell in cells.values())
        self._taken = set(cells.values())

    def is_taken(self, cell: Cell) -> bool:
        """Whether a step stands in the cell."""
        return cell in self._taken


def place_steps(graph: FlowGraph, side_columns: int) -> Grid:
    """Rows by layer and columns: the main path in column 0, branches in ±1 … ±side_columns."""
    sides = _side_column_order(side_columns)
    by_rank: dict[int, list[str]] = {}
    for step_id in graph.order:
        by_rank.setdefault(graph.rank[step_id], []).append(step_id)
    cells: dict[str, Cell] = {}
    row = -1
    for rank in sorted(by_rank):
        members = sorted(
            by_rank[rank],
            key=lambda step_id: (not graph.on_main_path(step_id), graph.steps[step_id].index),
        )
        row += 1
        used: set[int] = set()
        for step_id in members:
            on_main = graph.on_main_path(step_id)
            # A branch continues straight below its branch predecessor where it can.
            below = [
                cells[source].column
                for source in graph.order
                if source in cells
                and not graph.on_main_path(source)
                and step_id in graph.forward[source]
            ]
            choices = [0] if on_main else [c for c in below if c != 0] + sides
            free = [c for c in choices if c not in used]
            if not free and 0 not in used:
                free = [0]  # no side columns (a narrow screen): the main column is free here
            if not free:  # the layer is wider than the screen: continue on a new row
                row += 1
                used = set()
                free = [0] if on_main else [*choices, 0]
            cells[step_id] = Cell(row, free[0])
            used.add(free[0])
    return Grid(cells)


def _side_column_order(side_columns: int) -> list[int]:
    """The side columns in the order branches take them: 1, -1, 2, -2 and so on."""
    order: list[int] = []
    for distance in range(1, side_columns + 1):
        order += [distance, -distance]
    return order
