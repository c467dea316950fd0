"""robots.txt: fetched once per origin and obeyed, as RFC 9309 says."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from publisher.sources.errors import FetchError, HTTPStatusError, RobotsDisallowedError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["RobotsRules"]

_DISALLOW_ALL = ("User-agent: *", "Disallow: /")


class RobotsRules:
    """The robots.txt rules of every origin the client talked to.

    Args:
        agent: the product token matched against ``User-agent`` lines.
        fetch: fetches a robots.txt URL's body (raising ``HTTPStatusError``
            for a final error status, ``FetchError`` when unreachable).
    """

    def __init__(self, agent: str, fetch: Callable[[str], bytes]) -> None:
        self._agent = agent
        self._fetch = fetch
        self._rules: dict[str, RobotFileParser] = {}

    def check(self, url: str) -> None:
        """Allow ``url`` or raise; the origin's robots.txt is fetched on first use.

        Raises:
            RobotsDisallowedError: robots.txt forbids the URL.
            FetchError: the site is unreachable (nothing is cached, nothing crawled).
            BlockedError: an anti-bot page answered (nothing is cached).
        """
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        rules = self._rules.get(origin)
        if rules is None:
            rules = self._rules[origin] = self._load(f"{origin}/robots.txt")
        if not rules.can_fetch(self._agent, url):
            raise RobotsDisallowedError(url)

    def _load(self, robots_url: str) -> RobotFileParser:
        """Per RFC 9309: 4xx allows everything; 5xx or 429 allows nothing."""
        rules = RobotFileParser(robots_url)
        try:
            body = self._fetch(robots_url)
        except HTTPStatusError as exc:
            rules.parse([] if 400 <= exc.status < 500 and exc.status != 429 else _DISALLOW_ALL)
        except FetchError as exc:
            # Unreachable means "allow nothing" (RFC 9309): say so truthfully, and
            # cache nothing, so the next attempt asks again.
            raise FetchError(robots_url, f"site unreachable ({exc.reason}); not crawling") from exc
        else:
            rules.parse(body.decode("utf-8-sig", errors="replace").splitlines())
        return rules
