"""A deliberately naive crawler for the demo site, written the way a scraper would.

It follows ``<a href>`` links (including those inside ``document.write``),
TRS ``createPageHTML`` pagers and the gkmlpt JSON API, and decodes bytes in the
order header charset, meta charset, utf-8, gb18030.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

HREF = re.compile(r"""href\s*=\s*["']([^"'+]+)["']""")
PAGER = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*\d+\s*,\s*\"(\w+)\"\s*,\s*\"(\w+)\"")
META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)
ARTICLE = re.compile(r"/t\d{8}_\d+\.shtml$|/post_\d+\.html$")


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def decode(headers: dict[str, str], body: bytes) -> str:
    candidates = []
    header = META_CHARSET.search(headers.get("Content-Type", "").encode())
    if header:
        candidates.append(header.group(1).decode())
    meta = META_CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode())
    candidates += ["utf-8", "gb18030"]
    for name in candidates:
        codec = "gb18030" if name.lower() in {"gb2312", "gbk"} else name
        try:
            return body.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    raise AssertionError("undecodable page")


def crawl(base: str) -> tuple[set[str], dict[str, str]]:
    """Return (article URLs found, every fetched page's text by URL)."""
    seen: set[str] = set()
    texts: dict[str, str] = {}
    queue = [base + "/"]
    articles: set[str] = set()
    while queue:
        batch, queue = queue, []
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(fetch, batch))
        for url, (status, headers, body) in zip(batch, results, strict=True):
            if status != 200 or "html" not in headers.get("Content-Type", ""):
                continue
            text = decode(headers, body)
            texts[url] = text
            for link in _links(url, text):
                if urlsplit(link).netloc != urlsplit(base).netloc:
                    continue  # off-site items (WeChat) are not articles
                if ARTICLE.search(urlsplit(link).path):
                    articles.add(link)
                if link not in seen and link.endswith((".shtml", ".html", "/")):
                    seen.add(link)
                    queue.append(link)
    articles |= _gkmlpt(base)
    missing = sorted(articles - texts.keys())
    with ThreadPoolExecutor(8) as pool:
        for url, (status, headers, body) in zip(missing, pool.map(fetch, missing), strict=True):
            if status == 200:
                texts[url] = decode(headers, body)
    return articles, texts


def _links(url: str, text: str) -> list[str]:
    links = [urljoin(url, href) for href in HREF.findall(text)]
    pager = PAGER.search(text)
    if pager:
        pages, name, ext = int(pager.group(1)), pager.group(2), pager.group(3)
        links += [urljoin(url, f"{name}_{n}.{ext}") for n in range(1, pages)]
    if url.endswith("/gkmlpt/index"):
        links = [link for link in links if "#" not in link]
    return [link.split("#")[0] for link in links]


def _gkmlpt(base: str) -> set[str]:
    found: set[str] = set()
    page = 1
    while True:
        _, _, body = fetch(f"{base}/gkmlpt/api/all/0?page={page}&sid=3607230")
        data = json.loads(body)
        if not data["articles"]:
            break
        found |= {article["url"] for article in data["articles"]}
        if len(found) >= data["total"]:
            break
        page += 1
    return found
