"""Mirroring an entity's documents and images into the home's document store.

An attachment is downloaded conditionally (a 304 keeps the stored copy) and
stored once per content hash; its hash and size are written into the entity,
and so are its real type and file name, as the answer tells them
(``Content-Disposition``, ``Content-Type``, the bytes: download scripts such as
``downfile.jsp?filename=…`` say nothing in their path). They are remembered with
the file's validators, so a 304 keeps them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from content.enums import FileType
from content.serialize import content_hash
from publisher.sources.attachments import GENERIC_NAMES, FileIdentity, identify
from publisher.sources.errors import BlockedError, FetchError
from publisher.store import selectors, services
from publisher.store.models import Document, FetchState
from publisher.sync._context import validators_of

if TYPE_CHECKING:
    from pathlib import Path

    from content.models import Attachment, Entity
    from publisher.sources.http import Download
    from publisher.sync._context import RunContext
    from publisher.sync._results import RunSummary

__all__ = ["DocumentMirror"]


class DocumentMirror:
    """Downloads a run's attachments.

    Args:
        ctx: the run's context.
        summary: where documents and errors are counted.
    """

    def __init__(self, ctx: RunContext, summary: RunSummary) -> None:
        self._ctx = ctx
        self._summary = summary

    def mirror(self, entity: Entity, *, referer: str) -> Entity:
        """Download the entity's documents and images; write their hash and size in.

        Raises:
            BlockedError: the site answered with an anti-bot page.
        """
        updates: dict[str, Any] = {}
        attachments = getattr(entity, "attachments", None)
        if attachments:
            updates["attachments"] = _named_after(
                tuple(self._document(a, referer) for a in attachments),
                str(getattr(entity, "title", "") or ""),
            )
        photo = getattr(entity, "photo", None)
        if photo is not None:
            updates["photo"] = self._document(photo, referer)
        chart = getattr(entity, "flowchart", None)
        if chart is not None and chart.image is not None:
            updates["flowchart"] = chart.model_copy(
                update={"image": self._document(chart.image, referer)}
            )
        if not updates:
            return entity
        changed = entity.model_copy(update=updates)
        provenance = changed.provenance.model_copy(update={"content_hash": content_hash(changed)})
        return changed.model_copy(update={"provenance": provenance})

    def _document(self, attachment: Attachment, referer: str) -> Attachment:
        """The attachment mirrored (hash and size set), or as it was if it failed.

        A missing or broken file is noted as an error of the run but does not
        keep the item out of the store; it is tried again when the item changes.
        """
        try:
            return self._mirror_one(attachment, referer)
        except BlockedError:
            raise
        except FetchError as error:
            self._summary.note_error(attachment.url, "attachment", str(error))
            return attachment

    def _mirror_one(self, attachment: Attachment, referer: str) -> Attachment:
        home = self._ctx.home
        state = selectors.fetch_state_get(attachment.url)
        known = (
            state is not None
            and state.body_sha256
            and home.document_path(state.body_sha256).is_file()
        )
        home.tmp.mkdir(parents=True, exist_ok=True)
        download: Download = self._ctx.client.download(
            attachment.url,
            home.tmp,
            validators=validators_of(state) if known else None,
            referer=referer,
        )
        if download.path is None and state is not None:  # 304: we hold it already
            sha, size = state.body_sha256, _document_size(state.body_sha256)
            found = _remembered(state.listing)
        else:
            assert download.path is not None  # noqa: S101 - a 200 always has a file
            assert download.sha256 is not None  # noqa: S101
            sha, size = download.sha256, download.size or 0
            found = identify(
                disposition=download.disposition,
                media_type=download.media_type,
                head=_head(download.path),
                hint=f"{attachment.name} {attachment.url}",
            )
            services.document_store(
                temp_path=download.path,
                sha256=sha,
                size=size,
                media_type=download.media_type or "",
                url=attachment.url,
                final_path=home.document_path(sha),
                relative=str(home.document_path(sha).relative_to(home.root)),
            )
            self._summary.count_document()
            services.fetch_state_save(
                url=attachment.url,
                source=self._ctx.source,
                kind=FetchState.Kind.FILE,
                etag=download.validators.etag,
                last_modified=download.validators.last_modified,
                status_code=download.status,
                now=self._ctx.now(),
                body_sha256=sha,
                listing={"name": found.name, "file_type": str(found.file_type)},
            )
        return attachment.model_copy(update=_identified(attachment, found, sha, size))


def _document_size(sha256: str) -> int:
    document = Document.objects.filter(sha256=sha256).first()
    return document.size if document else 0


def _head(path: Path, size: int = 8192) -> bytes:
    with path.open("rb") as file:
        return file.read(size)


def _remembered(listing: dict[str, Any]) -> FileIdentity:
    try:
        kind = FileType(listing.get("file_type") or FileType.OTHER)
    except ValueError:
        kind = FileType.OTHER
    return FileIdentity(kind, listing.get("name") or None)


def _identified(attachment: Attachment, found: FileIdentity, sha: str, size: int) -> dict[str, Any]:
    """The attachment's update: hash and size, and the type and name the answer gave."""
    update: dict[str, Any] = {"sha256": sha, "size_bytes": size}
    if found.file_type is not FileType.OTHER:
        update["file_type"] = found.file_type
    if found.name and (attachment.name in GENERIC_NAMES or _is_file_name(attachment)):
        update["name"] = found.name  # the link said nothing better than its URL's name
    return update


def _named_after(attachments: tuple[Attachment, ...], title: str) -> tuple[Attachment, ...]:
    """Attachments still named only after their script (``downfile.jsp``) take the title.

    Neither the link (点击下载) nor the answer named them; the article's title,
    with the extension of the type the bytes showed, says more than the script.
    """
    if not title:
        return attachments
    named = []
    for number, attachment in enumerate(attachments, start=1):
        kind = attachment.file_type
        ext = attachment.name.rpartition(".")[2].lower()
        if kind is not FileType.OTHER and ext != kind.value and _is_file_name(attachment):
            suffix = "" if len(attachments) == 1 else f"（附件{number}）"
            named.append(attachment.model_copy(update={"name": f"{title}{suffix}.{kind.value}"}))
        else:
            named.append(attachment)
    return tuple(named)


def _is_file_name(attachment: Attachment) -> bool:
    """Whether the attachment's name is just a name out of its URL (0f3a….pdf)."""
    return attachment.name in unquote(str(attachment.url))
