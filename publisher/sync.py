"""The sync: walk each source's list, fetch what changed, store revisions.

Incremental by design:

* list pages are fetched conditionally; a 304 reuses the entries remembered
  from last time, so an unchanged site costs one small request per list page;
* a detail page is fetched only when its entry is new, its list entry changed,
  or its list page changed (static CMSs republish a column's pages when any of
  its articles is edited); that fetch is itself conditional;
* an attachment is downloaded only for a new or changed item, conditionally,
  and stored once per content hash;
* an item is stored as a new revision only when its content hash changed;
* an item no longer listed is flagged for review, never deleted, and only
  after a complete listing.

A broken page is one per-item error and never stops the run. State is written
per item in one transaction, and a list page's validators only after all of its
items were handled, so a run killed at any point is completed by the next one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.utils import timezone

from content.enums import EntityType
from content.scope import ScopeResolver
from content.serialize import content_hash
from publisher.sources.assemble import AssemblyContext, AssemblyError, assemble
from publisher.sources.decoding import decode_html
from publisher.sources.errors import BlockedError, FetchError, SourceError
from publisher.sources.html import (
    parse_detail,
    parse_hanweb_records,
    parse_list_page,
    trs_page_urls,
)
from publisher.sources.http import Download, PoliteClient, Response, Validators
from publisher.sources.jsonapi import JsonShapeError, parse_json_page
from publisher.sources.profiles import Profile, load_profile
from publisher.sources.records import ListEntry, ListPage
from publisher.store import selectors, services
from publisher.store.models import FetchState, Source, SyncRun

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from content.models import Attachment, Entity
    from publisher.config import Config, SourceConfig
    from publisher.home import Home

__all__ = ["Progress", "RunSummary", "SyncEngine"]

log = logging.getLogger("gongkai.sync")
#: Consecutive failed detail fetches after which the site is taken to be down.
MAX_CONSECUTIVE_FAILURES = 8


class Progress(Protocol):
    """Where the sync reports progress (a terminal bar, a log, nothing)."""

    def start(self, source: str, total: int | None) -> None: ...  # noqa: D102
    def advance(self, count: int = 1) -> None: ...  # noqa: D102
    def total(self, total: int) -> None: ...  # noqa: D102
    def finish(self) -> None: ...  # noqa: D102


class _Silent:
    def start(self, source: str, total: int | None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def total(self, total: int) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass(slots=True)
class RunSummary:
    """What one source's run did (also stored as a ``SyncRun``)."""

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


class _SourceBlockedNowError(Exception):
    """Internal: a BlockedError surfaced; the run stops."""

    def __init__(self, error: BlockedError) -> None:
        self.error = error
        super().__init__(str(error))


class _SiteDownError(Exception):
    """Internal: too many consecutive failures; the run stops."""


