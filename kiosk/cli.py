"""Kiosk subcommands of ``gongkai`` (registered through the ``gongkai.commands`` entry point).

``gongkai kiosk-agent --publisher URL --home DIR --token T [--channel C] [--once]``
runs the update agent (``kiosk.agent``). Provision ``DIR/root.json`` first with
the publisher's ``HOME/provision/root.json`` (``gongkai device add`` prints its
path): it is the trust anchor of the first refresh.
"""

from __future__ import annotations

import logging
import signal
import sys
from datetime import timedelta
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from content.cli import EXIT_FAILURE, EXIT_OK, UsageError

if TYPE_CHECKING:
    import argparse
    from types import FrameType

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``kiosk-agent`` to ``gongkai``."""
    agent = commands.add_parser(
        "kiosk-agent",
        help="the kiosk's update agent: verify signed releases and activate them atomically",
        description="Refresh this kiosk's channel from the publisher's signed (TUF) "
        "repository, download only missing objects, verify every hash, stage a complete "
        "release and switch DIR/active to it atomically. Provision DIR/root.json with the "
        "publisher's root.json first. Without --once it runs forever: it polls "
        "timestamp.json, refreshes at once when poked, backs off while offline and sends "
        "heartbeats.",
        epilog="Exit codes with --once: 0 activated or already current, 1 failed "
        "(the reason on stderr; the active release is unchanged), 2 bad usage.",
    )
    agent.add_argument("--publisher", required=True, metavar="URL", help="publisher base URL")
    agent.add_argument("--home", required=True, type=Path, metavar="DIR", help="kiosk home")
    token = agent.add_mutually_exclusive_group(required=True)
    token.add_argument("--token", help="the device token (from `gongkai device add`)")
    token.add_argument(
        "--token-file", type=Path, metavar="FILE", help="read the token from FILE instead"
    )
    agent.add_argument("--channel", default=None, help="county (default) or town-<id>")
    agent.add_argument("--once", action="store_true", help="refresh once and exit")
    agent.add_argument(
        "--poll", type=float, default=60.0, metavar="SECONDS", help="poll interval (default 60)"
    )
    agent.add_argument(
        "--stale-after",
        type=float,
        default=24.0,
        metavar="HOURS",
        help="show content as stale after this long without a successful refresh (default 24)",
    )
    agent.add_argument(
        "--max-backoff",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="longest wait between refreshes while failing (default 600)",
    )
    agent.add_argument(
        "--deadline",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="the most any request may take, plus its size at 32 KiB/s (default 20)",
    )
    agent.add_argument("-v", "--verbose", action="store_true", help="log more")
    agent.set_defaults(handler=_kiosk_agent)

    app = commands.add_parser(
        "kiosk",
        help="the hall kiosk's touchscreen app (Kivy), showing the active release",
        description="Show the release the update agent activated in DIR/active: 领导分工, "
        "权力清单, 项目进展, 公开目录, 公开指南, 年度报告 and 通知公告, with search, QR codes "
        "to full documents, 关怀模式 and 朗读. The window is borderless at 0,0 the panel's "
        "size (no window manager needed). It refuses to run invisibly: start it on the "
        "kiosk's display (or under xvfb-run for a tour).",
        epilog="Exit codes: 0 stopped (or tour written), 1 failure (no font, no display, "
        "tour failed), 2 bad usage.",
    )
    app.add_argument("--home", required=True, type=Path, metavar="DIR", help="kiosk home")
    app.add_argument("--size", default="1080x1920", help="panel size WxH (default 1080x1920)")
    app.add_argument(
        "--idle",
        type=float,
        default=90.0,
        metavar="SECONDS",
        help="back to 首页 and the attract loop after this long untouched (default 90)",
    )
    app.add_argument(
        "--stale-after",
        type=float,
        default=None,
        metavar="HOURS",
        help="show the stale badge after this long without a refresh (default: the agent's)",
    )
    app.add_argument(
        "--tour",
        type=Path,
        default=None,
        metavar="OUTDIR",
        help="visit every screen in both modes, write one PNG per screen to OUTDIR, exit",
    )
    app.add_argument(
        "--allow-offscreen",
        action="store_true",
        help="allow SDL's invisible offscreen driver (CI tours without X)",
    )
    app.add_argument("--no-speech", action="store_true", help="disable 朗读 (no TTS)")
    app.add_argument(
        "--publisher", metavar="URL", help="publisher to ask for 查询办理进度 (依申请公开)"
    )
    app.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help="this kiosk's device token (the agent's token file), for 查询办理进度",
    )
    app.add_argument(
        "--voice-model",
        type=Path,
        default=None,
        metavar="ONNX",
        help="a Piper Mandarin voice (.onnx with its .onnx.json) for 朗读 instead of espeak-ng",
    )
    app.add_argument(
        "--no-screenshots",
        action="store_true",
        help="keep no screenshot of the screen for the publisher's fleet page",
    )
    app.set_defaults(handler=_kiosk_app)


def _kiosk_agent(args: argparse.Namespace) -> int:
    from kiosk.agent.config import DEFAULT_CHANNEL, AgentConfig  # noqa: PLC0415
    from kiosk.agent.runner import Agent  # noqa: PLC0415
    from kiosk.agent.state import RefreshResult  # noqa: PLC0415

    token = args.token
    if args.token_file is not None:
        try:
            token = args.token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"--token-file: {exc}") from exc
    try:
        config = AgentConfig(
            publisher=args.publisher,
            home=args.home.resolve(),
            channel=args.channel or DEFAULT_CHANNEL,
            token=token,
            poll_interval=args.poll,
            max_backoff=args.max_backoff,
            deadline=args.deadline,
            stale_after=timedelta(hours=args.stale_after),
            app_version=_app_version(),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    level = logging.INFO if args.verbose or not args.once else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(message)s")
    agent = Agent(config)
    if args.once:
        report = agent.run_once()
        if not report.ok:
            shown = f"v{report.version} ({report.release})" if report.release else "none"
            kind = report.error.kind if report.error else "unknown"
            print(
                f"kiosk-agent: refresh failed ({kind}): {report.error}; "
                f"active release unchanged: {shown}",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        if report.result is RefreshResult.ACTIVATED:
            print(
                f"activated v{report.version} ({report.release}): "
                f"{report.downloaded_objects} objects, {report.downloaded_bytes} bytes "
                f"downloaded in {report.seconds:.2f} s"
            )
        else:
            print(f"already current: v{report.version} ({report.release})")
        return EXIT_OK

    def stop(_signum: int, _frame: FrameType | None) -> None:
        agent.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    agent.run_forever()
    return EXIT_OK


def _kiosk_app(args: argparse.Namespace) -> int:
    from kiosk.app.bootstrap import DisplayError  # noqa: PLC0415
    from kiosk.app.fonts import FontError  # noqa: PLC0415
    from kiosk.app.settings import KioskSettings, parse_size  # noqa: PLC0415

    try:
        width, height = parse_size(args.size)
    except ValueError as exc:
        raise UsageError(f"--size: {exc}") from exc
    if args.idle < 5:
        raise UsageError("--idle: at least 5 seconds")
    if not args.home.is_dir():
        raise UsageError(f"--home: {args.home} is not a directory (the kiosk agent's home)")
    if args.voice_model is not None and not args.voice_model.is_file():
        raise UsageError(f"--voice-model: {args.voice_model} is not a file")
    settings = KioskSettings(
        home=args.home.resolve(),
        width=width,
        height=height,
        idle_seconds=args.idle,
        stale_after=timedelta(hours=args.stale_after) if args.stale_after else None,
        tour=args.tour.resolve() if args.tour else None,
        allow_offscreen=args.allow_offscreen,
        speech=not args.no_speech,
        publisher=args.publisher,
        token_file=args.token_file.resolve() if args.token_file else None,
        voice_model=args.voice_model.resolve() if args.voice_model else None,
        screenshots=not args.no_screenshots,
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    from kiosk.app.main import run  # noqa: PLC0415 - Kivy only for this command

    try:
        return run(settings)
    except (FontError, DisplayError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_FAILURE


def _app_version() -> str:
    try:
        return metadata.version("gongkai")
    except metadata.PackageNotFoundError:
        return "unknown"
