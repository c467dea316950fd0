"""Which model class and which JSON Lines file belong to each entity type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, TypeAdapter

from content.enums import EntityType
from content.models._annual_report import AnnualReport
from content.models._documents import CatalogueEntry, Guide, Notice
from content.models._people import Agency, Leader
from content.models._power import PowerItem
from content.models._project import Project

if TYPE_CHECKING:
    from content.models._base import Entity

ENTITY_MODELS: dict[EntityType, type[Entity]] = {
    EntityType.AGENCY: Agency,
    EntityType.LEADER: Leader,
    EntityType.POWER_ITEM: PowerItem,
    EntityType.PROJECT: Project,
    EntityType.CATALOGUE_ENTRY: CatalogueEntry,
    EntityType.GUIDE: Guide,
    EntityType.NOTICE: Notice,
    EntityType.ANNUAL_REPORT: AnnualReport,
}

#: File names of the JSON Lines export, one per entity type, in dependency order.
JSONL_FILES: dict[EntityType, str] = {
    EntityType.AGENCY: "agencies.jsonl",
    EntityType.LEADER: "leaders.jsonl",
    EntityType.POWER_ITEM: "power_items.jsonl",
    EntityType.PROJECT: "projects.jsonl",
    EntityType.CATALOGUE_ENTRY: "catalogue.jsonl",
    EntityType.GUIDE: "guides.jsonl",
    EntityType.NOTICE: "notices.jsonl",
    EntityType.ANNUAL_REPORT: "annual_reports.jsonl",
}

AnyEntity = Annotated[
    Agency | Leader | PowerItem | Project | CatalogueEntry | Guide | Notice | AnnualReport,
    Field(discriminator="entity_type"),
]

#: Validates a record of any type, choosing the model by its ``entity_type``.
ANY_ENTITY: TypeAdapter[AnyEntity] = TypeAdapter(AnyEntity)
