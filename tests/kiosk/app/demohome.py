"""A kiosk home with the demo county's release, built in-process (no publisher, no socket).

The release is signed in a local TUF repository and installed by the real
update agent, so the app reads exactly what a kiosk in a hall would; photos
and published flowcharts are real JPEG/PNG files (drawn like the demo site's).
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw

from content.models._registry import ANY_ENTITY
from content.release_build import ShortLinks, attachment_hashes
from content.serialize import to_record
from content.shortlink import derive_code

from ..localrepo import LocalRepo, _county, local_agent, provisioned

if TYPE_CHECKING:
    from pathlib import Path

    from content.enums import EntityType
    from content.models import Entity

#: The host the demo county's records point at; the release allows it for QR codes.
SOURCE_HOST = "127.0.0.1:8600"


def build_kiosk_home(
    folder: Path, *, channel: str = "town-nanan", without: frozenset[EntityType] = frozenset()
) -> Path:
    """Sign a release of the demo county for ``channel`` and activate it in ``folder/kiosk``.

    ``without``: entity types left out (a county that does not publish them yet).
    """
    entities, images = _real_images()
    entities = [e for e in entities if e.entity_type not in without]
    repo = LocalRepo(folder / "publisher")
    repo.release(
        entities, images, channel=channel, allowed_hosts=[SOURCE_HOST], links=demo_links(entities)
    )
    home = provisioned(folder / "kiosk", repo)
    report = local_agent(repo, home, channel=channel, parallel=4).refresh()
    assert report.result == "activated", report
    return home


def demo_links(entities: list[Entity]) -> ShortLinks:
    """Short codes as the publisher derives them (no collision among the demo's)."""
    items = {e.id: derive_code("d", e.id) for e in entities}
    files = {sha: derive_code("f", sha) for e in entities for sha in attachment_hashes(e)}
    assert len(set(items.values()) | set(files.values())) == len(items) + len(files)
    return ShortLinks(items=items, documents=files)


def _real_images() -> tuple[list[Entity], dict[str, bytes]]:
    entities, _ = _county()
    images: dict[str, bytes] = {}
    out = []
    for entity in entities:
        record = to_record(entity)
        if _replace(record, images):
            out.append(ANY_ENTITY.validate_python(record))
        else:
            out.append(entity)
    return out, images


def _replace(record: Any, images: dict[str, bytes]) -> bool:
    found = False
    if isinstance(record, dict):
        if record.get("file_type") in {"png", "jpg"} and record.get("url"):
            data = _picture(str(record["url"]), record["file_type"])
            sha = hashlib.sha256(data).hexdigest()
            images[sha] = data
            record["sha256"], record["size_bytes"] = sha, len(data)
            found = True
        for value in record.values():
            found = _replace(value, images) or found
    elif isinstance(record, list):
        for value in record:
            found = _replace(value, images) or found
    return found


def _picture(url: str, file_type: str) -> bytes:
    seed = hashlib.sha256(url.encode()).digest()
    if file_type == "jpg":
        image = Image.new("RGB", (300, 400), (200 + seed[0] % 40, 205, 215))
        draw = ImageDraw.Draw(image)
        draw.ellipse((90, 60, 210, 190), fill=(120 + seed[1] % 60, 100, 90))
        draw.rectangle((60, 200, 240, 400), fill=(40, 50, 70 + seed[2] % 60))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        return buffer.getvalue()
    image = Image.new("RGB", (800, 1000), "white")
    draw = ImageDraw.Draw(image)
    for row in range(5):
        top = 40 + row * 190
        draw.rectangle((250, top, 550, top + 110), outline="black", width=4)
        if row < 4:
            draw.line((400, top + 110, 400, top + 190), fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def manifest(home: Path) -> dict[str, Any]:
    """The active release's manifest as JSON."""
    return json.loads((home / "active" / "manifest.json").read_text(encoding="utf-8"))