class SyncEngine:
    """Runs sources against the store.

    Args:
        home: the publisher home (documents and temp folders).
        config: the validated configuration.
        client_factory: makes the HTTP client for a run (tests pass their own).
        now: the clock.
        progress: where to report progress.
        refetch: read every page again, ignoring what the last run learnt (after a
            profile was corrected); unchanged content still makes no revision.
    """

    def __init__(
        self,
        *,
        home: Home,
        config: Config,
        client_factory: Callable[[], PoliteClient],
        now: Callable[[], datetime] = timezone.now,
        progress: Progress | None = None,
        refetch: bool = False,
    ) -> None:
        self.home = home
        self.refetch = refetch
        self.config = config
        self._client_factory = client_factory
        self._now = now
        self._progress = progress or _Silent()
        self._scopes = ScopeResolver({town.name: town.id for town in config.towns})

    def run(
        self, source_ids: list[str] | None = None, *, trigger: str = "manual", force: bool = False
    ) -> list[RunSummary]:
        """Run the given sources (all enabled ones by default), one after another.

        Raises:
            KeyError: an unknown source id.
            publisher.tomlfile.ConfigError: a profile is invalid.
        """
        chosen = (
            [self.config.source(i) for i in source_ids]
            if source_ids
            else [s for s in self.config.sources if s.enabled]
        )
        profiles = {s.id: load_profile(s.profile, home_root=self.home.root) for s in chosen}
        return [self.run_source(s, profiles[s.id], trigger=trigger, force=force) for s in chosen]

    def run_source(
        self, config: SourceConfig, profile: Profile, *, trigger: str, force: bool = False
    ) -> RunSummary:
        """Run one source and record the run; a blocked source waits unless ``force``."""
        started = time.monotonic()
        now = self._now()
        source = self._source_row(config, profile)
        if source.blocked_until and source.blocked_until > now and not force:
            until = f"{timezone.localtime(source.blocked_until):%Y-%m-%d %H:%M}"
            message = f"blocked ({source.blocked_signal}); backing off until {until}"
            return RunSummary(source=config.id, status=SyncRun.Status.BLOCKED, message=message)
        services.runs_interrupt_stale(source=source)
        services.temp_files_clear(self.home.tmp, older_than=now)
        run = services.run_start(source=source, trigger=trigger, now=now)
        job = _SourceRun(self, source, profile, config, run)
        with self._client_factory() as client:
            job.client = client
            summary = job.execute()
            summary.requests, summary.bytes = client.requests_made, client.bytes_received
        summary.seconds = time.monotonic() - started
        services.run_finish(
            run=run,
            status=summary.status,
            now=self._now(),
            message=summary.message,
            new=summary.new,
            changed=summary.changed,
            unchanged=summary.unchanged,
            removed=summary.removed,
            failed=summary.failed,
            external=summary.external,
            documents=summary.documents,
            requests=summary.requests,
            bytes=summary.bytes,
            listing_complete=summary.listing_complete,
            errors=summary.errors[:500],
        )
        return summary

    def _source_row(self, config: SourceConfig, profile: Profile) -> Source:
        auto = (
            self.config.review.auto_approve if config.auto_approve is None else config.auto_approve
        )
        return services.source_upsert(
            key=config.id,
            name=profile.name,
            entity_type=str(profile.entity_type),
            profile=config.profile,
            site=config.site,
            auto_approve=auto,
            enabled=config.enabled,
        )


