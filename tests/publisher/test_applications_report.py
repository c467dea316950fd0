"""The annual report generated from the register: the 2008 seed table, the current year's
table against counts made here, and no personal data in any output or release."""

from __future__ import annotations

import csv
import gzip
import logging
import zlib
from collections import Counter
from datetime import UTC, date, datetime
from importlib.resources import files

import pytest
from pypdf import PdfReader

from content.applications import ApplicantKind, Channel, Outcome
from content.demo import generate_county
from content.demo._reports import STATS_2008
from content.models import APPLICANT_COLUMNS, AnnualReport
from publisher.applications.importer import import_register
from publisher.applications.report import LegacyFigures, ReportText, build_annual_report
from publisher.applications.report_render import write_report
from publisher.applications.services import Applicant, application_register, application_reply
from publisher.config import Config, PublisherSection
from publisher.home import Home
from publisher.release.builder import ReleaseBuilder
from publisher.release.keys import KeyStore
from publisher.release.tuf_repo import TufRepository
from publisher.store import services

pytestmark = pytest.mark.django_db
DEMO = files("publisher.applications") / "demo" / "register.csv"
ACTOR = "cli:tester"


def _report(year, **kw):
    return build_annual_report(
        year=year,
        organization="大余县人民政府",
        public_url="http://127.0.0.1:8700",
        today=date(2026, 12, 4),
        **({"text": ReportText()} | kw),
    )


def test_2008_table_from_a_register_holding_the_seed_applications():
    channels = [Channel.IN_PERSON] * 7 + [Channel.LETTER] * 4
    outcomes = [Outcome.DISCLOSED] * 7 + [Outcome.PARTIALLY_DISCLOSED] * 2
    outcomes += [Outcome.REFUSED_STATE_SECRET, Outcome.UNABLE_NOT_HELD]
    for index, (channel, outcome) in enumerate(zip(channels, outcomes, strict=True)):
        received = date(2008, 3, 1 + index)
        application = application_register(
            actor=ACTOR,
            pattern="余府依申〔{year}〕{serial}号",
            agency="县人民政府办公室",
            received_on=received,
            channel=channel,
            applicant_kind=ApplicantKind.NATURAL_PERSON,
            applicant=Applicant(name=f"虚构申请人{index}"),
            request_text="申请公开某文件",
        )
        application_reply(
            actor=ACTOR, application=application, outcome=outcome, on=date(2008, 4, 20)
        )
    text = ReportText(
        legacy=LegacyFigures(
            proactive_total=3946, proactive_via_website=3946, proactive_via_gazette=0
        )
    )
    stats = _report(2008, legacy=True, text=text).stats
    seed = STATS_2008.model_dump(exclude={"raw_table"})
    generated = stats.model_dump(exclude={"raw_table"})
    # The seed's table has no "other channel" row: unknown there, 0 here.
    assert seed["applications_by_channel"].pop("other") is None
    assert generated["applications_by_channel"].pop("other") == 0
    assert generated == seed
    assert (stats.applications_total, stats.applications_by_channel.in_person) == (11, 7)
    assert stats.applications_by_channel.letter == 4
    assert (stats.replies_granted, stats.replies_partially_granted, stats.replies_refused) == (
        7,
        2,
        2,
    )


def _independent_counts(year):
    """Table 三 counted straight from the demo CSV, without the register's code."""
    kinds = {kind.label: kind.value for kind in ApplicantKind}
    outcomes = {outcome.label: outcome.value for outcome in Outcome}
    new, over, forward, results = Counter(), Counter(), Counter(), Counter()
    with DEMO.open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            kind = kinds[row["申请人类型"]]
            received = date.fromisoformat(row["收到日期"])
            replied = date.fromisoformat(row["答复日期"]) if row["答复日期"] else None
            if received.year == year:
                new[kind] += 1
            if received.year < year and (replied is None or replied.year >= year):
                over[kind] += 1
            if replied is not None and replied.year == year:
                results[outcomes[row["办理结果"]], kind] += 1
            if received.year <= year and (replied is None or replied.year > year):
                forward[kind] += 1
    return new, over, forward, results


