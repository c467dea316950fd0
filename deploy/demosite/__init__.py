"""The demo county website (大余县, fictional people): a stand-in for a real county site.

Serves the demo county from ``content.demo`` the way real county sites publish,
with their pitfalls, so the publisher's sync meets realistic pages. Entry points:
``DemoSite`` (request → response, no sockets) and ``DemoServer`` (on a socket).
"""

from demosite.app import DemoSite, Request, Response
from demosite.server import DemoServer

__all__ = ["DemoServer", "DemoSite", "Request", "Response"]
