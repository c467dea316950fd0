"""Short links in the store and the pages behind them, rendered from approved content only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from content.demo import generate_county
from content.enums import EntityType
from content.serialize import to_record
from content.shortlink import derive_code
from publisher.store.links import short_link_maps, short_links_by_url
from publisher.store.models import Document, Item, Revision, ShortLink, Source
from publisher.store.services.links import links_assign
from publisher.web import mobile

PAGE_BUDGET = 100 * 1024


@pytest.fixture(scope="module")
def county():
    return generate_county()


def _publish(record, *, entity_type, key=None, status=Revision.Status.APPROVED):
    source = Source.objects.get_or_create(key="s", defaults={"site": "http://county.example"})[0]
    item = Item.objects.create(
        source=source, key=key or record["id"], entity_type=entity_type, scope="county",
        url=record["provenance"]["source_url"], title=str(record.get("title") or ""),
    )  # fmt: skip
    revision = Revision.objects.create(
        item=item, seq=1, fetched_at=timezone.now(), kind=Revision.Kind.NEW, status=status,
        data=record, content_hash="x", source_url=item.url,
    )  # fmt: skip
    item.current = revision
    item.save()
    links_assign(items=[item.key])
    return item, ShortLink.objects.get(kind="d", target=item.key).code


@pytest.mark.django_db
def test_codes_are_derived_kept_and_a_taken_one_is_never_given_again():
    ShortLink.objects.create(code=derive_code("d", "item-b"), kind="d", target="item-x")
    assert links_assign(items=["item-a", "item-b"], documents=["ab" * 32]) == 3
    items, documents = short_link_maps()
    assert items["item-a"] == derive_code("d", "item-a")
    assert items["item-b"] == derive_code("d", "item-b", 6)  # the collision took one more
    assert documents["ab" * 32] == derive_code("f", "ab" * 32)
    assert links_assign(items=["item-a", "item-b"], documents=["ab" * 32]) == 0
    assert ShortLink.objects.count() == 4
    assert ShortLink.objects.get(target="item-x").code == derive_code("d", "item-b")


@pytest.mark.django_db
@pytest.mark.parametrize("entity_type", list(EntityType))
def test_every_type_has_a_readable_page(county, entity_type):
    entity = county.by_type()[entity_type][0]
    record = to_record(entity)
    _, code = _publish(record, entity_type=entity_type.value)
    page = mobile.render_item(code)
    assert page.status == 200
    html = page.body.decode()
    assert len(page.body) <= PAGE_BUDGET
    assert '<meta name="viewport" content="width=device-width' in html
    assert '<meta charset="utf-8">' in html
    assert "原文链接" in html
    assert record["provenance"]["source_url"] in html
    for key in ("title", "name", "doc_number", "publisher", "implementing_body", "lead_unit"):
        if record.get(key):
            assert str(record[key]).replace('"', "&quot;") in html, key


@pytest.mark.django_db
def test_a_catalogue_page_shows_its_issuer_and_document_number(county):
    entity = next(e for e in county.catalogue if e.doc_number)
    _, code = _publish(to_record(entity), entity_type="catalogue_entry")
    html = mobile.render_item(code).body.decode()
    assert f"<dt>文号</dt><dd>{entity.doc_number}</dd>" in html
    assert f"<dt>发布机构</dt><dd>{entity.publisher}</dd>" in html


@pytest.mark.django_db
def test_a_power_item_page_has_its_steps_basis_and_time_limits(county):
    entity = next(e for e in county.power_items if e.flowchart and e.flowchart.steps)
    _, code = _publish(to_record(entity), entity_type="power_item")
    html = mobile.render_item(code).body.decode()
    assert "<h2>设定依据</h2>" in html
    assert '<ol class="flow">' in html
    assert html.count("<li><b>") == len(entity.flowchart.steps)


@pytest.mark.django_db
def test_text_from_the_county_site_is_escaped(county):
    record = to_record(county.notices[0])
    record["title"] = '<script>alert("x")</script>通知'
    record["body_text"] = "<img src=x onerror=alert(1)> & 正文"
    _, code = _publish(record, entity_type="notice")
    html = mobile.render_item(code).body.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;通知" in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; 正文" in html


@pytest.mark.django_db
def test_a_pending_revision_is_never_shown(county):
    record = to_record(county.notices[1])
    item, code = _publish(record, entity_type="notice")
    Revision.objects.create(
        item=item, seq=2, fetched_at=timezone.now(), kind=Revision.Kind.CHANGE,
        status=Revision.Status.PENDING, data={**record, "title": "尚未审核的新标题"},
        content_hash="y", source_url=item.url,
    )  # fmt: skip
    html = mobile.render_item(code).body.decode()
    assert record["title"] in html
    assert "尚未审核的新标题" not in html
    _, fresh_code = _publish(
        {**record, "title": "只有待审"}, entity_type="notice", key="notice-pending",
        status=Revision.Status.PENDING,
    )  # fmt: skip
    assert mobile.render_item(fresh_code).status == 404


@pytest.mark.django_db
def test_a_withdrawn_item_says_so_and_keeps_its_code(county):
    record = to_record(county.notices[2])
    item, code = _publish(record, entity_type="notice")
    item.state = Item.State.REMOVED
    item.save()
    page = mobile.render_item(code)
    assert page.status == 410
    html = page.body.decode()
    assert "已于" in html
    assert "撤回" in html
    assert record["body_text"][:20] not in html
    links_assign(items=["another-item"])
    assert ShortLink.objects.get(kind="d", target=item.key).code == code


@pytest.mark.django_db
def test_an_unknown_code_is_not_found():
    assert mobile.render_item("zzzzz").status == 404
    assert mobile.render_document("zzzzz", 1).status == 404


@pytest.mark.django_db
def test_a_document_page_shows_the_pdf_text_and_links_the_file(tmp_path, county):
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: PLC0415
    from reportlab.pdfgen import canvas  # noqa: PLC0415

    from publisher.doctext import text_ensure  # noqa: PLC0415

    sha = "cd" * 32
    path = tmp_path / sha[:2] / sha
    path.parent.mkdir()
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(72, 760, "关于做好城乡居民医保参保缴费工作的通知")
    pdf.save()
    Document.objects.create(
        sha256=sha, size=path.stat().st_size, media_type="application/pdf",
        path=f"{sha[:2]}/{sha}", source_url="http://county.example/P0201.pdf",
    )  # fmt: skip
    text = tmp_path / "texts" / sha[:2] / f"{sha}.txt"
    assert text_ensure(path, "application/pdf", text)
    assert not text_ensure(path, "application/pdf", text)  # once
    links_assign(documents=[sha])
    mobile.configure(texts=tmp_path / "texts")
    page = mobile.render_document(derive_code("f", sha), 1)
    assert page.status == 200
    html = page.body.decode()
    assert "关于做好城乡居民医保参保缴费工作的通知" in html
    assert f'href="/docs/{sha}"' in html
    assert mobile.render_document(derive_code("f", sha), 2).status == 404
    by_url = short_links_by_url("http://127.0.0.1:8700")
    assert by_url[f"http://127.0.0.1:8700/docs/{sha}"].endswith("/f/" + derive_code("f", sha))
    assert by_url["http://county.example/P0201.pdf"] == by_url[f"http://127.0.0.1:8700/docs/{sha}"]


@pytest.mark.django_db
def test_a_long_text_is_cut_to_the_page_budget(county):
    record = to_record(county.notices[3])
    record["body_text"] = "政务公开" * 20_000
    _, code = _publish(record, entity_type="notice")
    page = mobile.render_item(code)
    assert len(page.body) <= PAGE_BUDGET
    assert "全文请看原文链接" in page.body.decode()


def test_a_pdfs_broken_lines_are_joined_into_paragraphs():
    text = (
        "河洞乡各村（居）委会、各有关单位：\n为做好相关工作，现将有关事项通知如下。请广大群\n"
        "众相互转告，给大家带来的不便敬请谅解。\n\n河洞乡人民政府\n"
    )
    assert mobile.paragraphs(text) == [
        "河洞乡各村（居）委会、各有关单位：",
        "为做好相关工作，现将有关事项通知如下。请广大群众相互转告，给大家带来的不便敬请谅解。",
        "河洞乡人民政府",
    ]
