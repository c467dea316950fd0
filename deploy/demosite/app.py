"""The demo county website as a plain request → response function (no sockets).

``DemoSite.handle`` routes a request to a page, file or API answer and applies
the site's quirks; ``demosite.server`` puts it on a real socket. Keeping the two
apart lets tests and the benchmark call pages directly.

Charsets, as on real county sites (domain.md pitfall 1):

* most columns are GBK bytes declared ``gb2312`` in the header and the meta tag,
  so characters outside GB2312 (堃, 镕) only decode as GB18030;
* the leaders column sends no charset in the header, only in the meta tag;
* the key projects column is UTF-8;
* the guide's page says ``utf-8`` in the header but is GBK with a gb2312 meta;
* gkmlpt pages and the JSON API are UTF-8.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from content.demo import COLUMNS, ChangeSet, Column, DemoCounty, generate_county, mutate_county
from content.enums import EntityType, ProjectCategory
from content.models import (
    Agency,
    AnnualReport,
    CatalogueEntry,
    Entity,
    FlowStep,
    Guide,
    Leader,
    Notice,
    PowerItem,
    Project,
)
from demosite import files, gkmlpt, pages
from demosite.extra import ExtraColumns

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DemoSite", "Request", "Response"]

PAGE_SIZE = 20
WECHAT_ITEM = "https://mp.weixin.qq.com/s/Dy2026DemoCountyNotice"
ROBOTS = "User-agent: *\nDisallow: /__demo__/\nDisallow: /search/\n"
_GBK_HEADER = "text/html; charset=gb2312"
_UTF8_HEADER = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Request:
    """An HTTP request as the site sees it."""

    method: str
    target: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(slots=True)
class Response:
    """An HTTP response: status, headers and body bytes."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Target:
    """What a path resolves to: a page of an entity or one of its files."""

    entity: Entity
    column: Column
    kind: str  # "page", "pdf", "image"
    index: int = 0


@dataclass(frozen=True, slots=True)
class _State:
    """One immutable snapshot of the site (replaced whole on mutation)."""

    county: DemoCounty
    targets: dict[str, _Target]
    lists: dict[str, list[Entity]]
    changes: ChangeSet
    updated: datetime
    #: When each column was last republished (an article added, edited or removed).
    column_stamps: dict[str, datetime]
    #: When each column last lost an article (carried from state to state).
    removals: dict[str, datetime]


