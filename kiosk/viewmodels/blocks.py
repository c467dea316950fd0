"""The blocks a detail screen is made of: plain, frozen data the Kivy screen draws.

``kiosk.viewmodels.details`` builds them from records; ``kiosk.app.screens.detail``
draws any sequence of them. Nothing here reads a release.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.viewmodels.links import display_url

if TYPE_CHECKING:
    from content.enums import EntityType
    from content.records import FlowStepRecord
    from kiosk.viewmodels.charts import Chart
    from kiosk.viewmodels.reading import Reading
    from kiosk.viewmodels.sections import BadgeKind

__all__ = [
    "Attachment",
    "Block",
    "ChartBlock",
    "Detail",
    "Fields",
    "FlowchartBlock",
    "Heading",
    "ImageBlock",
    "Paragraph",
    "ProgressBlock",
    "QrTarget",
    "Timeline",
]


@dataclass(frozen=True)
class Heading:
    """A section heading inside a detail."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Label/value pairs (the label column is fixed width)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Paragraph:
    """Running text (may hold several lines)."""

    text: str


@dataclass(frozen=True)
class ProgressBlock:
    """A progress bar with its number and status in words."""

    label: str
    pct: float
    text: str  # e.g. "完成 200人 / 目标 2500人 (8%)"
    status: str = ""
    status_kind: BadgeKind | None = None


@dataclass(frozen=True)
class Timeline:
    """Dated updates, newest first."""

    items: tuple[tuple[str, str, float | None], ...]  # (date, text, pct)


@dataclass(frozen=True)
class ImageBlock:
    """A picture from the release (a portrait, a published flowchart)."""

    path: str
    caption: str
    kind: str = "photo"  # photo | flowchart


@dataclass(frozen=True)
class FlowchartBlock:
    """A flowchart the app draws from structured steps."""

    title: str
    steps: tuple[FlowStepRecord, ...]


@dataclass(frozen=True)
class ChartBlock:
    """A bar chart of annual-report figures."""

    chart: Chart


@dataclass(frozen=True)
class Attachment:
    """An attachment: tapping it puts its URL into the QR code."""

    name: str
    url: str


Block = (
    Heading
    | Fields
    | Paragraph
    | ProgressBlock
    | Timeline
    | ImageBlock
    | FlowchartBlock
    | ChartBlock
    | Attachment
)


@dataclass(frozen=True)
class QrTarget:
    """What the QR code opens, and the caption printed under it."""

    url: str
    caption: str

    @property
    def short(self) -> str:
        """The URL as printed (no scheme)."""
        return display_url(self.url)


@dataclass(frozen=True)
class Detail:
    """Everything a detail screen shows."""

    id: str
    type: EntityType
    title: str
    subtitle: str
    blocks: tuple[Block, ...]
    qr: QrTarget | None
    reading: Reading  # what 朗读 reads

    @property
    def speech(self) -> str:
        """What 朗读 reads first (the summary)."""
        return self.reading.summary
