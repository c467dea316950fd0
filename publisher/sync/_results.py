"""What one source's run did (``RunSummary``), and where a run reports progress."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["Progress", "RunSummary", "SilentProgress"]

log = logging.getLogger("gongkai.sync")


class Progress(Protocol):
    """Where the sync reports progress (a terminal bar, a log, nothing)."""

    def start(self, source: str, total: int | None) -> None: ...
    def advance(self, count: int = 1) -> None: ...
    def total(self, total: int) -> None: ...
    def finish(self) -> None: ...


class SilentProgress:
    """Progress reported nowhere (the default)."""

    def start(self, source: str, total: int | None) -> None:
        """Ignore the start."""

    def advance(self, count: int = 1) -> None:
        """Ignore progress."""

    def total(self, total: int) -> None:
        """Ignore the total."""

    def finish(self) -> None:
        """Ignore the end."""


@dataclass(slots=True)
class RunSummary:
    """What one source's run did (also stored as a ``SyncRun``).

    The run counts through the methods below; the fields are read by
    `gongkai sync`, the service and the benchmark.
    """

    source: str
    status: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: int = 0
    external: int = 0
    documents: int = 0
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    listing_complete: bool = False
    message: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)
    #: What the run did not take without failing on it: links labelled as
    #: attachments that were not mirrored (one per link and item).
    warnings: list[dict[str, str]] = field(default_factory=list)

    def count_unchanged(self) -> None:
        """An item was left as it was (its list entry or page did not change)."""
        self.unchanged += 1

    def count_recorded(self, kind: str) -> None:
        """An item was recorded; ``kind`` is the store's outcome (new, changed, unchanged)."""
        if kind == "new":
            self.new += 1
        elif kind == "changed":
            self.changed += 1
        else:
            self.unchanged += 1

    def count_external(self, links: int) -> None:
        """A list page linked ``links`` pages of other sites."""
        self.external += links

    def count_document(self) -> None:
        """An attachment was downloaded and stored."""
        self.documents += 1

    def count_traffic(self, *, requests: int, received: int) -> None:
        """What the run's HTTP client sent and received."""
        self.requests += requests
        self.bytes += received

    def note_error(self, url: str, field: str, message: str) -> None:
        """Record an error of the run (the item, if any, may still be stored)."""
        # Recorded in the run (and printed by `gongkai sync`), so only a debug line here.
        log.debug("%s: %s: %s", url, field, message)
        self.errors.append({"url": url, "field": field, "message": message})

    def note_warning(self, url: str, field: str, message: str) -> None:
        """Record something the run left out without failing (never silently)."""
        log.debug("warning %s: %s: %s", url, field, message)
        self.warnings.append({"url": url, "field": field, "message": message})

    def note_failure(self, url: str, field: str, message: str) -> None:
        """Record an item that could not be stored this run (it is tried again)."""
        self.note_error(url, field, message)
        self.failed += 1

    def last_error(self) -> str:
        """The latest error's message, or ``no answer``."""
        return self.errors[-1]["message"] if self.errors else "no answer"

    def end(self, status: str, message: str = "") -> None:
        """Close the summary with the run's final status."""
        self.status = status
        self.message = message

    @classmethod
    def total(cls, summaries: Iterable[RunSummary]) -> RunSummary:
        """The sum of several runs' counts (``source`` is ``total``)."""
        total = cls(source="total", status="ok")
        for run in summaries:
            total.new += run.new
            total.changed += run.changed
            total.unchanged += run.unchanged
            total.removed += run.removed
            total.failed += run.failed
            total.external += run.external
            total.documents += run.documents
            total.requests += run.requests
            total.bytes += run.bytes
            total.seconds += run.seconds
        return total
