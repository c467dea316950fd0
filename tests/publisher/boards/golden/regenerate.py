"""Rewrite the golden PNGs after an intended rendering change.

    .venv/bin/python tests/publisher/boards/golden/regenerate.py

Look at every changed image (``git diff --stat``, an image viewer) before
committing: the goldens are the specification of what boards show.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from golden_cases import CASES, render_case  # noqa: E402


def main() -> None:
    for name in sorted(CASES):
        for number, slide in enumerate(render_case(name), 1):
            path = HERE / f"{name}-{number}.png"
            slide.image.save(path, optimize=True)
            print(path.relative_to(HERE.parents[3]))  # noqa: T201 - a developer tool


if __name__ == "__main__":
    main()
