"""How politely to fetch: the client's settings, validated at construction."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HttpConfig", "product_token"]


@dataclass(frozen=True, slots=True)
class HttpConfig:
    """How politely to fetch; validated at construction (ValueError)."""

    user_agent: str  # identifying; its product token is matched against robots.txt
    min_interval: float = 1.5  # seconds between the starts of two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # per read; county sites are slow from afar
    max_bytes: int = 50 * 1024 * 1024  # per response body
    retries: int = 4  # urllib3 Retry total: 429, 5xx, resets, timeouts
    backoff_factor: float = 1.0  # exponential backoff; also the jitter amplitude
    backoff_max: float = 300.0  # also caps an honoured Retry-After
    obey_robots: bool = True
    tiny_body: int = 500  # an HTML 200 shorter than this is a rate-limit/anti-bot page
    insecure_hosts: frozenset[str] = frozenset()  # broken TLS tolerated (and logged)

    def __post_init__(self) -> None:
        if not product_token(self.user_agent) or any(c in self.user_agent for c in "\r\n"):
            raise ValueError("user_agent must identify the client, e.g. 'GongkaiSync/0.1 (+url)'")
        if min(self.min_interval, self.retries, self.backoff_factor, self.backoff_max) < 0:
            raise ValueError("intervals, retries and backoff must not be negative")
        if min(self.connect_timeout, self.read_timeout, self.max_bytes) <= 0 or self.tiny_body < 0:
            raise ValueError("timeouts and max_bytes must be positive, tiny_body not negative")


def product_token(user_agent: str) -> str:
    """The User-Agent's product token (``GongkaiSync`` of ``GongkaiSync/0.1 (+url)``)."""
    words = user_agent.split("/", 1)[0].split()
    return words[0] if words else ""
