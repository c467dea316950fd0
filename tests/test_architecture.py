"""The import rules of architecture.md, checked on the source of every package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "content": {
        "django",
        "kivy",
        "publisher",
        "kiosk",
        "demosite",
        "requests",
        "urllib3",
        "httpx",
        "socket",
        "http",
        "urllib.request",
        "apscheduler",
        "tuf",
    },
    "publisher": {"kiosk", "kivy"},
    "kiosk": {"publisher", "django"},
}
PACKAGE_DIRS = {
    "content": ROOT / "content",
    "publisher": ROOT / "publisher",
    "kiosk": ROOT / "kiosk",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_respect_the_architecture(package):
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted(PACKAGE_DIRS[package].rglob("*.py"))
        for name in _imports(path)
        for banned in FORBIDDEN[package]
        if name == banned or name.startswith(banned + ".")
    ]
    assert offenders == []
