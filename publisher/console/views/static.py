"""The console's static files, by hashed name, from the home's collected ``static/``.

``ManifestStaticFilesStorage`` names each file by its content
(``console.3f2a91c0.css``), so a hashed name never changes and is served
``immutable``; the unhashed name (for a page cached from before) is not cached.
Served here, not by WhiteNoise, whose middleware is sync-only and would put
every request of the async repository and device API on a thread.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpResponse

from publisher.web.files import file_response
from publisher.web.guard import accepts

if TYPE_CHECKING:
    from django.http import HttpRequest, StreamingHttpResponse

__all__ = ["static"]

_HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")


@accepts("GET", "HEAD")
async def static(request: HttpRequest, path: str) -> HttpResponse | StreamingHttpResponse:
    """A collected static file, or 404 (outside the folder, missing, the manifest itself)."""
    target = _collected(path)
    if target is None:
        return HttpResponse(status=404)
    cache = "public, max-age=31536000, immutable" if _HASHED.search(path) else "no-cache"
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    return await file_response(request, target, headers=headers)


def _collected(path: str) -> Path | None:
    """The collected file at ``path``, or None (outside, missing, the manifest, unnameable)."""
    root = Path(settings.STATIC_ROOT).resolve()
    try:
        target = (root / path).resolve()
        if target.is_relative_to(root) and target.is_file() and target.name != "staticfiles.json":
            return target
    except (OSError, ValueError):
        return None
    return None
