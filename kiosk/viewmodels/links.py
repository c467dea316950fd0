"""Which URLs a kiosk may put in a QR code.

Only the county's own hosts and the publisher's public URL, as the release
lists them (``Manifest.allowed_hosts`` and ``publisher_url``): a scraped page
that links elsewhere must not turn a government kiosk into a pointer to it.
Where the release gives an item or attachment a short link
(``content.shortlink``: ``/d/<code>``, ``/f/<code>``), that is what the QR
code carries: a small code to scan from afar, an address a person can type,
and a page a phone's (WeChat's) browser can read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from content.shortlink import short_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    from content.records import AttachmentRecord, RecordBase
    from content.release import Manifest

__all__ = ["LinkPolicy", "display_url"]


class LinkPolicy:
    """Decides the document URL of a record, within the release's allowed hosts."""

    def __init__(self, manifest: Manifest, file_links: Mapping[str, str] | None = None) -> None:
        #: Attachment SHA-256 → short code (an index entry's ``file_links``).
        self.file_links = dict(file_links or {})
        self.publisher_url = manifest.publisher_url.rstrip("/")
        self.hosts = {h.lower() for h in manifest.allowed_hosts}
        publisher_host = urlsplit(self.publisher_url).netloc.lower()
        if publisher_host:
            self.hosts.add(publisher_host)

    def allowed(self, url: str | None) -> bool:
        """Whether a URL may be shown: http(s), no credentials, an allowed host."""
        if not url:
            return False
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        if parts.scheme not in {"http", "https"} or "@" in parts.netloc:
            return False
        return parts.netloc.lower() in self.hosts

    def source(self, record: RecordBase) -> str | None:
        """The record's source page on the county site, if allowed."""
        provenance = record.get("provenance")
        url = provenance.get("source_url") if provenance else None
        return url if isinstance(url, str) and self.allowed(url) else None

    def item(self, code: str) -> str | None:
        """The short link of an item's phone page (``/d/<code>``), if it has a code."""
        if not code or not self.publisher_url:
            return None
        url = short_url(self.publisher_url, "d", code)
        return url if self.allowed(url) else None

    def attachment(self, attachment: AttachmentRecord) -> str | None:
        """An attachment's short link (``/f/<code>``), else its mirror, else its own URL."""
        sha = attachment.get("sha256")
        code = self.file_links.get(sha) if isinstance(sha, str) else None
        if code and self.publisher_url:
            short = short_url(self.publisher_url, "f", code)
            if self.allowed(short):
                return short
        if isinstance(sha, str) and len(sha) == 64 and self.publisher_url:
            mirror = f"{self.publisher_url}/docs/{sha}"
            if self.allowed(mirror):
                return mirror
        url = attachment.get("url")
        return url if isinstance(url, str) and self.allowed(url) else None


def display_url(url: str) -> str:
    """The URL as printed under a QR code: without the scheme."""
    return url.split("://", 1)[-1]
