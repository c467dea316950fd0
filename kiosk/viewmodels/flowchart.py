"""A power item's flowchart (权力运行流程图) laid out for a portrait screen.

The county publishes a flowchart as steps (``FlowStep``: ``step_id``, ``name``,
``actor``, ``time_limit``, ``next``, ``condition``); this module turns them
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

Coordinates are in the units of ``char_w`` and ``line_h`` (pixels for the
widget), with the **origin at the top left and y growing downwards**; the
widget flips them into Kivy's bottom-left system.

Usage::

    layout = layout_flowchart(record["flowchart"]["steps"], width=1000, char_w=30, line_h=42)
    for box in layout.boxes: ...      # box.x, box.y, box.w, box.h, box.lines, box.kind
    for edge in layout.edges: ...     # edge.points (arrowhead at the last point), edge.label
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from kiosk.viewmodels.text import plain

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Box", "BoxKind", "Edge", "FlowLayout", "Point", "layout_flowchart"]

BoxKind = Literal["start", "step", "end", "branch"]
Point = tuple[float, float]

#: Characters that may not start a line (Chinese line-breaking rules, 禁则).
_NO_LINE_START = set("，。、；：？！）》」』”’…—,.;:?!)]}%")
#: Characters that may not end a line.
_NO_LINE_END = set("（《「『“‘([{")


@dataclass(frozen=True)
class Box:
    """A step's box; ``lines[:title_lines]`` are the title, the rest the subtitle."""

    step_id: str
    x: float
    y: float
    w: float
    h: float
    lines: tuple[str, ...]
    kind: BoxKind
    title_lines: int = 1

    @property
    def cx(self) -> float:
        """The x of the box's vertical centre line."""
        return self.x + self.w / 2

    @property
    def bottom(self) -> float:
        """The y of the bottom border (y grows downwards)."""
        return self.y + self.h

    @property
    def right(self) -> float:
        """The x of the right border."""
        return self.x + self.w


@dataclass(frozen=True)
class Edge:
    """An arrow from one box border to another as an orthogonal polyline.

    The arrowhead is at ``points[-1]``, on the target's top border (or on its
    side, for loops routed beside the boxes).  ``back`` marks a loop back to an
    earlier step.
    ``label`` is the target's condition; ``label_lines`` is that text wrapped
    to the free room, drawn from ``label_pos`` (the top-left corner of the text
    block).  Edges into the same step share one label position, so a drawer
    should draw each (text, position) once.
    """

    points: tuple[Point, ...]
    label: str | None
    label_pos: Point | None
    back: bool
    label_lines: tuple[str, ...] = ()
    source: str = ""
    target: str = ""


@dataclass(frozen=True)
class FlowLayout:
    """The whole drawing: size, boxes and edges, plus the metrics used.

    ``padding`` is the inner padding of every box (text starts ``padding``
    from each border); ``arrow`` is the arrowhead length the layout left room
    for; ``char_w`` and ``line_h`` are the text metrics it was made with.
    """

    width: float
    height: float
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    padding: float = 0.0
    arrow: float = 0.0
    char_w: float = 0.0
    line_h: float = 0.0

    def box(self, step_id: str) -> Box:
        """The box of a step.

        Raises:
            KeyError: no such step.
        """
        for found in self.boxes:
            if found.step_id == step_id:
                return found
        raise KeyError(step_id)


@dataclass
class _Node:
    sid: str
    index: int
    title: str
    actor: str
    time_limit: str
    condition: str
    succ: list[str]


@dataclass(frozen=True)
class _Metrics:
    """Spacing derived from the text size, so the elder theme scales everything."""

    char_w: float
    line_h: float

    @property
    def pad(self) -> float:  # inside a box
        return round(self.char_w * 0.5, 2)

    @property
    def margin(self) -> float:  # around the drawing
        return round(self.char_w * 0.5, 2)

    @property
    def hgap(self) -> float:  # between columns: room for a label's second half
        return round(self.char_w * 1.5, 2)

    @property
    def track(self) -> float:  # between parallel horizontal or lane lines
        return round(self.char_w * 0.6, 2)

    @property
    def arrow(self) -> float:
        return round(self.char_w * 0.6, 2)

    @property
    def min_vgap(self) -> float:  # a straight arrow must still read as an arrow
        return round(self.arrow * 2 + self.char_w * 0.6, 2)

    @property
    def label_pad(self) -> float:
        return round(self.char_w * 0.3, 2)


