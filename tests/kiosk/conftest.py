"""Fixtures for the kiosk agent tests.

``publisher`` (session): the real chain, built once in subprocesses on loopback
(see ``repokit``): the demo site, a publisher home with releases v1 and v2,
``gongkai serve`` and an enrolled device. Tests that tamper with a repository
or replay old files never touch it: ``repo_server`` serves a *copy* of the
repository after v1 or v2 from a test's own static server.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from kiosk.agent import Agent, AgentConfig

from .repokit import GONGKAI, TOKEN, RepoServer, build_publisher, demo_site, kiosk_home, serving


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def publisher(tmp_path_factory):
    base = tmp_path_factory.mktemp("chain")
    with demo_site() as site:
        built = build_publisher(base, site)
        with serving(built) as url:
            built.url = url
            built.token = built.device_add("hall-1")
            yield built


@pytest.fixture
def repo_server(tmp_path, publisher):
    """A factory: ``repo_server("v1")`` serves a private copy of the repository after v1."""
    servers: list[RepoServer] = []

    def make(version: str = "v1", *, delay: float = 0.0) -> RepoServer:
        source = publisher.repo_v1 if version == "v1" else publisher.repo_v2
        copy = tmp_path / f"repo-{version}-{len(servers)}"
        shutil.copytree(source, copy)
        server = RepoServer(copy, delay=delay)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def new_home(tmp_path, publisher):
    """A factory of fresh kiosk homes provisioned with the publisher's root.json."""
    count = iter(range(1000))

    def make(name: str | None = None):
        return kiosk_home(tmp_path / (name or f"kiosk-{next(count)}"), publisher.root_json)

    return make


@pytest.fixture
def make_agent():
    """A factory of in-process agents; their connections are closed afterwards."""
    agents: list[Agent] = []

    def make(url: str, home, **options) -> Agent:
        fs = options.pop("fs", None)
        clock = options.pop("clock", None)
        agent = Agent(AgentConfig(publisher=url, home=home, **options), fs=fs, clock=clock)
        agents.append(agent)
        return agent

    yield make
    for agent in agents:
        agent.http.clear()


def run_agent(url: str, home, *args: str, token: str = TOKEN, timeout: float = 60):
    """``gongkai kiosk-agent --once`` in a subprocess."""
    return subprocess.run(
        [GONGKAI, "kiosk-agent", "--publisher", url, "--home", str(home), f"--token={token}",
         "--once", *args],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


@pytest.fixture
def agent_cli():
    return run_agent
