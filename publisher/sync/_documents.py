"""Mirroring an entity's documents and images into the home's document store.

An attachment is downloaded conditionally (a 304 keeps the stored copy) and
stored once per content hash; its hash and size are written into the entity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from content.serialize import content_hash
from publisher.sources.errors import BlockedError, FetchError
from publisher.store import selectors, services
from publisher.store.models import Document, FetchState
from publisher.sync._context import validators_of

if TYPE_CHECKING:
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
            updates["attachments"] = tuple(self._document(a, referer) for a in attachments)
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
        else:
            assert download.path is not None  # noqa: S101 - a 200 always has a file
            assert download.sha256 is not None  # noqa: S101
            sha, size = download.sha256, download.size or 0
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
            )
        return attachment.model_copy(update={"sha256": sha, "size_bytes": size})


def _document_size(sha256: str) -> int:
    document = Document.objects.filter(sha256=sha256).first()
    return document.size if document else 0
