"""`gongkai review`: list, show, approve and reject revisions."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from content.cli import EXIT_FAILURE, EXIT_OK, UsageError
from publisher.commands._common import input_errors, open_home

__all__ = ["register"]


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    home: argparse.ArgumentParser,
) -> None:
    """Add this module's subcommands; ``home`` is the shared --home option."""
    review = commands.add_parser(
        "review",
        parents=[home],
        help="review new, changed and removed content",
        description="List, show, approve or reject revisions waiting for review.",
    )
    actions = review.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[home], help="revisions waiting for review")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--source", help="only this source")
    listing.set_defaults(handler=_review_list)
    show = actions.add_parser("show", parents=[home], help="one revision with its diff")
    show.add_argument("id", type=int)
    show.set_defaults(handler=_review_show)
    for name, verb in (("approve", "approve"), ("reject", "reject")):
        decide = actions.add_parser(name, parents=[home], help=f"{verb} revisions")
        decide.add_argument("ids", type=int, nargs="*", metavar="ID")
        decide.add_argument("--all", action="store_true", help=f"{verb} everything waiting")
        decide.add_argument("--as", dest="actor", help="reviewer name (default: your login)")
        if name == "reject":
            decide.add_argument(
                "--reason", default="", help="why (required; kept in the audit log)"
            )
        else:
            decide.add_argument(
                "--secrecy-checked",
                action="store_true",
                help="confirm the secrecy check (保密审查) was done; required to publish",
            )
        decide.set_defaults(handler=input_errors(_review_decide), decision=name)


def _review_list(args: argparse.Namespace) -> int:
    open_home(args)
    from publisher.review import revision_brief  # noqa: PLC0415
    from publisher.store.selectors import revisions_awaiting_review  # noqa: PLC0415

    rows = [revision_brief(r) for r in revisions_awaiting_review(source=args.source)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        print(
            f"{row['id']:>7}  {row['status']:<11} {row['kind']:<7} {row['entity_type']:<16} "
            f"{row['title'][:40]}  ({row['change']})"
        )
    print(f"{len(rows)} waiting for review")
    return EXIT_OK


def _review_show(args: argparse.Namespace) -> int:
    open_home(args)
    from publisher.review import revision_report  # noqa: PLC0415
    from publisher.store.selectors import revision_get  # noqa: PLC0415

    revision = revision_get(args.id)
    if revision is None:
        print(f"no revision {args.id}", file=sys.stderr)
        return EXIT_FAILURE
    print(revision_report(revision))
    return EXIT_OK


def _review_decide(args: argparse.Namespace) -> int:
    open_home(args)
    from publisher.store.services import Decision, revisions_decide  # noqa: PLC0415

    if bool(args.ids) == bool(args.all):
        raise UsageError("give revision ids, or --all")
    actor = args.actor or getpass.getuser()
    report = revisions_decide(
        actor=actor,
        decision=Decision(args.decision),
        ids=None if args.all else args.ids,
        reason=getattr(args, "reason", ""),
        secrecy_checked=getattr(args, "secrecy_checked", False),
    )
    for refused in report.refused:
        print(f"{refused.revision}: {refused}", file=sys.stderr)
    verb = {Decision.APPROVE: "approved", Decision.REJECT: "rejected"}[Decision(args.decision)]
    print(f"{verb} {len(report.decided)} revision(s) as {actor}")
    if report.first_reviewed:
        print(f"{len(report.first_reviewed)} quarantined revision(s) first-reviewed; "
              "each needs a final review (终审) by someone else")  # fmt: skip
    if report.missing:
        print(f"{len(report.missing)} id(s) not found", file=sys.stderr)
    return EXIT_FAILURE if report.refused or report.missing else EXIT_OK
