"""The demo county website (大余县, fictional people): a stand-in for a real county site.

Serves the demo county from ``content.demo`` the way real county sites publish,
with their pitfalls, so the publisher's sync meets realistic pages. Entry points:
``DemoSite`` (request → response, no sockets) and ``DemoServer`` (on a socket).
"""

import typing

from content import lazy

if typing.TYPE_CHECKING:
    from demosite.app import DemoSite, Request, Response
    from demosite.server import DemoServer

# Loaded on first use: `gongkai` registers `demo-site` on every start (the kiosk's too).
__getattr__ = lazy.exports(
    globals(),
    {
        **dict.fromkeys(("DemoSite", "Request", "Response"), "demosite.app"),
        "DemoServer": "demosite.server",
    },
)

__all__ = ["DemoServer", "DemoSite", "Request", "Response"]
