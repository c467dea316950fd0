"""Attachments behind download scripts: which links are documents, and what a download is."""

from __future__ import annotations

import io
import zipfile

import pytest
from demosite import files

from content.enums import FileType
from publisher.sources.attachments import disposition_filename, identify, sniff
from publisher.sources.html import parse_detail
from publisher.sources.profiles import DetailSpec
from publisher.sources.records import ListEntry

PAGE = "http://county.example/art/2026/1/5/art_4227_1001.html"


def _body(links: str) -> str:
    return f'<html><body><div id="zoom"><p>正文第一段。</p>{links}</div></body></html>'


def _record(links: str, spec: DetailSpec | None = None):
    return parse_detail(_body(links), PAGE, spec or DetailSpec(), ListEntry(PAGE))


def test_a_download_script_link_is_an_attachment_by_its_query_text_or_pattern() -> None:
    record = _record(
        '<p><a href="/module/download/downfile.jsp?classid=0&amp;filename=0f3a9c.pdf">'
        "点击下载</a></p>"
        '<p><a href="/attach/download?id=77">附件2：实施细则.docx</a></p>'
        '<p><a href="/DownLoad.aspx?fid=9">年度预算表</a></p>',
        DetailSpec(attachment_patterns=(r"/DownLoad\.aspx\?",)),
    )
    assert record.attachments == [
        (
            "0f3a9c.pdf",
            "http://county.example/module/download/downfile.jsp?classid=0&filename=0f3a9c.pdf",
        ),
        ("附件2：实施细则.docx", "http://county.example/attach/download?id=77"),
        ("年度预算表", "http://county.example/DownLoad.aspx?fid=9"),
    ]
    assert record.unmirrored == []
    assert record.body == ["正文第一段。"]  # the link paragraphs are not body text


def test_a_labelled_link_the_profile_does_not_take_is_reported_not_dropped() -> None:
    record = _record(
        "<p>附件：</p>"
        '<p><a href="/attach/get?id=5">关于开展检查的通知</a></p>'
        '<p>相关附件：<a href="/f/open?k=8">实施方案</a></p>'
        '<p><a href="/news/other.html">相关新闻</a></p>'
    )
    assert record.attachments == []
    assert record.unmirrored == [
        ("关于开展检查的通知", "http://county.example/attach/get?id=5"),
        ("实施方案", "http://county.example/f/open?k=8"),
    ]


NOTICE = "%E9%80%9A%E7%9F%A5.pdf"  # 通知.pdf in UTF-8


def _raw(name: str) -> str:
    """A name's GB18030 bytes as http.client hands header bytes over (read as latin-1)."""
    return name.encode("gb18030").decode("latin-1")


@pytest.mark.parametrize(
    ("header", "name"),
    [
        (f"attachment; filename*=UTF-8''{NOTICE}", "通知.pdf"),
        # RFC 6266: filename* wins over filename, whichever comes first.
        (f"attachment; filename=\"notice.pdf\"; filename*=UTF-8''{NOTICE}", "通知.pdf"),
        (f"attachment; filename*=utf-8''{NOTICE}; filename=notice.pdf", "通知.pdf"),
        ('inline; filename="plan 2026.docx"', "plan 2026.docx"),
        # GBK bytes sent raw: http.client hands them over read as latin-1.
        (f'attachment; filename="{_raw("关于印发的通知.doc")}"', "关于印发的通知.doc"),
        (f"attachment; filename={_raw('镕堃名单.xls')}", "镕堃名单.xls"),
        ("attachment; filename=%E9%80%9A%E7%9F%A5.pdf", "通知.pdf"),  # percent-encoded, plainly
        ("attachment; filename=%CD%A8%D6%AA.pdf", "通知.pdf"),  # percent-encoded GBK
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ("attachment", None),
        ("inline; filename=", None),
    ],
)
def test_the_file_name_comes_from_content_disposition(header: str, name: str | None) -> None:
    assert disposition_filename(header) == name


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


@pytest.mark.parametrize(
    ("head", "hint", "kind"),
    [
        (files.pdf_document("标题", ["一行"]), FileType.OTHER, FileType.PDF),
        (_zip("OFD.xml", "Doc_0/Document.xml"), FileType.OTHER, FileType.OFD),
        (_zip("[Content_Types].xml", "word/document.xml"), FileType.OTHER, FileType.DOCX),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), FileType.OTHER, FileType.XLSX),
        (_zip("readme.txt"), FileType.OTHER, FileType.ZIP),
        (b"Rar!\x1a\x07\x01\x00" + bytes(32), FileType.OTHER, FileType.RAR),
        (b"7z\xbc\xaf\x27\x1c" + bytes(32), FileType.OTHER, FileType.SEVEN_Z),
        (OLE, FileType.WPS, FileType.WPS),
        (OLE, FileType.ET, FileType.ET),
        (OLE, FileType.XLS, FileType.XLS),
        (b"<html>not a document</html>", FileType.OTHER, FileType.OTHER),
    ],
)
def test_the_bytes_signature_tells_the_type(head: bytes, hint: FileType, kind: FileType) -> None:
    assert sniff(head, hint=hint) is kind


def test_disposition_beats_content_type_which_beats_the_bytes_which_beat_the_link() -> None:
    pdf = files.pdf_document("标题", ["一行"])
    docx = _zip("[Content_Types].xml", "word/document.xml")
    found = identify(
        disposition="attachment; filename*=UTF-8''%E6%96%B9%E6%A1%88.docx",
        media_type="application/pdf",
        head=pdf,
        hint="downfile.jsp",
    )
    assert (found.file_type, found.name) == (FileType.DOCX, "方案.docx")
    by_type = identify(disposition=None, media_type="application/pdf", head=docx, hint="")
    assert (by_type.file_type, by_type.name) == (FileType.PDF, None)
    octet = identify(disposition=None, media_type="application/octet-stream", head=docx, hint="")
    assert octet.file_type is FileType.DOCX
    last = identify(disposition=None, media_type=None, head=b"??", hint="x?filename=a.ofd")
    assert last.file_type is FileType.OFD