@dataclass
class _Route:
    """An edge being routed: what kind of route and which tracks it uses."""

    source: str
    target: str
    kind: Literal["direct", "lane", "back"]
    lane: int = -1
    # Lane routes: out of one box side and into the other's (the same side) where
    # nothing stands beside them in their rows, else through the channels (left).
    side: Literal["left", "right", "channel"] = "channel"


@dataclass(frozen=True)
class _Label:
    """A condition's wrapped lines, its channel and x; above or below the tracks."""

    lines: tuple[str, ...]
    channel: int
    x: float
    above: bool


@dataclass
class _Rows:
    """The vertical positions found by ``_Geometry._vertical``."""

    row_y: list[float]
    track_y: dict[tuple[int, tuple[str, int]], float] = field(default_factory=dict)
    label_y: dict[str, float] = field(default_factory=dict)
    height: float = 0.0


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
    nodes = _parse(steps)
    if not nodes:
        raise ValueError("a flowchart needs at least one step")
    metrics = _Metrics(char_w, line_h)
    graph = _Graph(nodes)
    max_side = _max_side_columns(width, metrics)
    for side in range(max_side, -1, -1):
        placed = _place(graph, side)
        layout = _Geometry(graph, placed, metrics, width).build()
        if layout is not None:
            return layout
    raise ValueError(f"width {width} is too narrow for boxes with char_w {char_w}")


# --- parsing ----------------------------------------------------------------------


def _parse(steps: Sequence[Mapping[str, Any]]) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    raw_next: dict[str, list[str]] = {}
    items: Sequence[object] = steps  # JSON from a release: check, never trust the annotation
    for index, step in enumerate(items):
        if not isinstance(step, Mapping):
            continue
        sid = plain(step.get("step_id")) or f"#{index + 1}"
        if sid in nodes:
            continue  # a repeated id: the first step wins, as the validator expects
        targets = step.get("next") or ()
        if isinstance(targets, str):
            targets = (targets,)
        raw_next[sid] = [plain(target) for target in targets]
        nodes[sid] = _Node(
            sid=sid,
            index=len(nodes),
            title=plain(step.get("name")) or sid,
            actor=plain(step.get("actor")),
            time_limit=plain(step.get("time_limit")),
            condition=plain(step.get("condition")),
            succ=[],
        )
    for sid, node in nodes.items():
        node.succ = [t for t in dict.fromkeys(raw_next[sid]) if t in nodes]
    return nodes


# --- graph: back-edges, layers, main path ---------------------------------------------


class _Graph:
    """The steps as a graph made acyclic by reversing nothing: back-edges are set apart."""

    def __init__(self, nodes: dict[str, _Node]) -> None:
        self.nodes = nodes
        self.order = list(nodes)
        self.root = self.order[0]
        self.back: set[tuple[str, str]] = set()
        post = self._dfs()
        self.topo = post[::-1]
        self.dag: dict[str, list[str]] = {
            sid: [t for t in node.succ if (sid, t) not in self.back] for sid, node in nodes.items()
        }
        self.rank = dict.fromkeys(self.order, 0)
        for sid in self.topo:
            for target in self.dag[sid]:
                self.rank[target] = max(self.rank[target], self.rank[sid] + 1)
        self.longest = dict.fromkeys(self.order, 0)
        self.reach: dict[str, set[str]] = {}
        for sid in post:  # successors first
            self.longest[sid] = max((self.longest[t] + 1 for t in self.dag[sid]), default=0)
            self.reach[sid] = {sid}.union(*(self.reach[t] for t in self.dag[sid]))
        self.main = self._main_path()

    def _dfs(self) -> list[str]:
        """Mark back-edges (to a step still on the DFS stack); return the post-order."""
        state = dict.fromkeys(self.order, 0)  # 0 new, 1 on the stack, 2 done
        post: list[str] = []
        for root in self.order:
            if state[root]:
                continue
            state[root] = 1
            stack = [(root, iter(self.nodes[root].succ))]
            while stack:
                sid, targets = stack[-1]
                for target in targets:
                    if state[target] == 0:
                        state[target] = 1
                        stack.append((target, iter(self.nodes[target].succ)))
                        break
                    if state[target] == 1:
                        self.back.add((sid, target))
                else:
                    state[sid] = 2
                    post.append(sid)
                    stack.pop()
        return post

    def _main_path(self) -> list[str]:
        path = [self.root]
        while self.dag[path[-1]]:
            siblings = self.dag[path[-1]]

            def preference(target: str, siblings: list[str] = siblings) -> tuple[bool, bool, int]:
                # The step other branches rejoin (决定 after 听证) is the main line;
                # then an unconditional continuation; then the longest way on.
                rejoined = any(target in self.reach[s] for s in siblings if s != target)
                return (rejoined, not self.nodes[target].condition, self.longest[target])

            path.append(max(siblings, key=preference))  # max keeps the first of equals
        return path


