"""Table-driven tests of ``publisher.sources.decoding`` (domain.md pitfalls 1-2).

Each table maps a readable case name to its inputs and the expected result;
the names become the pytest ids.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import pytest

from publisher.sources.decoding import charset_of, decode_html

LEADER = "县长：王堃（主持县政府全面工作）"  # 堃 is in GBK but not in GB2312


def page(meta: str = "", text: str = LEADER) -> str:
    return (
        f"<html><head>{meta}<title>大余县人民政府</title></head><body><p>{text}</p></body></html>"
    )


def gbk(html: str) -> bytes:
    return html.encode("gb18030")


@dataclass(frozen=True)
class Case:
    body: bytes
    content_type: str | None
    codec: str
    text: str | None = None  # None: the page's LEADER line must come out intact


DECODE_CASES = {
    "lying header: utf-8 header, GBK body, gb2312 meta": Case(
        gbk(page('<meta charset="gb2312">')), "text/html; charset=utf-8", "gb18030"
    ),
    "meta gb2312 without header charset, GBK-only character": Case(
        gbk(page("<meta charset=gb2312>")), "text/html", "gb18030"
    ),
    "header gbk": Case(gbk(page()), "text/html; charset=GBK", "gb18030"),
    "header gb2312 alias cp936": Case(gbk(page()), "text/html; charset=cp936", "gb18030"),
    "header x-gbk": Case(gbk(page()), 'text/html; charset="x-gbk"', "gb18030"),
    "utf-8 BOM beats a gbk header": Case(
        codecs.BOM_UTF8 + page().encode(), "text/html; charset=gbk", "utf-8"
    ),
    "utf-16 BOM": Case(codecs.BOM_UTF16_LE + page().encode("utf-16-le"), None, "utf-16-le"),
    "no declaration, utf-8": Case(page().encode(), None, "utf-8"),
    "no declaration, GBK bytes": Case(gbk(page()), None, "gb18030"),
    "meta http-equiv form": Case(
        gbk(page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />')),
        None,
        "gb18030",
    ),
    "meta beyond the first 4096 bytes is ignored": Case(
        gbk(page("<!--" + " " * 5000 + '--><meta charset="big5">')), None, "gb18030"
    ),
    "unknown header charset skipped": Case(
        page().encode(), "text/html; charset=x-no-such-charset", "utf-8"
    ),
    "unknown meta charset skipped": Case(gbk(page('<meta charset="gb_2312-xx">')), None, "gb18030"),
    "binary codec name skipped": Case(page().encode(), "text/html; charset=base64", "utf-8"),
    "undecodable bytes": Case(b"<p>abc\x80\xff\xfe</p>", None, "gb18030-replace", "abc\ufffd"),
    "json without charset": Case('{"title": "王堃"}'.encode(), "application/json", "utf-8", "王堃"),
}


@pytest.mark.parametrize("case", DECODE_CASES.values(), ids=DECODE_CASES.keys())
def test_decode_html(case):
    text, codec = decode_html(case.body, case.content_type)

    assert codec == case.codec
    assert (case.text or LEADER) in text
    assert not text.startswith("\ufeff")


CHARSET_CASES = {
    "none": (None, None),
    "empty": ("", None),
    "no parameter": ("text/html", None),
    "quoted and upper case": ('text/html; charset="GBK"', "gbk"),
    "no space": ("application/json;charset=UTF-8", "utf-8"),
    "spaces around": ("text/html; Charset = gb2312 ", "gb2312"),
    "empty value": ("text/html; charset=", None),
    "other parameters first": ("text/html; q=1; charset=gb18030", "gb18030"),
}


@pytest.mark.parametrize(("header", "expected"), CHARSET_CASES.values(), ids=CHARSET_CASES.keys())
def test_charset_of(header, expected):
    assert charset_of(header) == expected
