"""Which URLs a kiosk may put in a QR code.

Only the county's own hosts and the publisher's public URL, as the release
lists them (``Manifest.allowed_hosts`` and ``publisher_url``): a scraped page
that links elsewhere must not turn a government kiosk into a pointer to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from content.records import AttachmentRecord, RecordBase
    from content.release import Manifest

__all__ = ["LinkPolicy", "display_url"]


class LinkPolicy:
    """Decides the document URL of a record, within the release's allowed hosts."""

    def __init__(self, manifest: Manifest) -> None:
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

    def attachment(self, attachment: AttachmentRecord) -> str | None:
        """The publisher's mirror of an attachment (by hash), else its own URL if allowed."""
        sha = attachment.get("sha256")
        if isinstance(sha, str) and len(sha) == 64 and self.publisher_url:
            mirror = f"{self.publisher_url}/docs/{sha}"
            if self.allowed(mirror):
                return mirror
        url = attachment.get("url")
        return url if isinstance(url, str) and self.allowed(url) else None


def display_url(url: str) -> str:
    """The URL as printed under a QR code: without the scheme."""
    return url.split("://", 1)[-1]
