"""内容更新于 … and the stale badge, from the update agent's state file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from content.county_time import SHANGHAI
from kiosk.viewmodels.text import cn_datetime

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Freshness", "freshness"]


@dataclass(frozen=True)
class Freshness:
    """What the header says about how current the content is."""

    text: str  # 内容更新于 2026年11月26日 20:30
    stale: bool
    warning: str  # shown with an icon when stale; empty otherwise


def freshness(state_file: Path, now: datetime, stale_after: timedelta | None = None) -> Freshness:
    """Read the agent's ``state.json``: when content was last confirmed current.

    ``stale_after`` overrides the agent's own limit.  A missing or unreadable
    state file counts as stale: the kiosk cannot say its content is current.
    """
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
        success = datetime.fromisoformat(state["last_success_at"])
        limit = stale_after or timedelta(seconds=float(state.get("stale_after") or 86400))
    except (OSError, ValueError, KeyError, TypeError):
        return Freshness("内容更新时间未知", stale=True, warning="无法确认内容是否为最新")
    if success.tzinfo is None:
        success = success.replace(tzinfo=UTC)
    text = f"内容更新于 {cn_datetime(success.astimezone(SHANGHAI))}"
    if now - success > limit:
        days = (now - success).days
        age = f"{days}天" if days >= 1 else f"{int((now - success).total_seconds() // 3600)}小时"
        return Freshness(text, stale=True, warning=f"已{age}未能更新，内容可能不是最新")
    return Freshness(text, stale=False, warning="")
