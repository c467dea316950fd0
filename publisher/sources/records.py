"""What extraction yields: list entries and raw detail records (plain data)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ListEntry", "ListPage", "RawRecord"]


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One article link on a list page (or one item of a JSON list).

    Attributes:
        url: the article's absolute URL.
        title: the full title (the ``title`` attribute beats truncated link text).
        date: the date text shown beside it, as published.
        pinned: shown as a pinned (置顶) item.
        fields: values the list itself gives (JSON APIs give many).
        fingerprint: changes whenever what the list shows of the article changes.
    """

    url: str
    title: str = ""
    date: str = ""
    pinned: bool = False
    fields: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""

    @staticmethod
    def make(
        url: str,
        *,
        title: str = "",
        date: str = "",
        pinned: bool = False,
        fields: dict[str, Any] | None = None,
        basis: Any = None,
    ) -> ListEntry:
        """An entry whose fingerprint hashes ``basis`` (default: everything shown)."""
        shown = basis if basis is not None else [title, date, pinned, fields or {}]
        digest = hashlib.sha256(
            json.dumps(shown, ensure_ascii=False, sort_keys=True, default=str).encode()
        ).hexdigest()
        return ListEntry(url, title, date, pinned, dict(fields or {}), digest)

    def to_json(self) -> dict[str, Any]:
        """Plain data, to remember a list page's entries between runs."""
        return {
            "url": self.url,
            "title": self.title,
            "date": self.date,
            "pinned": self.pinned,
            "fields": self.fields,
            "fingerprint": self.fingerprint,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> ListEntry:
        """The inverse of ``to_json``."""
        return ListEntry(
            url=data["url"],
            title=data.get("title", ""),
            date=data.get("date", ""),
            pinned=bool(data.get("pinned")),
            fields=dict(data.get("fields") or {}),
            fingerprint=data.get("fingerprint", ""),
        )


@dataclass(slots=True)
class ListPage:
    """What one list page holds.

    Attributes:
        entries: the article entries, in page order.
        external: links to other sites (WeChat articles, portals): not articles.
        page_count: total pages, when the page says (TRS createPageHTML).
        page_name: the TRS page file stem and extension, e.g. ("index", "shtml").
        total: the total number of articles, when a JSON API says.
        breadcrumb: the list page's breadcrumb trail (``list.breadcrumb``), for
            articles whose own pages show none.
    """

    entries: list[ListEntry] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    page_count: int | None = None
    page_name: tuple[str, str] | None = None
    total: int | None = None
    breadcrumb: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RawRecord:
    """Everything read off one detail page, before it becomes an entity.

    Attributes:
        url: the page's URL.
        entry: the list entry that led here.
        title: the page's title.
        fields: field name → text, from the list, the meta table, prefixes and sections.
        labels: every meta-table label → value, mapped or not (for error messages).
        body: the body's paragraphs not claimed by a prefix or section.
        tables: table name → rows (column name → text).
        captions: table name → the heading above it.
        headers: table name → its header rows' cell texts.
        attachments: (name, absolute URL) of linked documents.
        unmirrored: (link text, absolute URL) of links labelled as attachments
            that the profile did not take (the run warns about each).
        images: (alt text, absolute URL) of images in the body.
        breadcrumb: the page's breadcrumb trail.
        charset: the codec the page decoded with.
    """

    url: str
    entry: ListEntry
    title: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    captions: dict[str, str] = field(default_factory=dict)
    headers: dict[str, list[list[str]]] = field(default_factory=dict)
    attachments: list[tuple[str, str]] = field(default_factory=list)
    unmirrored: list[tuple[str, str]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    breadcrumb: list[str] = field(default_factory=list)
    charset: str = ""
