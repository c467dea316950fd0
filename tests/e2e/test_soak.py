"""A short run of `make soak` (bench/soak.py): the whole chain under faults, on loopback.

The real soak runs for minutes (``make soak``); this one injects faults for
20 s into 2 kiosks and must end by itself with every invariant held.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parents[2] / "bench" / "soak.py"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_short_soak_ends_by_itself_with_no_violation(tmp_path):
    env = {
        **os.environ,
        "SOAK_S": "20",
        "KIOSKS": "2",
        "FAULT_EVERY": "0.3",
        "MUTATE_EVERY": "5",
        "CONVERGE_S": "180",
        "SOAK_DIR": str(tmp_path / "soak"),
    }
    done = subprocess.run(
        [sys.executable, str(SOAK)], env=env, capture_output=True, text=True, timeout=580,
        check=False,
    )  # fmt: skip
    out = done.stdout
    assert done.returncode == 0, out[-4000:] + done.stderr[-4000:]
    assert "VIOLATION" not in out
    total = re.search(r"^faults injected.*?^\s+total\s+(\d+)", out, re.MULTILINE | re.DOTALL)
    assert total
    assert int(total.group(1)) >= 20
    assert re.search(r"^\s+total\s+\d+\s+0$", out, re.MULTILINE)  # the invariants' line
    assert re.search(r"converged after the faults\s+[\d.]+s", out)
