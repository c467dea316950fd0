"""Annual-report charts from the demo county's reports, and from partial or odd data."""

from __future__ import annotations

import copy

import pytest

from content import demo
from content.serialize import to_record
from kiosk.viewmodels.charts import Bar, Chart, report_charts


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    county = demo.generate_county()
    found = {r.format_version.value: to_record(r) for r in county.annual_reports}
    assert set(found) == {"legacy_2008", "revised_2021"}
    return found


def _bars(chart: Chart) -> dict[str, int | float]:
    return {bar.label: bar.value for bar in chart.bars}


def _by_title(charts) -> dict[str, Chart]:
    return {chart.title: chart for chart in charts}


def assert_well_formed(charts) -> None:
    for chart in charts:
        assert chart.title
        assert chart.bars
        top = max(bar.value for bar in chart.bars)
        for bar in chart.bars:
            assert isinstance(bar, Bar)
            assert bar.label
            assert 0.0 <= bar.share <= 1.0
            expected = bar.value / top if top > 0 else 0.0
            assert bar.share == pytest.approx(max(0.0, expected))


def test_2008_report_has_the_reports_own_figures(reports):
    charts = report_charts(reports["legacy_2008"])
    assert 3 <= len(charts) <= 5
    assert_well_formed(charts)
    by = _by_title(charts)
    assert _bars(by["主动公开政府信息"]) == {
        "主动公开总数": 3946,
        "通过政府网站": 3946,
        "通过政府公报": 0,
    }
    channels = by["依申请公开：申请渠道"]
    assert _bars(channels) == {
        "当面申请": 7,
        "传真申请": 0,
        "电子邮件申请": 0,
        "网上申请": 0,
        "信函申请": 4,
    }  # no 其他形式 bar: the 2008 table has no such row
    assert sum(_bars(channels).values()) == 11
    assert channels.note == "全年收到申请11件"
    assert channels.unit == "件"
    results = by["依申请公开：答复结果"]
    assert _bars(results) == {"同意公开": 7, "同意部分公开": 2, "不予公开": 2}
    assert [bar.share for bar in results.bars] == pytest.approx([1.0, 2 / 7, 2 / 7])
    review = by["行政复议、诉讼与申诉"]
    assert _bars(review) == {"行政复议": 0, "行政诉讼": 0, "行政申诉": 0}
    assert all(bar.share == 0.0 for bar in review.bars)  # zero totals are fine


def test_2021_report_charts(reports):
    charts = report_charts(reports["revised_2021"])
    assert 3 <= len(charts) <= 5
    assert_well_formed(charts)
    by = _by_title(charts)
    applicants = by["依申请公开：申请人类型"]
    assert _bars(applicants) == {
        "自然人": 38,
        "商业企业": 3,
        "科研机构": 0,
        "社会公益组织": 0,
        "法律服务机构": 1,
        "其他组织": 0,
    }
    assert applicants.note == "本年新收申请42件，上年结转2件"
    outcomes = by["依申请公开：办理结果"]
    assert _bars(outcomes) == {
        "予以公开": 23,
        "部分公开": 6,
        "不予公开": 3,
        "无法提供": 6,
        "不予处理": 2,
        "其他处理": 1,
    }
    assert sum(_bars(outcomes).values()) == 41
    assert outcomes.note == "办结41件，结转下年度继续办理3件"
    assert _bars(by["主动公开：行政决定"]) == {"行政许可": 5230, "行政处罚": 612, "行政强制": 18}
    assert _bars(by["主动公开：行政规范性文件"]) == {"本年制发": 6, "本年废止": 2, "现行有效": 41}
    review = by["行政复议和行政诉讼"]
    assert _bars(review) == {"行政复议": 1, "未经复议直接起诉": 0, "复议后起诉": 0}
    assert review.note == "行政复议：维持1件"