def _max_side_columns(width: float, metrics: _Metrics) -> int:
    """How many branch columns could fit on each side of the main column."""
    min_bw = 4 * metrics.char_w + 2 * metrics.pad
    usable = width - 2 * metrics.margin
    return max(0, math.floor((usable - min_bw) / (2 * (min_bw + metrics.hgap))))


def _place(graph: _Graph, side: int) -> dict[str, tuple[int, int]]:
    """Rows and columns: main path in column 0, branches in columns ±1…±side."""
    main = set(graph.main)
    offsets = [0]
    for k in range(1, side + 1):
        offsets += [k, -k]
    by_rank: dict[int, list[str]] = {}
    for sid in graph.order:
        by_rank.setdefault(graph.rank[sid], []).append(sid)
    placed: dict[str, tuple[int, int]] = {}
    row = -1
    for rank in sorted(by_rank):
        members = sorted(by_rank[rank], key=lambda s: (s not in main, graph.nodes[s].index))
        row += 1
        used: set[int] = set()
        for sid in members:
            # A branch continues straight below its branch predecessor where it can.
            preds = [
                placed[p][1]
                for p in graph.order
                if p in placed and p not in main and sid in graph.dag[p]
            ]
            choices = [0] if sid in main else [c for c in preds if c != 0] + offsets[1:]
            free = [c for c in choices if c not in used]
            if not free and 0 not in used:
                free = [0]  # no side columns (a narrow screen): the main column is free here
            if not free:  # the layer is wider than the screen: continue on a new row
                row += 1
                used = set()
                free = [0] if sid in main else [*choices, 0]
            placed[sid] = (row, free[0])
            used.add(free[0])
    return placed


# --- geometry ---------------------------------------------------------------------------


