"""Short links handed out: one code per released item and per mirrored document.

A code is derived from its target (``content.shortlink``); the store makes it
unique. When the derived code is held by another target, the next longer
prefix of the same derivation is taken, so a target's code never depends on
the order targets arrive in except in that (rare) case, and a code once
stored is never changed, deleted or given to another target.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from content.shortlink import MAX_LENGTH, MIN_LENGTH, derive_code
from publisher.store.models import ShortLink

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from content.shortlink import CodeKind

__all__ = ["ShortLinkSpaceError", "links_assign"]


class ShortLinkSpaceError(RuntimeError):
    """Every code length of a target is taken (never expected: 2**60 codes)."""


def links_assign(
    *,
    items: Iterable[str] = (),
    documents: Iterable[str] = (),
    derive: Callable[[CodeKind, str, int], str] = derive_code,
) -> int:
    """Give a code to each item id and document SHA-256 that has none; how many were new.

    Args:
        items: stable ids of released items.
        documents: SHA-256 of mirrored documents.
        derive: the code of a target at a length (``content.shortlink.derive_code``).

    Raises:
        ShortLinkSpaceError: a target found no free code up to ``MAX_LENGTH``.
    """
    wanted: list[tuple[CodeKind, str]] = [("d", t) for t in items] + [("f", t) for t in documents]
    have = set(ShortLink.objects.values_list("kind", "target"))
    missing = sorted({pair for pair in wanted if pair not in have})
    if not missing:
        return 0
    taken = set(ShortLink.objects.values_list("code", flat=True))
    for kind, target in missing:
        _assign(kind, target, taken, derive)
    return len(missing)


def _assign(
    kind: CodeKind, target: str, taken: set[str], derive: Callable[[CodeKind, str, int], str]
) -> None:
    for length in range(MIN_LENGTH, MAX_LENGTH + 1):
        code = derive(kind, target, length)
        if code in taken:
            continue
        try:
            with transaction.atomic():
                ShortLink.objects.create(code=code, kind=kind, target=target)
        except IntegrityError:  # another process took this code (or this target) meanwhile
            if ShortLink.objects.filter(kind=kind, target=target).exists():
                return
            taken.add(code)
            continue
        taken.add(code)
        return
    raise ShortLinkSpaceError(f"no free short code for {kind}:{target}")
