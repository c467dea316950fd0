"""`gongkai board …` through the real entry point, on temp homes made by `gongkai init`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from content.county_time import SHANGHAI

GONGKAI = str(Path(sys.executable).parent / "gongkai")
SITE = "http://127.0.0.1:8600"

# Approves demo notices, projects and leaders into the home's store, as a sync and
# review would (the builder and the boards read only approved revisions).
SEED = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from pathlib import Path
    from content import demo
    from publisher.django_setup import setup
    from publisher.home import Home
    setup(Home(Path(sys.argv[1])), migrate=True)
    from publisher.store import services
    county = demo.generate_county()
    policy = services.Policy(auto_approve=True, max_rewrite_share=1.0, max_removal_share=1.0)
    for kind, entities in (("notice", county.notices[:60]), ("project", county.projects[:12]),
                           ("leader", county.leaders[:12])):
        source = services.source_upsert(key=f"demo-{kind}", name=kind, entity_type=kind,
            profile="builtin:dayu/tzgg", site="http://127.0.0.1:8600", auto_approve=True,
            enabled=True)
        for entity in entities:
            services.revision_record(source=source, entity=entity, run=None, policy=policy,
                                     now=datetime.now(UTC))
    """
)


def gongkai(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GONGKAI, *args, "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("boards") / "home"
    done = subprocess.run(
        [GONGKAI, "init", "--home", str(home), "--demo", SITE],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    subprocess.run([sys.executable, "-c", SEED, str(home)], check=True, timeout=120)
    return home


def test_demo_boards_are_listed_with_their_state(demo_home):
    result = gongkai(demo_home, "board", "list", "--json")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    assert [b["id"] for b in listing["boards"]] == [
        "hall-k",
        "nanan-g6",
        "square-ft",
        "lobby-preview",
    ]
    assert {b["driver"] for b in listing["boards"]} == {
        "onbon-k",
        "onbon-g6",
        "flaschen-taschen",
        "preview",
    }
    assert listing["issues"] == []


def test_explain_names_the_winner_and_what_it_shadowed(demo_home):
    result = gongkai(demo_home, "board", "explain", "lobby-preview", "--at", "2026-12-01 10:30")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert '显示 shows: #2 "重点项目进度"' in out
    assert "/ 完成率" in out  # project progress lines, the rate never split
    assert '#1 "白天通知轮播"' in out.split("被覆盖 shadowed")[1]
    assert "lower priority (0 < 5)" in out
    night = gongkai(demo_home, "board", "explain", "square-ft", "--at", "2026-12-02 01:30")
    assert '"夜间提示"' in night.stdout.split("显示 shows:")[1].splitlines()[0]
    closed = gongkai(demo_home, "board", "explain", "hall-k", "--at", "2026-12-01 20:00")
    assert "nothing (blank)" in closed.stdout
    assert "outside operating hours 07:30-18:30" in closed.stdout


def test_preview_writes_the_board_pixels_scaled_up(demo_home, tmp_path):
    png, gif = tmp_path / "p.png", tmp_path / "p.gif"
    at = ("--at", "2026-12-01 08:30")
    assert (
        gongkai(demo_home, "board", "preview", "nanan-g6", *at, "--out", str(png)).returncode == 0
    )
    with Image.open(png) as opened:
        image = opened.convert("RGB")
    assert image.size == (128 * 4, 64 * 4)
    small = image.resize((128, 64), Image.Resampling.NEAREST)
    assert small.resize(image.size, Image.Resampling.NEAREST).tobytes() == image.tobytes()
    done = gongkai(
        demo_home, "board", "preview", "nanan-g6", *at, "--out", str(gif), "--scale", "2"
    )
    assert done.returncode == 0, done.stderr
    with Image.open(gif) as animation:
        assert animation.size == (256, 128)
        assert animation.n_frames >= 2  # notices, then the QR code
    bad = gongkai(demo_home, "board", "preview", "nanan-g6", "--out", str(tmp_path / "p.jpg"))
    assert bad.returncode == 2


def test_push_reports_each_board_and_the_failures_reason(demo_home):
    ok = gongkai(demo_home, "board", "push", "lobby-preview")
    assert ok.returncode == 0, ok.stderr
    assert (demo_home / "previews" / "lobby-preview" / "program.gif").is_file()
    down = gongkai(demo_home, "board", "push", "hall-k", "--timeout", "1")
    assert down.returncode == 1
    assert "hall-k: FAILED (unreachable)" in down.stdout
    listing = json.loads(gongkai(demo_home, "board", "list", "--json").stdout)
    state = {b["id"]: b for b in listing["boards"]}
    assert state["hall-k"]["reachable"] is False
    assert state["hall-k"]["failures"] >= 1
    assert state["lobby-preview"]["result"] == "ok"


def test_schedules_with_unshowable_text_are_refused_when_saved(demo_home):
    euro = gongkai(
        demo_home, "board", "schedule", "add", "--name", "价格", "--boards", "hall-k",
        "--show", "text:门票 5€",
    )  # fmt: skip
    assert euro.returncode == 2
    assert "[unshowable] show[0]: character '€' (U+20AC) at position 5" in euro.stderr
    assert "board hall-k" in euro.stderr
    qr = gongkai(
        demo_home, "board", "schedule", "add", "--name", "码", "--groups", "hall",
        "--show", f"qr:{SITE}/zwgk/tzgg/index.shtml",
    )  # fmt: skip
    assert qr.returncode == 2
    assert "full-colour" in qr.stderr
    elsewhere = gongkai(
        demo_home, "board", "schedule", "add", "--name", "外链", "--boards", "nanan-g6",
        "--show", "qr:http://evil.example/x",
    )  # fmt: skip
    assert elsewhere.returncode == 2
    assert "county's documents" in elsewhere.stderr
    duties = ("--show", "leaders:3", "--from", "08:00", "--to", "09:00", "--days", "mon",
              "--priority", "9")  # fmt: skip
    # The county head's name has a character outside GB2312: not for the font card.
    card = gongkai(demo_home, "board", "schedule", "add", "--name", "分工", "--boards", "hall-k",
                   *duties)  # fmt: skip
    assert card.returncode == 2
    assert "'玥' (U+73A5)" in card.stderr
    good = gongkai(demo_home, "board", "schedule", "add", "--name", "周一领导分工",
                   "--boards", "lobby-preview", *duties)  # fmt: skip
    assert good.returncode == 0, good.stderr
    rule_id = good.stdout.split("#")[1].split()[0]
    explained = gongkai(demo_home, "board", "explain", "lobby-preview", "--at", "2026-11-30 08:15")
    assert '"周一领导分工"' in explained.stdout.split("\n")[2]
    assert gongkai(demo_home, "board", "schedule", "remove", rule_id).returncode == 0
    assert gongkai(demo_home, "board", "schedule", "remove", rule_id).returncode == 2


def test_an_emergency_preempts_everything_until_cancelled(demo_home):
    until = (datetime.now(SHANGHAI) + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    issued = gongkai(
        demo_home, "board", "emergency", "--boards", "hall-k,lobby-preview",
        "--text", "暴雨红色预警 请勿外出", "--until", until,
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    explained = gongkai(demo_home, "board", "explain", "hall-k")
    assert "EMERGENCY" in explained.stdout
    assert "preempts every schedule" in explained.stdout
    cancelled = gongkai(demo_home, "board", "emergency", "--boards", "hall-k", "--cancel")
    assert "cancelled 1" in cancelled.stdout
    assert (
        "EMERGENCY"
        not in gongkai(demo_home, "board", "explain", "hall-k").stdout.split("被覆盖")[0]
    )
    past = gongkai(
        demo_home, "board", "emergency", "--boards", "hall-k", "--text", "x",
        "--until", "2020-01-01 00:00",
    )  # fmt: skip
    assert past.returncode == 2
    assert "past" in past.stderr
    endless = gongkai(demo_home, "board", "emergency", "--boards", "hall-k", "--text", "x")
    assert endless.returncode == 2


def test_a_bad_board_is_reported_and_the_good_ones_still_work(tmp_path):
    home = tmp_path / "home"
    assert subprocess.run([GONGKAI, "init", "--home", str(home)], check=False,
                          capture_output=True, timeout=120).returncode == 0  # fmt: skip
    with (home / "gongkai.toml").open("a", encoding="utf-8") as config:
        config.write(
            textwrap.dedent(
                """
                [[boards]]
                id = "good"
                name = "好屏"
                driver = "preview"
                address = "previews/good"
                width = 64
                height = 16
                colors = "mono"

                [[boards]]
                id = "bad"
                name = "坏屏"
                driver = "onbon-k"
                address = "10.0.0.9:5005"
                width = "wide"
                height = 32
                colors = "rgb"
                """
            )
        )
    listing = gongkai(home, "board", "list")
    assert listing.returncode == 2
    assert "good" in listing.stdout
    lines = (home / "gongkai.toml").read_text(encoding="utf-8").splitlines()
    width_line = next(n for n, line in enumerate(lines, 1) if line.startswith('width = "wide"'))
    assert f'gongkai.toml:{width_line}: boards[1] (id "bad"): width:' in listing.stderr
    pushed = gongkai(home, "board", "push", "good")
    assert pushed.returncode == 0, pushed.stderr
    assert (home / "previews" / "good" / "slide-01.png").is_file()
    refused = gongkai(home, "board", "push", "bad")
    assert refused.returncode == 2
    assert "misconfigured" in refused.stderr


def test_pushing_a_flaschen_board_shows_the_first_slide_and_says_serve_cycles(demo_home):
    added = gongkai(
        demo_home, "board", "schedule", "add", "--name", "广场轮播", "--boards", "square-ft",
        "--show", "text:第一页", "--show", "text:第二页", "--priority", "50",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    rule_id = added.stdout.split("#")[1].split()[0]
    try:
        pushed = gongkai(demo_home, "board", "push", "square-ft")
    finally:
        gongkai(demo_home, "board", "schedule", "remove", rule_id)
    assert pushed.returncode == 0, pushed.stderr
    assert "showing slide 1 of 2" in pushed.stdout
    assert "`gongkai serve` cycles its slides" in pushed.stdout


def test_a_workday_rule_is_off_on_national_day_and_explain_says_why(demo_home):
    added = gongkai(
        demo_home, "board", "schedule", "add", "--name", "工作日提示", "--boards", "lobby-preview",
        "--show", "text:办事请取号", "--from", "08:30", "--to", "17:30", "--days", "workdays",
        "--priority", "9",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "08:30-17:30 workdays priority 9" in added.stdout
    rule_id = added.stdout.split("#")[1].split()[0]
    try:
        holiday = gongkai(
            demo_home, "board", "explain", "lobby-preview", "--at", "2026-10-01 10:30"
        )
        assert "星期四 国庆节" in holiday.stdout
        assert "2026-10-01 国庆节, not a working day" in holiday.stdout.split("不生效")[1]
        makeup = gongkai(demo_home, "board", "explain", "lobby-preview", "--at", "2026-10-10 10:30")
        assert "显示 shows: #" + rule_id + ' "工作日提示"' in makeup.stdout
        listed = json.loads(gongkai(demo_home, "board", "schedule", "list", "--json").stdout)
        assert {rule["name"]: rule["days"] for rule in listed}["工作日提示"] == "workdays"
    finally:
        gongkai(demo_home, "board", "schedule", "remove", rule_id)


# The same typed input, refused by the command line and by the service with the same codes.
PARITY = {
    "bad-time": ["--name", "x", "--boards", "hall-k", "--show", "clock", "--from", "7点"],
    "unshowable": ["--name", "价格", "--boards", "hall-k", "--show", "text:门票 5€"],
    "never-shows": ["--name", "夜里", "--boards", "hall-k", "--show", "clock",
                    "--from", "20:00", "--to", "23:00"],
    "unknown-board": ["--name", "x", "--boards", "nowhere", "--show", "clock"],
}  # fmt: skip
_OPTIONS = {"--name": "name", "--boards": "boards", "--show": "show", "--from": "start",
            "--to": "end"}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(PARITY))
def test_the_cli_and_the_service_refuse_the_same_input_with_the_same_codes(demo_home, case):
    from publisher.actors import Actor  # noqa: PLC0415
    from publisher.boards.compose import ContentSnapshot  # noqa: PLC0415
    from publisher.boards.config import BoardSet  # noqa: PLC0415
    from publisher.boards.demo import DEMO_BOARDS  # noqa: PLC0415
    from publisher.boards.drafts import RuleDraft  # noqa: PLC0415
    from publisher.boards.services import BoardRuleError, rule_add  # noqa: PLC0415

    argv = PARITY[case]
    cli = gongkai(demo_home, "board", "schedule", "add", *argv, "--json")
    assert cli.returncode == 2, cli.stdout
    cli_codes = [(p["code"], p["field"]) for p in json.loads(cli.stdout)["refused"]]
    fields: dict[str, object] = dict(zip(argv[::2], argv[1::2], strict=True))
    draft = RuleDraft(**{_OPTIONS[k]: ([v] if k == "--show" else v) for k, v in fields.items()})
    with pytest.raises(BoardRuleError) as refused:
        rule_add(actor=Actor.cli("test"), rule=draft, boards=BoardSet(DEMO_BOARDS, ()),
                 snapshot=ContentSnapshot(), now=datetime.now(SHANGHAI))  # fmt: skip
    assert cli_codes == [(p.code.value, p.field) for p in refused.value.problems]
    assert cli_codes