class _Geometry:
    """Box sizes, row and channel heights, tracks, and the final polylines."""

    def __init__(
        self,
        graph: _Graph,
        placed: dict[str, tuple[int, int]],
        metrics: _Metrics,
        width: float,
    ) -> None:
        self.g = graph
        self.placed = placed
        self.m = metrics
        self.width = width
        self.rows = max(r for r, _ in placed.values()) + 1
        self.lo = min(c for _, c in placed.values())
        self.hi = max(c for _, c in placed.values())
        self.slots = {pos: sid for sid, pos in placed.items()}
        self.lane_gap = metrics.arrow + metrics.label_pad  # room for a head into a side
        self.lane_track = metrics.track
        self.bw = 0.0  # set by build()
        self.cx0 = 0.0
        self.routes = self._routes()

    def _routes(self) -> list[_Route]:
        routes: list[_Route] = []
        for sid in self.g.order:
            for target in self.g.nodes[sid].succ:
                if (sid, target) in self.g.back:
                    routes.append(_Route(sid, target, "back"))
                    continue
                (r1, _), (r2, c2) = self.placed[sid], self.placed[target]
                blocked = any((r, c2) in self.slots for r in range(r1 + 1, r2))
                routes.append(_Route(sid, target, "lane" if blocked else "direct"))
        self._choose_sides(routes)

        def span(route: _Route) -> int:
            return abs(self.placed[route.source][0] - self.placed[route.target][0])

        # Short spans on the inner tracks, so nested loops do not cross.
        for group in ({"left", "channel"}, {"right"}):
            lanes = [r for r in routes if r.kind != "direct" and r.side in group]
            for track, route in enumerate(sorted(lanes, key=span)):
                route.lane = track
        return routes

    def _choose_sides(self, routes: list[_Route]) -> None:
        """Side routes where both ends have nothing beside them, else channel routes."""
        # Slots a straight arrow passes through count as taken.
        taken = set(self.slots)
        for route in routes:
            if route.kind == "direct":
                (r1, _), (r2, c2) = self.placed[route.source], self.placed[route.target]
                taken.update((r, c2) for r in range(r1 + 1, r2))

        def free(sid: str, direction: int) -> bool:
            row, col = self.placed[sid]
            beside = range(col + 1, self.hi + 1) if direction > 0 else range(self.lo, col)
            return not any((row, c) in taken for c in beside)

        for route in routes:
            if route.kind == "direct":
                continue
            ends = (route.source, route.target)
            right = all(free(sid, 1) for sid in ends)
            left = all(free(sid, -1) for sid in ends)
            in_branches = max(self.placed[sid][1] for sid in ends) > 0
            if right and (in_branches or not left):
                route.side = "right"
            elif left:
                route.side = "left"

    def _lanes(self, side: str) -> int:
        group = {"right"} if side == "right" else {"left", "channel"}
        return sum(1 for r in self.routes if r.kind != "direct" and r.side in group)

    # -- horizontal ------------------------------------------------------------------

    def _columns(self, wanted: float) -> tuple[float, float] | None:
        """The box width and the main column's centre x, or None if they do not fit."""
        m = self.m
        lanes = self._lanes("left")
        left = m.margin + (self.lane_gap + (lanes - 1) * self.lane_track if lanes else 0)
        lanes = self._lanes("right")
        right = m.margin + (self.lane_gap + (lanes - 1) * self.lane_track if lanes else 0)
        lo, hi, width = self.lo, self.hi, self.width
        min_bw = min(wanted, 4 * m.char_w + 2 * m.pad)
        # The main column centred on the screen, if the side columns leave room.
        bw = min(
            wanted,
            (width / 2 - left + lo * m.hgap) / (0.5 - lo),
            (width / 2 - right - hi * m.hgap) / (hi + 0.5),
        )
        if bw >= min_bw:
            return bw, width / 2
        count = hi - lo + 1
        bw = min(wanted, (width - left - right - (count - 1) * m.hgap) / count)
        if bw < min_bw:
            return None
        return bw, left + bw / 2 - lo * (bw + m.hgap)

    # -- build -------------------------------------------------------------------------

    def build(self) -> FlowLayout | None:
        """The layout, or None when the columns do not fit the width."""
        m = self.m
        wanted = max(
            max(len(t) for t in self._texts(node)) * m.char_w + 2 * m.pad
            for node in self.g.nodes.values()
        )
        wanted = max(wanted, 5 * m.char_w + 2 * m.pad)
        columns = self._columns(wanted)
        if columns is None:
            # Many loops on a narrow screen: pack the lanes closer before giving up.
            self.lane_track = m.track / 3
            columns = self._columns(wanted)
        if columns is None:
            return None
        self.bw, self.cx0 = columns
        per_line = max(1, math.floor((self.bw - 2 * m.pad) / m.char_w + 1e-9))
        lines = {sid: self._lines(node, per_line) for sid, node in self.g.nodes.items()}
        labels = self._labels()
        tracks = self._tracks()
        row_h = [0.0] * self.rows
        for sid, (row, _) in self.placed.items():
            row_h[row] = max(row_h[row], 2 * m.pad + len(lines[sid][0]) * m.line_h)
        rows = self._vertical(row_h, labels, tracks)
        boxes = {
            sid: Box(
                step_id=sid,
                x=self.col_x(col),
                y=rows.row_y[row],
                w=self.bw,
                h=row_h[row],
                lines=lines[sid][0],
                kind=self._kind(sid),
                title_lines=lines[sid][1],
            )
            for sid, (row, col) in self.placed.items()
        }
        edges: list[Edge] = []
        for number, route in enumerate(self.routes):
            label = labels.get(route.target)
            edges.append(
                Edge(
                    points=_simplify(self._points(route, number, boxes, rows.track_y)),
                    label=self.g.nodes[route.target].condition or None,
                    label_pos=(label.x, rows.label_y[route.target]) if label else None,
                    back=route.kind == "back",
                    label_lines=label.lines if label else (),
                    source=route.source,
                    target=route.target,
                )
            )
        return FlowLayout(
            width=self.width,
            height=rows.height,
            boxes=tuple(boxes[sid] for sid in self.g.order),
            edges=tuple(edges),
            padding=m.pad,
            arrow=m.arrow,
            char_w=m.char_w,
            line_h=m.line_h,
        )

    def col_x(self, col: int) -> float:
        """The left x of a column's boxes."""
        return self.cx0 + col * (self.bw + self.m.hgap) - self.bw / 2

    def _chars(self, room: float) -> int:
        return max(1, math.floor(room / self.m.char_w + 1e-9))

    def _label_right(self, col: int) -> float:
        m = self.m
        # Up to the next column's back-edge arrows (a quarter into its boxes).
        if col < self.hi:
            return self.col_x(col + 1) + self.bw / 4 - m.label_pad
        if self._lanes("right"):
            return self.col_x(col) + self.bw + self.lane_gap - m.label_pad
        return self.width - m.margin

    def _labels(self) -> dict[str, _Label]:
        """Where each condition goes and how it wraps.

        A condition sits above its horizontal arrow where the arrow has one
        (the room between two columns), else right of the arrow into its step.
        """
        m, bw = self.m, self.bw
        above: dict[int, list[tuple[float, float]]] = {}
        labels: dict[str, _Label] = {}
        for sid, node in self.g.nodes.items():
            into = [r for r in self.routes if r.target == sid]
            if not node.condition or not into:
                continue
            r2, c2 = self.placed[sid]
            for route in into:
                r1, c1 = self.placed[route.source]
                if route.kind != "direct" or c1 == c2:
                    continue
                near = c2 - 1 if c2 > c1 else c2 + 1
                left = self.col_x(min(near, c2)) + bw / 2 + m.label_pad
                right = self.col_x(max(near, c2)) + bw / 4 - m.label_pad
                taken = above.setdefault(r1 + 1, [])
                if any(left < b and a < right for a, b in taken):
                    continue  # another branch label has this room: go beside the arrow
                taken.append((left, right))
                text = _wrap(node.condition, self._chars(right - left))
                labels[sid] = _Label(text, r1 + 1, left, above=True)
                break
            else:
                left = self.col_x(c2) + bw / 2 + m.label_pad
                text = _wrap(node.condition, self._chars(self._label_right(c2) - left))
                labels[sid] = _Label(text, r2, left, above=False)
        return labels

    def _tracks(self) -> dict[int, list[tuple[str, int]]]:
        """The horizontal lines of each channel (channel r is above row r), top down."""
        tracks: dict[int, list[tuple[str, int]]] = {}
        wanted: list[tuple[int, int, tuple[str, int]]] = []
        order = {"back_out": 0, "fwd": 1, "lane_in": 2, "back_in": 3}
        for number, route in enumerate(self.routes):
            (r1, c1), (r2, c2) = self.placed[route.source], self.placed[route.target]
            via_channels = route.side == "channel"
            if route.kind == "back" and via_channels:
                wanted.append((r1 + 1, order["back_out"], ("back_out", number)))
                wanted.append((r2, order["back_in"], ("back_in", number)))
            elif (route.kind == "direct" and c1 != c2) or (route.kind == "lane" and via_channels):
                trunk = ("fwd", self.g.nodes[route.source].index)  # one trunk per source
                wanted.append((r1 + 1, order["fwd"], trunk))
            if route.kind == "lane" and via_channels:
                wanted.append((r2, order["lane_in"], ("lane_in", number)))
        for channel, _, key in sorted(wanted, key=lambda w: (w[0], w[1])):
            keys = tracks.setdefault(channel, [])
            if key not in keys:
                keys.append(key)
        return tracks

    def _vertical(
        self,
        row_h: list[float],
        labels: dict[str, _Label],
        tracks: dict[int, list[tuple[str, int]]],
    ) -> _Rows:
        """Channel, row, channel, row …, channel: every y from the top down."""
        m = self.m
        rows = _Rows(row_y=[0.0] * self.rows)
        y = 0.0
        for channel in range(self.rows + 1):
            top = y
            keys = tracks.get(channel, [])
            y += m.margin if channel == 0 else m.label_pad * 2
            here = {sid: label for sid, label in labels.items() if label.channel == channel}
            upper = max((len(v.lines) for v in here.values() if v.above), default=0) * m.line_h
            for sid, label in here.items():
                if label.above:  # bottom-aligned, just above the tracks
                    rows.label_y[sid] = y + upper - len(label.lines) * m.line_h
            y += upper + (m.label_pad if upper else 0)
            for key in keys:
                rows.track_y[channel, key] = y
                y += m.track
            if channel == self.rows:
                y = max(y, top + m.margin) + (m.margin if keys else 0)
                break
            lower = max((len(v.lines) for v in here.values() if not v.above), default=0)
            for sid, label in here.items():
                if not label.above:
                    rows.label_y[sid] = y
            y += lower * m.line_h
            if channel > 0 or keys or here:
                y = max(y + m.arrow + m.label_pad * 2, top + m.min_vgap)
            rows.row_y[channel] = y
            y += row_h[channel]
        rows.height = y
        return rows

    def _points(
        self,
        route: _Route,
        number: int,
        boxes: dict[str, Box],
        track_y: dict[tuple[int, tuple[str, int]], float],
    ) -> list[Point]:
        """The polyline of one edge, from the source's border to the target's."""
        src, dst = boxes[route.source], boxes[route.target]
        (r1, _), (r2, _) = self.placed[route.source], self.placed[route.target]
        if route.kind != "direct" and route.side != "channel":
            if route.side == "right":
                lane_x = self.col_x(self.hi) + self.bw + self.lane_gap
                lane_x += route.lane * self.lane_track
                out_x, in_x = src.right, dst.right
            else:
                lane_x = self.col_x(self.lo) - self.lane_gap - route.lane * self.lane_track
                out_x, in_x = src.x, dst.x
            out_y, in_y = src.y + src.h * 2 / 3, dst.y + dst.h / 3  # never the same line
            return [(out_x, out_y), (lane_x, out_y), (lane_x, in_y), (in_x, in_y)]
        lane_x = self.col_x(self.lo) - self.lane_gap - route.lane * self.lane_track
        if route.kind == "back":
            out_y = track_y[r1 + 1, ("back_out", number)]
            in_y = track_y[r2, ("back_in", number)]
            xs, xd = src.x + src.w / 4, dst.x + dst.w / 4
            return [
                (xs, src.bottom),
                (xs, out_y),
                (lane_x, out_y),
                (lane_x, in_y),
                (xd, in_y),
                (xd, dst.y),
            ]
        if route.kind == "direct" and src.cx == dst.cx:
            return [(src.cx, src.bottom), (dst.cx, dst.y)]
        trunk_y = track_y[r1 + 1, ("fwd", self.g.nodes[route.source].index)]
        if route.kind == "direct":
            return [(src.cx, src.bottom), (src.cx, trunk_y), (dst.cx, trunk_y), (dst.cx, dst.y)]
        in_y = track_y[r2, ("lane_in", number)]
        return [
            (src.cx, src.bottom),
            (src.cx, trunk_y),
            (lane_x, trunk_y),
            (lane_x, in_y),
            (dst.cx, in_y),
            (dst.cx, dst.y),
        ]

    def _kind(self, sid: str) -> BoxKind:
        if sid == self.g.root:
            return "start"
        if sid not in self.g.main:
            return "branch"
        return "end" if sid == self.g.main[-1] else "step"

    @staticmethod
    def _texts(node: _Node) -> list[str]:
        texts = [node.title]
        if node.actor:
            texts.append(node.actor)
        if node.time_limit:
            texts.append(f"时限：{node.time_limit}")
        return texts

    def _lines(self, node: _Node, per_line: int) -> tuple[tuple[str, ...], int]:
        texts = self._texts(node)
        title = _wrap(texts[0], per_line)
        rest = [line for text in texts[1:] for line in _wrap(text, per_line)]
        return (*title, *rest), len(title)