class DemoSite:
    """The demo county website.

    Args:
        base_url: the URL the site is reachable at (goes into every link).
        seed: the demo county's seed.
        mutate: mutation rounds to apply before serving.
        control_token: the token the ``/__demo__/mutate`` endpoint requires;
            a random one is made when not given.
    """

    def __init__(
        self, *, base_url: str, seed: int, mutate: int = 0, control_token: str | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.control_token = control_token or secrets.token_urlsafe(18)
        self._lock = threading.Lock()
        self._files: dict[tuple[str, str], tuple[bytes, str]] = {}
        county = generate_county(seed=seed, base_url=self.base_url)
        self._extras = ExtraColumns(
            seed=seed, publishers=[a.name for a in county.agencies[:24]], as_of=county.as_of
        )
        county, changes = mutate_county(county, rounds=mutate)
        self._extras.grow(mutate)
        self._state = _index(county, changes, removals={})

    @property
    def county(self) -> DemoCounty:
        """The county as currently published."""
        return self._state.county

    @property
    def changes(self) -> ChangeSet:
        """Every change made since the base county, across all rounds."""
        return self._state.changes

    def mutate(self, rounds: int = 1) -> ChangeSet:
        """Apply more rounds of edits, additions and removals; return just those."""
        with self._lock:
            state = self._state
            county, changes = mutate_county(state.county, rounds=rounds)
            total = ChangeSet(rounds=state.changes.rounds + changes.rounds)
            for name in ("edited", "added", "removed"):
                merged = getattr(total, name)
                for source in (state.changes, changes):
                    for kind, ids in getattr(source, name).items():
                        merged.setdefault(kind, []).extend(ids)
            # Like a static-publishing CMS, removing an article republishes its column.
            stamp = max(
                e.provenance.fetched_at for items in county.by_type().values() for e in items
            )
            removals = dict(state.removals)
            for target in state.targets.values():
                if target.kind == "page" and target.entity.id in _ids(changes.removed):
                    removals[target.column.key] = stamp
            self._state = _index(county, total, removals=removals)
            self._extras.grow(rounds)
        return changes

    def handle(self, request: Request) -> Response:
        """Answer one request (GET and HEAD for pages; POST for the APIs)."""
        state = self._state  # one consistent snapshot for the whole request
        parts = urlsplit(request.target)
        path, query = parts.path or "/", parse_qs(parts.query)
        if path.startswith("/__demo__/"):
            return self._control(request, path)
        extra = self._extras.answer(request.method, path, query, request.body)
        if extra is not None:
            answer = Response(extra.status, extra.body, extra.headers)
            # The JSP column and the download script send no validators, as many sites don't.
            return _conditional(request, answer) if extra.validated else answer
        if request.method not in {"GET", "HEAD"}:
            return _text(405, "method not allowed", {"Allow": "GET, HEAD"})
        response = self._route(state, path, query)
        return _conditional(request, response)

    # --- routing ------------------------------------------------------------------

    def _route(self, state: _State, path: str, query: Mapping[str, list[str]]) -> Response:
        if path in {"/", "/index.shtml", "/index.html"}:
            html = pages.render_home(nav=_nav(), meta_charset="utf-8", site_domain=self._domain)
            return _html(html, "utf-8", _UTF8_HEADER, state.updated)
        if path == "/robots.txt":
            return _text(200, ROBOTS)
        if path == "/images/style.css":
            return Response(200, _CSS, {"Content-Type": "text/css"})
        if path.startswith("/gkmlpt/"):
            answer = gkmlpt.route(
                state.lists["gkml"], path, query, base_stamp=_base_stamp(state.county)
            )
            if answer is not None:
                return (
                    _json(*answer)
                    if isinstance(answer, tuple)
                    else _html(answer, "utf-8", _UTF8_HEADER, state.updated)
                )
        for key, column in COLUMNS.items():
            if key != "gkml" and path.startswith(column.path):
                page = _list_page(path[len(column.path) :])
                if page is not None:
                    return self._list(state, column, page)
        target = state.targets.get(path)
        if target is None:
            return _text(404, "404 页面不存在")
        return self._target(path, target)

    def _list(self, state: _State, column: Column, page: int) -> Response:
        entities = state.lists[column.key]
        pages_total = max(1, -(-len(entities) // PAGE_SIZE))
        if page >= pages_total:
            return _text(404, "404 页面不存在")
        chunk = entities[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        items = [_list_item(column, entity, index) for index, entity in enumerate(chunk)]
        if column.key == "tzgg" and page == 0:
            # An off-site item (a WeChat article) among the notices: not an article.
            external = pages.ListItem(
                WECHAT_ITEM, "大余发布：2026年秋季森林防火倡议书", "2026-10-20", external=True
            )
            items.insert(min(3, len(items)), external)
        charset, header = _column_charset(column, detail=False)
        html = pages.render_list(
            column=column,
            items=items,
            page=page,
            pages=pages_total,
            nav=_nav(),
            meta_charset=charset,
            site_domain=self._domain,
        )
        return _html(html, _codec(charset), header, state.column_stamps[column.key])

    def _target(self, path: str, target: _Target) -> Response:
        entity = target.entity
        stamp = entity.provenance.fetched_at
        if target.kind in {"pdf", "image"}:
            body, kind = self._file(path, target)
            return Response(200, body, {"Content-Type": kind, "Last-Modified": _http_date(stamp)})
        number = int(path.rsplit("_", 1)[-1].split(".", maxsplit=1)[0])
        names = {agency.id: agency.name for agency in self.county.agencies}
        page = pages.detail_page(
            entity, path=path, number=number, url_path=self._path_of, agency_names=names
        )
        if target.column.key == "gkml":
            assert isinstance(entity, CatalogueEntry)  # noqa: S101
            page.detail_json = json.dumps(
                gkmlpt.article(entity, base_stamp=_base_stamp(self.county)), ensure_ascii=False
            )
        charset, header = _column_charset(target.column, detail=True)
        html = pages.render_detail(
            column=target.column,
            page=page,
            nav=_nav(),
            meta_charset=charset,
            site_domain=self._domain,
        )
        codec = "gbk" if target.column.key == "gkzn" else _codec(charset)
        return _html(html, codec, header, stamp)

    # --- control endpoints --------------------------------------------------------

    def _control(self, request: Request, path: str) -> Response:
        if path == "/__demo__/changes" and request.method in {"GET", "HEAD"}:
            return _json(200, self.changes.to_json())
        if path == "/__demo__/mutate":
            if request.method != "POST":
                return _text(405, "POST only", {"Allow": "POST"})
            token = request.headers.get("X-Demo-Token", "")
            if not secrets.compare_digest(token, self.control_token):
                return _text(401, "a valid X-Demo-Token header is required")
            try:
                rounds = int(parse_qs(urlsplit(request.target).query).get("rounds", ["1"])[0])
            except ValueError:
                return _text(400, "rounds must be a number")
            if not 1 <= rounds <= 50:
                return _text(400, "rounds must be 1 to 50")
            return _json(200, self.mutate(rounds).to_json())
        return _text(404, "unknown control endpoint")

    # --- files --------------------------------------------------------------------

    def _file(self, path: str, target: _Target) -> tuple[bytes, str]:
        entity = target.entity
        key = (path, entity.provenance.content_hash or entity.id)
        with self._lock:
            cached = self._files.get(key)
        if cached is None:
            cached = _draw_file(path, target)
            with self._lock:
                if len(self._files) >= _FILE_CACHE:
                    self._files.pop(next(iter(self._files)))
                self._files[key] = cached
        return cached

    # --- helpers ------------------------------------------------------------------

    @property
    def _domain(self) -> str:
        return urlsplit(self.base_url).netloc

    def _path_of(self, url: str) -> str:
        return url.removeprefix(self.base_url)


def _nav() -> list[Column]:
    return [column for key, column in COLUMNS.items() if key != "gkml"]


def _base_stamp(county: DemoCounty) -> datetime:
    # Agencies are never edited, so theirs is the base data's fetch time.
    return county.agencies[0].provenance.fetched_at


def _ids(groups: dict[EntityType, list[str]]) -> set[str]:
    return {entity_id for ids in groups.values() for entity_id in ids}


def _index(county: DemoCounty, changes: ChangeSet, *, removals: dict[str, datetime]) -> _State:
    targets: dict[str, _Target] = {}
    lists: dict[str, list[Entity]] = {key: [] for key in COLUMNS}
    base = len(county.base_url)
    for entity_type, entities in county.by_type().items():
        for entity in entities:
            column = _column_of(entity_type, entity)
            page = entity.provenance.source_url[base:]
            targets[page] = _Target(entity, column, "page")
            lists[column.key].append(entity)
            for index, attachment in enumerate(getattr(entity, "attachments", ()), start=1):
                targets[attachment.url[base:]] = _Target(entity, column, "pdf", index)
            if isinstance(entity, PowerItem) and entity.flowchart and entity.flowchart.image:
                targets[entity.flowchart.image.url[base:]] = _Target(entity, column, "image")
            photo = getattr(entity, "photo", None)
            if photo is not None:
                targets[photo.url[base:]] = _Target(entity, column, "image")
    for key, members in lists.items():
        lists[key] = _list_order(key, members)
    updated = max(t.entity.provenance.fetched_at for t in targets.values())
    stamps = {}
    for key, members in lists.items():
        times = [e.provenance.fetched_at for e in members]
        if key in removals:
            times.append(removals[key])
        stamps[key] = max(times, default=updated)
    return _State(
        county=county,
        targets=targets,
        lists=lists,
        changes=changes,
        updated=updated,
        column_stamps=stamps,
        removals=removals,
    )


def _column_of(entity_type: EntityType, entity: Entity) -> Column:
    if isinstance(entity, Project):
        return COLUMNS["zdxm" if entity.category is ProjectCategory.KEY_PROJECT else "msss"]
    return next(c for c in COLUMNS.values() if c.entity_type is entity_type)


def _list_order(key: str, entities: list[Entity]) -> list[Entity]:
    if key in {"ldxx", "jgzn"}:
        return entities  # rank order, as published
    newest = sorted(entities, key=_sort_date, reverse=True)
    # Pinned old notices stay on top of page 1 (domain.md pitfall 8).
    pinned = [e for e in newest if isinstance(e, Notice) and e.pinned]
    return pinned + [e for e in newest if e not in pinned]


def _sort_date(entity: Entity) -> tuple[str, str]:
    path = entity.provenance.source_url
    return (path.rsplit("/", 1)[-1].split("_")[0], path)


def _list_item(column: Column, entity: Entity, index: int) -> pages.ListItem:
    url = entity.provenance.source_url
    page_path = urlsplit(url).path
    href = pages.relative(page_path, f"{column.path}index.shtml")
    title = _title_of(entity)
    published = page_path.rsplit("/t", 1)[-1][:8]
    style = (list(COLUMNS).index(column.key) + index // 7) % 6
    shown = pages.cn_date(_yyyymmdd(published), style)
    number = int(page_path.rsplit("_", 1)[-1].split(".")[0])
    return pages.ListItem(
        href=href,
        title=title,
        date=shown,
        pinned=isinstance(entity, Notice) and entity.pinned,
        scripted=number % 17 == 0,  # some entries exist only inside document.write
    )


def _title_of(entity: Entity) -> str:
    """The title a list shows for an entity."""
    if isinstance(entity, Leader):
        return f"{pages.pad_name(entity.name)}（{entity.post}）"
    if isinstance(entity, Guide):
        return f"{entity.organization}政府信息公开指南"
    if isinstance(entity, AnnualReport):
        return f"{entity.organization}{entity.year}年政府信息公开工作年度报告"
    if isinstance(entity, CatalogueEntry | Notice):
        return entity.title
    if isinstance(entity, Agency | PowerItem | Project):
        return entity.name
    raise TypeError(entity)


def _yyyymmdd(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def _list_page(rest: str) -> int | None:
    if rest in {"", "index.shtml", "index.html"}:
        return 0
    if rest.startswith("index_") and rest.endswith(".shtml"):
        number = rest[len("index_") : -len(".shtml")]
        if number.isdigit() and int(number) > 0:
            return int(number)
    return None


def _column_charset(column: Column, *, detail: bool) -> tuple[str, str]:
    """(meta charset, Content-Type header) for a page of ``column``."""
    if column.key == "zdxm":
        return "utf-8", _UTF8_HEADER
    if column.key == "ldxx":
        return "gb2312", "text/html"
    if column.key == "gkzn" and detail:
        return "gb2312", _UTF8_HEADER  # the lying page: body GBK, header utf-8
    return "gb2312", _GBK_HEADER


def _codec(meta_charset: str) -> str:
    return "gbk" if meta_charset == "gb2312" else "utf-8"


def _html(html: str, codec: str, content_type: str, stamp: datetime) -> Response:
    # Characters the charset lacks become numeric references, as CMSs write them.
    body = html.encode(codec, errors="xmlcharrefreplace")
    return Response(200, body, {"Content-Type": content_type, "Last-Modified": _http_date(stamp)})


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status,
        f"{message}\n".encode(),
        {"Content-Type": "text/plain; charset=utf-8", **(headers or {})},
    )


def _json(status: int, data: Any) -> Response:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode()
    return Response(status, body, {"Content-Type": "application/json; charset=utf-8"})


def _http_date(stamp: datetime) -> str:
    return format_datetime(stamp.astimezone(UTC), usegmt=True)


def _conditional(request: Request, response: Response) -> Response:
    """ETag and Last-Modified on every 200, and 304 when the client's copy is current."""
    if response.status != 200:
        return response
    modified = response.headers.get("Last-Modified")
    if modified:
        # nginx's static-file ETag: modification time and size, both in hex.
        seconds = int(parsedate_to_datetime(modified).timestamp())
        etag = f'"{seconds:x}-{len(response.body):x}"'
    else:
        # Dynamic answers (the JSON API) hash their body, as a servlet filter would.
        etag = '"' + hashlib.sha256(response.body).hexdigest()[:24] + '"'
    response.headers["ETag"] = etag
    response.headers.setdefault("Cache-Control", "max-age=0, must-revalidate")
    match = request.headers.get("If-None-Match")
    if match is not None:
        if etag in [tag.strip() for tag in match.split(",")] or match.strip() == "*":
            return Response(
                304, b"", {k: v for k, v in response.headers.items() if k != "Content-Type"}
            )
        return response
    since = request.headers.get("If-Modified-Since")
    if since and modified:
        try:
            if parsedate_to_datetime(modified) <= parsedate_to_datetime(since):
                return Response(
                    304, b"", {k: v for k, v in response.headers.items() if k != "Content-Type"}
                )
        except (TypeError, ValueError):
            pass  # an unreadable date means no conditional
    return response


def _draw_file(path: str, target: _Target) -> tuple[bytes, str]:
    entity = target.entity
    if target.kind == "pdf":
        attachment = entity.attachments[target.index - 1]  # type: ignore[attr-defined]
        title = attachment.name.removesuffix(".pdf")
        return files.pdf_document(title, _document_lines(entity)), "application/pdf"
    if path.endswith(".png") and isinstance(entity, PowerItem) and entity.flowchart:
        steps = entity.flowchart.steps or _standard_steps(entity)
        return files.flowchart_png(f"{entity.name}流程图", steps), "image/png"
    return files.portrait_jpeg(entity.id), "image/jpeg"


def _document_lines(entity: Entity) -> list[str]:
    """The text a document's PDF carries: its metadata lines, then its body."""
    lines: list[str] = [_title_of(entity)]
    for label in ("publisher", "doc_number", "index_no", "published_date", "organization"):
        value = getattr(entity, label, None)
        if value:
            lines.append(f"{_PDF_LABELS[label]}：{value}")
    body = getattr(entity, "body_text", "") or ""
    lines.extend(body.splitlines())
    return lines


_PDF_LABELS = {
    "publisher": "发布机构",
    "doc_number": "文号",
    "index_no": "索引号",
    "published_date": "发布日期",
    "organization": "机关",
}


def _standard_steps(item: PowerItem) -> tuple[FlowStep, ...]:
    # An image-only flowchart still shows the usual stages of its power type.
    stages = [duty.stage.removesuffix("责任") for duty in item.duties] or ["受理", "审查", "决定"]
    return tuple(
        FlowStep(step_id=f"s{i}", name=stage, next=(f"s{i + 1}",) if i < len(stages) else ())
        for i, stage in enumerate(stages, start=1)
    )


_FILE_CACHE = 2048
_CSS = (
    b"body{font-family:sans-serif;margin:0 auto;max-width:1000px}.demo{color:#a00;font-size:12px}"
)
