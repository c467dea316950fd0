"""Geometry, part 3: every y, from the top down: channel, row, channel, row …, channel.

A channel (the gap above a row, and the one below the last) holds, top down:
the labels that sit above their horizontal arrows, the channel's tracks, and
the labels written beside the arrows into the row below; then room for the
arrowheads.  A row is as tall as its tallest box.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.viewmodels.flowchart._columns import Metrics
    from kiosk.viewmodels.flowchart._labels import Label
    from kiosk.viewmodels.flowchart._routes import TrackKey

__all__ = ["Rows", "place_rows"]


@dataclass
class Rows:
    """The vertical positions: each row's top, each track's and label's y, the height."""

    row_top: list[float]
    track_y: dict[tuple[int, TrackKey], float] = field(default_factory=dict)
    label_y: dict[str, float] = field(default_factory=dict)
    height: float = 0.0


def place_rows(
    row_heights: list[float],
    labels: dict[str, Label],
    tracks: dict[int, list[TrackKey]],
    metrics: Metrics,
) -> Rows:
    """The y of every row, track (by channel and key) and label, and the drawing's height."""
    row_count = len(row_heights)
    rows = Rows(row_top=[0.0] * row_count)
    cursor = 0.0  # the y reached so far
    for channel in range(row_count + 1):
        top = cursor
        keys = tracks.get(channel, [])
        cursor += metrics.margin if channel == 0 else metrics.label_gap * 2
        here = {step_id: label for step_id, label in labels.items() if label.channel == channel}
        upper_lines = max((len(label.lines) for label in here.values() if label.above), default=0)
        upper = upper_lines * metrics.line_h
        for step_id, label in here.items():
            if label.above:  # bottom-aligned, just above the tracks
                rows.label_y[step_id] = cursor + upper - len(label.lines) * metrics.line_h
        cursor += upper + (metrics.label_gap if upper else 0)
        for key in keys:
            rows.track_y[channel, key] = cursor
            cursor += metrics.track_gap
        if channel == row_count:
            cursor = max(cursor, top + metrics.margin) + (metrics.margin if keys else 0)
            break
        lower_lines = max(
            (len(label.lines) for label in here.values() if not label.above), default=0
        )
        for step_id, label in here.items():
            if not label.above:
                rows.label_y[step_id] = cursor
        cursor += lower_lines * metrics.line_h
        if channel > 0 or keys or here:
            cursor = max(cursor + metrics.arrow + metrics.label_gap * 2, top + metrics.min_row_gap)
        rows.row_top[channel] = cursor
        cursor += row_heights[channel]
    rows.height = cursor
    return rows
