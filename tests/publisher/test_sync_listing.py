"""Listing strategies (one per pagination scheme) and the faces of the sync and the client.

The strategies are driven through a fake list reader: each page URL maps to a
``ListPage`` (or None, unreadable), so paging rules are checked without a site.
"""

from __future__ import annotations

import inspect
import types

import pytest

import publisher.sources.http
import publisher.sync
from publisher.sources.profiles import ListSpec, Pagination
from publisher.sources.records import ListEntry, ListPage
from publisher.sync._context import SiteDownError
from publisher.sync._listing import ListingStrategy, listing_for
from publisher.sync._lists import ListedPage


class FakeReader:
    """What a strategy sees of ``ListReader``: pages by URL, and the cut flag."""

    def __init__(self, spec: ListSpec, pages: dict[str, ListPage | None]) -> None:
        self.spec = spec
        self.url = spec.url
        self.site = "http://county.example"
        self.pages = pages
        self.asked: list[str] = []
        self.firsts: list[str] = []  # read as the list's first page (sent with no Referer)
        self.cut = False

    def mark_cut(self) -> None:
        self.cut = True

    def read(self, url: str, *, first: bool = False) -> ListedPage:
        self.asked.append(url)
        if first:
            self.firsts.append(url)
        page = self.pages.get(url)
        return ListedPage(url, page, changed=page is not None)

    def read_first(self, url: str | None = None) -> tuple[ListedPage, ListPage]:
        listed = self.read(self.url if url is None else url, first=True)
        if listed.page is None:
            raise SiteDownError(f"the list {listed.url} could not be read")
        return listed, listed.page


def _page(*names: str, **options: object) -> ListPage:
    entries = [ListEntry.make(f"http://county.example/a/{name}.html") for name in names]
    return ListPage(entries=entries, **options)  # type: ignore[arg-type]


def _urls(listed: list[ListedPage]) -> list[str]:
    return [page.url for page in listed]


def test_every_pagination_scheme_has_its_own_strategy():
    strategies = {scheme: listing_for(scheme) for scheme in Pagination}
    assert all(isinstance(s, ListingStrategy) for s in strategies.values())
    assert all(s.scheme is scheme for scheme, s in strategies.items())
    assert len({type(s) for s in strategies.values()}) == len(Pagination)


def test_a_one_page_list_ignores_a_pager():
    spec = ListSpec(url="http://county.example/a/", pagination=Pagination.NONE)
    reader = FakeReader(spec, {spec.url: _page("1", page_count=3, page_name=("index", "html"))})
    assert _urls(list(listing_for(spec.pagination).pages(reader))) == [spec.url]
    assert not reader.cut


def test_trs_pages_follow_the_page_count_and_a_capped_list_is_cut():
    spec = ListSpec(url="http://county.example/a/", pagination=Pagination.TRS, max_pages=3)
    first = _page("1", page_count=5, page_name=("index", "shtml"))
    reader = FakeReader(spec, {spec.url: first})
    listed = list(listing_for(spec.pagination).pages(reader))
    assert _urls(listed) == [
        spec.url,
        "http://county.example/a/index_1.shtml",
        "http://county.example/a/index_2.shtml",
    ]
    assert [page.page is None for page in listed] == [False, True, True]  # unreadable
    assert reader.cut  # 5 pages, 3 read: no removals judged


def test_an_unreadable_first_page_stops_the_run():
    spec = ListSpec(url="http://county.example/a/", pagination=Pagination.TRS)
    with pytest.raises(SiteDownError, match="could not be read"):
        list(listing_for(spec.pagination).pages(FakeReader(spec, {})))


def test_numbered_pages_stop_at_the_first_page_with_nothing_new():
    spec = ListSpec(url="http://county.example/a/?page={page}", pagination=Pagination.QUERY)
    pages = {
        "http://county.example/a/?page=1": _page("1", "2"),
        "http://county.example/a/?page=2": _page("2", "3"),
        "http://county.example/a/?page=3": _page("3"),  # nothing new: the last page
        "http://county.example/a/?page=4": _page("4"),
    }
    reader = FakeReader(spec, pages)
    listed = list(listing_for(spec.pagination).pages(reader))
    assert reader.asked == list(pages)[:3]
    assert reader.firsts == ["http://county.example/a/?page=1"]
    assert [len(page.page.entries) for page in listed if page.page] == [2, 1, 0]
    assert not reader.cut


def test_json_pages_stop_at_the_stated_total_and_cut_at_max_pages():
    spec = ListSpec(url="http://county.example/api?p={page}", pagination=Pagination.JSON)
    pages = {
        "http://county.example/api?p=1": _page("1", "2", total=3),
        "http://county.example/api?p=2": _page("3", total=3),
    }
    reader = FakeReader(spec, pages)
    assert _urls(list(listing_for(spec.pagination).pages(reader))) == list(pages)
    capped = spec.model_copy(update={"max_pages": 1})
    reader = FakeReader(capped, pages)
    assert _urls(list(listing_for(capped.pagination).pages(reader))) == list(pages)[:1]
    assert reader.cut


def test_a_later_unreadable_numbered_page_ends_the_listing():
    spec = ListSpec(url="http://county.example/a/?page={page}", pagination=Pagination.QUERY)
    reader = FakeReader(spec, {"http://county.example/a/?page=1": _page("1")})
    listed = list(listing_for(spec.pagination).pages(reader))
    assert [page.page is None for page in listed] == [False, True]


def _public_names(module: types.ModuleType) -> set[str]:
    """Names not starting with ``_``, less submodules and what was imported from elsewhere."""

    def ours(value: object) -> bool:
        if isinstance(value, types.ModuleType):
            return False
        if inspect.isclass(value) or inspect.isroutine(value):
            return value.__module__.startswith(module.__name__)
        return True

    return {
        name for name, value in vars(module).items() if not name.startswith("_") and ours(value)
    }


@pytest.mark.parametrize(
    ("module", "names"),
    [
        (
            publisher.sync,
            {"Progress", "RunSummary", "SyncEngine", "TrialItem", "TrialReport", "try_profile"},
        ),
        (
            publisher.sources.http,
            {"Download", "HttpConfig", "PoliteClient", "Response", "Validators"},
        ),
    ],
    ids=["publisher.sync", "publisher.sources.http"],
)
def test_the_faces_export_exactly_their_public_names(module, names):
    assert len(module.__all__) == len(set(module.__all__))
    assert set(module.__all__) == _public_names(module) == names


def test_a_run_summary_counts_through_named_methods():
    summary = publisher.sync.RunSummary(source="notices", status="running")
    for kind in ("new", "new", "changed", "unchanged"):
        summary.count_recorded(kind)
    summary.count_unchanged()
    summary.count_external(2)
    summary.count_document()
    assert summary.last_error() == "no answer"
    summary.note_error("http://county.example/a.pdf", "attachment", "HTTP status 404")
    summary.note_failure("http://county.example/b.html", "page", "timed out")
    assert (summary.new, summary.changed, summary.unchanged) == (2, 1, 2)
    assert (summary.external, summary.documents, summary.failed) == (2, 1, 1)
    assert [error["field"] for error in summary.errors] == ["attachment", "page"]
    assert summary.last_error() == "timed out"
