"""Listing strategies: which pages make up a source's list, one per CMS family.

A profile's ``list.pagination`` names a :class:`~publisher.sources.profiles.Pagination`
scheme; :func:`listing_for` picks the strategy for it once per run. A strategy
reads its pages through a :class:`~publisher.sync._lists.ListReader` and yields
them in order as ``ListedPage`` objects; a page it could not read comes as a
``ListedPage`` without ``page``, and a list it did not read to the end (capped
by ``max_pages``, or a later request failed) is marked cut on the reader, so
that no removal is judged on it.

=========  ===================================  =========================
scheme     CMS family                           strategy
=========  ===================================  =========================
none       any one-page list                    :class:`SinglePageListing`
trs        TRS WCM static pages                 :class:`TrsListing`
query      numbered pages (``?page={page}``)    :class:`QueryListing`
json       JSON list APIs (gkmlpt and alike)    :class:`JsonListing`
json_post  JSON APIs asked by a JSON POST       :class:`JsonPostListing`
jsonp      JSONP lists (``callback({…})``)      :class:`JsonpListing`
hanweb     Hanweb JCMS columns                  :class:`HanwebListing`
=========  ===================================  =========================
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

from publisher.sources.html import parse_hanweb_records, parse_list_page, trs_page_urls
from publisher.sources.jsonapi import parse_json_page, unwrap_jsonp
from publisher.sources.profiles import Pagination
from publisher.sync._lists import ListedPage

if TYPE_CHECKING:
    from collections.abc import Iterator

    from publisher.sources.http import Response
    from publisher.sources.profiles import ListSpec
    from publisher.sources.records import ListPage
    from publisher.sync._lists import ListReader

__all__ = [
    "HanwebListing",
    "JsonListing",
    "JsonPostListing",
    "JsonpListing",
    "ListingStrategy",
    "QueryListing",
    "SinglePageListing",
    "TrsListing",
    "listing_for",
]


class ListingStrategy(ABC):
    """How one family of CMS pages its lists."""

    #: The profile scheme this strategy reads.
    scheme: ClassVar[Pagination]

    def parse(self, response: Response, spec: ListSpec) -> ListPage:
        """Read one fetched list page (an HTML list by default)."""
        return parse_list_page(response.text(), response.url, spec)

    @abstractmethod
    def pages(self, reader: ListReader) -> Iterator[ListedPage]:
        """Yield the list's pages in order.

        Raises:
            SiteDownError: the first page could not be read.
            RunBlockedError: the site answered with an anti-bot page.
        """


class SinglePageListing(ListingStrategy):
    """A list of one page."""

    scheme = Pagination.NONE

    def pages(self, reader: ListReader) -> Iterator[ListedPage]:
        listed, _ = reader.read_first()
        yield listed


class TrsListing(ListingStrategy):
    """TRS static pages: the first page's ``createPageHTML`` gives the page count.

    Later pages are ``index_1.shtml`` … ``index_{N-1}.shtml`` (numbered from
    ``first_page``), at most ``max_pages`` of them.
    """

    scheme = Pagination.TRS

    def pages(self, reader: ListReader) -> Iterator[ListedPage]:
        spec = reader.spec
        listed, page = reader.read_first()
        yield listed
        if page.page_count and page.page_name:
            name, ext = page.page_name
            count = min(page.page_count, spec.max_pages)
            for other in trs_page_urls(reader.url, count, name, ext, first=spec.first_page):
                yield reader.read(other)
            if page.page_count > spec.max_pages:
                reader.mark_cut()  # capped: judge no removals on it


class QueryListing(ListingStrategy):
    """Numbered pages (``{page}`` in the URL) until one brings nothing new.

    Stops at the total a page states (JSON APIs), and never counts an entry
    twice: some APIs answer page 0 and page 1 alike.
    """

    scheme = Pagination.QUERY

    def pages(self, reader: ListReader) -> Iterator[ListedPage]:
        spec = reader.spec
        urls_seen: set[str] = set()
        total: int | None = None
        last = spec.first_page + spec.max_pages - 1
        for number in range(spec.first_page, last + 1):
            listed = self.read_page(reader, number, first=number == spec.first_page)
            if listed.page is None:
                yield listed
                return
            page = listed.page
            if number == last and page.entries:
                reader.mark_cut()  # capped by max_pages: maybe more beyond
            fresh = [e for e in page.entries if e.url not in urls_seen]
            page.entries = fresh
            urls_seen.update(e.url for e in fresh)
            total = page.total if page.total is not None else total
            yield listed
            if not fresh or (total is not None and len(urls_seen) >= total):
                return

    def read_page(self, reader: ListReader, number: int, *, first: bool = False) -> ListedPage:
        """Read page ``number`` (``{page}`` in the URL); the first must be readable.

        Raises:
            SiteDownError: the first page could not be read.
        """
        url = reader.url.replace("{page}", str(number))
        return reader.read_first(url)[0] if first else reader.read(url)


class JsonListing(QueryListing):
    """A JSON list API, paged like :class:`QueryListing`; ``items`` locates the articles."""

    scheme = Pagination.JSON

    def parse(self, response: Response, spec: ListSpec) -> ListPage:
        return parse_json_page(response.json(), response.url, spec)


class JsonPostListing(JsonListing):
    """A JSON API asked by POSTing ``[list.body]`` as JSON, ``"{page}"`` the page number.

    Every page is the same URL, so each is remembered as ``URL#page=N``.
    """

    scheme = Pagination.JSON_POST

    def read_page(self, reader: ListReader, number: int, *, first: bool = False) -> ListedPage:
        body = {
            name: number if value == "{page}" else value for name, value in reader.spec.body.items()
        }
        key = f"{reader.url}#page={number}"
        if first:
            return reader.read_first(reader.url, body=body, key=key)[0]
        return reader.read(reader.url, body=body, key=key)


class JsonpListing(JsonListing):
    """A JSONP list (``callback({…})``), paged like :class:`JsonListing`."""

    scheme = Pagination.JSONP

    def parse(self, response: Response, spec: ListSpec) -> ListPage:
        return parse_json_page(unwrap_jsonp(response.text()), response.url, spec)


class HanwebListing(ListingStrategy):
    """A Hanweb JCMS column as one page: the first page, then every dataproxy batch.

    The first page is static and republished with the column, so when it
    answers 304 the whole column is unchanged and its remembered entries
    stand; otherwise the later records are POSTed for, three pages a batch.
    """

    scheme = Pagination.HANWEB

    def parse(self, response: Response, spec: ListSpec) -> ListPage:
        return parse_hanweb_records(response.text(), response.url, spec)

    def pages(self, reader: ListReader) -> Iterator[ListedPage]:
        yield self._column(reader)

    def _column(self, reader: ListReader) -> ListedPage:
        spec = reader.spec
        listed, page = reader.read_first()
        if not listed.changed or listed.memo is None:
            return listed
        proxy = (spec.proxy_url or "").replace("{site}", reader.site.rstrip("/"))
        batch = 3 * spec.per_page  # the proxy answers three pages per request
        known = {entry.url for entry in page.entries}
        start = 1
        while page.total is not None and start <= min(page.total, spec.max_pages * spec.per_page):
            end = start + batch - 1
            query = f"startrecord={start}&endrecord={end}&perpage={spec.per_page}"
            response = reader.post(f"{proxy}?{query}", data=spec.form, error_url=proxy)
            if response is None:
                reader.mark_cut()  # removals are not judged on part of a list
                return ListedPage(listed.url, page, changed=True, recheck=listed.recheck)
            more = parse_hanweb_records(response.text(), reader.url, spec)
            fresh = [entry for entry in more.entries if entry.url not in known]
            if not more.entries:
                break
            known.update(entry.url for entry in fresh)
            page.entries.extend(fresh)
            start = end + 1
        listed.memo.listing["entries"] = [entry.to_json() for entry in page.entries]
        return listed


_STRATEGIES: dict[Pagination, ListingStrategy] = {
    strategy.scheme: strategy
    for strategy in (
        SinglePageListing(),
        TrsListing(),
        QueryListing(),
        JsonListing(),
        JsonPostListing(),
        JsonpListing(),
        HanwebListing(),
    )
}


def listing_for(scheme: Pagination) -> ListingStrategy:
    """The listing strategy for a profile's pagination scheme."""
    return _STRATEGIES[scheme]
