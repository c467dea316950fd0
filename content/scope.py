"""Which scope (county-wide or one town) content belongs to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from content.models import COUNTY_SCOPE

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ScopeResolver"]


class ScopeResolver:
    """Finds the town a text names (an organisation, a publisher, a location).

    Args:
        towns: town name → pinyin id, e.g. ``{"南安镇": "nanan"}``.
    """

    def __init__(self, towns: Mapping[str, str]) -> None:
        # Longest names first, so "新城镇" wins over a shorter name it contains.
        self._towns = sorted(towns.items(), key=lambda item: -len(item[0]))

    def scope_of(self, *texts: str | None) -> str:
        """``town-<id>`` of the first town named in ``texts``, else ``county``."""
        for text in texts:
            if not text:
                continue
            for name, town_id in self._towns:
                if name in text:
                    return f"town-{town_id}"
        return COUNTY_SCOPE
