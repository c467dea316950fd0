r"""The demo county: a deterministic, fictional 大余县 at the scale of its 2008 report.

11 towns, 69 agencies, about 50 leaders, 526 power items (312 with flowcharts),
50 key projects and 50 practical matters with monthly progress, 3,946 catalogue
entries, the disclosure guide, notices, and the 2008 annual report with that
report's own figures. People and phone numbers are invented.

Usage::

    county = generate_county(seed=2008)
    county2, changes = mutate_county(county, rounds=1)
    files = jsonl_files(county)        # {EntityType: "…\\n…\\n"}

The same seed always gives byte-identical output.
"""

from content.demo._county import DemoCounty
from content.demo._generate import (
    CATALOGUE_CATEGORY_NAMES,
    DEFAULT_AS_OF,
    DEFAULT_BASE_URL,
    DEFAULT_SEED,
    DEMO_TOWNS,
    generate_county,
    jsonl_files,
)
from content.demo._mutations import ChangeSet, mutate_county
from content.demo._site import COLUMNS, PROJECT_COLUMNS, Column

__all__ = [
    "CATALOGUE_CATEGORY_NAMES",
    "COLUMNS",
    "DEFAULT_AS_OF",
    "DEFAULT_BASE_URL",
    "DEFAULT_SEED",
    "DEMO_TOWNS",
    "PROJECT_COLUMNS",
    "ChangeSet",
    "Column",
    "DemoCounty",
    "generate_county",
    "jsonl_files",
    "mutate_county",
]
