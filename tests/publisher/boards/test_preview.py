"""Preview driver: files whose pixels equal the slides."""

from __future__ import annotations

import json

import pytest
from PIL import Image, ImageDraw

from publisher.boards.drivers import BoardContentError, BoardUnreachableError, PreviewDriver
from publisher.boards.program import BoardConfig, Program, Slide


def board(address, w=64, h=16) -> BoardConfig:
    return BoardConfig(
        id="preview-1", name="预览", town="城关镇", place="办公室", driver="preview",
        address=str(address), width=w, height=h, colors="dual",
    )  # fmt: skip


def slides() -> tuple[Slide, ...]:
    mono = Image.new("1", (64, 16))
    ImageDraw.Draw(mono).rectangle((2, 2, 20, 10), fill=1)
    rgb = Image.new("RGB", (64, 16))
    ImageDraw.Draw(rgb).text((0, 0), "Hi", fill=(255, 0, 0))
    rgb.putpixel((63, 15), (255, 255, 0))
    return (Slide(mono, ("甲",), seconds=2), Slide(rgb, ("乙",), color="yellow", seconds=3.5))


def test_preview_files_hold_the_exact_pixels(tmp_path):
    out = tmp_path / "hall"
    driver = PreviewDriver(board(out), scale=3)
    program = Program("preview-1", slides(), reason="test")
    result = driver.push(program)
    assert result.frames == 4
    for n, slide in enumerate(program.slides, 1):
        with Image.open(out / f"slide-{n:02d}.png") as png:
            assert png.size == slide.image.size
            assert png.convert("RGB").tobytes() == slide.image.convert("RGB").tobytes()
    with Image.open(out / "program.gif") as gif:
        assert gif.size == (64 * 3, 16 * 3)
        assert gif.n_frames == 2
        gif.seek(1)
        assert gif.info["duration"] == 3500
        frame = gif.convert("RGB")
        assert frame.getpixel((63 * 3 + 2, 15 * 3 + 2)) == (255, 255, 0)
    manifest = json.loads((out / "program.json").read_text("utf-8"))
    assert manifest["digest"] == program.content_digest()
    assert [s["lines"] for s in manifest["slides"]] == [["甲"], ["乙"]]


def test_a_shorter_program_removes_stale_slides(tmp_path):
    driver = PreviewDriver(board(tmp_path))
    driver.push(Program("preview-1", slides()))
    driver.push(Program("preview-1", slides()[:1]))
    assert sorted(p.name for p in tmp_path.glob("slide-*.png")) == ["slide-01.png"]


def test_empty_program_and_unwritable_directory(tmp_path):
    driver = PreviewDriver(board(tmp_path))
    with pytest.raises(BoardContentError):
        driver.push(Program("preview-1", ()))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BoardUnreachableError):
        PreviewDriver(board(blocker / "sub")).push(Program("preview-1", slides()))
