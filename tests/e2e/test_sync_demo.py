"""The sync issue's "done when", end to end against the demo county website.

A full sync stores every demo item (the generator's counts, every field equal)
with provenance and mirrored attachments; a second run changes nothing and
costs a few percent of the requests; after a mutation round the next run
records exactly the edits, additions and removals the site made.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from content import demo
from content.enums import EntityType
from content.serialize import content_hash
from content.validation import validate_entity
from publisher.config import Config, SourceConfig, TownConfig
from publisher.home import Home
from publisher.sources.http import HttpConfig, PoliteClient
from publisher.store import services
from publisher.store.models import Document, Item, Revision
from publisher.sync import SyncEngine

COLUMNS = ("jgzn", "ldxx", "qlqd", "zdxm", "msss", "gkml", "gkzn", "tzgg", "gknb")


def _engine(home: Home, site: str) -> SyncEngine:
    config = Config(
        towns=tuple(TownConfig(name=name, id=town_id) for name, town_id in demo.DEMO_TOWNS),
        sources=tuple(
            SourceConfig(id=f"dayu-{key}", profile=f"builtin:dayu/{key}", site=site)
            for key in COLUMNS
        ),
    )
    http = HttpConfig(user_agent="GongkaiTest/1.0", min_interval=0, retries=1, backoff_factor=0)
    return SyncEngine(home=home, config=config, client_factory=lambda: PoliteClient(http))


def _without_mirror(entity) -> str:
    """The entity's hash as the generator computes it (no mirror hashes or sizes)."""
    update = {}
    if getattr(entity, "attachments", None):
        update["attachments"] = tuple(
            a.model_copy(update={"sha256": None, "size_bytes": None}) for a in entity.attachments
        )
    if getattr(entity, "photo", None) is not None:
        update["photo"] = entity.photo.model_copy(update={"sha256": None, "size_bytes": None})
    chart = getattr(entity, "flowchart", None)
    if chart is not None and chart.image is not None:
        image = chart.image.model_copy(update={"sha256": None, "size_bytes": None})
        update["flowchart"] = chart.model_copy(update={"image": image})
    return content_hash(entity.model_copy(update=update))


def _latest(item: Item) -> Revision:
    return item.revisions.exclude(status=Revision.Status.SUPERSEDED).order_by("-seq").first()


@pytest.mark.slow
@pytest.mark.django_db
def test_full_sync_resync_and_mutation(demo_site, tmp_path):
    home = Home(tmp_path / "home")
    home.make_folders()
    engine = _engine(home, demo_site.url)
    county = demo.generate_county(base_url=demo_site.url)

    # 1. Full sync: every item, every field as generated, documents mirrored.
    first = engine.run()
    assert all(s.status == "ok" and s.failed == 0 for s in first), [s.message for s in first]
    stored = Counter(Item.objects.values_list("entity_type", flat=True))
    assert stored == {str(t): n for t, n in county.counts().items()}
    expected = {e.id: e for items in county.by_type().values() for e in items}
    for item in Item.objects.all():
        revision = _latest(item)
        assert revision.status == Revision.Status.PENDING
        entity = validate_entity(EntityType(item.entity_type), revision.data)
        assert entity.provenance.source_url == expected[item.key].provenance.source_url
        assert _without_mirror(entity) == expected[item.key].provenance.content_hash, item.key
        for attachment in getattr(entity, "attachments", ()):
            document = Document.objects.get(sha256=attachment.sha256)
            data = home.document_path(attachment.sha256).read_bytes()
            assert hashlib.sha256(data).hexdigest() == attachment.sha256
            assert document.size == attachment.size_bytes == len(data)
    full_requests = sum(s.requests for s in first)
    full_bytes = sum(s.bytes for s in first)

    # 2. Nothing changed: nothing stored, a few percent of the requests and bytes.
    second = engine.run()
    assert sum(s.new + s.changed + s.removed + s.failed for s in second) == 0
    assert sum(s.requests for s in second) <= 0.05 * full_requests
    assert sum(s.bytes for s in second) <= 0.02 * full_bytes
    assert Revision.objects.count() == len(expected)

    # 3. A mutation round: exactly its edits, additions and removals.
    changes = demo_site.mutate()
    before = set(Revision.objects.values_list("pk", flat=True))
    third = engine.run()
    assert all(s.status == "ok" for s in third)
    fresh = Revision.objects.exclude(pk__in=before).select_related("item")
    by_kind: dict[str, set[str]] = {"new": set(), "change": set(), "removal": set()}
    for revision in fresh:
        by_kind[revision.kind].add(revision.item.key)

    def ids(group: str) -> set[str]:
        return {i for values in changes[group].values() for i in values}

    assert by_kind == {"new": ids("added"), "change": ids("edited"), "removal": ids("removed")}
    assert sum(s.new for s in third) == len(ids("added"))
    assert sum(s.changed for s in third) == len(ids("edited"))
    assert sum(s.removed for s in third) == len(ids("removed"))

    # 4. Approving everything publishes it; removals take items off.
    for revision in Revision.objects.filter(status=Revision.Status.PENDING):
        services.revision_approve(revision=revision, actor="tester", secrecy_checked=True)
    assert Item.objects.filter(current__isnull=True, state=Item.State.ACTIVE).count() == 0
    assert Item.objects.filter(state=Item.State.REMOVED).count() == len(ids("removed"))
