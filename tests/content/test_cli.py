"""``gongkai`` and ``gongkai demo-data`` run as a user would: the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from content.models import JSONL_FILES

GONGKAI = str(Path(sys.executable).parent / "gongkai")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GONGKAI, *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_help_lists_subcommands_and_exit_codes():
    result = run("--help")
    assert result.returncode == 0
    assert "demo-data" in result.stdout
    assert "demo-site" in result.stdout
    assert "Exit codes" in result.stdout


def test_version_is_the_installed_distributions():
    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"gongkai {version('gongkai')}"


def test_no_command_is_bad_usage():
    assert run().returncode == 2
    assert run("no-such-command").returncode == 2
    assert run("demo-data").returncode == 2  # --out is required
    assert run("demo-data", "--help").returncode == 0


def test_demo_data_writes_every_file_byte_identical_per_seed(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    result = run("demo-data", "--out", str(first))
    assert result.returncode == 0, result.stderr
    assert "catalogue.jsonl" in result.stdout
    assert run("demo-data", "--out", str(second)).returncode == 0
    assert run("demo-data", "--out", str(other), "--seed", "9").returncode == 0
    counts = {}
    for name in JSONL_FILES.values():
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes(), name
        counts[name] = data.count(b"\n")
        json.loads(data.splitlines()[0])
    assert counts["agencies.jsonl"] == 69
    assert counts["power_items.jsonl"] == 526
    assert counts["projects.jsonl"] == 100
    assert counts["catalogue.jsonl"] == 3946
    assert counts["guides.jsonl"] == 1
    assert counts["annual_reports.jsonl"] >= 1
    assert (first / "leaders.jsonl").read_bytes() != (other / "leaders.jsonl").read_bytes()


def test_demo_data_bad_arguments_exit_2(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    result = run("demo-data", "--out", str(a_file))
    assert result.returncode == 2
    assert "not a folder" in result.stderr
    assert run("demo-data", "--out", str(tmp_path / "x"), "--mutate", "-1").returncode == 2
    assert run("demo-data", "--out", str(tmp_path / "x"), "--seed", "abc").returncode == 2


def test_demo_data_with_mutations(tmp_path):
    result = run("demo-data", "--out", str(tmp_path), "--mutate", "1")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "catalogue.jsonl").read_bytes().count(b"\n") == 3946 + 5 - 2


def test_the_command_line_loads_no_heavy_library_before_a_command_runs(tmp_path):
    # `gongkai kiosk` registers every package's subcommands on each start; the
    # kiosk's first frame must not wait for models, TUF, templates or pinyin.
    probe = (
        "import sys; from content.cli import _build_parser; _build_parser(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pydantic', 'tuf', 'jinja2', 'pypinyin', 'django', 'kivy', 'urllib3'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
