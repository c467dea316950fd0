"""The demo county generated from its seed: the one entry point behind ``content.demo``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from content.demo._agencies import build_agencies, build_leaders
from content.demo._context import Context
from content.demo._county import DemoCounty
from content.demo._documents import build_catalogue, build_guide, build_notices
from content.demo._powers import build_power_items
from content.demo._projects import build_projects
from content.demo._reports import build_annual_reports
from content.demo._vocab_agencies import TOWNS
from content.demo._vocab_texts import CATALOGUE_CATEGORIES
from content.serialize import to_json_line

if TYPE_CHECKING:
    from content.enums import EntityType

__all__ = [
    "CATALOGUE_CATEGORY_NAMES",
    "DEFAULT_AS_OF",
    "DEFAULT_BASE_URL",
    "DEFAULT_SEED",
    "DEMO_TOWNS",
    "generate_county",
    "jsonl_files",
]

#: The county's towns as (name, pinyin id): the scopes ``town-<id>``.
DEMO_TOWNS: tuple[tuple[str, str], ...] = tuple((name, town_id) for name, town_id, _ in TOWNS)
#: The catalogue's 组配分类 names, in the order the site's category tree lists them.
CATALOGUE_CATEGORY_NAMES: tuple[str, ...] = tuple(name for name, _ in CATALOGUE_CATEGORIES)
DEFAULT_SEED = 2008
DEFAULT_BASE_URL = "http://127.0.0.1:8600"
#: The demo county's "today"; fixed so that output never depends on the clock.
DEFAULT_AS_OF = date(2026, 10, 31)


def generate_county(
    *, seed: int = DEFAULT_SEED, base_url: str = DEFAULT_BASE_URL, as_of: date = DEFAULT_AS_OF
) -> DemoCounty:
    """Generate the demo county.

    Args:
        seed: the generator seed; the same seed gives the same county.
        base_url: where the demo site is served (goes into provenance URLs).
        as_of: the county's "today".
    """
    ctx = Context(seed=seed, base_url=base_url, as_of=as_of)
    infos = build_agencies(ctx)
    leaders = build_leaders(ctx, infos)
    power_items = build_power_items(ctx, infos)
    projects = build_projects(ctx, infos, leaders)
    guide = build_guide(ctx, infos)
    reports = build_annual_reports(ctx, infos)
    notices = build_notices(ctx, infos)
    catalogue = build_catalogue(ctx, infos)
    return DemoCounty(
        seed=seed,
        base_url=base_url,
        as_of=as_of,
        round=0,
        next_article=ctx.article_number(),
        agencies=tuple(info.agency for info in infos),
        leaders=tuple(leaders),
        power_items=tuple(power_items),
        projects=tuple(projects),
        catalogue=tuple(catalogue),
        guides=(guide,),
        notices=tuple(notices),
        annual_reports=tuple(reports),
        agency_infos=tuple(infos),
    )


def jsonl_files(county: DemoCounty) -> dict[EntityType, str]:
    """The county as JSON Lines text, one document per entity type."""
    return {
        entity_type: "".join(f"{to_json_line(entity)}\n" for entity in entities)
        for entity_type, entities in county.by_type().items()
    }
