"""Source profiles: how to read one column of a county site, written in TOML.

A profile describes a site's structure, not its content: where the list is,
how it pages, which links are articles, and where each field sits on a detail
page (by label, paragraph prefix, section heading or table). A county's IT
person writes one per column without programming; docs/sources.md teaches it.

Example (a TRS-style leaders column)::

    name = "领导信息"
    entity_type = "leader"

    [list]
    url = "{site}/zwgk/ldxx/"
    pagination = "trs"
    links = "ul.list li a"

    [detail.fields]
    name = "姓名"
    post = "职务"

Profiles ship in ``publisher/profiles/<county>/<column>.toml`` (``builtin:dayu/ldxx``)
or live in the home's ``profiles/`` folder.
"""

from __future__ import annotations

import re
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from selectolax.lexbor import LexborHTMLParser

from content.enums import EntityType, Parser
from publisher.tomlfile import ConfigError, load_toml, parse_toml, refuse_quoted_scalars

__all__ = [
    "DetailSpec",
    "ListSpec",
    "Pagination",
    "Profile",
    "Recheck",
    "TableSpec",
    "check_profile",
    "load_profile",
]

BUILTIN = "builtin:"
DEFAULT_BODY = (".TRS_Editor", "#zoom", ".article-content", ".xl_con", ".content", "#mainText")
DEFAULT_EXTENSIONS = (
    "pdf", "doc", "docx", "wps", "ofd", "xls", "xlsx", "et", "zip", "rar", "7z",
)  # fmt: skip


class Pagination(StrEnum):
    """How a list pages: one scheme per family of county CMS (see ``ListSpec``).

    The sync reads each scheme with its own listing strategy
    (``publisher.sync``), chosen once per run from the profile.
    """

    NONE = "none"
    TRS = "trs"
    QUERY = "query"
    JSON = "json"
    JSON_POST = "json_post"
    JSONP = "jsonp"
    HANWEB = "hanweb"

    @property
    def numbered(self) -> bool:
        """Whether the list URL carries a ``{page}`` number."""
        return self in {Pagination.QUERY, Pagination.JSON, Pagination.JSONP}

    @property
    def json(self) -> bool:
        """Whether the list answers JSON (``items``, ``total``, ``link_field`` apply)."""
        return self in {Pagination.JSON, Pagination.JSON_POST, Pagination.JSONP}


class Recheck(StrEnum):
    """Whether a changed list page means re-checking every article on it."""

    AUTO = "auto"  # yes for HTML lists, no for JSON lists with a fingerprint
    ALWAYS = "always"
    NEVER = "never"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _unquoted(cls, value: Any, info: ValidationInfo) -> Any:
        return refuse_quoted_scalars(cls, value, info)