def test_current_year_table_matches_counts_made_here():
    import_register(
        DEMO, actor=ACTOR, pattern="依申〔{year}〕{serial}号", default_agency="县政府办"
    )
    report = _report(2026)
    AnnualReport.model_validate(report.model_dump())  # the content model's rules, once more
    table = report.stats.applications
    new, over, forward, results = _independent_counts(2026)
    for column in APPLICANT_COLUMNS[:-1]:
        assert table.new.model_dump()[column] == new[column]
        assert table.carried_over.model_dump()[column] == over[column]
        assert table.carried_forward.model_dump()[column] == forward[column]
    for outcome in Outcome:
        group, _, reason = outcome.value.partition(".")
        row = (
            getattr(table.result, group)
            if not reason
            else getattr(getattr(table.result, group), reason)
        )
        for column in APPLICANT_COLUMNS[:-1]:
            assert getattr(row, column) == results[outcome.value, column], (outcome, column)
    assert (
        table.new.total + table.carried_over.total
        == table.result.total.total + table.carried_forward.total
    )
    # Every result row of the 2021 table occurs in the demo year, every channel too.
    assert all(row.total > 0 for row in table.result.outcome_rows())
    review = report.stats.review_litigation
    assert review.reconsideration.upheld == 1
    assert review.litigation_direct.pending == 1


def _personal_values():
    with DEMO.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    values = set()
    for row in rows:
        if row["申请人类型"] == "自然人":
            values.add(row["申请人"])
        values.update(v for v in (row["证件号码"], row["联系电话"], row["联系地址"]) if v)
    return sorted(values)


def _release_bytes(root):
    for path in root.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            for unpack in (gzip.decompress, zlib.decompress):
                try:
                    raw += unpack(raw)
                except (OSError, zlib.error, EOFError):
                    continue
            yield path, raw


def test_personal_data_in_no_output_release_or_log(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    report = import_register(
        DEMO, actor=ACTOR, pattern="依申〔{year}〕{serial}号", default_agency="县政府办"
    )
    assert report.added
    annual = _report(2026, text=ReportText(sections={"overview": "依申请公开实行登记台账管理。"}))
    written = write_report(annual, tmp_path / "out")
    # The generated report goes out in a release like any synced report.
    home = Home(tmp_path / "home")
    home.make_folders()
    config = Config(publisher=PublisherSection(public_url="http://127.0.0.1:8700"))
    source = services.source_upsert(
        key="reports",
        name="年报",
        entity_type="annual_report",
        profile="builtin:dayu/tzgg",
        site="http://127.0.0.1:8600",
        auto_approve=True,
        enabled=True,
    )
    policy = services.Policy(auto_approve=True, max_rewrite_share=1.0, max_removal_share=1.0)
    notice = generate_county().notices[0]
    for entity in (annual, notice):
        services.revision_record(
            source=source, entity=entity, run=None, policy=policy, now=datetime.now(UTC)
        )
    signers = KeyStore.create_root(home.offline_root, 1)
    TufRepository(home.repository, KeyStore(home.online_keys)).initialize(
        list(signers), threshold=1
    )
    outcomes = ReleaseBuilder(home=home, config=config).build()
    assert any(o.version == 1 for o in outcomes)
    blobs = [(p, p.read_bytes()) for p in written] + list(_release_bytes(home.repository))
    pdf_text = "".join(page.extract_text() for page in PdfReader(written[2]).pages)
    assert "三、收到和处理政府信息公开申请情况" in pdf_text
    # The search can find text: the report's own words are in the release.
    assert any("依申请公开实行登记台账管理".encode() in raw for _p, raw in blobs[3:])
    secrets = _personal_values()
    assert len(secrets) > 60
    for secret in secrets:
        encoded = secret.encode()
        assert not [str(p) for p, raw in blobs if encoded in raw], secret
        assert secret not in pdf_text
        assert secret not in caplog.text
    assert "大余县人民政府2026年政府信息公开工作年度报告" in written[1].read_text()
