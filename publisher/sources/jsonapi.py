"""Read pages of JSON list APIs (gkmlpt and the like, POST-JSON, JSONP) into list entries."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from publisher.sources.records import ListEntry, ListPage

if TYPE_CHECKING:
    from publisher.sources.profiles import ListSpec

__all__ = ["JsonShapeError", "dig", "parse_json_page", "unwrap_jsonp"]

_JSONP = re.compile(r"^\s*(?:/\*.*?\*/\s*)?[A-Za-z_$][\w$.]*\s*\((.*)\)\s*;?\s*$", re.DOTALL)


class JsonShapeError(ValueError):
    """The API answered JSON of an unexpected shape (names the path)."""


def dig(data: Any, path: str) -> Any:
    """Follow a dotted path (``data.list`` or ``custom.data.0``) into JSON.

    Raises:
        JsonShapeError: a step of the path is missing.
    """
    node = data
    for step in path.split(".") if path else []:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            raise JsonShapeError(f"no {step!r} on the way to {path!r}")
    return node


def unwrap_jsonp(text: str) -> Any:
    """The JSON inside a JSONP answer, ``callback({...});`` (plain JSON passes as well).

    Raises:
        JsonShapeError: the answer is neither.
    """
    match = _JSONP.match(text)
    try:
        return json.loads(match.group(1) if match else text)
    except ValueError as error:
        raise JsonShapeError(f"not JSONP (callback({{…}})) nor JSON: {error}") from error


def parse_json_page(data: Any, page_url: str, spec: ListSpec) -> ListPage:
    """The entries of one JSON list page.

    Raises:
        JsonShapeError: the list or an item's link is not where the profile says.
    """
    items = dig(data, spec.items)
    if not isinstance(items, list):
        raise JsonShapeError(f"{spec.items!r} is not a list")
    page = ListPage()
    if spec.total:
        total = dig(data, spec.total)
        page.total = int(total) if isinstance(total, int | str) and str(total).isdigit() else None
    site = urlsplit(page_url).netloc
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise JsonShapeError(f"item {index} is not an object")
        link = item.get(spec.link_field)
        if not isinstance(link, str) or not link:
            raise JsonShapeError(f"item {index} has no {spec.link_field!r}")
        url = urljoin(page_url, link)
        if urlsplit(url).netloc != site:
            page.external.append(url)
            continue
        fields = {name: item[key] for name, key in spec.fields.items() if key in item}
        basis = {key: item.get(key) for key in spec.fingerprint} if spec.fingerprint else item
        page.entries.append(
            ListEntry.make(url, title=str(item.get("title", "")), fields=fields, basis=basis)
        )
    return page
