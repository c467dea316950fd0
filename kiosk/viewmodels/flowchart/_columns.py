"""Geometry, part 1: spacing from the text size, and where columns and lanes are (x).

Every gap is a share of ``char_w``, so the elder theme's bigger text scales
the whole drawing.  ``fit_columns`` finds one box width for every column and
puts the main column in the screen's middle if the side columns leave room,
else packs all columns between the lanes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.viewmodels.flowchart._routes import LaneSide, lane_count

if TYPE_CHECKING:
    from kiosk.viewmodels.flowchart._grid import Grid
    from kiosk.viewmodels.flowchart._routes import Route

__all__ = ["Columns", "Metrics", "fit_columns", "max_side_columns"]


@dataclass(frozen=True)
class Metrics:
    """Spacing derived from the text size (``char_w``: one CJK character's advance)."""

    char_w: float
    line_h: float

    @property
    def padding(self) -> float:
        """Inside a box, between its border and its text."""
        return round(self.char_w * 0.5, 2)

    @property
    def margin(self) -> float:
        """Around the drawing."""
        return round(self.char_w * 0.5, 2)

    @property
    def column_gap(self) -> float:
        """Between columns: room for a label's second half."""
        return round(self.char_w * 1.5, 2)

    @property
    def track_gap(self) -> float:
        """Between parallel horizontal tracks or lanes."""
        return round(self.char_w * 0.6, 2)

    @property
    def arrow(self) -> float:
        """The arrowhead's length."""
        return round(self.char_w * 0.6, 2)

    @property
    def min_row_gap(self) -> float:
        """The least room between rows: a straight arrow must still read as an arrow."""
        return round(self.arrow * 2 + self.char_w * 0.6, 2)

    @property
    def label_gap(self) -> float:
        """Between a label and the lines or boxes around it."""
        return round(self.char_w * 0.3, 2)

    @property
    def lane_gap(self) -> float:
        """Between the outer boxes and the first lane: room for a head into a box's side."""
        return self.arrow + self.label_gap

    @property
    def min_box_width(self) -> float:
        """The narrowest box: four characters."""
        return 4 * self.char_w + 2 * self.padding

    def chars_in(self, room: float) -> int:
        """How many characters fit in ``room`` (at least one)."""
        return max(1, math.floor(room / self.char_w + 1e-9))


def max_side_columns(width: float, metrics: Metrics) -> int:
    """How many branch columns could fit on each side of the main column."""
    usable = width - 2 * metrics.margin
    narrowest = metrics.min_box_width
    return max(0, math.floor((usable - narrowest) / (2 * (narrowest + metrics.column_gap))))


@dataclass(frozen=True)
class Columns:
    """The x geometry: one box width for every column, the main column's centre, the lanes.

    ``lane_spacing`` is the distance between neighbouring lanes;
    ``right_lanes`` how many lanes run right of the columns.
    """

    metrics: Metrics
    width: float
    box_width: float
    main_centre: float
    lowest: int
    highest: int
    lane_spacing: float
    right_lanes: int

    def left(self, column: int) -> float:
        """The left x of a column's boxes."""
        return (
            self.main_centre + column * (self.box_width + self.metrics.column_gap)
        ) - self.box_width / 2

    def left_lane(self, lane: int) -> float:
        """The x of a lane left of the columns (lane 0 the innermost)."""
        return self.left(self.lowest) - self.metrics.lane_gap - lane * self.lane_spacing

    def right_lane(self, lane: int) -> float:
        """The x of a lane right of the columns (lane 0 the innermost)."""
        return (
            self.left(self.highest) + self.box_width + self.metrics.lane_gap
        ) + lane * self.lane_spacing


def fit_columns(
    grid: Grid,
    routes: list[Route],
    metrics: Metrics,
    *,
    width: float,
    wanted: float,
    lane_spacing: float,
) -> Columns | None:
    """The columns for boxes up to ``wanted`` wide, or None if not even 4 characters fit."""
    lanes = lane_count(routes, LaneSide.LEFT)
    left = metrics.margin + (metrics.lane_gap + (lanes - 1) * lane_spacing if lanes else 0)
    right_lanes = lane_count(routes, LaneSide.RIGHT)
    right = metrics.margin + (
        metrics.lane_gap + (right_lanes - 1) * lane_spacing if right_lanes else 0
    )
    lowest, highest, gap = grid.lowest_column, grid.highest_column, metrics.column_gap
    narrowest = min(wanted, metrics.min_box_width)

    def columns(box_width: float, main_centre: float) -> Columns:
        return Columns(
            metrics, width, box_width, main_centre, lowest, highest, lane_spacing, right_lanes
        )

    # The main column centred on the screen, if the side columns leave room.
    box_width = min(
        wanted,
        (width / 2 - left + lowest * gap) / (0.5 - lowest),
        (width / 2 - right - highest * gap) / (highest + 0.5),
    )
    if box_width >= narrowest:
        return columns(box_width, width / 2)
    count = highest - lowest + 1
    box_width = min(wanted, (width - left - right - (count - 1) * gap) / count)
    if box_width < narrowest:
        return None
    return columns(box_width, left + box_width / 2 - lowest * (box_width + gap))
