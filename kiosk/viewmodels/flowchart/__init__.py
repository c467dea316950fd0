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

It is done in two stages, in private modules.  The **layout** decides,
without a coordinate, which steps there are and how they connect
(``_graph``), which row and column each stands in (``_grid``), and which way
each arrow goes, in which lane and on which tracks (``_routes``).  The
**geometry** (``_geometry``, with ``_columns``, ``_labels``, ``_rows`` and
``_arrows``) turns that into coordinates for a screen width and text size;
``_wrap`` breaks the text into lines.  If the columns do not fit the width,
the layout is tried again with fewer side columns (``_pipeline``).  The
results are the dataclasses of ``_model``, exported here.

Coordinates are in the units of ``char_w`` and ``line_h`` (pixels for the
widget), with the **origin at the top left and y growing downwards**; the
widget flips them into Kivy's bottom-left system.

Usage::

    layout = layout_flowchart(record["flowchart"]["steps"], width=1000, char_w=30, line_h=42)
    for box in layout.boxes: ...      # box.x, box.y, box.w, box.h, box.lines, box.kind
    for edge in layout.edges: ...     # edge.points (arrowhead at the last point), edge.label
"""

from kiosk.viewmodels.flowchart._model import Box, BoxKind, Edge, FlowLayout, Point
from kiosk.viewmodels.flowchart._pipeline import layout_flowchart

__all__ = ["Box", "BoxKind", "Edge", "FlowLayout", "Point", "layout_flowchart"]
