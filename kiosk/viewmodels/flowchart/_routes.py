"""Layout, part 3: which way each arrow goes, in which lane and on which tracks.

Still no coordinates, only the grid.  An arrow into a lower row with nothing
in its way is **direct**; a loop back to an earlier step is a **back** route,
and a forward arrow whose straight way is blocked by a box a **lane** route.
Back and lane routes run along a lane outside the columns: out of one box's
side and into the other's where nothing stands beside either (补正材料 → 受理
goes up the right), else through the *channels* (the gaps between rows) and up
the left lane.  Short spans get the inner lanes, so nested loops do not cross.

Each channel holds horizontal **tracks**, one line each, top down: loops
leaving, one trunk per source fanning out to its side targets, lane routes
coming in, loops coming in.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum, auto
from typing import TYPE_CHECKING

from kiosk.viewmodels.flowchart._grid import Cell

if TYPE_CHECKING:
    from kiosk.viewmodels.flowchart._graph import FlowGraph
    from kiosk.viewmodels.flowchart._grid import Grid

__all__ = [
    "LaneSide",
    "Route",
    "RouteKind",
    "TrackKey",
    "TrackKind",
    "channel_tracks",
    "lane_count",
    "plan_routes",
]


class RouteKind(Enum):
    """How an arrow gets from its source to its target."""

    DIRECT = auto()  #: down into the target's top, through a channel if it changes column
    LANE = auto()  #: forward, round the boxes in its way along a lane
    BACK = auto()  #: a loop back to an earlier step, along a lane


class LaneSide(Enum):
    """Where a lane or back route runs."""

    LEFT = auto()  #: out of the source's left side, up or down the left lane, into the target's
    RIGHT = auto()  #: the same on the right
    CHANNEL = auto()  #: out of the bottom, through the channels and the left lane, into the top

    @property
    def outer(self) -> LaneSide:
        """The lane the route runs in: the right one for RIGHT, else the left one."""
        return LaneSide.RIGHT if self is LaneSide.RIGHT else LaneSide.LEFT


class TrackKind(IntEnum):
    """A horizontal track in a channel; the values are their top-down order."""

    BACK_OUT = 0  #: a loop leaving its source's bottom
    FORWARD = 1  #: a source's trunk out to its targets in other columns (one per source)
    LANE_IN = 2  #: a lane route coming into its target's top
    BACK_IN = 3  #: a loop coming into its target's top


#: A track: its kind and the route's number (for FORWARD, the source step's index).
TrackKey = tuple[TrackKind, int]


@dataclass
class Route:
    """An arrow being routed.

    ``number`` is its position among the routes; ``lane`` counts from the
    innermost lane on its side (-1: no lane).
    """

    source: str
    target: str
    kind: RouteKind
    number: int
    source_index: int
    lane: int = -1
    side: LaneSide = LaneSide.CHANNEL

    @property
    def uses_lane(self) -> bool:
        """Whether the route runs along a lane outside the columns."""
        return self.kind is not RouteKind.DIRECT

    def track(self, kind: TrackKind) -> TrackKey:
        """The key of one of this route's tracks (routes from one source share a trunk)."""
        return (kind, self.source_index if kind is TrackKind.FORWARD else self.number)


def plan_routes(graph: FlowGraph, grid: Grid) -> list[Route]:
    """Every arrow's route kind, side and lane, in the steps' and their ``next`` order."""
    routes: list[Route] = []
    for source in graph.order:
        start = grid.cells[source]
        for target in graph.steps[source].successors:
            if (source, target) in graph.back_edges:
                kind = RouteKind.BACK
            else:
                end = grid.cells[target]
                blocked = any(
                    grid.is_taken(Cell(row, end.column)) for row in range(start.row + 1, end.row)
                )
                kind = RouteKind.LANE if blocked else RouteKind.DIRECT
            routes.append(Route(source, target, kind, len(routes), graph.steps[source].index))
    _choose_sides(routes, grid)

    def span(route: Route) -> int:
        return abs(grid.cells[route.source].row - grid.cells[route.target].row)

    for outer in (LaneSide.LEFT, LaneSide.RIGHT):
        in_lane = [r for r in routes if r.uses_lane and r.side.outer is outer]
        for lane, route in enumerate(sorted(in_lane, key=span)):
            route.lane = lane
    return routes


def lane_count(routes: list[Route], outer: LaneSide) -> int:
    """How many lanes the routes need on one side (``LEFT`` or ``RIGHT``)."""
    return sum(1 for route in routes if route.uses_lane and route.side.outer is outer)


def channel_tracks(grid: Grid, routes: list[Route]) -> dict[int, list[TrackKey]]:
    """The tracks of each channel (channel r is above row r), top down."""
    wanted: list[tuple[int, TrackKey]] = []
    for route in routes:
        start, end = grid.cells[route.source], grid.cells[route.target]
        via_channels = route.side is LaneSide.CHANNEL
        if route.kind is RouteKind.BACK and via_channels:
            wanted.append((start.row + 1, route.track(TrackKind.BACK_OUT)))
            wanted.append((end.row, route.track(TrackKind.BACK_IN)))
        elif (route.kind is RouteKind.DIRECT and start.column != end.column) or (
            route.kind is RouteKind.LANE and via_channels
        ):
            wanted.append((start.row + 1, route.track(TrackKind.FORWARD)))
        if route.kind is RouteKind.LANE and via_channels:
            wanted.append((end.row, route.track(TrackKind.LANE_IN)))
    tracks: dict[int, list[TrackKey]] = {}
    for channel, key in sorted(wanted, key=lambda item: (item[0], item[1][0])):
        keys = tracks.setdefault(channel, [])
        if key not in keys:
            keys.append(key)
    return tracks


def _choose_sides(routes: list[Route], grid: Grid) -> None:
    """Side routes where both ends have nothing beside them, else channel routes."""
    # Cells a straight arrow passes through count as taken.
    taken = set(grid.cells.values())
    for route in routes:
        if route.kind is RouteKind.DIRECT:
            start, end = grid.cells[route.source], grid.cells[route.target]
            taken.update(Cell(row, end.column) for row in range(start.row + 1, end.row))

    def clear_beside(step_id: str, side: LaneSide) -> bool:
        row, column = grid.cells[step_id]
        if side is LaneSide.RIGHT:
            beside = range(column + 1, grid.highest_column + 1)
        else:
            beside = range(grid.lowest_column, column)
        return not any(Cell(row, c) in taken for c in beside)

    for route in routes:
        if not route.uses_lane:
            continue
        ends = (route.source, route.target)
        right = all(clear_beside(step_id, LaneSide.RIGHT) for step_id in ends)
        left = all(clear_beside(step_id, LaneSide.LEFT) for step_id in ends)
        in_branches = max(grid.cells[step_id].column for step_id in ends) > 0
        if right and (in_branches or not left):
            route.side = LaneSide.RIGHT
        elif left:
            route.side = LaneSide.LEFT
