"""Reads behind the short links: which code names what, and what a phone may see of it.

Only approved, released content is ever shown: an item's page comes from its
``current`` revision (the approved one; pending, rejected and quarantined
revisions are never read here), and a withdrawn item answers with when it
was withdrawn, not with its old content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from content.shortlink import short_url
from publisher.store.models import Document, Item, Revision, ShortLink

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import datetime

__all__ = [
    "PublicDocument",
    "PublicItem",
    "document_sizes",
    "public_document",
    "public_item",
    "short_codes",
    "short_link_get",
    "short_link_maps",
    "short_links_by_url",
]


@dataclass(frozen=True, slots=True)
class PublicItem:
    """What the public page of an item may show.

    Attributes:
        key: the item's stable id.
        title: its title as last synced.
        entity_type: its type (``content.enums.EntityType`` value).
        record: the approved revision's record; empty when withdrawn.
        url: the item's page on the county site (原文链接).
        fetched_at: when that page was fetched.
        withdrawn_at: when it was withdrawn, or None while published.
    """

    key: str
    title: str
    entity_type: str
    record: dict[str, Any]
    url: str
    fetched_at: datetime | None
    withdrawn_at: datetime | None


@dataclass(frozen=True, slots=True)
class PublicDocument:
    """A mirrored document as its page shows it (the name is found by the web face)."""

    sha256: str
    size: int
    media_type: str
    source_url: str


def short_link_maps() -> tuple[dict[str, str], dict[str, str]]:
    """(item id → code, document SHA-256 → code) of every code handed out."""
    items: dict[str, str] = {}
    documents: dict[str, str] = {}
    for kind, target, code in ShortLink.objects.values_list("kind", "target", "code"):
        (items if kind == ShortLink.Kind.ITEM else documents)[target] = code
    return items, documents


def short_links_by_url(public_url: str) -> dict[str, str]:
    """Long URL → short link, for what a board's QR code may be given.

    An active item's page on the county site maps to ``/d/<code>``; a
    document's county URL and its mirror (``/docs/<sha256>``) to ``/f/<code>``.
    """
    items, documents = short_link_maps()
    found: dict[str, str] = {}
    active = Item.objects.filter(state=Item.State.ACTIVE, key__in=list(items))
    for key, url in active.values_list("key", "url"):
        found[url] = short_url(public_url, "d", items[key])
    mirrored = Document.objects.filter(sha256__in=list(documents))
    base = public_url.rstrip("/")
    for sha, url in mirrored.values_list("sha256", "source_url"):
        short = short_url(public_url, "f", documents[sha])
        found[url] = found[f"{base}/docs/{sha}"] = short
    return found


def short_codes(kind: str, targets: Collection[str]) -> dict[str, str]:
    """Target → code of those of ``targets`` that have a code of ``kind``."""
    rows = ShortLink.objects.filter(kind=kind, target__in=list(targets))
    return dict(rows.values_list("target", "code"))


def document_sizes(hashes: Collection[str]) -> dict[str, int]:
    """SHA-256 → size in bytes of those of ``hashes`` the store has mirrored."""
    return dict(Document.objects.filter(sha256__in=list(hashes)).values_list("sha256", "size"))


def short_link_get(kind: str, code: str) -> ShortLink | None:
    """The link of ``kind`` (``d``/``f``) with ``code``, if one was handed out."""
    return ShortLink.objects.filter(kind=kind, code=code).first()


def public_item(key: str) -> PublicItem | None:
    """The public face of the item ``key``; None if it was never published."""
    item = Item.objects.filter(key=key).select_related("current").first()
    if item is None:
        return None
    revision = item.current
    approved = revision is not None and revision.status == Revision.Status.APPROVED
    if item.state == Item.State.REMOVED:
        removal = (
            item.revisions.filter(kind=Revision.Kind.REMOVAL, status=Revision.Status.APPROVED)
            .order_by("-decided_at")
            .first()
        )
        when = (removal.decided_at if removal else None) or item.updated_at
        return PublicItem(item.key, item.title, item.entity_type, {}, item.url, None, when)
    if revision is None or not approved or not isinstance(revision.data, dict):
        return None
    return PublicItem(
        item.key,
        item.title,
        item.entity_type,
        dict(revision.data),
        item.url,
        revision.fetched_at,
        None,
    )


def public_document(sha256: str) -> PublicDocument | None:
    """The mirrored document with this hash, if the store holds it."""
    document = Document.objects.filter(sha256=sha256).first()
    if document is None:
        return None
    kind = (document.media_type or "").split(";")[0].strip().lower()
    return PublicDocument(document.sha256, document.size, kind, document.source_url)