def _wrap(text: str, per_line: int) -> tuple[str, ...]:
    """Break text into lines of at most ``per_line`` characters (CJK: any character).

    The lines are balanced (两行 of 7 and 6 rather than 12 and 1), and a line
    does not start with closing punctuation nor end with an opening one where
    moving one character avoids it.
    """
    words = " ".join(text.split())
    greedy = _greedy(words, per_line)
    if len(greedy) < 2:
        return greedy
    even = _greedy(words, math.ceil(len(words) / len(greedy)))
    return even if len(even) <= len(greedy) else greedy


def _greedy(words: str, per_line: int) -> tuple[str, ...]:
    lines: list[str] = []
    while len(words) > per_line:
        take = per_line
        if take > 1 and (words[take] in _NO_LINE_START or words[take - 1] in _NO_LINE_END):
            take -= 1
        lines.append(words[:take].rstrip())
        words = words[take:].lstrip()
    if words or not lines:
        lines.append(words)
    return tuple(lines)


def _simplify(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle of three collinear ones."""
    out: list[Point] = []
    for point in points:
        if out and math.isclose(out[-1][0], point[0]) and math.isclose(out[-1][1], point[1]):
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            same_x = math.isclose(ax, bx) and math.isclose(bx, point[0])
            same_y = math.isclose(ay, by) and math.isclose(by, point[1])
            if same_x or same_y:
                out[-1] = point
                continue
        out.append(point)
    return tuple(out)
