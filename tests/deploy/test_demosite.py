"""The demo county website over real sockets: completeness, pitfalls, files, changes."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from content.enums import EntityType

from .crawl import crawl, decode, fetch


def test_a_naive_crawl_finds_every_generated_item(server):
    county = server.site.county
    expected = {e.provenance.source_url for items in county.by_type().values() for e in items}
    found, texts = crawl(server.url)
    assert expected - found == set()
    assert found - expected == set()
    # Every detail page was fetched, decoded, and names its entity.
    for entity in county.catalogue:
        assert entity.title in texts[entity.provenance.source_url]
    for leader in county.leaders:
        assert leader.responsibilities in texts[leader.provenance.source_url]


def test_gbk_pages_declared_gb2312_need_gb18030(server):
    county = server.site.county
    rare = next(x for x in county.leaders if _not_gb2312(x.name))
    status, headers, body = fetch(rare.provenance.source_url)
    assert status == 200
    assert headers["Content-Type"] == "text/html"  # no charset in the header
    assert b"charset=gb2312" in body[:600]
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")
    assert rare.name[0] in body.decode("gb18030")


def _not_gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def test_the_guide_page_lies_about_its_charset(server):
    guide = server.site.county.guides[0]
    status, headers, body = fetch(guide.provenance.source_url)
    assert status == 200
    assert "utf-8" in headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert guide.organization in body.decode("gb18030")


def test_one_column_is_utf8(server):
    status, headers, body = fetch(server.url + "/zwgk/zdxm/")
    assert status == 200
    assert "utf-8" in headers["Content-Type"]
    assert "重点项目" in body.decode("utf-8")


def test_trs_list_quirks(server):
    status, headers, body = fetch(server.url + "/zwgk/tzgg/index.shtml")
    text = decode(headers, body)
    assert re.search(r'createPageHTML\(\d+, 0, "index", "shtml"\)', text)
    assert "mp.weixin.qq.com" in text  # an off-site item
    assert "document.write('<a href=\"./" in text or "document.write('<a href=" in text
    first = re.search(r'<li class="top"><a href="([^"]+)"', text)
    assert first is not None  # pinned old notice on top
    pinned = [n for n in server.site.county.notices if n.pinned]
    assert any(first.group(1).lstrip(".") in n.provenance.source_url for n in pinned)
    truncated = re.search(r'title="([^"]{25,})">([^<]+…)</a>', text)
    assert truncated is not None
    assert truncated.group(1).startswith(truncated.group(2)[:-1].removeprefix("[置顶] "))
    status, _, _ = fetch(server.url + "/zwgk/tzgg/index_1.shtml")
    assert status == 200
    status, _, _ = fetch(server.url + "/zwgk/tzgg/index_999.shtml")
    assert status == 404


def test_detail_meta_table_has_padded_labels_and_varied_brackets(server):
    county = server.site.county
    texts = []
    for entry in county.catalogue[:60]:
        _, headers, body = fetch(entry.provenance.source_url)
        texts.append(decode(headers, body))
    joined = "\n".join(texts)
    assert "索\u3000引\u3000号：" in joined
    assert "文\u3000\u3000号：" in joined
    assert "window._CONFIG.DETAIL" in joined
    for bracket in ("[", "【", "（", "〔"):
        assert re.search(rf"字{re.escape(bracket)}20\d\d", joined), bracket


def test_gkmlpt_api_quirks(server):
    def page(n: int) -> dict:
        _, headers, body = fetch(f"{server.url}/gkmlpt/api/all/0?page={n}&sid=3607230")
        assert "json" in headers["Content-Type"]
        return json.loads(body)

    first, zero = page(1), page(0)
    assert first == zero  # page 0 and page 1 are the same
    assert len(first["articles"]) == 100
    assert first["total"] == 3946
    assert page(40)["articles"]
    assert not page(41)["articles"]
    status, _, _ = fetch(f"{server.url}/gkmlpt/api/all/0?page=1&sid=999")
    assert status == 400
    status, _, body = fetch(f"{server.url}/gkmlpt/index")
    assert b"window._CONFIG = { SID: '3607230', TREE:" in body


def test_attachments_are_real_pdfs_with_the_documents_text(server):
    entry = next(e for e in server.site.county.catalogue if e.attachments)
    status, headers, body = fetch(entry.attachments[0].url)
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert entry.publisher in text.replace(" ", "").replace("\n", "")
    again = fetch(entry.attachments[0].url)[2]
    assert again == body  # deterministic bytes


def test_flowchart_images_and_photos_are_real_images(server):
    county = server.site.county
    item = next(p for p in county.power_items if p.flowchart and p.flowchart.image)
    status, headers, body = fetch(item.flowchart.image.url)
    assert status == 200
    assert headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(body))
    assert image.format == "PNG"
    assert image.size[1] > 200
    leader = next(x for x in county.leaders if x.photo)
    status, headers, body = fetch(leader.photo.url)
    assert (status, headers["Content-Type"]) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(body)).format == "JPEG"


def test_conditional_get(server):
    url = server.site.county.power_items[0].provenance.source_url
    status, headers, _ = fetch(url)
    assert status == 200
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"other"'})[0] == 200


def test_robots_txt(server):
    status, _, body = fetch(server.url + "/robots.txt")
    assert status == 200
    assert b"Disallow: /__demo__/" in body


def test_mutation_endpoint_requires_the_token_and_changes_the_site(server):
    site = server.site
    county = site.county
    url = f"{server.url}/__demo__/mutate"
    denied = urllib.request.Request(url, method="POST", data=b"")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(denied, timeout=10)
    assert refused.value.code == 401
    before = {e.id: e for e in county.catalogue}
    allowed = urllib.request.Request(
        url, method="POST", data=b"", headers={"X-Demo-Token": site.control_token}
    )
    with urllib.request.urlopen(allowed, timeout=30) as response:
        changes = json.loads(response.read())
    kind = str(EntityType.CATALOGUE_ENTRY)
    edited = before[changes["edited"][kind][0]]
    removed = before[changes["removed"][kind][0]]
    assert fetch(removed.provenance.source_url)[0] == 404
    status, headers, body = fetch(edited.provenance.source_url)
    assert status == 200
    assert "更正" in decode(headers, body)
    added = next(e for e in site.county.catalogue if e.id == changes["added"][kind][0])
    assert fetch(added.provenance.source_url)[0] == 200
    _, _, body = fetch(f"{server.url}/__demo__/changes")
    assert json.loads(body)["rounds"] == 1


def test_the_command_serves_and_prints_its_url(tmp_path):
    command = [str(Path(sys.executable).parent / "gongkai"), "demo-site", "--port", "0", "--quiet"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        try:
            _serves(process)
        finally:
            process.terminate()
            process.wait(timeout=10)


def _serves(process: subprocess.Popen[str]) -> None:
    line = process.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    assert match, line
    deadline = time.monotonic() + 10
    while True:
        try:
            status, _, body = fetch(match.group(1) + "/")
            break
        except OSError:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert status == 200
    assert "政务公开" in body.decode("utf-8")
