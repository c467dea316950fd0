"""HTTP views: the repository (static, with caching headers), pokes, heartbeats.

The repository is plain files: everything but ``timestamp.json`` is named by
version or hash and never changes, so it is served ``immutable``; a mirror or
CDN in front needs no trust. Mutating endpoints need a device's bearer token.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
    StreamingHttpResponse,
)
from django.views.decorators.csrf import csrf_exempt

from publisher.devices import Heartbeat, device_for_token, device_heartbeat

if TYPE_CHECKING:
    from django.http import HttpRequest

    from publisher.web.pokes import PokeHub

__all__ = ["configure", "documents", "events", "heartbeat", "repository"]

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "no-cache"
MAX_HEARTBEAT = 16 * 1024
SMALL_FILE = 4 * 1024 * 1024


class _State:
    repository: Path = Path("repository")
    documents: Path = Path("documents")
    hub: PokeHub | None = None
    channels: frozenset[str] = frozenset()


def configure(*, repository: Path, documents: Path, hub: PokeHub, channels: set[str]) -> None:
    """Tell the views where the files are and which hub pokes (done once by `serve`)."""
    _State.repository = repository.resolve()
    _State.documents = documents.resolve()
    _State.hub = hub
    _State.channels = frozenset(channels)


async def repository(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """Serve a repository file; timestamp.json briefly cached, the rest immutable."""
    return await _file(request, _State.repository, path, mutable=path == "metadata/timestamp.json")


async def documents(request: HttpRequest, sha256: str) -> HttpResponse | FileResponse:
    """Serve a mirrored document by hash (what kiosk QR codes may point to)."""
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        return HttpResponse(status=404)
    return await _file(request, _State.documents, f"{sha256[:2]}/{sha256}", mutable=False)


async def events(request: HttpRequest, channel: str) -> HttpResponse | StreamingHttpResponse:
    """The server-sent events of a channel: a poke per new release."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if channel not in _State.channels or _State.hub is None:
        return HttpResponse(status=404)
    response = StreamingHttpResponse(_State.hub.stream(channel), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@csrf_exempt
async def heartbeat(request: HttpRequest) -> HttpResponse:
    """A kiosk's report; 401 and nothing recorded for an unknown or revoked token."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    auth = request.headers.get("Authorization", "")
    token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
    device = await sync_to_async(device_for_token)(token)
    if device is None:
        return JsonResponse({"error": "unknown or revoked token"}, status=401)
    if len(request.body) > MAX_HEARTBEAT:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        data = json.loads(request.body or b"{}")
        report = Heartbeat(data if isinstance(data, dict) else {"_": None})
        if not isinstance(data, dict):
            return JsonResponse({"error": "a JSON object is required"}, status=400)
    except (ValueError, TypeError) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    address = request.META.get("REMOTE_ADDR", "")
    await sync_to_async(device_heartbeat)(device=device, heartbeat=report, address=address)
    return HttpResponse(status=204)


async def _file(
    request: HttpRequest, root: Path, path: str, *, mutable: bool
) -> HttpResponse | FileResponse:
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return HttpResponse(status=404)
    stat = target.stat()
    etag = f'"{int(stat.st_mtime_ns):x}-{stat.st_size:x}"'
    headers = {"ETag": etag, "Cache-Control": SHORT if mutable else IMMUTABLE}
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers=headers)
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if target.suffix == ".json":
        kind = "application/json"
    if stat.st_size <= SMALL_FILE:
        # Release objects are small: read them whole, off the event loop.
        body = await asyncio.to_thread(target.read_bytes)
        return HttpResponse(body, content_type=kind, headers=headers)
    response = FileResponse(target.open("rb"), content_type=kind)
    for name, value in headers.items():
        response[name] = value
    return response
