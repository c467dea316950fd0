"""The publisher's configuration: ``gongkai.toml`` in the home, typed and validated.

Every value has a safe, bounded default; unknown keys are errors (a typo must
not be silently ignored). ``render_config`` writes the commented file that
``gongkai init`` creates.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from publisher.tomlfile import load_toml, refuse_quoted_scalars

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "CONFIG_NAME",
    "ApplicationsSection",
    "CalendarSection",
    "Config",
    "FleetSection",
    "HttpSection",
    "ReviewSection",
    "Schedule",
    "ServeSection",
    "SourceConfig",
    "TownConfig",
    "load_config",
    "parse_schedule",
    "render_config",
]

CONFIG_NAME = "gongkai.toml"
_SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"
_EVERY = re.compile(r"^every\s+(\d+)\s*([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _unquoted(cls, value: Any, info: ValidationInfo) -> Any:
        return refuse_quoted_scalars(cls, value, info)


class PublisherSection(_Section):
    """Who runs this publisher."""

    name: str = "县人民政府"
    public_url: str = "http://127.0.0.1:8700"


class DatabaseSection(_Section):
    """Where the store lives: SQLite in the home by default, or PostgreSQL."""

    url: str = "sqlite:///db.sqlite3"


class HttpSection(_Section):
    """How politely the sync fetches."""

    user_agent: str = "GongkaiSync/0.1 (county disclosure sync; +https://gongkai.example/bot)"
    min_interval: Annotated[float, Field(ge=0, le=600)] = 1.5
    connect_timeout: Annotated[float, Field(gt=0, le=300)] = 10.0
    read_timeout: Annotated[float, Field(gt=0, le=600)] = 60.0
    max_response_mb: Annotated[float, Field(gt=0, le=2048)] = 50.0
    retries: Annotated[int, Field(ge=0, le=10)] = 4
    obey_robots: bool = True
    #: An HTML page shorter than this is taken as a rate-limit or anti-bot page.
    tiny_body: Annotated[int, Field(ge=0, le=100_000)] = 500
    insecure_hosts: tuple[str, ...] = ()


class ReviewSection(_Section):
    """What needs a person before it is published."""

    auto_approve: bool = False
    max_rewrite_share: Annotated[float, Field(gt=0, le=1)] = 0.5
    max_removal_share: Annotated[float, Field(gt=0, le=1)] = 0.2


class ServeSection(_Section):
    """The limits `gongkai serve` enforces on every client (a hall network is not trusted)."""

    #: Open connections in all; past it a new one is answered 503 and closed.
    max_connections: Annotated[int, Field(ge=8, le=65_536)] = 512
    #: Open connections from one client address (kiosks behind one NAT share one).
    max_connections_per_address: Annotated[int, Field(ge=1, le=65_536)] = 32
    #: Addresses the per-address cap does not apply to (the total cap does): a
    #: reverse proxy or town-hall mirror in front, which speaks for many kiosks at
    #: once (nginx on this host connects from 127.0.0.1) and bounds its own clients.
    proxy_addresses: tuple[str, ...] = ("127.0.0.1", "::1")
    #: Seconds a client has to send a whole request (line, headers, body), counted
    #: from when the connection waits for it; then it is closed.
    request_timeout: Annotated[float, Field(gt=0, le=300)] = 15.0
    #: Seconds an idle keep-alive connection is kept after a response.
    keep_alive_timeout: Annotated[float, Field(gt=0, le=300)] = 5.0
    #: Longest request target (path and query), in bytes; longer is answered 414.
    max_url_bytes: Annotated[int, Field(ge=256, le=65_536)] = 2048
    #: Most bytes of request line and headers; more is answered 400.
    max_header_bytes: Annotated[int, Field(ge=1024, le=1_048_576)] = 16_384
    #: Most bytes of a kiosk's heartbeat body; more is answered 413 unread.
    max_heartbeat_bytes: Annotated[int, Field(ge=1024, le=1_048_576)] = 16_384
    #: Host names answered besides public_url's host and the loopback names.
    allowed_hosts: tuple[str, ...] = ()


class CalendarSection(_Section):
    """Next year's State Council holiday notice, before the calendar library has it.

    The notice comes out in November; until ``chinese-calendar`` is updated an
    office enters it here, and deadlines reaching into that year stop carrying
    the "weekday rule" warning. Keys are ISO dates, values the holiday's name.
    """

    #: Days off, e.g. ``"2027-01-01" = "元旦"``.
    holidays: dict[date, str] = {}
    #: Saturdays and Sundays worked in exchange (调休上班), e.g. ``"2027-02-06" = "春节"``.
    makeup_workdays: dict[date, str] = {}
    #: The years whose whole notice the two tables above hold.
    years: tuple[Annotated[int, Field(ge=2000, le=2100)], ...] = ()


class ApplicationsSection(_Section):
    """The register of disclosure applications (依申请公开)."""

    #: The register number; ``{year}`` and ``{serial}`` are filled in.
    number_pattern: str = "依申〔{year}〕{serial}号"
    #: The agency an application is handled by unless another is given.
    default_agency: str = "县人民政府办公室"
    #: Status lookups one kiosk may make per minute (the rest are answered 429).
    lookups_per_minute: Annotated[int, Field(ge=1, le=120)] = 6

    @field_validator("number_pattern")
    @classmethod
    def _pattern_fields(cls, value: str) -> str:
        if "{year}" not in value or "{serial}" not in value:
            raise ValueError("must hold {year} and {serial}, e.g. 余府依申〔{year}〕{serial}号")
        return value


class ConsoleSection(_Section):
    """The staff console under ``/staff/``."""

    #: Minutes without a request after which a staff session ends.
    idle_minutes: Annotated[int, Field(ge=1, le=24 * 60)] = 30


class FleetSection(_Section):
    """What the fleet view counts as stale, and the kiosks' screenshots."""

    #: A kiosk not heard from for longer is shown as lost (失联); kiosks send a
    #: heartbeat at least every 5 minutes.
    stale_after_minutes: Annotated[int, Field(ge=1, le=10_080)] = 20
    #: Whether kiosks' screenshots of their current screen are kept and shown.
    #: Kiosk screens show only public information (docs/operations.md); a county
    #: that still does not want them turns this off, and stored ones are dropped.
    screenshots: bool = True
    #: Most bytes of one screenshot (PNG or JPEG); a larger one is refused.
    screenshot_max_bytes: Annotated[int, Field(ge=4096, le=1_048_576)] = 65_536
    #: Least seconds between two stored screenshots of one kiosk (more are ignored).
    screenshot_min_seconds: Annotated[int, Field(ge=10, le=86_400)] = 120


