"""Geometry, part 4: each arrow as an orthogonal polyline from border to border.

* a direct arrow within a column: straight down;
* a direct arrow to another column: down to its source's trunk track, across,
  down into the target's top;
* a lane or back route on a side: out of the source's side two thirds down,
  along the lane, into the target's side one third down (never one line);
* a lane or back route through the channels: down (loops from a quarter into
  the box), along a track, up or down the left lane, along a track, down into
  the target's top.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kiosk.viewmodels.flowchart._routes import LaneSide, RouteKind, TrackKind

if TYPE_CHECKING:
    from kiosk.viewmodels.flowchart._columns import Columns
    from kiosk.viewmodels.flowchart._grid import Grid
    from kiosk.viewmodels.flowchart._model import Box, Point
    from kiosk.viewmodels.flowchart._routes import Route, TrackKey

__all__ = ["route_points", "simplify"]


def route_points(
    route: Route,
    boxes: dict[str, Box],
    grid: Grid,
    columns: Columns,
    track_y: dict[tuple[int, TrackKey], float],
) -> list[Point]:
    """The polyline of one route, from the source's border to the target's (see ``simplify``)."""
    source, target = boxes[route.source], boxes[route.target]
    source_row, target_row = grid.cells[route.source].row, grid.cells[route.target].row
    if route.uses_lane and route.side is not LaneSide.CHANNEL:
        if route.side is LaneSide.RIGHT:
            lane_x = columns.right_lane(route.lane)
            out_x, in_x = source.right, target.right
        else:
            lane_x = columns.left_lane(route.lane)
            out_x, in_x = source.x, target.x
        out_y, in_y = source.y + source.h * 2 / 3, target.y + target.h / 3  # never one line
        return [(out_x, out_y), (lane_x, out_y), (lane_x, in_y), (in_x, in_y)]
    if route.kind is RouteKind.BACK:
        lane_x = columns.left_lane(route.lane)
        out_y = track_y[source_row + 1, route.track(TrackKind.BACK_OUT)]
        in_y = track_y[target_row, route.track(TrackKind.BACK_IN)]
        out_x, in_x = source.x + source.w / 4, target.x + target.w / 4
        return [
            (out_x, source.bottom),
            (out_x, out_y),
            (lane_x, out_y),
            (lane_x, in_y),
            (in_x, in_y),
            (in_x, target.y),
        ]
    if route.kind is RouteKind.DIRECT and source.cx == target.cx:
        return [(source.cx, source.bottom), (target.cx, target.y)]
    trunk_y = track_y[source_row + 1, route.track(TrackKind.FORWARD)]
    if route.kind is RouteKind.DIRECT:
        return [
            (source.cx, source.bottom),
            (source.cx, trunk_y),
            (target.cx, trunk_y),
            (target.cx, target.y),
        ]
    lane_x = columns.left_lane(route.lane)
    in_y = track_y[target_row, route.track(TrackKind.LANE_IN)]
    return [
        (source.cx, source.bottom),
        (source.cx, trunk_y),
        (lane_x, trunk_y),
        (lane_x, in_y),
        (target.cx, in_y),
        (target.cx, target.y),
    ]


def simplify(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle of three collinear ones."""
    kept: list[Point] = []
    for point in points:
        if kept and math.isclose(kept[-1][0], point[0]) and math.isclose(kept[-1][1], point[1]):
            continue
        if len(kept) >= 2:
            (ax, ay), (bx, by) = kept[-2], kept[-1]
            same_x = math.isclose(ax, bx) and math.isclose(bx, point[0])
            same_y = math.isclose(ay, by) and math.isclose(by, point[1])
            if same_x or same_y:
                kept[-1] = point
                continue
        kept.append(point)
    return tuple(kept)
