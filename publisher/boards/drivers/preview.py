"""Preview "board": writes what a board would show into a directory.

For staff previews and ``make demo``.  ``board.address`` is the directory.
Each push writes:

* ``slide-01.png`` … : each slide's exact pixels, one image pixel per LED;
* ``program.gif``: the program as an animation, scaled up by an integer
  factor with nearest-neighbour (so LEDs stay square), one frame per slide
  for ``slide.seconds``;
* ``program.json``: board, reason, digest and per-slide text and timing.

Files are written to temporary names and renamed, so a reader never sees
half a file; slide files left from a longer earlier program are removed.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from publisher.boards.drivers.base import BoardContentError, BoardUnreachableError, PushResult

if TYPE_CHECKING:
    from publisher.boards.program import BoardConfig, Program

DEFAULT_SCALE = 4


def render_files(program: Program, *, scale: int = DEFAULT_SCALE) -> dict[str, bytes]:
    """The preview files for ``program``, by file name; pure, no I/O.

    Raises:
        BoardContentError: the program has no slides, or ``scale`` < 1.
    """
    if not program.slides:
        raise BoardContentError(f"board {program.board_id}: empty program")
    if scale < 1:
        raise BoardContentError(f"preview scale must be at least 1, not {scale}")
    files: dict[str, bytes] = {}
    frames = []
    for n, slide in enumerate(program.slides, 1):
        files[_slide_name(n)] = _png(slide.image)
        big = slide.image.convert("RGB")
        big = big.resize((big.width * scale, big.height * scale), Image.Resampling.NEAREST)
        frames.append(big)
    gif = io.BytesIO()
    frames[0].save(
        gif,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[max(20, round(s.seconds * 1000)) for s in program.slides],
        loop=0,
    )
    files["program.gif"] = gif.getvalue()
    manifest = {
        "board_id": program.board_id,
        "reason": program.reason,
        "digest": program.digest or program.content_digest(),
        "scale": scale,
        "slides": [
            {
                "file": _slide_name(n),
                "kind": s.kind,
                "color": s.color,
                "seconds": s.seconds,
                "lines": list(s.lines),
                "size": list(s.image.size),
                "mode": s.image.mode,
            }
            for n, s in enumerate(program.slides, 1)
        ],
    }
    files["program.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    return files


class PreviewDriver:
    """Writes each pushed program into the directory ``board.address``."""

    def __init__(
        self, board: BoardConfig, *, timeout: float = 5.0, scale: int = DEFAULT_SCALE
    ) -> None:
        self.board = board
        self.timeout = timeout  # unused: the file system does not time out here
        self.scale = scale
        self.directory = Path(board.address)

    def encode(self, program: Program) -> list[bytes]:
        """The file contents :meth:`push` would write, in name order; pure.

        Raises:
            BoardContentError: see :func:`render_files`.
        """
        files = render_files(program, scale=self.scale)
        return [files[name] for name in sorted(files)]

    def push(self, program: Program) -> PushResult:
        """Write the preview files.

        Raises:
            BoardContentError: see :func:`render_files`.
            BoardUnreachableError: the directory cannot be created or written.
        """
        start = time.monotonic()
        files = render_files(program, scale=self.scale)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                _write_atomic(self.directory / name, data)
            for stale in self.directory.glob("slide-*.png"):
                if stale.name not in files:
                    stale.unlink()
        except OSError as exc:
            raise BoardUnreachableError(
                f"board {self.board.id}: cannot write preview to {self.directory}: {exc}"
            ) from exc
        return PushResult(
            board_id=self.board.id,
            frames=len(files),
            bytes_sent=sum(map(len, files.values())),
            seconds=time.monotonic() - start,
            detail=str(self.directory),
        )

    def close(self) -> None:
        """Nothing to close."""


def _slide_name(n: int) -> str:
    return f"slide-{n:02d}.png"


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
