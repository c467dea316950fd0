"""One run of one source: walk its list, fetch what changed, store revisions."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.utils import timezone

from content.enums import EntityType
from publisher.sources.assemble import AssemblyContext, AssemblyError, assemble
from publisher.sources.decoding import decode_html
from publisher.sources.errors import BlockedError, FetchError, SourceError
from publisher.sources.html import parse_detail
from publisher.store import selectors, services
from publisher.store.models import FetchState, SyncRun
from publisher.sync._context import RunBlockedError, SiteDownError, validators_of
from publisher.sync._documents import DocumentMirror
from publisher.sync._listing import listing_for
from publisher.sync._lists import ListReader
from publisher.sync._results import RunSummary

if TYPE_CHECKING:
    from publisher.sources.http import Response
    from publisher.sources.records import ListEntry
    from publisher.sync._context import RunContext

__all__ = ["MAX_CONSECUTIVE_FAILURES", "SourceRun"]

log = logging.getLogger("gongkai.sync")
#: Consecutive failed detail fetches after which the site is taken to be down.
MAX_CONSECUTIVE_FAILURES = 8


class SourceRun:
    """One run of one source (a throwaway object holding the run's state).

    Args:
        ctx: what the engine hands the run; the listing strategy is chosen
            from its profile here, once.
    """

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.summary = RunSummary(source=ctx.config.id, status=SyncRun.Status.RUNNING)
        self.listing = listing_for(ctx.profile.list.pagination)
        self.reader = ListReader(ctx, self.summary, parse=self.listing.parse)
        self.documents = DocumentMirror(ctx, self.summary)
        self.seen: set[str] = set()
        self.failures_in_a_row = 0

    def execute(self) -> RunSummary:
        """Run the source to the end; every failure ends up in the summary."""
        ctx, summary = self.ctx, self.summary
        ctx.progress.start(ctx.config.id, None)
        try:
            complete = self._walk()
            summary.listing_complete = complete
            if complete:
                flagged = services.item_removals_flag(
                    source=ctx.source,
                    seen_urls=self.seen,
                    run=ctx.run,
                    policy=ctx.policy,
                    now=ctx.now(),
                )
                summary.removed = len(flagged)
            clean = complete and not summary.failed and not summary.errors
            summary.end(SyncRun.Status.OK if clean else SyncRun.Status.PARTIAL)
            services.source_unblock(source=ctx.source)
        except RunBlockedError as blocked:
            until = services.source_block(
                source=ctx.source, signal=str(blocked.error.signal), now=ctx.now()
            )
            summary.end(
                SyncRun.Status.BLOCKED,
                f"{blocked.error}; backing off until {timezone.localtime(until):%Y-%m-%d %H:%M}",
            )
        except (SiteDownError, SourceError) as error:
            summary.end(SyncRun.Status.FAILED, str(error))
        finally:
            ctx.progress.finish()
        return summary

    def _walk(self) -> bool:
        """Handle every entry of every list page; return whether the listing was complete."""
        complete = True
        for listed in self.listing.pages(self.reader):
            if listed.page is None:
                complete = False
                continue
            self.summary.count_external(len(listed.page.external))
            ok = True
            for entry in listed.page.entries:
                self.seen.add(entry.url)
                ok &= self._entry(entry, recheck=listed.recheck, crumb=listed.page.breadcrumb)
                self.ctx.progress.advance()
            if listed.memo is not None and ok:
                self.reader.remember(listed.memo, listed.url)
        return complete and not self.reader.cut

    # --- one entry ------------------------------------------------------------------

    def _entry(self, entry: ListEntry, *, recheck: bool, crumb: list[str]) -> bool:
        """Handle one list entry; return False when it failed (retry next run).

        ``crumb`` is the list page's breadcrumb, for an article page that has none.
        """
        state = None if self.ctx.refetch else selectors.fetch_state_get(entry.url)
        if state is not None and selectors.item_missing(entry.url):
            state = None  # back on the list after going missing: read it afresh
        known = state is not None and state.item_key
        if known and state is not None and state.fingerprint == entry.fingerprint and not recheck:
            self.summary.count_unchanged()
            return True
        conditional = known and state is not None and state.fingerprint == entry.fingerprint
        try:
            response = self.ctx.client.get(
                entry.url,
                validators=validators_of(state) if conditional else None,
                referer=self.ctx.referer(),
            )
        except BlockedError as error:
            raise RunBlockedError(error) from error
        except FetchError as error:
            self._failure(entry.url, "page", str(error))
            return False
        self.failures_in_a_row = 0
        if response.not_modified:
            self.summary.count_unchanged()
            return True
        return self._store(entry, response, crumb)

    def _store(self, entry: ListEntry, response: Response, crumb: list[str]) -> bool:
        ctx = self.ctx
        assembly = AssemblyContext(
            entity_type=EntityType(ctx.profile.entity_type),
            scopes=ctx.scopes,
            source_column=ctx.profile.name,
            parser=ctx.profile.parser,
            fetched_at=ctx.now(),
        )
        try:
            text, charset = decode_html(response.body, response.content_type)
            record = parse_detail(text, response.url, ctx.profile.detail, entry)
            record.charset = charset
            record.breadcrumb = record.breadcrumb or list(crumb)
            self._warn_unmirrored(entry.url, record.unmirrored)
            entity = assemble(record, assembly)
            entity = self.documents.mirror(entity, referer=response.url)
        except AssemblyError as error:
            self.summary.note_failure(entry.url, error.field, error.message)
            return False
        except BlockedError as error:
            raise RunBlockedError(error) from error
        except Exception as error:
            log.exception("unexpected error on %s", entry.url)
            message = f"unexpected {type(error).__name__}: {error}"
            self.summary.note_failure(entry.url, "<page>", message)
            return False
        outcome = services.revision_record(
            source=ctx.source,
            entity=entity,
            run=ctx.run,
            policy=ctx.policy,
            now=ctx.now(),
            fetch={
                "url": entry.url,
                "source": ctx.source,
                "kind": FetchState.Kind.DETAIL,
                "etag": response.etag,
                "last_modified": response.last_modified,
                "status_code": response.status,
                "now": ctx.now(),
                "fingerprint": entry.fingerprint,
            },
        )
        self.summary.count_recorded(outcome.kind)
        return True

    def _warn_unmirrored(self, url: str, links: list[tuple[str, str]]) -> None:
        """A link the page labels as an attachment but the profile did not take: say so."""
        for text, link in links:
            self.summary.note_warning(
                url,
                "attachment",
                f"{text} ({link}) looks like an attachment but was not mirrored: no document "
                "extension in its path, query or text, and no detail.attachment_patterns match",
            )

    def _failure(self, url: str, field: str, message: str) -> None:
        self.summary.note_failure(url, field, message)
        self.failures_in_a_row += 1
        if self.failures_in_a_row >= MAX_CONSECUTIVE_FAILURES:
            raise SiteDownError(
                f"{self.failures_in_a_row} fetches failed in a row; the site seems down ({message})"
            )
