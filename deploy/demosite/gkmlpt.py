"""The catalogue as a gkmlpt-style JSON list API (domain.md section 3, site C).

Quirks kept from the real platform: 100 articles a page, ``page=0`` and
``page=1`` return the same data, the category tree sits in ``window._CONFIG``
of the index page, and each detail page embeds its article as
``window._CONFIG.DETAIL``.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from content.demo import CATALOGUE_CATEGORY_NAMES
from content.enums import Validity
from content.models import CatalogueEntry, Entity
from content.normalize import SHANGHAI

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["PER_PAGE", "SID", "article", "category_ids", "route"]

SID = "3607230"
PER_PAGE = 100
_FIRST_ID = 20761


def category_ids() -> dict[str, int]:
    """Category name → gkmlpt classify id."""
    return {name: _FIRST_ID + index for index, name in enumerate(CATALOGUE_CATEGORY_NAMES)}


def route(
    entries: list[Entity], path: str, query: Mapping[str, list[str]], *, base_stamp: datetime
) -> str | tuple[int, Any] | None:
    """Answer a ``/gkmlpt/…`` request.

    Returns:
        HTML text for the index page, ``(status, json)`` for the API, or None
        when the path is not the index or the API (detail pages are articles).
    """
    from demosite import pages  # noqa: PLC0415 - avoids an import cycle at load time

    ids = category_ids()
    if path in {"/gkmlpt/index", "/gkmlpt/", "/gkmlpt/index.html"}:
        tree = [
            {
                "id": cid,
                "name": name,
                "parent": 0,
                "children": [],
                "jump_url": f"/gkmlpt/index#{cid}",
            }
            for name, cid in ids.items()
        ]
        return pages.render_gkmlpt_index(sid=SID, tree=tree, nav=[])
    prefix = "/gkmlpt/api/all/"
    if not path.startswith(prefix):
        return None
    if query.get("sid", [SID])[0] != SID:
        return 400, {"code": 400, "msg": "sid 参数错误"}
    try:
        category = int(path[len(prefix) :])
        page = int(query.get("page", ["1"])[0])
    except ValueError:
        return 400, {"code": 400, "msg": "参数错误"}
    names = {cid: name for name, cid in ids.items()}
    if category != 0 and category not in names:
        return 404, {"code": 404, "msg": "分类不存在"}
    chosen = [
        e
        for e in entries
        if isinstance(e, CatalogueEntry)
        and (category == 0 or e.catalogue_category == names[category])
    ]
    start = (max(page, 1) - 1) * PER_PAGE  # page 0 is page 1
    return 200, {
        "classify": {
            "id": category,
            "name": names.get(category, "全部"),
            "post_count": len(chosen),
        },
        "total": len(chosen),
        "articles": [
            article(entry, base_stamp=base_stamp) for entry in chosen[start : start + PER_PAGE]
        ],
    }


def article(entry: CatalogueEntry, *, base_stamp: datetime) -> dict[str, Any]:
    """One article as the list API and ``window._CONFIG.DETAIL`` give it.

    Args:
        entry: the catalogue entry.
        base_stamp: the fetch time of the unedited base data.
    """
    fetched = entry.provenance.fetched_at
    number = int(entry.provenance.source_url.rsplit("_", 1)[-1].split(".")[0])
    published = datetime.combine(entry.published_date, time(9, number % 60), tzinfo=SHANGHAI)
    created = entry.created_date or entry.published_date
    return {
        "id": number,
        "title": entry.title,
        "identifier": entry.index_no or "",
        "document_number": entry.doc_number or "",
        "publisher": entry.publisher,
        "keywords": " ".join(entry.keywords),
        "date": int(published.timestamp()),
        "created_at": f"{created:%Y-%m-%d} 00:00:00",
        "display_publish_time": int(published.timestamp()),
        "classify_main_name": entry.catalogue_category or "",
        "classify_genre_name": entry.genre or "",
        "classify_theme_name": entry.subject_category or "",
        "url": entry.provenance.source_url,
        "post_url": entry.provenance.source_url,
        "attachment": [
            {
                "id": number * 100 + index,
                "name": attachment.name,
                "type": attachment.file_type.value,
                "mime": "application/pdf",
                "url": attachment.url,
            }
            for index, attachment in enumerate(entry.attachments, start=1)
        ],
        "abstract": entry.summary or "",
        "is_expired": entry.validity in {Validity.INVALID, Validity.REPEALED},
        "is_abolished": entry.validity is Validity.REPEALED,
        "validity": entry.validity.label,
        "effective_date": f"{entry.effective_date:%Y-%m-%d}" if entry.effective_date else "",
        "expiry_date": f"{entry.expiry_date:%Y-%m-%d}" if entry.expiry_date else "",
        "audience": entry.audience or "",
        # Base data carries the county's "today" as fetch time; an edit, its own day.
        "update_time": f"{published if fetched == base_stamp else fetched:%Y-%m-%d %H:%M:%S}",
    }
