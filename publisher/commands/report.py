"""`gongkai report annual`: the year's report on disclosure work, generated from the store."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path

from content.cli import EXIT_OK, UsageError
from content.county_time import county_today
from publisher.commands._common import input_errors, open_home, with_config_errors

__all__ = ["register"]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add ``report``; ``home`` is the shared --home option."""
    report = commands.add_parser(
        "report",
        parents=[home],
        help="reports generated from the store (annual report)",
        description="Generate reports from the store.",
    )
    kinds = report.add_subparsers(dest="kind", metavar="KIND", required=True)
    annual = kinds.add_parser(
        "annual",
        parents=[home],
        help="政府信息公开工作年度报告 for a year",
        description=(
            "Fill the 2021 format (国办公开办函〔2021〕30号) from the store: 二 from the "
            "published catalogue, 三 and 四 from the application register, the prose and "
            "the office's own figures from --text. Writes annual-report-Y.json (the "
            "AnnualReport entity), .html and .pdf into --out."
        ),
    )
    annual.add_argument("--year", type=int, required=True)
    scope = annual.add_mutually_exclusive_group()
    scope.add_argument("--agency", help="one agency's report (its applications and catalogue)")
    scope.add_argument(
        "--county", action="store_true", help="the county government's report (the default)"
    )
    annual.add_argument("--legacy-2008", action="store_true", help="the 2008-2018 table instead")
    annual.add_argument("--text", type=Path, help="the office's TOML: prose and own figures")
    annual.add_argument("--out", type=Path, required=True, help="folder to write into")
    annual.add_argument("--today", type=date.fromisoformat, help="count as of this day")
    annual.add_argument("--json", action="store_true", help="print the statistics as JSON")
    annual.set_defaults(handler=input_errors(_annual))


def _annual(args: argparse.Namespace) -> int:
    _home, config = open_home(args)
    from publisher.applications.report import (  # noqa: PLC0415
        build_annual_report,
        load_report_text,
    )
    from publisher.applications.report_render import write_report  # noqa: PLC0415

    if not 2007 <= args.year <= 2100:  # the 2007 Regulations' first year on
        raise UsageError(f"--year {args.year} is outside 2007-2100")
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} exists and is not a folder")
    text = with_config_errors(lambda: load_report_text(args.text))
    today = args.today or county_today(datetime.now(tz=UTC))
    report = build_annual_report(
        year=args.year,
        organization=config.publisher.name,
        public_url=config.publisher.public_url,
        text=text,
        agency=args.agency,
        legacy=args.legacy_2008,
        today=today,
    )
    draft = (
        f"统计截至{today:%Y年%-m月%-d日}，年度尚未结束，本稿为草稿"
        if today.year <= args.year
        else ""
    )
    paths = write_report(report, args.out, draft=draft)
    if args.json:
        out = {"files": [str(p) for p in paths], "stats": report.stats.model_dump(mode="json")}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    for path in paths:
        print(f"wrote {path}")
    return EXIT_OK
