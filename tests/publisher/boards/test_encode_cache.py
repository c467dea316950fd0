"""EncodeCache: boards of one appearance share frames; bounded; failures not kept."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest
from PIL import Image

from publisher.boards.drivers import BoardContentError, EncodeCache, encode_only, make_driver
from publisher.boards.program import BoardConfig, Program, Slide


def board(board_id: str, driver: str = "onbon-g6", **fields) -> BoardConfig:
    base = BoardConfig(
        id=board_id, name=board_id, town="t", place="p", driver=driver,  # type: ignore[arg-type]
        address=f"10.0.0.{len(board_id)}:5005", width=32, height=16, colors="rgb",
    )  # fmt: skip
    return replace(base, **fields)


def program(text: str, *, size: tuple[int, int] = (32, 16), board_id: str = "x") -> Program:
    image = Image.new("RGB", size)
    image.putpixel((len(text) % size[0], 0), (255, 0, 0))
    return Program(board_id, (Slide(image, (text,)),), reason="r")


@pytest.mark.parametrize("driver", ["onbon-k", "onbon-g6", "flaschen-taschen"])
def test_boards_differing_only_in_identity_share_one_encoding(driver):
    cache = EncodeCache()
    a = board("a", driver, hours=("07:00", "19:00"), group=("hall",))
    b = board("bb", driver, town="u", place="q", name="B")
    frames = encode_only(a, program("一", board_id="a"), cache=cache)
    assert encode_only(b, program("一", board_id="bb"), cache=cache) == frames
    assert frames == encode_only(a, program("一"))  # exactly the uncached bytes
    stats = cache.stats()
    assert (stats.encodes, stats.hits, stats.entries) == (1, 1, 1)
    assert stats.bytes == sum(map(len, frames))


def test_what_changes_the_bytes_gets_its_own_entry():
    cache = EncodeCache()
    g6 = board("a")
    encode_only(g6, program("一"), cache=cache)
    encode_only(g6, program("二"), cache=cache)  # other content
    encode_only(replace(g6, colors="dual"), program("一"), cache=cache)  # other pixel format
    encode_only(replace(g6, driver="flaschen-taschen"), program("一"), cache=cache)
    k = board("k", "onbon-k")
    encode_only(k, program("一"), cache=cache)
    encode_only(replace(k, height=32), program("一", size=(32, 32)), cache=cache)
    assert cache.stats().encodes == 6
    assert cache.stats().hits == 0


def test_the_cache_is_bounded_least_recently_used_first():
    one = len(encode_only(board("a"), program("a"))[0])
    cache = EncodeCache(max_bytes=one * 2)
    for text in "abc":
        encode_only(board("a"), program(text), cache=cache)
    stats = cache.stats()
    assert (stats.entries, stats.evictions) == (2, 1)
    assert stats.bytes <= cache.max_bytes
    encode_only(board("a"), program("b"), cache=cache)  # kept: a hit
    encode_only(board("a"), program("a"), cache=cache)  # evicted: encoded again
    assert (cache.stats().hits, cache.stats().encodes) == (1, 4)


def test_a_program_bigger_than_the_cache_is_not_kept():
    cache = EncodeCache(max_bytes=10)
    encode_only(board("a"), program("a"), cache=cache)
    encode_only(board("a"), program("a"), cache=cache)
    assert (cache.stats().entries, cache.stats().encodes, cache.stats().bytes) == (0, 2, 0)
    with pytest.raises(ValueError, match="max_bytes"):
        EncodeCache(max_bytes=-1)


def test_failures_are_not_cached_and_name_their_own_board():
    cache = EncodeCache()
    too_long = Program("x", (Slide(Image.new("1", (32, 16)), ("长" * 600,)),))
    for board_id in ("first", "second"):
        with pytest.raises(BoardContentError, match=f"^board {board_id}: 1[0-9]+ bytes of text"):
            encode_only(board(board_id, "onbon-k"), too_long, cache=cache)
    assert (cache.stats().entries, cache.stats().encodes) == (0, 0)


def test_callers_cannot_change_cached_frames():
    cache = EncodeCache()
    frames = encode_only(board("a"), program("a"), cache=cache)
    frames.clear()
    assert encode_only(board("a"), program("a"), cache=cache) != []


def test_concurrent_boards_wait_for_one_encoding():
    cache = EncodeCache()
    calls = []

    def slow() -> list[bytes]:
        calls.append(1)
        time.sleep(0.05)
        return [b"frame"]

    results: list[list[bytes]] = []
    threads = [
        threading.Thread(
            target=lambda n=n: results.append(cache.frames(board(f"b{n}"), program("a"), slow))
        )
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert results == [[b"frame"]] * 8


def test_drivers_use_the_cache_they_are_made_with(tmp_path):
    cache = EncodeCache()
    for n in range(3):
        driver = make_driver(board(f"b{n}", "onbon-k"), cache=cache)
        driver.encode(program("一"))  # type: ignore[attr-defined]
    assert (cache.stats().encodes, cache.stats().hits) == (1, 2)
    preview = make_driver(board("p", "preview", address=str(tmp_path)), cache=cache)
    assert preview is not None  # the preview driver takes no cache: its files name the board
