"""The generated county as one immutable value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from content.enums import EntityType

if TYPE_CHECKING:
    from datetime import date

    from content.demo._agencies import AgencyInfo
    from content.models import (
        Agency,
        AnnualReport,
        CatalogueEntry,
        Entity,
        Guide,
        Leader,
        Notice,
        PowerItem,
        Project,
    )


@dataclass(frozen=True, slots=True)
class DemoCounty:
    """The demo county: every entity, plus what is needed to change it later.

    Attributes:
        seed: the generator seed.
        base_url: where the demo site serves it.
        as_of: the county's "today" (advances one day per mutation round).
        round: how many mutation rounds have been applied.
        next_article: the next free article number of the site's CMS.
    """

    seed: int
    base_url: str
    as_of: date
    round: int
    next_article: int
    agencies: tuple[Agency, ...]
    leaders: tuple[Leader, ...]
    power_items: tuple[PowerItem, ...]
    projects: tuple[Project, ...]
    catalogue: tuple[CatalogueEntry, ...]
    guides: tuple[Guide, ...]
    notices: tuple[Notice, ...]
    annual_reports: tuple[AnnualReport, ...]
    agency_infos: tuple[AgencyInfo, ...] = field(repr=False, compare=False, default=())

    def by_type(self) -> dict[EntityType, tuple[Entity, ...]]:
        """Every entity, grouped by type, in file order."""
        return {
            EntityType.AGENCY: self.agencies,
            EntityType.LEADER: self.leaders,
            EntityType.POWER_ITEM: self.power_items,
            EntityType.PROJECT: self.projects,
            EntityType.CATALOGUE_ENTRY: self.catalogue,
            EntityType.GUIDE: self.guides,
            EntityType.NOTICE: self.notices,
            EntityType.ANNUAL_REPORT: self.annual_reports,
        }

    def counts(self) -> dict[EntityType, int]:
        """How many entities of each type."""
        return {entity_type: len(items) for entity_type, items in self.by_type().items()}
