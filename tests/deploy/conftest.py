from __future__ import annotations

import pytest
from demosite import DemoServer


@pytest.fixture(scope="module")
def server():
    with DemoServer(host="127.0.0.1", port=0, seed=2008) as running:
        yield running
