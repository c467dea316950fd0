"""Load TOML files into typed models, with errors that name the file, key and line.

``tomllib`` reports syntax errors with a line but gives no positions for keys,
so a validation error's key path is located in the text by walking its table
headers and assignments: good enough to point a county's IT person at the line.
"""

from __future__ import annotations

import re
import tomllib
import types
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError, ValidationInfo

from publisher.errors import InputError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["ConfigError", "load_toml", "parse_toml", "refuse_quoted_scalars"]

_M = TypeVar("_M", bound=BaseModel)
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*=""")


def refuse_quoted_scalars(model: type[BaseModel], value: Any, info: ValidationInfo) -> Any:
    """A ``mode="before"`` check: a number or a true/false given as text is an error.

    Pydantic would quietly read ``per_page = "15"`` as 15 and ``enabled = "false"``
    as False; in a file a person wrote, the quotes are more likely a mistake
    elsewhere (a value pasted into the wrong key), so the key is named instead.
    """
    if not isinstance(value, str) or info.field_name is None:
        return value
    annotation = model.model_fields[info.field_name].annotation
    kinds = (
        set(get_args(annotation))
        if get_origin(annotation) in {Union, types.UnionType}
        else {annotation}
    )
    kinds.discard(type(None))
    if kinds and kinds <= {int, float, bool}:
        kind = "true or false" if kinds == {bool} else "a number"
        raise ValueError(f"give {kind} without quotes, not the text {value!r}")
    return value


class ConfigError(InputError):
    """A configuration or profile file is wrong: exit code 2.

    Attributes:
        file: the file's path as given.
        key: dotted key path, e.g. ``sources[2].schedule`` (empty for syntax errors).
        line: 1-based line number, when known.
        message: what is wrong.
    """

    def __init__(self, file: str, key: str, line: int | None, message: str) -> None:
        self.file = file
        self.key = key
        self.line = line
        self.message = message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


def load_toml(path: Path, model: type[_M], *, context: dict[str, Any] | None = None) -> _M:
    """Read ``path`` and validate it as ``model``.

    Raises:
        ConfigError: the file is missing, unreadable, not TOML, or invalid.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", None, f"cannot read: {exc}") from exc
    return parse_toml(text, model, name=str(path), context=context)


def parse_toml(
    text: str, model: type[_M], *, name: str, context: dict[str, Any] | None = None
) -> _M:
    """Validate TOML ``text`` as ``model``; ``name`` is used in error messages.

    Raises:
        ConfigError: the text is not TOML or does not fit the model.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise ConfigError(name, "", line, f"not valid TOML: {exc}") from exc
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        key = _dotted(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if len(exc.errors()) > 1:
            message += f" (and {len(exc.errors()) - 1} more problems)"
        raise ConfigError(name, key, line_of(text, error["loc"]), message) from exc


def line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The line where the key at ``loc`` is set (or its table starts), if found."""
    keys = [part for part in loc if isinstance(part, str)]
    if not keys:
        return None
    indexes = [part for part in loc if isinstance(part, int)]
    table: list[str] = []
    seen_arrays: dict[str, int] = {}
    best: int | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            table = [part.strip().strip("\"'") for part in header.group(2).split(".")]
            dotted = ".".join(table)
            if header.group(1) == "[[":
                seen_arrays[dotted] = seen_arrays.get(dotted, -1) + 1
            if _matches_table(table, keys, indexes, seen_arrays):
                best = best or number
                if table == keys:
                    return number
            continue
        assign = _ASSIGN.match(raw)
        if assign:
            key = assign.group(1).strip("\"'")
            if [*table, key] == keys[: len(table) + 1] and _matches_table(
                table, keys, indexes, seen_arrays
            ):
                if len(table) + 1 == len(keys):
                    return number
                best = best or number
    return best


def _matches_table(
    table: list[str], keys: list[str], indexes: list[int], seen_arrays: dict[str, int]
) -> bool:
    if table != keys[: len(table)]:
        return False
    dotted = ".".join(table[:1])
    if indexes and dotted in seen_arrays:
        return seen_arrays[dotted] == indexes[0]
    return True


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None