def test_2019_format_reads_its_own_proactive_table(reports):
    record = copy.deepcopy(reports["revised_2021"])
    record["format_version"] = "trial_2019"
    record["stats"]["format"] = "trial_2019"
    record["stats"]["proactive"] = {
        "normative_docs": {"new_made": 4, "new_disclosed": 4, "total_disclosed": 37},
        "licensing": {"prev_year_count": 10, "change": -2, "decisions": 4100},
        "other_services": {"decisions": 12},
        "penalty": {"decisions": 380},
        "coercion": {"decisions": 9},
        "procurement": {"items": 3, "amount_wan_yuan": "120.5"},
    }
    charts = report_charts(record)
    assert_well_formed(charts)
    by = _by_title(charts)
    assert _bars(by["主动公开：行政决定"]) == {
        "行政许可": 4100,
        "其他对外管理服务": 12,
        "行政处罚": 380,
        "行政强制": 9,
    }
    assert _bars(by["主动公开：规范性文件"]) == {
        "本年新制作": 4,
        "本年新公开": 4,
        "对外公开总数": 37,
    }
    assert "依申请公开：办理结果" in by


def test_the_stats_mapping_alone_is_enough(reports):
    record = reports["legacy_2008"]
    assert report_charts(record["stats"]) == report_charts(record)


@pytest.mark.parametrize(
    "record",
    [
        {},
        {"stats": None},
        {"stats": {}},
        {"stats": {"format": "legacy_2008"}},
        {"stats": {"format": "revised_2021"}},
        {"stats": {"format": "trial_2019", "applications": "broken"}},
        {"stats": {"format": "future_2031", "proactive_total": 5}},
        {"format_version": "revised_2021", "stats": {"applications": {"new": None}}},
    ],
)
def test_empty_or_unknown_data_gives_no_charts(record):
    assert report_charts(record) == ()


def test_missing_figures_drop_bars_not_charts():
    record = {
        "stats": {
            "format": "legacy_2008",
            "proactive_total": 120,
            "applications_by_channel": {"in_person": 3, "letter": None, "online": "2"},
            "replies_granted": 2,
            "replies_refused": "x",
            "lawsuits": True,
        }
    }
    by = _by_title(report_charts(record))
    assert _bars(by["主动公开政府信息"]) == {"主动公开总数": 120}
    assert _bars(by["依申请公开：申请渠道"]) == {"当面申请": 3, "网上申请": 2}
    assert by["依申请公开：申请渠道"].note is None
    assert _bars(by["依申请公开：答复结果"]) == {"同意公开": 2}
    assert "行政复议、诉讼与申诉" not in by  # a bool is not a figure


def test_partial_2021_tables():
    record = {
        "format_version": "revised_2021",
        "stats": {
            "format": "revised_2021",
            "applications": {
                "new": {"natural_person": 0, "total": 0},
                "result": {"disclosed": {"total": 0}, "refused": {"third_party": {}}},
            },
            "review_litigation": {"reconsideration": {"total": 2, "corrected": 1, "pending": 1}},
        },
    }
    charts = report_charts(record)
    assert_well_formed(charts)
    by = _by_title(charts)
    assert _bars(by["依申请公开：申请人类型"]) == {"自然人": 0}
    assert by["依申请公开：申请人类型"].note == "本年新收申请0件"
    assert _bars(by["依申请公开：办理结果"]) == {"予以公开": 0}
    assert _bars(by["行政复议和行政诉讼"]) == {"行政复议": 2}
    assert by["行政复议和行政诉讼"].note == "行政复议：纠正1件、尚未审结1件"


def test_refusal_reasons_chart_only_when_counted():
    stats = {"format": "legacy_2008", "replies_refused": 3}
    assert "不予公开的理由" not in _by_title(report_charts({"stats": stats}))
    stats["refusal_reasons"] = {"exempt_1": 1, "not_held": 2}
    reasons = _by_title(report_charts({"stats": stats}))["不予公开的理由"]
    assert _bars(reasons)["非本机关掌握"] == 2


def test_decimal_strings_and_floats():
    record = {
        "stats": {"format": "legacy_2008", "proactive_total": "3,946", "onsite_visitors": 1.5}
    }
    by = _by_title(report_charts(record))
    assert _bars(by["主动公开政府信息"]) == {"主动公开总数": 3946}
    assert _bars(by["咨询与查阅"]) == {"现场接待": 1.5}
