"""朗读: what is said (numbers as people say them, a summary first) and how espeak-ng gets it."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
import time
from datetime import date

import pytest

from content.enums import EntityType
from kiosk.a11y.pinyin import to_pinyin
from kiosk.agent.reader import ReleaseReader
from kiosk.viewmodels.details import build_detail
from kiosk.viewmodels.library import Library
from kiosk.viewmodels.reading import list_reading
from kiosk.viewmodels.spoken import cardinal, digits, spoken

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def library(county_home):
    return Library(ReleaseReader(county_home))


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("监督电话：0797-8712345", "监督电话：零七九七，八七一二三四五"),
        ("余府发〔2026〕3号", "余府发二〇二六年三号"),
        ("20个工作日", "二十个工作日"),
        ("2026-01-04", "二〇二六年一月四日"),
        ("2026年11月26日", "二〇二六年十一月二十六日"),
        ("完成85%", "完成百分之八十五"),
        ("8:30-12:00", "八点三十分至十二点"),
        ("手机 13907971234", "手机 一三九零七九七一二三四"),
        ("总投资 12000 万元", "总投资 一万二千 万元"),
        ("编号 A12", "编号 诶一二"),
    ],
)
def test_numbers_are_said_the_way_people_say_them(written, said):
    assert spoken(written) == said


def test_cardinals_and_digits():
    assert [cardinal(n) for n in (10, 15, 105, 1005, 10005)] == [
        "十",
        "十五",
        "一百零五",
        "一千零五",
        "一万零五",
    ]
    assert digits("0797") == "零七九七"


def _power(library):
    for entry in library.by_type[EntityType.POWER_ITEM]:
        record = library.record(entry.id)
        if record.get("supervision_phone") and record.get("item_code"):
            return entry.id, record
    raise AssertionError("no power item with a code and a phone")


def test_a_power_item_is_read_as_a_summary_then_the_rest(library):
    entity_id, record = _power(library)
    detail = build_detail(library, entity_id, TODAY)
    summary, more = detail.reading.summary, detail.reading.more
    # What it is, who handles it, time limit, fee, phone: in the summary.
    for key in ("实施主体", "收费", "监督电话"):
        assert key in summary
    assert digits(record["supervision_phone"]) in summary
    # The rest (the legal basis, duties) waits for 继续朗读, the code digit by digit.
    assert "设定依据" in more
    assert "设定依据" not in summary
    assert f"事项编码，{digits(record['item_code'])}" in more
    assert len(summary) < 400 < len(more)
    # No digit or Latin letter is left for an engine to spell in English.
    assert not re.search(r"[0-9A-Za-z]", summary + more)


def test_a_list_reads_its_count_and_first_titles():
    reading = list_reading("通知公告", [f"通知{n}" for n in range(1, 13)], 12)
    assert reading.summary.startswith("通知公告，共十二条")
    assert "第五条，通知五" in reading.summary
    assert "第六条，通知六" in reading.more
    assert "暂无内容" in list_reading("年度报告", [], 0).summary


def test_pinyin_for_espeak_reads_polyphones_by_context():
    said = to_pinyin("监督电话：零七九七。银行行政，重新")
    assert said == (
        "jian1 du1 dian4 hua4 , ling2 qi1 jiu3 qi1 . yin2 hang2 xing2 zheng4 , chong2 xin1"
    )


def test_espeak_gets_pinyin_through_the_converter_child(tmp_path):
    from kiosk.a11y.speech import EspeakSpeaker

    heard = tmp_path / "heard.txt"
    fake = tmp_path / "fake-tts"
    fake.write_text(f"#!/bin/sh\ncat > {heard}\nexec sleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    speaker = EspeakSpeaker(str(fake))
    assert speaker.command[:3] == [str(fake), "-v", "cmn-latn-pinyin"]
    speaker.speak("权力清单")
    deadline = time.monotonic() + 20
    while not (heard.exists() and heard.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert heard.read_text(encoding="utf-8").strip() == "quan2 li4 qing1 dan1"
    assert speaker.speaking
    speaker.stop()
    assert not speaker.speaking


def test_the_pinyin_voice_reads_mandarin_not_english_letters():
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is missing: deploy/debian-packages.txt installs it")

    def phonemes(voice, text):
        return subprocess.run(
            ["espeak-ng", "-v", voice, "-q", "-x", text], check=True, capture_output=True, text=True
        ).stdout

    # cmn switches to English for the pinyin it finds; cmn-latn-pinyin reads it as Mandarin.
    assert "(en)" in phonemes("cmn", "监督电话")
    pinyin = phonemes("cmn-latn-pinyin", to_pinyin("监督电话"))
    assert "(en)" not in pinyin
    assert pinyin.count("_|") == 4  # four syllables, not letters


@pytest.mark.skipif(
    not (shutil.which("piper") and shutil.which("aplay")), reason="no Piper voice installed here"
)
def test_a_piper_voice_when_the_county_installs_one(tmp_path):  # pragma: no cover - optional
    import os
    from pathlib import Path

    from kiosk.a11y.speech import PiperSpeaker

    model = os.environ.get("KIOSK_PIPER_MODEL")
    if not model:
        pytest.skip("KIOSK_PIPER_MODEL names no model")
    speaker = PiperSpeaker(Path(model))
    speaker.speak("政务公开")
    assert speaker.speaking
    speaker.stop()
    assert not speaker.speaking
