"""How a mirrored document is named and typed for a phone, and the serve limits' config."""

from __future__ import annotations

import tomllib

import pytest
from django.utils import timezone
from pydantic import ValidationError

from publisher.config import Config, PublisherSection, ServeSection, render_config
from publisher.store.models import Document, Item, Revision, Source
from publisher.web.documents import DocumentFace, DocumentFaces, document_face

SHA = "ab" * 32


def _document(media_type="application/pdf", url="http://county.example/up/P0201.pdf"):
    Document.objects.create(
        sha256=SHA, size=10, media_type=media_type, path=f"ab/{SHA}", source_url=url
    )


def _plain(face):
    return (face.name, face.media_type, face.inline)


def _published(attachments, *, state=Item.State.ACTIVE):
    source = Source.objects.get_or_create(key="s", defaults={"site": "http://county.example"})[0]
    item = Item.objects.create(
        source=source, key=f"k{Item.objects.count()}", entity_type="notice", scope="county",
        url="http://county.example/a", state=state,
    )  # fmt: skip
    revision = Revision.objects.create(
        item=item, seq=1, fetched_at=timezone.now(), kind=Revision.Kind.NEW,
        status=Revision.Status.APPROVED, data={"attachments": attachments}, content_hash="x", source_url="http://county.example/a",
    )  # fmt: skip
    item.current = revision
    item.save()


@pytest.mark.django_db
def test_a_document_is_named_after_its_published_attachment():
    _document()
    _published([{"name": "关于开展检查的通知", "url": "http://county.example/up/P0201.pdf",
                 "sha256": SHA}])  # fmt: skip
    assert _plain(document_face(SHA)) == ("关于开展检查的通知.pdf", "application/pdf", True)


@pytest.mark.django_db
def test_an_unpublished_attachment_does_not_name_it():
    _document()
    _published([{"name": "草稿.pdf", "sha256": SHA}], state=Item.State.REMOVED)
    assert document_face(SHA).name == "P0201.pdf"  # the source URL's last segment


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("media_type", "url", "expected"),
    [
        ("", "http://county.example/up/a.pdf", ("a.pdf", "application/pdf", True)),
        (
            "application/octet-stream",
            "http://c.example/f.jpg",
            ("f.jpg", "image/jpeg", True),
        ),
        ("text/html", "http://c.example/x.html", ("x.html", "text/html", False)),
        ("image/svg+xml", "http://c.example/x.svg", ("x.svg", "image/svg+xml", False)),
        (
            "application/pdf",
            "http://c.example/download?id=7",
            (f"{SHA}.pdf", "application/pdf", True),
        ),
    ],
)
def test_the_media_type_is_the_stored_one_or_guessed_and_only_safe_ones_open_inline(
    media_type, url, expected
):
    _document(media_type, url)
    assert _plain(document_face(SHA)) == expected


def test_faces_are_kept_for_a_while():
    calls, now = [], [0.0]

    def look_up(sha):
        calls.append(sha)
        return DocumentFace(name=sha, media_type="application/pdf", inline=True)

    faces = DocumentFaces(ttl=60, clock=lambda: now[0], look_up=look_up)
    faces.get(SHA)
    faces.get(SHA)
    now[0] = 61
    faces.get(SHA)
    assert calls == [SHA, SHA]


def test_the_written_template_holds_the_serve_limits_at_their_defaults():
    text = render_config(name="县", towns=[], sources=[])
    assert Config.model_validate(tomllib.loads(text)).serve == ServeSection()


@pytest.mark.parametrize(
    "bad",
    [{"max_connections": 0}, {"request_timeout": 0}, {"max_url_bytes": 10**9}, {"typo": 1}],
)
def test_serve_limits_are_bounded(bad):
    with pytest.raises(ValidationError):
        ServeSection(**bad)


def test_the_served_host_names():
    config = Config(
        publisher=PublisherSection(public_url="https://Gongkai.County.example:8443"),
        serve=ServeSection(allowed_hosts=("hall.example",)),
    )
    assert config.served_hosts() == {
        "gongkai.county.example", "hall.example", "127.0.0.1", "localhost", "[::1]"
    }  # fmt: skip