class ListSpec(_Spec):
    """Where a source's list is and how it pages.

    Pagination schemes:

    * ``none``: one page.
    * ``trs``: TRS static pages; the page count comes from the first page's
      ``createPageHTML(N, i, "index", "shtml")`` and later pages are
      ``index_1.shtml`` … ``index_{N-1}.shtml``.
    * ``query``: ``url`` contains ``{page}``; pages from ``first_page`` until a
      page brings no new article links.
    * ``json``: a JSON API; ``url`` contains ``{page}``; ``items`` is the dotted
      path of the article list and ``total`` of the total count; stops when the
      count is reached or a page is empty (never trusts "next page" fields).
    * ``json_post``: a JSON API asked by POSTing ``body`` as JSON (a value
      ``"{page}"`` becomes the page number); paged and stopped like ``json``.
    * ``jsonp``: like ``json``, but the answer is wrapped in ``callback(…)``.
    * ``hanweb``: the Hanweb JCMS column: records in the first page's
      ``<script type="text/xml">``, later pages POSTed to ``proxy_url``.

    Without ``ETag``/``Last-Modified`` on the list (many JSP, ASP.NET and PHP
    sites), a list page is unchanged when what it lists is the same as last
    time; every ``recheck_days`` days its articles are re-checked all the same.
    """

    url: str
    pagination: Pagination = Pagination.NONE
    first_page: Annotated[int, Field(ge=0)] = 1
    max_pages: Annotated[int, Field(ge=1, le=10_000)] = 1000
    links: str = "a"
    script_links: bool = True
    same_folder: bool = True
    link_pattern: str | None = None
    pinned_marker: str | None = "[置顶]"
    items: str = "articles"
    total: str | None = "total"
    link_field: str = "url"
    fingerprint: tuple[str, ...] = ()
    fields: dict[str, str] = Field(default_factory=dict)
    #: After a list page changed, re-check (conditionally) every article on it?
    #: ``auto``: yes for HTML lists (static CMSs republish a whole column when
    #: one article is edited), no for JSON lists with a ``fingerprint``.
    recheck: Recheck = Recheck.AUTO
    #: HTML lists: the breadcrumb's selector on the list page, for articles whose
    #: pages show none (their own ``detail.breadcrumb`` wins when they do).
    breadcrumb: str | None = None
    #: Lists sent without validators: re-check every article this often (days; 0: never).
    recheck_days: Annotated[int, Field(ge=0, le=366)] = 7
    proxy_url: str | None = None
    per_page: Annotated[int, Field(ge=1, le=300)] = 15
    form: dict[str, str] = Field(default_factory=dict)
    #: ``json_post``: the JSON body POSTed for each page; ``"{page}"`` is the page number.
    body: dict[str, str | int | bool] = Field(default_factory=dict)

    @field_validator("url")
    @classmethod
    def _has_site(cls, value: str) -> str:
        if not value.startswith(("{site}", "http://", "https://")):
            raise ValueError('must start with {site} or http(s)://, e.g. "{site}/zwgk/ldxx/"')
        return value

    @field_validator("proxy_url")
    @classmethod
    def _proxy_has_site(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("{site}", "http://", "https://")):
            raise ValueError('must start with {site} or http(s)://, e.g. "{site}/module/…"')
        return value

    @field_validator("links", "breadcrumb")
    @classmethod
    def _list_selector(cls, value: str | None) -> str | None:
        return None if value is None else _selector(value)

    @field_validator("link_pattern")
    @classmethod
    def _link_regex(cls, value: str | None) -> str | None:
        return None if value is None else _regex(value)

    @property
    def recheck_changed_pages(self) -> bool:
        """Whether a changed list page means re-checking all of its articles."""
        if self.recheck is Recheck.AUTO:
            return not (self.pagination.json and self.fingerprint)
        return self.recheck is Recheck.ALWAYS

    @model_validator(mode="after")
    def _paged_urls(self) -> ListSpec:
        if self.pagination.numbered and "{page}" not in self.url:
            raise ValueError(f'pagination "{self.pagination}" needs {{page}} in url')
        if self.pagination is Pagination.HANWEB and not self.proxy_url:
            raise ValueError('pagination "hanweb" needs proxy_url')
        if self.pagination is Pagination.JSON_POST and "{page}" not in self.body.values():
            raise ValueError('pagination "json_post" needs a [list.body] value "{page}"')
        return self


class TableSpec(_Spec):
    """A table on the detail page whose rows become records.

    ``columns`` names each column in order (``""`` skips one); ``caption`` is
    text the heading before the table contains, or use a CSS ``selector``.
    """

    selector: str | None = None
    caption: str | None = None
    columns: tuple[str, ...]
    header_rows: Annotated[int, Field(ge=0, le=5)] = 1

    @model_validator(mode="after")
    def _located(self) -> TableSpec:
        if not self.selector and not self.caption:
            raise ValueError("a table needs a selector or a caption")
        return self


class DetailSpec(_Spec):
    """Where each field sits on a detail page.

    * ``fields``: field name → label(s) of the meta table (label cell, value in
      the next cell); labels are matched with spaces and colons removed, so
      ``索　引　号：`` matches ``索引号``.
    * ``prefixed``: field name → a paragraph prefix (``工作分工：``).
    * ``sections``: field name → a heading paragraph; the section runs to the
      next heading. Paragraphs before the first heading are the ``body``.
    * ``tables``: name → a table whose rows become records.
    * ``defaults``: field name → a fixed value, for what a page never prints
      (e.g. ``organization = "某某县人民政府"``); the page wins when it has one.
    """

    title: str = "h1"
    labels: str | None = "table.gkxl-top td.tit"
    body: tuple[str, ...] = DEFAULT_BODY
    breadcrumb: str | None = ".position"
    fields: dict[str, str | tuple[str, ...]] = Field(default_factory=dict)
    defaults: dict[str, str] = Field(default_factory=dict)
    prefixed: dict[str, str] = Field(default_factory=dict)
    sections: dict[str, str] = Field(default_factory=dict)
    tables: dict[str, TableSpec] = Field(default_factory=dict)
    images: str | None = "img"
    attachments: str = "a[href]"
    attachment_extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    #: Regular expressions on a link's path and query that make it an attachment
    #: whatever its extension (download scripts: ``'/attach/download\?id='``).
    attachment_patterns: tuple[str, ...] = ()

    @field_validator("attachment_patterns")
    @classmethod
    def _patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            _regex(pattern)
        return value

    @model_validator(mode="after")
    def _selectors(self) -> DetailSpec:
        for selector in (self.title, self.labels, self.breadcrumb, self.images, self.attachments,
                         *self.body, *(t.selector for t in self.tables.values())):  # fmt: skip
            if selector:
                _selector(selector)
        return self


