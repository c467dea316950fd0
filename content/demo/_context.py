"""Shared state of one generation run: seed, clock, URLs and numbering."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from content.enums import Parser
from content.models import Entity, Provenance
from content.normalize import SHANGHAI
from content.serialize import content_hash

if TYPE_CHECKING:
    from content.demo._site import Column

_E = TypeVar("_E", bound=Entity)


@dataclass(slots=True)
class Context:
    """What every builder of the demo county shares.

    Attributes:
        seed: the run's seed; each builder draws from its own named stream, so
            changing one entity type never reshuffles another.
        base_url: where the demo site is served, for provenance URLs.
        as_of: the demo county's "today".
    """

    seed: int
    base_url: str
    as_of: date
    _next_article: int = field(default=1_000_001)

    def rng(self, stream: str) -> random.Random:
        """A deterministic random stream for one builder."""
        return random.Random(f"gongkai-demo:{self.seed}:{stream}")

    def article_number(self) -> int:
        """The next article number of the site's CMS (increasing, never reused)."""
        number = self._next_article
        self._next_article += 1
        return number

    def url(self, path: str) -> str:
        """The absolute URL of a site path."""
        return self.base_url.rstrip("/") + path

    @property
    def fetched_at(self) -> datetime:
        """When the demo data was "fetched": 09:00 Beijing time on ``as_of``."""
        return datetime.combine(self.as_of, time(9, 0), tzinfo=SHANGHAI)

    def provenance(self, column: Column, path: str) -> Provenance:
        """Provenance for an entity published at ``path`` in ``column``."""
        return Provenance(
            source_url=self.url(path),
            source_site=urlsplit(self.base_url).netloc,
            source_column=column.name,
            breadcrumb=column.breadcrumb,
            fetched_at=self.fetched_at,
            parser=Parser.GENERATOR,
        )


def sealed(entity: _E) -> _E:
    """The entity with its content hash written into its provenance."""
    provenance = entity.provenance.model_copy(update={"content_hash": content_hash(entity)})
    return entity.model_copy(update={"provenance": provenance})
