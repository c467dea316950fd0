"""Controller drivers, one file each; Onbon K and G6 share :mod:`.onbon_framing`.

Entry points: :func:`make_driver` (one driver per board, connects lazily) and
:func:`encode_only` (the bytes a push would send, no I/O); an
:class:`EncodeCache` shared by the drivers encodes a program once per board
model and size.  See README.md.
"""

from publisher.boards.drivers._cache import CacheStats, EncodeCache
from publisher.boards.drivers.base import (
    BoardContentError,
    BoardError,
    BoardRejectedError,
    BoardUnreachableError,
    Driver,
    PushResult,
    SlideSink,
)
from publisher.boards.drivers.flaschen import FlaschenDriver
from publisher.boards.drivers.onbon_g6 import OnbonG6Driver
from publisher.boards.drivers.onbon_k import OnbonKDriver, encode_gb2312
from publisher.boards.drivers.preview import PreviewDriver
from publisher.boards.drivers.registry import encode_only, make_driver

__all__ = [
    "BoardContentError",
    "BoardError",
    "BoardRejectedError",
    "BoardUnreachableError",
    "CacheStats",
    "Driver",
    "EncodeCache",
    "FlaschenDriver",
    "OnbonG6Driver",
    "OnbonKDriver",
    "PreviewDriver",
    "PushResult",
    "SlideSink",
    "encode_gb2312",
    "encode_only",
    "make_driver",
]
