"""Writes to the fleet: enrol a kiosk (its token shown once, with its files) and revoke one.

Both faces call these (``gongkai device add|revoke`` and the console); the
actor's scope decides which channels it may enrol on and which kiosks it may
revoke::

    enrolment = kiosk_enrol(actor=actor, name="nanan-hall-2", channel="town-nanan",
                            home=home, config=config)
    enrolment.token            # shown once; only its hash is stored
    enrolment.files["root.json"], enrolment.files["token"], enrolment.files["安装说明.txt"]
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher.devices import DeviceError, device_enrol, device_revoke
from publisher.release.builder import channels_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from publisher.actors import Actor
    from publisher.config import Config
    from publisher.home import Home

__all__ = ["Enrolment", "kiosk_enrol", "kiosk_revoke"]

#: The kiosk home the provisioning notes assume (docs/operations.md).
_KIOSK_HOME = "/var/lib/gongkai-kiosk"


@dataclass(frozen=True)
class Enrolment:
    """A kiosk just enrolled: its token (shown this once) and the files to provision it."""

    name: str
    channel: str
    token: str
    #: File name to bytes: ``root.json`` (the trust anchor), ``token`` and the steps.
    files: Mapping[str, bytes]


def kiosk_enrol(*, actor: Actor, name: str, channel: str, home: Home, config: Config) -> Enrolment:
    """Enrol kiosk ``name`` on ``channel`` and make its provisioning files.

    Raises:
        DeviceError: the channel is unknown, the name is bad or taken, or the
            publisher has no root.json to provision with yet (no keys).
        OutOfScopeError: the channel is not the actor's town's.
    """
    try:
        root = home.provision.read_bytes()
    except OSError:
        raise DeviceError(
            f"no {home.provision} to provision kiosks with yet; run: gongkai keys init"
        ) from None
    token = device_enrol(actor=actor, name=name, channel=channel, channels=channels_of(config))
    steps = _steps(name=name.strip(), channel=channel, public_url=config.publisher.public_url)
    files = {"root.json": root, "token": f"{token}\n".encode(), "安装说明.txt": steps.encode()}
    return Enrolment(name=name.strip(), channel=channel, token=token, files=files)


def kiosk_revoke(*, actor: Actor, name: str) -> None:
    """Revoke kiosk ``name``: its token is refused from now on; it keeps showing what it has.

    Raises:
        DeviceError: no such active kiosk in the actor's scope (another town's
            kiosk is "no such kiosk", so its existence is not told).
    """
    device_revoke(actor=actor, name=name)


# --- helpers -------------------------------------------------------------------------


def _steps(*, name: str, channel: str, public_url: str) -> str:
    home = _KIOSK_HOME
    command = shlex.join(
        [
            "gongkai",
            "kiosk-agent",
            "--publisher",
            public_url,
            "--home",
            home,
            "--channel",
            channel,
            "--token-file",
            f"{home}/token",
        ]
    )
    return "\n".join(
        [
            f"政务公开触摸屏 {name} 安装说明（频道 {channel}）",
            "",
            f"1. 把 root.json 复制到触摸屏的 {home}/root.json（请用U盘等可信方式传送，",
            "   并在两端用 sha256sum 核对）。",
            f"2. 把 token 复制到 {home}/token，权限设为 0600（令牌只显示这一次，请妥善保管）。",
            "3. 以服务方式运行更新程序：",
            f"   {command}",
            "4. 在发布端的“设备”页面确认这台触摸屏已上线并应用了最新版本。",
            "",
        ]
    )
