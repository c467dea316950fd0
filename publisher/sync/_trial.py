"""A trial of a profile against a site (``gongkai source try``): read, store nothing, report.

The trial reads the list with the same listing strategy as a sync (robots.txt
and the rate limit included), then the first few articles and their
attachments, and reports per item what the profile found where, and what it
did not. Nothing is written to the store and no file is kept.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from content.enums import EntityType
from content.normalize import normalize_label
from content.scope import ScopeResolver
from publisher.sources.assemble import REQUIRED, AssemblyContext, AssemblyError, assemble
from publisher.sources.attachments import identify
from publisher.sources.decoding import decode_html
from publisher.sources.errors import SourceError
from publisher.sources.html import parse_detail
from publisher.sync._context import RunBlockedError, SiteDownError
from publisher.sync._listing import listing_for
from publisher.sync._lists import ListReader
from publisher.sync._results import RunSummary

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from publisher.config import SourceConfig
    from publisher.sources.http import PoliteClient
    from publisher.sources.profiles import Profile
    from publisher.sources.records import ListEntry, RawRecord
    from publisher.store.models import Source

__all__ = ["TrialItem", "TrialReport", "try_profile"]


@dataclass(frozen=True, slots=True)
class _TrialContext:
    """What the list reader needs, for a trial: no store row, nothing remembered."""

    profile: Profile
    config: SourceConfig
    client: PoliteClient
    now: Callable[[], datetime]
    refetch: bool = True  # never send validators: the trial sees the page as it is
    source: Source | None = None

    @property
    def list_url(self) -> str:
        return self.profile.list_url(self.config.site)

    def referer(self, *, first: bool = False) -> str | None:
        return None if first or not self.profile.referer else self.list_url


@dataclass(slots=True)
class TrialItem:
    """What the profile read off one article.

    Attributes:
        url: the article's URL.
        title: the page's title (or the list's, when the title selector found none).
        fields: field name → ``{"value": text, "from": where}`` or
            ``{"missing": True, "tried": where}``.
        required_missing: required fields the page did not give.
        attachments: name, type, size and URL of each document, as downloaded.
        warnings: links labelled as attachments that were not taken, and the like.
        error: why the item could not be built (as a sync would say it), or "".
        unused_labels: meta-table labels on the page that no field names (a missing
            field's label is often one of them, spelt differently).
    """

    url: str
    title: str = ""
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    required_missing: list[str] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    unused_labels: list[str] = field(default_factory=list)

    @property
    def found(self) -> int:
        """How many of the reported fields were found."""
        return sum(1 for value in self.fields.values() if not value.get("missing"))


@dataclass(slots=True)
class TrialReport:
    """A trial's outcome: the list as read, then each item tried."""

    profile: str
    name: str
    entity_type: str
    list_url: str
    pagination: str
    pages_read: int = 0
    entries: int = 0
    total: int | None = None
    page_count: int | None = None
    external: int = 0
    items: list[TrialItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No item misses a required field, and the list gave at least one entry."""
        return (
            self.entries > 0
            and not self.errors
            and not any(i.required_missing or i.error for i in self.items)
        )

    def to_json(self) -> dict[str, Any]:
        """Plain data, for ``--json``."""
        return {
            "profile": self.profile,
            "name": self.name,
            "entity_type": self.entity_type,
            "list": {
                "url": self.list_url,
                "pagination": self.pagination,
                "pages_read": self.pages_read,
                "entries": self.entries,
                "total": self.total,
                "page_count": self.page_count,
                "external": self.external,
            },
            "items": [
                {
                    "url": i.url,
                    "title": i.title,
                    "fields": i.fields,
                    "found": i.found,
                    "required_missing": i.required_missing,
                    "attachments": i.attachments,
                    "warnings": i.warnings,
                    "error": i.error,
                    "unused_labels": i.unused_labels,
                }
                for i in self.items
            ],
            "warnings": self.warnings,
            "errors": self.errors,
            "ok": self.ok,
        }


def try_profile(
    *,
    reference: str,
    profile: Profile,
    config: SourceConfig,
    client: PoliteClient,
    now: Callable[[], datetime],
    items: int = 3,
) -> TrialReport:
    """Read the list and the first ``items`` articles of ``config.site`` with ``profile``."""
    ctx = _TrialContext(profile=profile, config=config, client=client, now=now)
    report = TrialReport(
        profile=reference,
        name=profile.name,
        entity_type=str(profile.entity_type),
        list_url=ctx.list_url,
        pagination=str(profile.list.pagination),
    )
    summary = RunSummary(source=config.id, status="trial")
    listing = listing_for(profile.list.pagination)
    reader = ListReader(ctx, summary, parse=listing.parse)
    entries: list[ListEntry] = []
    crumb: list[str] = []
    try:
        for listed in listing.pages(reader):
            report.pages_read += 1
            if listed.page is None:
                continue
            page = listed.page
            entries.extend(page.entries)
            report.external += len(page.external)
            report.total = page.total if page.total is not None else report.total
            report.page_count = page.page_count or report.page_count
            crumb = crumb or page.breadcrumb
            if len(entries) >= items:
                break  # enough to try; the rest of the list is not read
    except (SiteDownError, RunBlockedError, SourceError) as error:
        report.errors.append(str(error))
    report.errors.extend(f"{e['url']}: {e['message']}" for e in summary.errors)
    report.entries = len(entries)
    if not entries and not report.errors:
        report.warnings.append(
            "the list gave no article: check list.links, list.link_pattern and same_folder"
            if not profile.list.pagination.json
            else "the list gave no article: check list.items and list.link_field"
        )
    for entry in entries[:items]:
        report.items.append(_try_item(ctx, entry, crumb))
    return report


def _try_item(ctx: _TrialContext, entry: ListEntry, crumb: list[str]) -> TrialItem:
    profile = ctx.profile
    item = TrialItem(url=entry.url)
    try:
        response = ctx.client.get(entry.url, referer=ctx.referer())
    except SourceError as error:
        item.error = f"page: {error}"
        return item
    text, charset = decode_html(response.body, response.content_type)
    record = parse_detail(text, response.url, profile.detail, entry)
    record.charset = charset
    record.breadcrumb = record.breadcrumb or list(crumb)
    item.title = record.title
    item.fields = _fields(profile, record)
    named = {
        normalize_label(label)
        for labels in profile.detail.fields.values()
        for label in ((labels,) if isinstance(labels, str) else labels)
    }
    item.unused_labels = [label for label in record.labels if label not in named]
    item.required_missing = sorted(
        name
        for name in REQUIRED[EntityType(profile.entity_type)]
        if item.fields[name].get("missing")
    )
    item.warnings = [
        f"{t} ({u}): labelled as an attachment, not taken" for t, u in record.unmirrored
    ]
    item.attachments = [
        _try_attachment(ctx, name, url, response.url) for name, url in record.attachments
    ]
    _name_after_title(item.attachments, record.title or entry.title)
    try:
        assemble(
            record,
            AssemblyContext(
                entity_type=EntityType(profile.entity_type),
                scopes=ScopeResolver({}),
                source_column=profile.name,
                parser=profile.parser,
                fetched_at=ctx.now(),
            ),
        )
    except AssemblyError as error:
        item.error = f"{error.field}: {error.message}"
    return item


def _fields(profile: Profile, record: RawRecord) -> dict[str, dict[str, Any]]:
    """Every field the profile names or the type requires: its value and where it came from."""
    spec, listed = profile.detail, profile.list
    where: dict[str, list[str]] = {}
    for name, key in listed.fields.items():
        where.setdefault(name, []).append(f"list key {key}")
    for name, labels in spec.fields.items():
        choices = (labels,) if isinstance(labels, str) else labels
        where.setdefault(name, []).append("label " + " / ".join(choices))
    for name, prefix in spec.prefixed.items():
        where.setdefault(name, []).append(f"prefix {prefix}")
    for name, heading in spec.sections.items():
        where.setdefault(name, []).append(f"section {heading}")
    for name in spec.defaults:
        where.setdefault(name, []).append("default")
    for name in REQUIRED[EntityType(profile.entity_type)]:
        where.setdefault(name, [])
    out: dict[str, dict[str, Any]] = {}
    for name in sorted(n for n in where if not n.startswith("_")):
        tried = "; ".join(where[name]) or "nothing in the profile names it"
        value = str(record.fields.get(name) or "").strip()
        out[name] = {"value": value, "from": tried} if value else {"missing": True, "tried": tried}
    return out


def _name_after_title(documents: list[dict[str, Any]], title: str) -> None:
    """Name documents known only by their script's name after the article, as the sync does."""
    for number, document in enumerate(documents, start=1):
        kind, name = document.get("file_type"), str(document.get("name", ""))
        if not title or not kind or kind == "other" or name.rpartition(".")[2].lower() == kind:
            continue
        if name in unquote(str(document["url"])):
            suffix = "" if len(documents) == 1 else f"（附件{number}）"
            document["name"] = f"{title}{suffix}.{kind}"


def _try_attachment(ctx: _TrialContext, name: str, url: str, referer: str) -> dict[str, Any]:
    """Download one document into a temp folder to see what it is; nothing is kept."""
    with tempfile.TemporaryDirectory(prefix="gongkai-try-") as folder:
        try:
            download = ctx.client.download(url, Path(folder), referer=referer)
        except SourceError as error:
            return {"name": name, "url": url, "error": str(error)}
        if download.path is None:
            return {"name": name, "url": url, "error": "no body"}
        with download.path.open("rb") as file:
            head = file.read(8192)
        found = identify(
            disposition=download.disposition,
            media_type=download.media_type,
            head=head,
            hint=f"{name} {url}",
        )
    return {
        "name": found.name or name,
        "link_text": name,
        "file_type": str(found.file_type),
        "size_bytes": download.size,
        "url": url,
    }