class _SourceRun:
    """One run of one source (a throwaway object holding the run's state)."""

    client: PoliteClient

    def __init__(
        self,
        engine: SyncEngine,
        source: Source,
        profile: Profile,
        config: SourceConfig,
        run: SyncRun,
    ) -> None:
        self.engine = engine
        self.source = source
        self.profile = profile
        self.config = config
        self.run = run
        self.summary = RunSummary(source=config.id, status=SyncRun.Status.RUNNING)
        review = engine.config.review
        self.policy = services.Policy(
            auto_approve=source.auto_approve,
            max_rewrite_share=review.max_rewrite_share,
            max_removal_share=review.max_removal_share,
        )
        self.list_url = profile.list_url(config.site)
        self.seen: set[str] = set()
        self.failures_in_a_row = 0
        #: Set when part of the listing could not be read or was capped.
        self.listing_cut = False

    def execute(self) -> RunSummary:
        progress = self.engine._progress  # noqa: SLF001 - the engine owns it
        progress.start(self.config.id, None)
        summary = self.summary
        try:
            complete = True
            for url, page, changed, listing in self._pages():
                if page is None:
                    complete = False
                    continue
                summary.external += len(page.external)
                ok = True
                recheck = changed and self.profile.list.recheck_changed_pages
                for entry in page.entries:
                    self.seen.add(entry.url)
                    ok &= self._entry(entry, recheck=recheck)
                    progress.advance()
                if listing is not None and ok:
                    self._save_list(url, listing)
            complete = complete and not self.listing_cut
            summary.listing_complete = complete
            if complete:
                flagged = services.item_removals_flag(
                    source=self.source,
                    seen_urls=self.seen,
                    run=self.run,
                    policy=self.policy,
                    now=self.engine._now(),  # noqa: SLF001
                )
                summary.removed = len(flagged)
            clean = complete and not summary.failed and not summary.errors
            summary.status = SyncRun.Status.OK if clean else SyncRun.Status.PARTIAL
            services.source_unblock(source=self.source)
        except _SourceBlockedNowError as blocked:
            until = services.source_block(
                source=self.source,
                signal=str(blocked.error.signal),
                now=self.engine._now(),  # noqa: SLF001
            )
            summary.status = SyncRun.Status.BLOCKED
            summary.message = (
                f"{blocked.error}; backing off until {timezone.localtime(until):%Y-%m-%d %H:%M}"
            )
        except _SiteDownError as down:
            summary.status = SyncRun.Status.FAILED
            summary.message = str(down)
        except SourceError as error:
            summary.status = SyncRun.Status.FAILED
            summary.message = str(error)
        finally:
            progress.finish()
        return summary

    # --- the list ---------------------------------------------------------------

    def _pages(self) -> Iterator[tuple[str, ListPage | None, bool, dict[str, Any] | None]]:
        """Yield (url, page, changed since last run, listing to remember)."""
        spec = self.profile.list
        if spec.pagination in {"json", "query"}:
            yield from self._numbered_pages()
            return
        if spec.pagination == "hanweb":
            yield self._hanweb_column()
            return
        url, page, changed, listing = self._list_page(self.list_url, first=True)
        if page is None:
            raise _SiteDownError(self._unreadable(self.list_url))
        yield url, page, changed, listing
        if spec.pagination == "trs" and page.page_count and page.page_name:
            name, ext = page.page_name
            count = min(page.page_count, spec.max_pages)
            for other in trs_page_urls(self.list_url, count, name, ext, first=spec.first_page):
                yield self._list_page(other)
            if page.page_count > spec.max_pages:
                self.listing_cut = True  # capped: judge no removals on it

    def _numbered_pages(self) -> Iterator[tuple[str, ListPage | None, bool, dict[str, Any] | None]]:
        spec = self.profile.list
        urls_seen: set[str] = set()
        total: int | None = None
        for number in range(spec.first_page, spec.first_page + spec.max_pages):
            url = self.list_url.replace("{page}", str(number))
            url, page, changed, listing = self._list_page(url, first=number == spec.first_page)
            if page is None:
                if number == spec.first_page:
                    raise _SiteDownError(self._unreadable(url))
                yield url, None, False, None
                return
            if number == spec.first_page + spec.max_pages - 1 and page.entries:
                self.listing_cut = True  # capped by max_pages: maybe more beyond
            fresh = [e for e in page.entries if e.url not in urls_seen]
            # Some APIs answer page 0 and page 1 alike: never count an entry twice.
            page.entries = fresh
            urls_seen.update(e.url for e in fresh)
            total = page.total if page.total is not None else total
            yield url, page, changed, listing
            if not fresh or (total is not None and len(urls_seen) >= total):
                return

    def _hanweb_column(self) -> tuple[str, ListPage | None, bool, dict[str, Any] | None]:
        """A Hanweb column as one page: the first page, then every dataproxy batch.

        The first page is static and republished with the column, so when it
        answers 304 the whole column is unchanged and its remembered entries
        stand; otherwise the later records are POSTed for, three pages a batch.
        """
        spec = self.profile.list
        url, page, changed, listing = self._list_page(self.list_url, first=True)
        if page is None:
            raise _SiteDownError(self._unreadable(self.list_url))
        if not changed or listing is None:
            return url, page, changed, listing
        proxy = (spec.proxy_url or "").replace("{site}", self.config.site.rstrip("/"))
        batch = 3 * spec.per_page  # the proxy answers three pages per request
        known = {entry.url for entry in page.entries}
        start = 1
        while page.total is not None and start <= min(page.total, spec.max_pages * spec.per_page):
            end = start + batch - 1
            query = f"startrecord={start}&endrecord={end}&perpage={spec.per_page}"
            try:
                response = self.client.post(
                    f"{proxy}?{query}", data=spec.form, referer=self.list_url
                )
            except BlockedError as error:
                raise _SourceBlockedNowError(error) from error
            except FetchError as error:
                self._error(proxy, "list", str(error))
                self.listing_cut = True  # removals are not judged on part of a list
                return url, page, True, None
            more = parse_hanweb_records(response.text(), self.list_url, spec)
            fresh = [entry for entry in more.entries if entry.url not in known]
            if not more.entries:
                break
            known.update(entry.url for entry in fresh)
            page.entries.extend(fresh)
            start = end + 1
        listing["entries"] = [entry.to_json() for entry in page.entries]
        return url, page, True, listing

    def _list_page(
        self, url: str, *, first: bool = False
    ) -> tuple[str, ListPage | None, bool, dict[str, Any] | None]:
        state = selectors.fetch_state_get(url)
        validators = None if self.engine.refetch else _validators(state)
        try:
            response = self.client.get(
                url, validators=validators, referer=self._referer(first=first)
            )
        except BlockedError as error:
            raise _SourceBlockedNowError(error) from error
        except FetchError as error:
            self._error(url, "list", str(error))
            return url, None, False, None
        if response.not_modified and state is not None and state.listing:
            return url, _page_from(state.listing), False, None
        try:
            page = self._parse_list(response)
        except (JsonShapeError, ValueError) as error:
            self._error(url, "list", f"unreadable list page: {error}")
            return url, None, False, None
        except Exception as error:  # noqa: BLE001 - one bad page must not crash the run
            self._error(url, "list", f"unexpected {type(error).__name__}: {error}")
            return url, None, False, None
        listing = {
            "entries": [e.to_json() for e in page.entries],
            "external": page.external,
            "page_count": page.page_count,
            "page_name": list(page.page_name) if page.page_name else None,
            "total": page.total,
            "etag": response.etag,
            "last_modified": response.last_modified,
            "status": response.status,
        }
        return url, page, True, listing

    def _parse_list(self, response: Response) -> ListPage:
        spec = self.profile.list
        if spec.pagination == "json":
            return parse_json_page(response.json(), response.url, spec)
        if spec.pagination == "hanweb":
            return parse_hanweb_records(response.text(), response.url, spec)
        return parse_list_page(response.text(), response.url, spec)

    def _save_list(self, url: str, listing: dict[str, Any]) -> None:
        services.fetch_state_save(
            url=url,
            source=self.source,
            kind=FetchState.Kind.LIST,
            etag=listing.pop("etag"),
            last_modified=listing.pop("last_modified"),
            status_code=listing.pop("status"),
            now=self.engine._now(),  # noqa: SLF001
            listing=listing,
        )

    # --- one entry ------------------------------------------------------------------

    def _entry(self, entry: ListEntry, *, recheck: bool) -> bool:
        """Handle one list entry; return False when it failed (retry next run)."""
        state = None if self.engine.refetch else selectors.fetch_state_get(entry.url)
        if state is not None and selectors.item_missing(entry.url):
            state = None  # back on the list after going missing: read it afresh
        known = state is not None and state.item_key
        if known and state is not None and state.fingerprint == entry.fingerprint and not recheck:
            self.summary.unchanged += 1
            return True
        conditional = known and state is not None and state.fingerprint == entry.fingerprint
        try:
            response = self.client.get(
                entry.url,
                validators=_validators(state) if conditional else None,
                referer=self.list_url if self.profile.referer else None,
            )
        except BlockedError as error:
            raise _SourceBlockedNowError(error) from error
        except FetchError as error:
            self._failure(entry.url, "page", str(error))
            return False
        self.failures_in_a_row = 0
        if response.not_modified:
            self.summary.unchanged += 1
            return True
        return self._store(entry, response)

    def _store(self, entry: ListEntry, response: Response) -> bool:
        ctx = AssemblyContext(
            entity_type=EntityType(self.profile.entity_type),
            scopes=self.engine._scopes,  # noqa: SLF001
            source_column=self.profile.name,
            parser=self.profile.parser,
            fetched_at=self.engine._now(),  # noqa: SLF001
        )
        try:
            text, charset = decode_html(response.body, response.content_type)
            record = parse_detail(text, response.url, self.profile.detail, entry)
            record.charset = charset
            entity = assemble(record, ctx)
            entity = self._mirror(entity, referer=response.url)
        except AssemblyError as error:
            self._error(entry.url, error.field, error.message)
            self.summary.failed += 1
            return False
        except BlockedError as error:
            raise _SourceBlockedNowError(error) from error
        except Exception as error:
            log.exception("unexpected error on %s", entry.url)
            self._error(entry.url, "<page>", f"unexpected {type(error).__name__}: {error}")
            self.summary.failed += 1
            return False
        outcome = services.revision_record(
            source=self.source,
            entity=entity,
            run=self.run,
            policy=self.policy,
            now=self.engine._now(),  # noqa: SLF001
            fetch={
                "url": entry.url,
                "source": self.source,
                "kind": FetchState.Kind.DETAIL,
                "etag": response.etag,
                "last_modified": response.last_modified,
                "status_code": response.status,
                "now": self.engine._now(),  # noqa: SLF001
                "fingerprint": entry.fingerprint,
            },
        )
        if outcome.kind == "new":
            self.summary.new += 1
        elif outcome.kind == "changed":
            self.summary.changed += 1
        else:
            self.summary.unchanged += 1
        return True

    # --- attachments --------------------------------------------------------------

    def _mirror(self, entity: Entity, *, referer: str) -> Entity:
        """Download the entity's documents and images; write their hash and size in."""
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
            self._error(attachment.url, "attachment", str(error))
            return attachment

    def _mirror_one(self, attachment: Attachment, referer: str) -> Attachment:
        state = selectors.fetch_state_get(attachment.url)
        known = (
            state is not None
            and state.body_sha256
            and self.engine.home.document_path(state.body_sha256).is_file()
        )
        self.engine.home.tmp.mkdir(parents=True, exist_ok=True)
        download: Download = self.client.download(
            attachment.url,
            self.engine.home.tmp,
            validators=_validators(state) if known else None,
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
                final_path=self.engine.home.document_path(sha),
                relative=str(
                    self.engine.home.document_path(sha).relative_to(self.engine.home.root)
                ),
            )
            self.summary.documents += 1
            services.fetch_state_save(
                url=attachment.url,
                source=self.source,
                kind=FetchState.Kind.FILE,
                etag=download.validators.etag,
                last_modified=download.validators.last_modified,
                status_code=download.status,
                now=self.engine._now(),  # noqa: SLF001
                body_sha256=sha,
            )
        return attachment.model_copy(update={"sha256": sha, "size_bytes": size})

    # --- errors -------------------------------------------------------------------

    def _unreadable(self, url: str) -> str:
        cause = self.summary.errors[-1]["message"] if self.summary.errors else "no answer"
        return f"the list {url} could not be read: {cause}"

    def _referer(self, *, first: bool) -> str | None:
        return None if first or not self.profile.referer else self.list_url

    def _error(self, url: str, field: str, message: str) -> None:
        # Recorded in the run (and printed by `gongkai sync`), so only a debug line here.
        log.debug("%s: %s: %s", url, field, message)
        self.summary.errors.append({"url": url, "field": field, "message": message})

    def _failure(self, url: str, field: str, message: str) -> None:
        self._error(url, field, message)
        self.summary.failed += 1
        self.failures_in_a_row += 1
        if self.failures_in_a_row >= MAX_CONSECUTIVE_FAILURES:
            raise _SiteDownError(
                f"{self.failures_in_a_row} fetches failed in a row; the site seems down ({message})"
            )


def _validators(state: FetchState | None) -> Validators | None:
    if state is None or not (state.etag or state.last_modified):
        return None
    return Validators(etag=state.etag or None, last_modified=state.last_modified or None)


def _page_from(listing: dict[str, Any]) -> ListPage:
    name = listing.get("page_name")
    return ListPage(
        entries=[ListEntry.from_json(e) for e in listing.get("entries", [])],
        external=list(listing.get("external", [])),
        page_count=listing.get("page_count"),
        page_name=(name[0], name[1]) if name else None,
        total=listing.get("total"),
    )


def _document_size(sha256: str) -> int:
    from publisher.store.models import Document  # noqa: PLC0415

    document = Document.objects.filter(sha256=sha256).first()
    return document.size if document else 0