class TownConfig(_Section):
    """A town of the county: its name and the pinyin id of its scope and channel."""

    name: str
    id: Annotated[str, Field(pattern=r"^[a-z]{2,32}$")]


class SourceConfig(_Section):
    """One source: a profile applied to a site."""

    id: Annotated[str, Field(pattern=_SLUG)]
    profile: str
    site: str
    schedule: str = "every 6h"
    auto_approve: bool | None = None
    enabled: bool = True

    @field_validator("site")
    @classmethod
    def _site_is_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as http://www.example.gov.cn")
        return value.rstrip("/")

    @field_validator("schedule")
    @classmethod
    def _schedule_parses(cls, value: str) -> str:
        parse_schedule(value)
        return value


class Config(_Section):
    """The whole ``gongkai.toml``."""

    publisher: PublisherSection = PublisherSection()
    database: DatabaseSection = DatabaseSection()
    http: HttpSection = HttpSection()
    review: ReviewSection = ReviewSection()
    serve: ServeSection = ServeSection()
    calendar: CalendarSection = CalendarSection()
    applications: ApplicationsSection = ApplicationsSection()
    console: ConsoleSection = ConsoleSection()
    fleet: FleetSection = FleetSection()
    towns: tuple[TownConfig, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    #: ``[[boards]]`` tables, kept raw here: ``publisher.boards.config`` checks each
    #: board on its own, so one bad board is reported while the others still work.
    boards: tuple[dict[str, Any], ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> Config:
        ids = [source.id for source in self.sources]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"source ids repeat: {', '.join(duplicates)}")
        return self

    def source(self, source_id: str) -> SourceConfig:
        """The source with this id.

        Raises:
            KeyError: no such source.
        """
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def allowed_hosts(self) -> frozenset[str]:
        """The hosts a QR code may point at: the sources' sites and the publisher itself."""
        urls = [*(source.site for source in self.sources), self.publisher.public_url]
        return frozenset(host for host in (urlsplit(url).netloc for url in urls) if host)

    def served_hosts(self) -> frozenset[str]:
        """The ``Host`` names `gongkai serve` answers (lowercase, without port)."""
        public = urlsplit(self.publisher.public_url).hostname or ""
        names = {"127.0.0.1", "localhost", "[::1]", *self.serve.allowed_hosts}
        if public:
            names.add(f"[{public}]" if ":" in public else public)
        return frozenset(name.lower() for name in names)


class Schedule(BaseModel):
    """When a source syncs: every N seconds, or a cron expression."""

    model_config = ConfigDict(frozen=True)
    kind: Literal["interval", "cron"]
    seconds: int = 0
    cron: str = ""


def parse_schedule(text: str) -> Schedule:
    """Read ``every 30m`` / ``every 6h`` / ``every 1d`` or ``cron: 0 3 * * *``.

    Raises:
        ValueError: neither form, or an interval under one minute.
    """
    text = text.strip()
    every = _EVERY.match(text)
    if every:
        seconds = int(every.group(1)) * _UNITS[every.group(2)]
        if seconds < 60:
            raise ValueError("sync at most once a minute")
        return Schedule(kind="interval", seconds=seconds)
    if text.startswith("cron:"):
        expression = text.removeprefix("cron:").strip()
        if len(expression.split()) != 5:
            raise ValueError("a cron schedule has five fields: minute hour day month weekday")
        return Schedule(kind="cron", cron=expression)
    raise ValueError('use "every 6h" (s, m, h or d) or "cron: 0 3 * * *"')


def load_config(path: Path) -> Config:
    """Read and validate a ``gongkai.toml``.

    Raises:
        publisher.tomlfile.ConfigError: naming the file, key and line.
    """
    return load_toml(path, Config)


def render_config(*, name: str, towns: list[TownConfig], sources: list[SourceConfig]) -> str:
    """The commented ``gongkai.toml`` that ``gongkai init`` writes."""
    lines = [
        "# Gongkai publisher configuration.",
        "# Every key is optional unless marked; the defaults are shown.",
        "# Run `gongkai status` after editing: a mistake is reported with its line.",
        "",
        "[publisher]",
        f'name = "{name}"',
        "# The address kiosks and QR codes use to reach this publisher.",
        'public_url = "http://127.0.0.1:8700"',
        "",
        "[database]",
        "# SQLite in this folder (WAL mode), or PostgreSQL for a larger deployment:",
        '# url = "postgresql://gongkai:secret@db.example/gongkai"',
        'url = "sqlite:///db.sqlite3"',
        "",
        "[http]",
        "# Identify the sync to the county site's administrators.",
        'user_agent = "GongkaiSync/0.1 (county disclosure sync; +https://gongkai.example/bot)"',
        "# Seconds between two requests to one site; county sites block bursts.",
        "min_interval = 1.5",
        "connect_timeout = 10.0",
        "# County sites can be slow from outside the province.",
        "read_timeout = 60.0",
        "max_response_mb = 50.0",
        "retries = 4",
        "obey_robots = true",
        "# An HTML page shorter than this (bytes) is taken for an anti-bot or rate-limit page.",
        "tiny_body = 500",
        "# Hosts whose broken TLS certificate is tolerated (logged each run):",
        "insecure_hosts = []",
        "",
        "[review]",
        "# true: new and changed content is published without a person's review.",
        "auto_approve = false",
        "# Whatever the policy, a change rewriting more than this share of an item,",
        "# or a run removing more than this share of a source's items, is quarantined.",
        "max_rewrite_share = 0.5",
        "max_removal_share = 0.2",
        "",
        "[serve]",
        "# Limits of `gongkai serve` for every client; see docs/operations.md.",
        "# Open connections in all, and from one address (kiosks behind one NAT share one).",
        "max_connections = 512",
        "max_connections_per_address = 32",
        "# Addresses exempt from the per-address cap: a reverse proxy or mirror in front.",
        'proxy_addresses = ["127.0.0.1", "::1"]',
        "# Seconds to send a whole request; seconds an idle keep-alive connection is kept.",
        "request_timeout = 15.0",
        "keep_alive_timeout = 5.0",
        "# Bytes: the request target, the request line and headers, a heartbeat body.",
        "max_url_bytes = 2048",
        "max_header_bytes = 16384",
        "max_heartbeat_bytes = 16384",
        "# Host names answered besides public_url's host and 127.0.0.1/localhost/[::1]:",
        "allowed_hosts = []",
        "",
        "[applications]",
        "# The register of disclosure applications (依申请公开); docs/applications-register.md.",
        'number_pattern = "依申〔{year}〕{serial}号"',
        'default_agency = "县人民政府办公室"',
        "# Status lookups one kiosk may make per minute.",
        "lookups_per_minute = 6",
        "",
        "[calendar]",
        "# Next year's State Council holiday notice, until the calendar library has it:",
        '# holidays = { 2027-01-01 = "元旦" }',
        '# makeup_workdays = { 2027-02-06 = "春节" }',
        "# years = [2027]",
        "[fleet]",
        "# Minutes without a heartbeat after which a kiosk shows as lost (失联).",
        "stale_after_minutes = 20",
        "# Kiosks send a small screenshot of their screen (public information only);",
        "# false: none are kept or shown. Bytes per screenshot; seconds between two.",
        "screenshots = true",
        "screenshot_max_bytes = 65536",
        "screenshot_min_seconds = 120",
        "",
        "# The county's towns: each is a scope of content and a kiosk channel (town-<id>).",
    ]
    for town in towns:
        lines += ["[[towns]]", f'name = "{town.name}"', f'id = "{town.id}"', ""]
    lines += [
        "# Sources: a profile (builtin:NAME or a .toml path relative to this folder)",
        '# applied to a site. schedule: "every 6h" (s/m/h/d) or "cron: 0 3 * * *".',
    ]
    for source in sources:
        lines += [
            "[[sources]]",
            f'id = "{source.id}"',
            f'profile = "{source.profile}"',
            f'site = "{source.site}"',
            f'schedule = "{source.schedule}"',
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
