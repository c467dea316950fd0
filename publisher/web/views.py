"""HTTP views: the repository (static, with caching headers), documents, pokes, heartbeats.

The repository is plain files: everything but ``timestamp.json`` is named by
version or hash and never changes, so it is served ``immutable``; a mirror or
CDN in front needs no trust. Mirrored documents open on a phone under their
own name (``publisher.web.files``). Mutating endpoints need a device's bearer
token. Each view declares the methods and body it takes with
:func:`~publisher.web.guard.accepts`; the request guard in front refuses the
rest before a byte of body is read.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from publisher.devices import HeartbeatError, device_for_token, device_heartbeat, heartbeat_parse
from publisher.fleet.screenshots import SCREENSHOTS_HEADER, ScreenshotPolicy
from publisher.web import mobile
from publisher.web.documents import DocumentFaces
from publisher.web.files import content_disposition, file_response
from publisher.web.guard import accepts

if TYPE_CHECKING:
    from django.http import HttpRequest

    from publisher.web.pokes import PokeHub

__all__ = ["configure", "documents", "events", "heartbeat", "repository"]

log = logging.getLogger("gongkai.serve")
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "no-cache"
#: The default cap of a heartbeat body (``[serve] max_heartbeat_bytes``).
MAX_HEARTBEAT = 16 * 1024
#: A document from a county site must never run as a page of the publisher.
_DOCUMENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
}


class _State:
    repository: Path = Path("repository")
    documents: Path = Path("documents")
    hub: PokeHub | None = None
    channels: frozenset[str] = frozenset()
    faces: DocumentFaces = DocumentFaces()
    screenshots: ScreenshotPolicy = ScreenshotPolicy()


def configure(
    *,
    repository: Path,
    documents: Path,
    hub: PokeHub,
    channels: set[str],
    max_heartbeat: int = MAX_HEARTBEAT,
    texts: Path | None = None,
    screenshots: ScreenshotPolicy | None = None,
) -> None:
    """Tell the views where the files are and which hub pokes (done once by `serve`).

    ``texts`` holds the documents' extracted texts (``Home.texts``; by default
    ``texts`` beside ``documents``). A heartbeat may be ``max_heartbeat`` bytes
    plus, when screenshots are kept, room for one screenshot (``screenshots``:
    the ``[fleet]`` policy).
    """
    _State.repository = repository.resolve()
    _State.documents = documents.resolve()
    _State.hub = hub
    _State.channels = frozenset(channels)
    _State.faces = DocumentFaces()
    mobile.configure(texts=texts or documents.parent / "texts")
    _State.screenshots = screenshots or ScreenshotPolicy()
    cap = max_heartbeat + _State.screenshots.body_allowance
    accepts("POST", max_body=cap)(heartbeat)  # the guard reads the tuned cap


@accepts("GET", "HEAD")
async def repository(request: HttpRequest, path: str) -> HttpResponse | StreamingHttpResponse:
    """Serve a repository file; timestamp.json briefly cached, the rest immutable."""
    target = _inside(_State.repository, path)
    if target is None:
        return HttpResponse(status=404)
    mutable = path == "metadata/timestamp.json"
    kind = "application/json" if target.suffix == ".json" else None
    headers = {"Cache-Control": SHORT if mutable else IMMUTABLE}
    return await file_response(request, target, headers=headers, media_type=kind)


@accepts("GET", "HEAD")
async def documents(request: HttpRequest, sha256: str) -> HttpResponse | StreamingHttpResponse:
    """Serve a mirrored document by hash (what kiosk QR codes point to), to open on a phone."""
    target = _inside(_State.documents, f"{sha256[:2]}/{sha256}")
    if target is None:
        return HttpResponse(status=404)
    face = await sync_to_async(_State.faces.get)(sha256)
    headers = {
        "Cache-Control": IMMUTABLE,
        "Content-Disposition": content_disposition(face.name, inline=face.inline),
        **_DOCUMENT_HEADERS,
    }
    kind = face.media_type if face.inline else "application/octet-stream"
    return await file_response(request, target, headers=headers, media_type=kind)


@accepts("GET")
async def events(
    request: HttpRequest,  # noqa: ARG001 - a view's signature
    channel: str,
) -> HttpResponse | StreamingHttpResponse:
    """The server-sent events of a channel: a poke per new release."""
    if channel not in _State.channels or _State.hub is None:
        return HttpResponse(status=404)
    response = StreamingHttpResponse(_State.hub.stream(channel), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@accepts("POST", max_body=MAX_HEARTBEAT + ScreenshotPolicy().body_allowance)
@csrf_exempt
async def heartbeat(request: HttpRequest) -> HttpResponse:
    """A kiosk's report; 401 for an unknown or revoked token, 400 naming a bad field.

    Nothing is recorded from a refused heartbeat. The answer's
    ``Gongkai-Screenshots: on|off`` header tells the agent whether to send
    screenshots of its screen.
    """
    auth = request.headers.get("Authorization", "")
    token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
    device = await sync_to_async(device_for_token)(token)
    if device is None:
        return JsonResponse({"error": "unknown or revoked token"}, status=401)
    address = request.META.get("REMOTE_ADDR", "")
    policy = _State.screenshots
    try:
        report = heartbeat_parse(request.body, policy=policy)
        await sync_to_async(device_heartbeat)(
            device=device, heartbeat=report, address=address, policy=policy
        )
    except HeartbeatError as exc:
        return JsonResponse({"error": str(exc), "field": exc.field}, status=400)
    response = HttpResponse(status=204)
    response[SCREENSHOTS_HEADER] = "on" if policy.enabled else "off"
    return response


def _inside(root: Path, path: str) -> Path | None:
    """The file at ``path`` under ``root``, or None (outside it, missing, or unnameable)."""
    try:
        target = (root / path).resolve()
        if target.is_relative_to(root) and target.is_file():
            return target
    except (OSError, ValueError):  # a name the file system refuses (too long, NUL)
        return None
    return None
