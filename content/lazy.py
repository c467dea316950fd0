"""Package exports resolved on first use (PEP 562), so importing a package stays cheap.

A package's ``__init__`` that re-exports its public names would import every
submodule at once: ``gongkai kiosk`` would load the pydantic models, the TUF
client and the demo site's templates before its first frame. With ``exports``
a name's module is imported when the name is first used::

    __getattr__ = lazy.exports(globals(), {"validate_jsonl": "content.validation"})
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["exports"]


def exports(namespace: dict[str, Any], modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``modules[name]`` for ``name`` on first use.

    Args:
        namespace: the package's ``globals()``; a resolved name is stored there,
            so later uses cost nothing.
        modules: public name → the module that defines it.
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - the PEP 562 hook's name
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
