"""The drivers package face: exported names, make_driver and encode_only."""

from __future__ import annotations

import pytest
from PIL import Image

from publisher.boards import drivers
from publisher.boards.program import BoardConfig, Program, Slide


def board(driver, address="127.0.0.1:5005", colors="rgb") -> BoardConfig:
    return BoardConfig(
        id="b", name="b", town="t", place="p", driver=driver, address=address,
        width=32, height=16, colors=colors,
    )  # fmt: skip


def test_public_names():
    assert set(drivers.__all__) == {
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
    }


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("onbon-k", drivers.OnbonKDriver),
        ("onbon-g6", drivers.OnbonG6Driver),
        ("flaschen-taschen", drivers.FlaschenDriver),
        ("preview", drivers.PreviewDriver),
    ],
)
def test_make_driver_picks_by_name_and_does_not_connect(name, cls):
    driver = drivers.make_driver(board(name, address="192.0.2.1:5005"), timeout=0.1)
    assert isinstance(driver, cls)
    driver.close()


def test_unknown_driver():
    with pytest.raises(ValueError, match="unknown driver"):
        drivers.make_driver(board("huidu"))  # type: ignore[arg-type]


def test_encode_only_needs_no_network():
    program = Program("b", (Slide(Image.new("RGB", (32, 16), (255, 0, 0)), ("欢迎",)),))
    for name in ("onbon-k", "onbon-g6", "flaschen-taschen"):
        out = drivers.encode_only(board(name, address="192.0.2.1:5005"), program)
        assert out
        assert all(isinstance(b, bytes) for b in out)
    assert drivers.encode_only(board("onbon-g6"), program)[0].startswith(b"\xa5" * 8)


def test_errors_form_one_tree():
    assert issubclass(drivers.BoardContentError, drivers.BoardError)
    assert issubclass(drivers.BoardContentError, ValueError)
    assert issubclass(drivers.BoardRejectedError, drivers.BoardError)
    assert issubclass(drivers.BoardUnreachableError, drivers.BoardError)
