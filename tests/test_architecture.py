"""The import rules of architecture.md, checked on the source of every package."""

from __future__ import annotations

import ast
import graphlib
import importlib
import inspect
import types
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


# --- size, cycles and public faces (issue 11: keep the house in repair) -------------

#: Modules that are data tables (vocabularies the demo county is generated from),
#: not code: their length is their content.
DATA_TABLES = {
    "content/demo/_vocab_agencies.py",
    "content/demo/_vocab_texts.py",
}
MAX_MODULE_LINES = 500


def _sources():
    for package, folder in PACKAGE_DIRS.items():
        for path in sorted(folder.rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield package, path


def test_no_module_outside_the_data_tables_is_over_500_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for _, path in _sources()
        if str(path.relative_to(ROOT)) not in DATA_TABLES
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run: at module level or inside functions, not under TYPE_CHECKING
    (annotation-only imports are how style.md says to avoid a cycle)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _import_targets(path: Path, name: str, known: set[str]) -> set[str]:
    """Every module of the same tree that ``path`` imports when it runs."""
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    targets: set[str] = set()
    for node in _runtime_imports(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        if node.level:
            base = name.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            module = ".".join([*base, node.module] if node.module else base)
        else:
            module = node.module or ""
        for alias in node.names:
            submodule = f"{module}.{alias.name}"
            targets.add(submodule if submodule in known else module)
    return {target for target in targets if target in known and target != name}


def _a_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (modules in order), or [] when there is none."""
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as error:
        return list(error.args[1])
    return []


@pytest.mark.parametrize("package", sorted(PACKAGE_DIRS))
def test_no_import_cycles_inside_a_package(package):
    """Imports inside functions count too: a cycle hidden in a function is still
    two modules that cannot be understood apart."""
    paths = {_module_name(path): path for pkg, path in _sources() if pkg == package}
    known = set(paths)
    # A submodule's import of its own package face is not a cycle with it: the
    # face re-exports the submodule (Python runs the face first either way).
    graph = {
        name: {t for t in _import_targets(path, name, known) if not name.startswith(t + ".")}
        for name, path in paths.items()
    }
    assert _a_cycle(graph) == []


def _packages():
    for _, path in _sources():
        if path.name == "__init__.py":
            yield _module_name(path)


def _defined_in(value: object, root: str) -> bool:
    if isinstance(value, types.ModuleType):
        return False
    if inspect.isclass(value) and value.__module__ == "builtins":
        return True  # a type alias (IsoDate = str) names the package's own type
    if inspect.isclass(value) or inspect.isroutine(value):
        return str(getattr(value, "__module__", "")).split(".")[0] == root
    return True


@pytest.mark.parametrize("name", sorted(_packages()))
def test_every_package_face_lists_exactly_its_public_names(name):
    """The httpx ``test_exported_members`` rule, for every package of the three."""
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    missing = [item for item in exported if not hasattr(module, item)]  # resolves lazy ones
    assert missing == []
    root = name.split(".")[0]
    public = {
        item
        for item, value in vars(module).items()
        if not item.startswith("_")
        and item not in {"annotations", "TYPE_CHECKING"}
        and _defined_in(value, root)
    }
    assert set(exported) == public
