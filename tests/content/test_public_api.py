"""The public faces of ``content``: what ``__all__`` exports and what importing pulls in.

``__all__`` must list exactly the public names a module exposes (the httpx
``test_exported_members`` pattern), so a name added to a package's ``__init__``
is either exported on purpose or made private.
"""

import inspect
import subprocess
import sys
import types

import pytest

import content
import content.models
import content.normalize
import content.serialize
import content.validation

PUBLIC_MODULES = [content, content.models, content.normalize]


def _defined_in_package(value):
    """True unless ``value`` is a submodule or a class or function imported from elsewhere."""
    if isinstance(value, types.ModuleType):
        return False
    if inspect.isclass(value) or inspect.isroutine(value):
        return value.__module__.split(".")[0] == "content"
    return True


def _public_names(module):
    for name in module.__all__:  # lazy exports (content.lazy) join vars() when first used
        getattr(module, name, None)
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and _defined_in_package(value)
    }


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda module: module.__name__)
def test_all_lists_exactly_the_public_names(module):
    assert len(module.__all__) == len(set(module.__all__)), "__all__ repeats a name"
    assert set(module.__all__) == _public_names(module)


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda module: module.__name__)
def test_every_exported_name_resolves(module):
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


FORBIDDEN_ROOTS = ("django", "kivy", "requests", "urllib3", "httpx", "publisher", "kiosk")

_PROBE = (
    "import content, content.models, content.normalize, content.validation, content.serialize; "
    "import sys; "
    f"print(sorted(m for m in sys.modules if m.split('.')[0] in {set(FORBIDDEN_ROOTS)!r}))"
)


def test_importing_content_pulls_in_no_framework_or_http_library(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
