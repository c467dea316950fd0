"""Reading one source's list pages: conditionally, remembering what they listed.

A listing strategy (``_listing``) decides which pages make up a source's list;
the ``ListReader`` fetches each of them, answers a 304 with the entries
remembered from last time, and remembers a changed page once the run has
handled all of its items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from publisher.sources.errors import BlockedError, FetchError
from publisher.sources.jsonapi import JsonShapeError
from publisher.sources.records import ListEntry, ListPage
from publisher.store import selectors, services
from publisher.store.models import FetchState
from publisher.sync._context import RunBlockedError, SiteDownError, validators_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from publisher.sources.http import Response
    from publisher.sources.profiles import ListSpec
    from publisher.sync._context import RunContext
    from publisher.sync._results import RunSummary

__all__ = ["ListMemo", "ListReader", "ListedPage"]


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
    """

    url: str
    page: ListPage | None = None
    changed: bool = False
    memo: ListMemo | None = None


class ListReader:
    """Fetches a source's list pages for a listing strategy.

    Args:
        ctx: the run's context.
        summary: where errors are recorded.
        parse: reads a fetched page (the strategy's ``parse``).
    """

    def __init__(
        self,
        ctx: RunContext,
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

    def read_first(self, url: str | None = None) -> tuple[ListedPage, ListPage]:
        """Read the list's first page (``url``, default the list URL); it must be readable.

        Raises:
            SiteDownError: the page could not be read.
        """
        target = self.url if url is None else url
        listed = self.read(target, first=True)
        if listed.page is None:
            raise SiteDownError(
                f"the list {target} could not be read: {self._summary.last_error()}"
            )
        return listed, listed.page

    def read(self, url: str, *, first: bool = False) -> ListedPage:
        """Read one list page, conditionally unless the run refetches.

        Raises:
            RunBlockedError: the site answered with an anti-bot page.
        """
        state = selectors.fetch_state_get(url)
        validators = None if self._ctx.refetch else validators_of(state)
        try:
            response = self._ctx.client.get(
                url, validators=validators, referer=self._ctx.referer(first=first)
            )
        except BlockedError as error:
            raise RunBlockedError(error) from error
        except FetchError as error:
            self._summary.note_error(url, "list", str(error))
            return ListedPage(url)
        if response.not_modified and state is not None and state.listing:
            return ListedPage(url, _page_from(state.listing))
        try:
            page = self._parse(response, self.spec)
        except (JsonShapeError, ValueError) as error:
            self._summary.note_error(url, "list", f"unreadable list page: {error}")
            return ListedPage(url)
        except Exception as error:  # noqa: BLE001 - one bad page must not crash the run
            self._summary.note_error(url, "list", f"unexpected {type(error).__name__}: {error}")
            return ListedPage(url)
        memo = ListMemo(
            listing=_listing_of(page),
            etag=response.etag,
            last_modified=response.last_modified,
            status=response.status,
        )
        return ListedPage(url, page, changed=True, memo=memo)

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
    return {
        "entries": [e.to_json() for e in page.entries],
        "external": page.external,
        "page_count": page.page_count,
        "page_name": list(page.page_name) if page.page_name else None,
        "total": page.total,
    }


def _page_from(listing: dict[str, Any]) -> ListPage:
    name = listing.get("page_name")
    return ListPage(
        entries=[ListEntry.from_json(e) for e in listing.get("entries", [])],
        external=list(listing.get("external", [])),
        page_count=listing.get("page_count"),
        page_name=(name[0], name[1]) if name else None,
        total=listing.get("total"),
    )
