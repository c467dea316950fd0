"""Reading one source's list pages: conditionally, remembering what they listed.

A listing strategy (``_listing``) decides which pages make up a source's list;
the ``ListReader`` fetches each of them, answers a 304 with the entries
remembered from last time, and remembers a changed page once the run has
handled all of its items.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from publisher.sources.errors import BlockedError, FetchError
from publisher.sources.jsonapi import JsonShapeError
from publisher.sources.records import ListEntry, ListPage
from publisher.store import selectors, services
from publisher.store.models import FetchState
from publisher.sync._context import RunBlockedError, SiteDownError, validators_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from publisher.config import SourceConfig
    from publisher.sources.http import PoliteClient, Response
    from publisher.sources.profiles import ListSpec, Profile
    from publisher.store.models import Source
    from publisher.sync._results import RunSummary

__all__ = ["ListContext", "ListMemo", "ListReader", "ListedPage"]


class ListContext(Protocol):
    """What a ``ListReader`` needs of its run: a sync run's ``RunContext``, or a trial's."""

    @property
    def profile(self) -> Profile: ...
    @property
    def config(self) -> SourceConfig: ...
    @property
    def client(self) -> PoliteClient: ...
    @property
    def refetch(self) -> bool: ...
    @property
    def source(self) -> Source | None: ...
    @property
    def now(self) -> Callable[[], datetime]: ...
    @property
    def list_url(self) -> str: ...
    def referer(self, *, first: bool = False) -> str | None: ...


@dataclass(slots=True)
class ListMemo:
    """What to remember of a changed list page, once all of its items were handled.

    Attributes:
        listing: the page as plain data (entries, external links, page count,
            page name, total), for the next run's 304.
        etag: the page's ETag.
        last_modified: the page's Last-Modified.
        status: the page's HTTP status.
    """

    listing: dict[str, Any]
    etag: str | None
    last_modified: str | None
    status: int


@dataclass(slots=True)
class ListedPage:
    """One page of a source's list, as a listing strategy yields it.

    Attributes:
        url: the page's URL.
        page: what it lists; None when it could not be read (the listing is
            then incomplete and no removal is judged).
        changed: whether it changed since the last run.
        memo: what to remember of it, when it changed.
        recheck: re-check every article on it, not just new or changed entries
            (it changed, and its list republishes on every edit).
    """

    url: str
    page: ListPage | None = None
    changed: bool = False
    memo: ListMemo | None = None
    recheck: bool = False


class ListReader:
    """Fetches a source's list pages for a listing strategy.

    Args:
        ctx: the run's context.
        summary: where errors are recorded.
        parse: reads a fetched page (the strategy's ``parse``).
    """

    def __init__(
        self,
        ctx: ListContext,
        summary: RunSummary,
        parse: Callable[[Response, ListSpec], ListPage],
    ) -> None:
        self._ctx = ctx
        self._summary = summary
        self._parse = parse
        self.spec = ctx.profile.list
        self.url = ctx.list_url
        self.site = ctx.config.site
        #: Set when part of the listing could not be read or was capped.
        self.cut = False

    def mark_cut(self) -> None:
        """Part of the listing was not read (capped or failed): judge no removals on it."""
        self.cut = True

    def read_first(
        self, url: str | None = None, *, body: Mapping[str, Any] | None = None, key: str = ""
    ) -> tuple[ListedPage, ListPage]:
        """Read the list's first page (``url``, default the list URL); it must be readable.

        Raises:
            SiteDownError: the page could not be read.
        """
        target = self.url if url is None else url
        listed = self.read(target, first=True, body=body, key=key)
        if listed.page is None:
            raise SiteDownError(
                f"the list {target} could not be read: {self._summary.last_error()}"
            )
        return listed, listed.page

    def read(
        self,
        url: str,
        *,
        first: bool = False,
        body: Mapping[str, Any] | None = None,
        key: str = "",
    ) -> ListedPage:
        """Read one list page: a conditional GET (unless the run refetches), or a JSON POST.

        The page is remembered under ``key`` (default its URL): a POSTed page
        (``body`` given) needs one of its own, such as ``…/list#page=2``, as one
        URL serves every page.

        Raises:
            RunBlockedError: the site answered with an anti-bot page.
        """
        key = key or url
        state = selectors.fetch_state_get(key)
        validators = None if self._ctx.refetch or body is not None else validators_of(state)
        try:
            if body is None:
                response = self._ctx.client.get(
                    url, validators=validators, referer=self._ctx.referer(first=first)
                )
            else:
                response = self._ctx.client.post(url, json_body=dict(body), referer=self.url)
        except BlockedError as error:
            raise RunBlockedError(error) from error
        except FetchError as error:
            self._summary.note_error(url, "list", str(error))
            return ListedPage(key)
        if response.not_modified and state is not None and state.listing:
            return ListedPage(key, _page_from(state.listing))
        try:
            page = self._parse(response, self.spec)
        except (JsonShapeError, ValueError) as error:
            self._summary.note_error(url, "list", f"unreadable list page: {error}")
            return ListedPage(key)
        except Exception as error:  # noqa: BLE001 - one bad page must not crash the run
            self._summary.note_error(url, "list", f"unexpected {type(error).__name__}: {error}")
            return ListedPage(key)
        return self._judged(key, state, response, page)

    def _judged(
        self, key: str, state: FetchState | None, response: Response, page: ListPage
    ) -> ListedPage:
        """A fetched page, changed or not; a validator-less one by what it lists.

        Without ``ETag``/``Last-Modified`` every answer is a 200, so a page
        that lists the same entries as last time counts as unchanged (its
        remembered entries stand, as after a 304). One that changed brings
        only its new or changed entries' articles, not every article on it,
        unless ``recheck_days`` have passed since they were all re-checked.
        """
        listing = _listing_of(page)
        now = self._ctx.now()
        validated = bool(response.etag or response.last_modified)
        remembered = state.listing if state is not None and not self._ctx.refetch else {}
        checked = _when(remembered.get("checked_at")) if remembered else None
        every = self.spec.recheck_days
        due = checked is None or (every > 0 and now - checked >= timedelta(days=every))
        if not validated and remembered.get("digest") == listing["digest"] and not due:
            return ListedPage(key, _page_from(remembered))
        recheck = self.spec.recheck_changed_pages and (validated or due)
        listing["checked_at"] = (
            now.isoformat() if validated or due or checked is None else checked.isoformat()
        )
        memo = ListMemo(
            listing=listing,
            etag=response.etag,
            last_modified=response.last_modified,
            status=response.status,
        )
        return ListedPage(key, page, changed=True, memo=memo, recheck=recheck)

    def post(self, url: str, *, data: Mapping[str, str], error_url: str) -> Response | None:
        """POST a list query (referred by the list); None when it failed (error recorded).

        Raises:
            RunBlockedError: the site answered with an anti-bot page.
        """
        try:
            return self._ctx.client.post(url, data=data, referer=self.url)
        except BlockedError as error:
            raise RunBlockedError(error) from error
        except FetchError as error:
            self._summary.note_error(error_url, "list", str(error))
            return None

    def remember(self, memo: ListMemo, url: str) -> None:
        """Store a list page's validators and entries, for the next run's 304."""
        services.fetch_state_save(
            url=url,
            source=self._ctx.source,
            kind=FetchState.Kind.LIST,
            etag=memo.etag,
            last_modified=memo.last_modified,
            status_code=memo.status,
            now=self._ctx.now(),
            listing=memo.listing,
        )


def _listing_of(page: ListPage) -> dict[str, Any]:
    listing: dict[str, Any] = {
        "entries": [e.to_json() for e in page.entries],
        "external": page.external,
        "page_count": page.page_count,
        "page_name": list(page.page_name) if page.page_name else None,
        "total": page.total,
        "breadcrumb": page.breadcrumb,
    }
    text = json.dumps(listing, ensure_ascii=False, sort_keys=True, default=str)
    listing["digest"] = hashlib.sha256(text.encode()).hexdigest()
    return listing


def _when(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _page_from(listing: dict[str, Any]) -> ListPage:
    name = listing.get("page_name")
    return ListPage(
        entries=[ListEntry.from_json(e) for e in listing.get("entries", [])],
        external=list(listing.get("external", [])),
        page_count=listing.get("page_count"),
        page_name=(name[0], name[1]) if name else None,
        total=listing.get("total"),
        breadcrumb=list(listing.get("breadcrumb") or []),
    )
