"""What a laid-out flowchart is: boxes, edges and the drawing's size.

These are the results ``layout_flowchart`` hands the widget; everything else
in the package is how they are found.  Coordinates have their **origin at the
top left with y growing downwards**, in the units of ``char_w`` and ``line_h``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Box", "BoxKind", "Edge", "FlowLayout", "Point"]

Point = tuple[float, float]


class BoxKind(StrEnum):
    """What a box stands for, which the widget shows by its shape."""

    START = "start"  #: the first step (a rounded "pill")
    STEP = "step"  #: a step of the main path
    END = "end"  #: the last step of the main path (a "pill")
    BRANCH = "branch"  #: a step off the main path (a dashed box in a side column)


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