def _regex(value: str) -> str:
    """Check a regular expression now, not in the middle of a sync."""
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from exc
    return value


def _selector(value: str) -> str:
    """Check a CSS selector now, not in the middle of a sync."""
    try:
        LexborHTMLParser("<p></p>").css(value)
    except Exception as exc:  # selectolax raises its own bare errors
        raise ValueError(f"not a CSS selector selectolax understands: {exc}") from exc
    return value


class Profile(_Spec):
    """One source's profile."""

    name: str
    entity_type: EntityType
    parser: Parser = Parser.TRS_STATIC
    referer: bool = True
    list: ListSpec
    detail: DetailSpec = DetailSpec()

    @model_validator(mode="after")
    def _known_fields(self) -> Profile:
        # A misspelt field name would otherwise be ignored without a word.
        from publisher.sources.assemble import FIELDS, TABLES  # noqa: PLC0415 - avoids a cycle

        known = FIELDS[self.entity_type]
        for group, names in (
            ("detail.fields", self.detail.fields),
            ("detail.defaults", self.detail.defaults),
            ("detail.prefixed", self.detail.prefixed),
            ("detail.sections", self.detail.sections),
            ("list.fields", self.list.fields),
        ):
            unknown = sorted(n for n in set(names) - known if not n.startswith("_"))
            if unknown:
                raise ValueError(
                    f"{group}: {', '.join(unknown)} not understood for {self.entity_type}; "
                    f"known fields: {', '.join(sorted(known))}"
                )
        unknown_tables = sorted(set(self.detail.tables) - TABLES[self.entity_type])
        if unknown_tables:
            raise ValueError(
                f"detail.tables: {', '.join(unknown_tables)} not understood for "
                f"{self.entity_type}; known tables: {', '.join(sorted(TABLES[self.entity_type]))}"
            )
        return self

    def list_url(self, site: str) -> str:
        """The list URL for ``site`` (``{site}`` replaced)."""
        return self.list.url.replace("{site}", site.rstrip("/"))


def load_profile(reference: str, *, home_root: Path | None = None) -> Profile:
    """Load ``builtin:county/column`` or a profile file (relative to the home).

    Raises:
        ConfigError: the profile is missing or invalid, naming file, key and line.
    """
    if reference.startswith(BUILTIN):
        name = reference.removeprefix(BUILTIN)
        if not re.fullmatch(r"[a-z0-9_-]+/[a-z0-9_-]+", name):
            raise ConfigError(reference, "", None, "builtin profiles look like builtin:dayu/ldxx")
        package = resources.files("publisher") / "profiles" / f"{name}.toml"
        if not package.is_file():
            raise ConfigError(reference, "", None, f"no builtin profile {name!r}")
        return parse_toml(package.read_text(encoding="utf-8"), Profile, name=reference)
    path = Path(reference)
    if not path.is_absolute() and home_root is not None:
        path = home_root / path
    return load_toml(path, Profile)


def check_profile(profile: Profile) -> list[str]:
    """What in a loadable profile is likely a mistake (``gongkai source check``), by key."""
    spec = profile.list
    found: list[str] = []
    if spec.pagination is Pagination.HANWEB and spec.same_folder:
        found.append(
            "list.same_folder: Hanweb articles live under /art/, outside the column's folder, "
            "so none is kept; set same_folder = false and a link_pattern"
        )
    if spec.pagination.json:
        if spec.links != "a" or spec.link_pattern:
            found.append("list.links, list.link_pattern: not used by JSON lists")
        if not spec.fingerprint:
            found.append(
                "list.fingerprint: empty, so every article is re-checked whenever the list "
                "changes; name the item keys that change with the article"
            )
    elif spec.links == "a" and not spec.link_pattern:
        found.append(
            'list.links is "a" and there is no link_pattern: navigation links become items'
        )
    if spec.breadcrumb and spec.pagination.json:
        found.append("list.breadcrumb: JSON lists have no breadcrumb")
    return found
