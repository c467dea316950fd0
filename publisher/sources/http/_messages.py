"""What the client hands back: a fetched page, a downloaded file, their validators."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from publisher.sources.decoding import decode_html

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["Download", "Response", "Validators", "media_type", "validators_in"]


@dataclass(frozen=True, slots=True)
class Validators:
    """The cache validators of a fetched resource, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Response:
    """A fetched page: status 200 (or another 2xx), or 304 with an empty body."""

    url: str  # final URL, after redirects
    status: int
    headers: Mapping[str, str]  # read-only, case-insensitive
    body: bytes  # b"" for 304
    elapsed: float  # seconds from the start of the request to the end of the body

    @property
    def not_modified(self) -> bool:
        """Whether the server answered 304 to a conditional GET."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The ETag header, if any."""
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified header, if any."""
        return self.headers.get("Last-Modified")

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if any."""
        return self.headers.get("Content-Type")

    @property
    def validators(self) -> Validators:
        """The validators to send with the next conditional GET of this URL."""
        return Validators(etag=self.etag, last_modified=self.last_modified)

    def text(self) -> str:
        """Return the body decoded with :func:`~publisher.sources.decoding.decode_html`."""
        return decode_html(self.body, self.content_type)[0]

    def json(self) -> Any:
        """Return the body parsed as JSON.

        Raises:
            ValueError: the body is not JSON.
        """
        return json.loads(self.text())


@dataclass(frozen=True, slots=True)
class Download:
    """A downloaded attachment; for a 304 everything but url, status and validators is None."""

    url: str  # final URL, after redirects
    status: int
    path: Path | None  # a temp file in the requested folder, for the caller to rename
    sha256: str | None  # hex digest of the content
    size: int | None
    media_type: str | None  # Content-Type without parameters, lower-cased
    validators: Validators  # as sent by the server
    disposition: str | None = None  # the Content-Disposition header, as received


def media_type(content_type: str | None) -> str | None:
    """A Content-Type without its parameters, lower-cased (None when absent or empty)."""
    return (content_type.split(";", 1)[0].strip().lower() or None) if content_type else None


def validators_in(headers: Mapping[str, str]) -> Validators:
    """The validators a response's headers carry."""
    return Validators(etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"))
