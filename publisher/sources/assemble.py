"""Turn raw records read off pages into validated content entities.

Each entity type's page type (``publisher.sources.entity_pages``) declares the
fields and tables a profile may name for it and knows how county pages write
them; the model then validates the result. Every problem becomes an
``AssemblyError`` naming the field, so one bad page gives one clear per-item
error and never stops the run.

Usage::

    ctx = AssemblyContext(entity_type=..., scopes=..., source_column=..., parser=...,
                          fetched_at=...)
    entity = assemble(record, ctx)         # AssemblyError names the field at fault
    FIELDS[EntityType.LEADER]              # the fields a leader profile may name
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from content.errors import EntityValidationError, NormalizeError
from content.serialize import content_hash
from content.validation import validate_entity
from publisher.sources.entity_pages import PAGES
from publisher.sources.page_fields import AssemblyContext, AssemblyError

if TYPE_CHECKING:
    from content.enums import EntityType
    from content.models import Entity
    from publisher.sources.records import RawRecord

__all__ = ["FIELDS", "REQUIRED", "TABLES", "AssemblyContext", "AssemblyError", "assemble"]

#: The fields a profile may name for each entity type (names starting with
#: ``_`` are read and ignored, e.g. a section heading that only ends another).
FIELDS: dict[EntityType, frozenset[str]] = {t: page.field_names() for t, page in PAGES.items()}
#: The fields every page of each entity type must give.
REQUIRED: dict[EntityType, frozenset[str]] = {t: page.required_names() for t, page in PAGES.items()}
#: The tables a profile may name for each entity type.
TABLES: dict[EntityType, frozenset[str]] = {t: page.table_names() for t, page in PAGES.items()}


def assemble(record: RawRecord, ctx: AssemblyContext) -> Entity:
    """Build and validate the entity a raw record describes.

    Raises:
        AssemblyError: a field is missing or unreadable (names the field).
    """
    try:
        data = PAGES[ctx.entity_type](record).build(ctx)
        data["provenance"] = _provenance(record, ctx)
        entity = validate_entity(ctx.entity_type, data)
    except EntityValidationError as exc:
        raise AssemblyError(exc.field, exc.message) from exc
    except NormalizeError as exc:
        raise AssemblyError(exc.kind, str(exc)) from exc
    except ValidationError as exc:  # a nested model (a statistics table) refused the data
        error = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in error["loc"]) or exc.title
        raise AssemblyError(field, str(error["msg"]).removeprefix("Value error, ")) from exc
    provenance = entity.provenance.model_copy(update={"content_hash": content_hash(entity)})
    return entity.model_copy(update={"provenance": provenance})


def _provenance(record: RawRecord, ctx: AssemblyContext) -> dict[str, Any]:
    return {
        "source_url": record.url,
        "source_site": urlsplit(record.url).netloc,
        "source_column": ctx.source_column,
        "breadcrumb": record.breadcrumb,
        "fetched_at": ctx.fetched_at,
        "source_charset": record.charset or None,
        "parser": ctx.parser,
    }
