"""Table-driven tests of ``content.normalize`` (domain.md 1.1, 1.3, 2 and pitfalls 3, 14-17).

Each table is a dict from a readable case name to its inputs and expected
result; the names become the pytest ids.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from content.enums import FileType, LegalBasisLevel, NoticeKind, PowerType, ProjectStatus, Validity
from content.errors import NormalizeError
from content.normalize import (
    SHANGHAI,
    IndexNoScheme,
    file_type_of,
    normalize_body,
    normalize_doc_number,
    normalize_label,
    normalize_name,
    normalize_space,
    parse_date,
    parse_datetime,
    parse_deadline,
    parse_index_no,
    parse_notice_kind,
    parse_power_type,
    parse_project_status,
    parse_validity,
    split_keywords,
    split_legal_basis,
)


def _cn(*parts):
    """A datetime in Beijing time."""
    return datetime(*parts, tzinfo=SHANGHAI)


# --- dates and times (pitfall 14) ----------------------------------------------------

# 2023-01-05 10:21:33 Beijing time is 2023-01-05 02:21:33 UTC.
EPOCH = 1_672_885_293
# 2023-01-04 23:59:59 UTC: still the 4th in UTC, already the 5th in Beijing.
EPOCH_BEFORE_UTC_MIDNIGHT = 1_672_876_799

DATETIMES = {
    "iso_date": ("2023-01-05", _cn(2023, 1, 5)),
    "unpadded": ("2023-1-5", _cn(2023, 1, 5)),
    "slashes": ("2023/01/05", _cn(2023, 1, 5)),
    "dots": ("2023.01.05", _cn(2023, 1, 5)),
    "chinese_unpadded": ("2023年1月5日", _cn(2023, 1, 5)),
    "chinese_padded": ("2023年01月05日", _cn(2023, 1, 5)),
    "square_brackets": ("[2023-01-05]", _cn(2023, 1, 5)),
    "lenticular_brackets": ("【2023-01-05】", _cn(2023, 1, 5)),
    "surrounding_spaces": ("  2023-01-05 ", _cn(2023, 1, 5)),
    "with_seconds": ("2023-01-05 10:21:33", _cn(2023, 1, 5, 10, 21, 33)),
    "with_minutes": ("2023-01-05 10:21", _cn(2023, 1, 5, 10, 21)),
    "chinese_time": ("2023年1月5日 10时21分", _cn(2023, 1, 5, 10, 21)),
    "iso_beijing_offset": ("2023-01-05T10:21:33+08:00", _cn(2023, 1, 5, 10, 21, 33)),
    "iso_utc_z": ("2023-01-05T02:21:33Z", _cn(2023, 1, 5, 10, 21, 33)),
    "iso_utc_offset": ("2023-01-05T02:21:33+00:00", _cn(2023, 1, 5, 10, 21, 33)),
    "compact": ("20230105", _cn(2023, 1, 5)),
    "epoch_seconds_int": (EPOCH, _cn(2023, 1, 5, 10, 21, 33)),
    "epoch_seconds_float": (EPOCH + 0.5, _cn(2023, 1, 5, 10, 21, 33, 500_000)),
    "epoch_seconds_string": (str(EPOCH), _cn(2023, 1, 5, 10, 21, 33)),
    "epoch_millis_string": (f"{EPOCH}000", _cn(2023, 1, 5, 10, 21, 33)),
    "epoch_millis_int": pytest.param(
        EPOCH * 1000,
        _cn(2023, 1, 5, 10, 21, 33),
    ),
    "full_width_digits": ("２０２３－０１－０５", _cn(2023, 1, 5)),
    "date_object": (date(2023, 1, 5), _cn(2023, 1, 5)),
    "naive_datetime_is_beijing": (
        datetime(2023, 1, 5, 10, 21),  # noqa: DTZ001 - a naive value is the point
        _cn(2023, 1, 5, 10, 21),
    ),
    "aware_utc_datetime": (
        datetime(2023, 1, 5, 2, 21, tzinfo=UTC),
        _cn(2023, 1, 5, 10, 21),
    ),
    "utc_epoch_before_midnight_is_next_day": (
        EPOCH_BEFORE_UTC_MIDNIGHT,
        _cn(2023, 1, 5, 7, 59, 59),
    ),
    "utc_iso_before_midnight_is_next_day": (
        "2023-01-04T23:59:59Z",
        _cn(2023, 1, 5, 7, 59, 59),
    ),
}

DATES = {
    "iso_date": ("2023-01-05", date(2023, 1, 5)),
    "unpadded": ("2023-1-5", date(2023, 1, 5)),
    "slashes": ("2023/01/05", date(2023, 1, 5)),
    "dots": ("2023.01.05", date(2023, 1, 5)),
    "chinese_unpadded": ("2023年1月5日", date(2023, 1, 5)),
    "chinese_padded": ("2023年01月05日", date(2023, 1, 5)),
    "square_brackets": ("[2023-01-05]", date(2023, 1, 5)),
    "lenticular_brackets": ("【2023-01-05】", date(2023, 1, 5)),
    "datetime_text": ("2023-01-05 10:21:33", date(2023, 1, 5)),
    "datetime_text_minutes": ("2023-01-05 10:21", date(2023, 1, 5)),
    "chinese_time": ("2023年1月5日 10时21分", date(2023, 1, 5)),
    "iso_beijing_offset": ("2023-01-05T10:21:33+08:00", date(2023, 1, 5)),
    "iso_utc_z": ("2023-01-05T02:21:33Z", date(2023, 1, 5)),
    "compact": ("20230105", date(2023, 1, 5)),
    "epoch_seconds_int": (EPOCH, date(2023, 1, 5)),
    "epoch_seconds_float": (EPOCH + 0.5, date(2023, 1, 5)),
    "epoch_seconds_string": (str(EPOCH), date(2023, 1, 5)),
    "epoch_millis_string": (f"{EPOCH}000", date(2023, 1, 5)),
    "epoch_millis_int": pytest.param(
        EPOCH * 1000,
        date(2023, 1, 5),
    ),
    "full_width_digits": ("２０２３－０１－０５", date(2023, 1, 5)),
    "date_object": (date(2023, 1, 5), date(2023, 1, 5)),
    "naive_datetime": (
        datetime(2023, 1, 5, 23, 30),  # noqa: DTZ001 - a naive value is the point
        date(2023, 1, 5),
    ),
    "aware_utc_datetime_next_day_in_beijing": (
        datetime(2023, 1, 4, 23, 30, tzinfo=UTC),
        date(2023, 1, 5),
    ),
    "utc_epoch_before_midnight_is_next_day": (EPOCH_BEFORE_UTC_MIDNIGHT, date(2023, 1, 5)),
    "utc_epoch_string_before_midnight_is_next_day": (
        str(EPOCH_BEFORE_UTC_MIDNIGHT),
        date(2023, 1, 5),
    ),
    "utc_iso_before_midnight_is_next_day": ("2023-01-04T23:59:59Z", date(2023, 1, 5)),
}

BAD_DATES = {
    "empty": "",
    "month_13": "2023-13-01",
    "february_30": "2023-02-30",
    "relative_word": "昨天",
    "bool": True,
}


@pytest.mark.parametrize(("raw", "expected"), list(DATETIMES.values()), ids=list(DATETIMES))
def test_parse_datetime(raw, expected):
    result = parse_datetime(raw)
    assert result == expected
    assert result.tzinfo == SHANGHAI
    assert result.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(("raw", "expected"), list(DATES.values()), ids=list(DATES))
def test_parse_date(raw, expected):
    result = parse_date(raw)
    assert type(result) is date
    assert result == expected


@pytest.mark.parametrize("raw", list(BAD_DATES.values()), ids=list(BAD_DATES))
def test_parse_date_rejects(raw):
    with pytest.raises(NormalizeError) as caught:
        parse_date(raw)
    assert caught.value.kind == "date"
    assert caught.value.value == raw


@pytest.mark.parametrize("raw", list(BAD_DATES.values()), ids=list(BAD_DATES))
def test_parse_datetime_rejects(raw):
    with pytest.raises(NormalizeError) as caught:
        parse_datetime(raw)
    assert caught.value.kind == "datetime"
    assert caught.value.value == raw


def test_normalize_error_is_a_value_error():
    with pytest.raises(ValueError, match="2023-13-01"):
        parse_date("2023-13-01")


# --- project deadlines -------------------------------------------------------------

DEADLINES = {
    "month_end_word": ("2023年12月底", date(2023, 12, 31)),
    "year_end": ("2023年底", date(2023, 12, 31)),
    "year_end_mo": ("2023年末", date(2023, 12, 31)),
    "whole_month": ("2023年6月", date(2023, 6, 30)),
    "first_ten_days": ("2023年6月上旬", date(2023, 6, 10)),
    "middle_ten_days": ("2023年6月中旬", date(2023, 6, 20)),
    "last_ten_days": ("2023年6月下旬", date(2023, 6, 30)),
    "day_before": ("2023年6月30日前", date(2023, 6, 30)),
    "month_end_before": ("2023年12月底前", date(2023, 12, 31)),
    "leap_february": ("2024年2月", date(2024, 2, 29)),
    "common_february": ("2023年2月", date(2023, 2, 28)),
    "iso_date": ("2023-06-30", date(2023, 6, 30)),
    "full_width_digits": ("２０２３年６月", date(2023, 6, 30)),
    "year_end_before_completed": pytest.param(
        "2023年底前完成",
        date(2023, 12, 31),
    ),
    "month_end_before_built": pytest.param(
        "2023年6月底前建成",
        date(2023, 6, 30),
    ),
}

BAD_DEADLINES = {
    "no_year_asap": "尽快",
    "no_year_year_end": "年底前",
    "empty": "",
    "month_13": "2023年13月",
    "june_31": "2023年6月31日",
}


@pytest.mark.parametrize(("raw", "expected"), list(DEADLINES.values()), ids=list(DEADLINES))
def test_parse_deadline(raw, expected):
    assert parse_deadline(raw) == expected


@pytest.mark.parametrize("raw", list(BAD_DEADLINES.values()), ids=list(BAD_DEADLINES))
def test_parse_deadline_rejects(raw):
    with pytest.raises(NormalizeError) as caught:
        parse_deadline(raw)
    assert caught.value.kind == "deadline"


# --- 文号 (pitfall 16) -----------------------------------------------------------------

DOC_NUMBERS = {
    "tortoise_shell_unchanged": ("余府字〔2023〕5号", "余府字〔2023〕5号"),
    "square": ("余府字[2023]5号", "余府字〔2023〕5号"),
    "lenticular": ("余府字【2023】5号", "余府字〔2023〕5号"),
    "ascii_parens": ("余府字(2023)5号", "余府字〔2023〕5号"),
    "full_width_parens": ("余府字（2023）5号", "余府字〔2023〕5号"),
    "full_width_square": ("余府字［2023］5号", "余府字〔2023〕5号"),
    "small_tortoise_shell": ("余府字﹝2023﹞5号", "余府字〔2023〕5号"),
    "spaces_inside_brackets": ("余府字 [ 2023 ] 5号", "余府字〔2023〕5号"),
    "ideographic_and_nbsp_spaces": ("余府字\u3000[2023]\xa05号", "余府字〔2023〕5号"),
    "no_year_bracket_unchanged": ("余府办发5号", "余府办发5号"),
    "year_without_brackets_unchanged": ("余府字2023年5号", "余府字2023年5号"),
}


@pytest.mark.parametrize(("raw", "expected"), list(DOC_NUMBERS.values()), ids=list(DOC_NUMBERS))
def test_normalize_doc_number(raw, expected):
    assert normalize_doc_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\u3000"], ids=["empty", "spaces", "ideographic_space"])
def test_normalize_doc_number_rejects_empty(raw):
    with pytest.raises(NormalizeError) as caught:
        normalize_doc_number(raw)
    assert caught.value.kind == "doc_number"


# --- 索引号 (domain.md 1.1, pitfall 17) -------------------------------------------------

_ORG = IndexNoScheme.ORG_CODE_YEAR_SERIAL

# raw input: (scheme, org_code, year, month, serial, raw kept)
INDEX_NUMBERS = {
    "state_council_org_code": (
        "000014349/2017-00110",
        (_ORG, "000014349", 2017, None, 110, "000014349/2017-00110"),
    ),
    "org_code_with_hyphen": (
        "0142768-8/2022-00185",
        (_ORG, "01427688", 2022, None, 185, "0142768-8/2022-00185"),
    ),
    "taizhou_org_code": (
        "014416330/2018-04736",
        (_ORG, "014416330", 2018, None, 4736, "014416330/2018-04736"),
    ),
    "credit_code_year_month": (
        "11341702486344515H/202110-00013",
        (
            IndexNoScheme.CREDIT_CODE_MONTH_SERIAL,
            "11341702486344515H",
            2021,
            10,
            13,
            "11341702486344515H/202110-00013",
        ),
    ),
    "credit_code_year": (
        "11341702486344515H/2021-00013",
        (
            IndexNoScheme.CREDIT_CODE_YEAR_SERIAL,
            "11341702486344515H",
            2021,
            None,
            13,
            "11341702486344515H/2021-00013",
        ),
    ),
    "pinyin_abbreviation": (
        "sggzyjyzx/2024-00002",
        (
            IndexNoScheme.ABBREVIATION_YEAR_SERIAL,
            "sggzyjyzx",
            2024,
            None,
            2,
            "sggzyjyzx/2024-00002",
        ),
    ),
    "lianyungang_2008_opaque": (
        "320700-01-2008-0001",
        (IndexNoScheme.OPAQUE, None, None, None, None, "320700-01-2008-0001"),
    ),
    "spaces": (
        " 014416330 / 2018-04736 ",
        (_ORG, "014416330", 2018, None, 4736, "014416330/2018-04736"),
    ),
    "full_width_slash_and_dash": (
        "０１４４１６３３０／２０１８－０４７３６",
        (_ORG, "014416330", 2018, None, 4736, "014416330/2018-04736"),
    ),
    "em_dash": (
        "014416330/2018—04736",
        (_ORG, "014416330", 2018, None, 4736, "014416330/2018-04736"),
    ),
    "ideographic_space": (
        "014416330\u3000/2018-04736",
        (_ORG, "014416330", 2018, None, 4736, "014416330/2018-04736"),
    ),
}


@pytest.mark.parametrize(("raw", "expected"), list(INDEX_NUMBERS.values()), ids=list(INDEX_NUMBERS))
def test_parse_index_no(raw, expected):
    scheme, org_code, year, month, serial, kept = expected
    parsed = parse_index_no(raw)
    assert parsed.scheme is scheme
    assert parsed.org_code == org_code
    assert parsed.year == year
    assert parsed.month == month
    assert parsed.serial == serial
    assert parsed.raw == kept


@pytest.mark.parametrize("raw", ["", "  ", "\u3000"], ids=["empty", "spaces", "ideographic_space"])
def test_parse_index_no_rejects_empty(raw):
    with pytest.raises(NormalizeError) as caught:
        parse_index_no(raw)
    assert caught.value.kind == "index_no"


# --- whitespace, labels, names, body text (pitfall 3) ----------------------------------

SPACES = {
    "ideographic_space": ("\u3000大余县\u3000人民政府\u3000", "大余县 人民政府"),
    "nbsp": ("大余县\xa0人民政府", "大余县 人民政府"),
    "mixed_run": ("　大余县\xa0 人民政府 ", "大余县 人民政府"),
    "zero_width_space_dropped": ("大余\u200b县", "大余县"),
    "bom_dropped": ("\ufeff大余县", "大余县"),
    "newline_and_tab": ("大余县\n人民\t政府", "大余县 人民 政府"),
    "only_spaces": ("\u3000\xa0 ", ""),
}

LABELS = {
    "ideographic_spaced_full_width_colon": ("索　引　号：", "索引号"),
    "ascii_spaced_ascii_colon": ("索 引 号:", "索引号"),
    "double_ideographic_space": ("名　　称", "名称"),
    "nbsp_and_colon": ("名\xa0称：", "名称"),
    "zero_width_space": ("\u200b发布日期", "发布日期"),
    "repeated_colons": ("发布日期::", "发布日期"),
    "plain": ("文号", "文号"),
}

NAMES = {
    "ideographic_padding": ("张　三", "张三"),
    "ascii_padding": ("张 三", "张三"),
    "nbsp_padding": ("张\xa0三", "张三"),
    "zero_width_space": ("王\u200b五", "王五"),
    "outer_and_inner_padding": (" 欧阳\u3000 修 ", "欧阳修"),
    "latin_name_keeps_space": ("Li Ming", "Li Ming"),
    "latin_name_collapses_run": ("Li  Ming", "Li Ming"),
}

BODIES = {
    "paragraph_break_kept": ("第一段\n\n第二段", "第一段\n\n第二段"),
    "repeated_blank_lines_dropped": ("第一段\n\n\n\n第二段", "第一段\n\n第二段"),
    "whitespace_only_lines_are_blank": ("第一段\n\u3000\n\xa0 \n第二段", "第一段\n\n第二段"),
    "lines_tidied": ("  第一段\u3000内容  \n第二段", "第一段 内容\n第二段"),
    "single_line_breaks_kept": ("一\n二\n三", "一\n二\n三"),
    "crlf": ("第一段\r\n\r\n\r\n第二段", "第一段\n\n第二段"),
    "leading_and_trailing_blank_lines": ("\n\n第一段\n\n", "第一段"),
}


@pytest.mark.parametrize(("raw", "expected"), list(SPACES.values()), ids=list(SPACES))
def test_normalize_space(raw, expected):
    assert normalize_space(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), list(LABELS.values()), ids=list(LABELS))
def test_normalize_label(raw, expected):
    assert normalize_label(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), list(NAMES.values()), ids=list(NAMES))
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), list(BODIES.values()), ids=list(BODIES))
def test_normalize_body(raw, expected):
    assert normalize_body(raw) == expected


# --- controlled vocabularies (domain.md 1.3, 2) -----------------------------------------

POWER_TYPES = {
    "code_01": ("01", PowerType.ADMINISTRATIVE_LICENSE),
    "code_02": ("02", PowerType.ADMINISTRATIVE_PENALTY),
    "code_03": ("03", PowerType.ADMINISTRATIVE_COERCION),
    "code_04": ("04", PowerType.ADMINISTRATIVE_LEVY),
    "code_05": ("05", PowerType.ADMINISTRATIVE_PAYMENT),
    "code_06": ("06", PowerType.ADMINISTRATIVE_INSPECTION),
    "code_07": ("07", PowerType.ADMINISTRATIVE_CONFIRMATION),
    "code_08": ("08", PowerType.ADMINISTRATIVE_AWARD),
    "code_09": ("09", PowerType.ADMINISTRATIVE_ADJUDICATION),
    "code_10": ("10", PowerType.OTHER_POWER),
    "code_20_public_service": ("20", PowerType.PUBLIC_SERVICE),
    "code_99_local_other": ("99", PowerType.UNKNOWN),
    "int_1": (1, PowerType.ADMINISTRATIVE_LICENSE),
    "int_10": (10, PowerType.OTHER_POWER),
    "unpadded_string_1": ("1", PowerType.ADMINISTRATIVE_LICENSE),
    "full_width_code": ("１０", PowerType.OTHER_POWER),
    "name_with_prefix": ("行政许可", PowerType.ADMINISTRATIVE_LICENSE),
    "name_without_prefix": ("许可", PowerType.ADMINISTRATIVE_LICENSE),
    "name_with_lei_suffix": ("行政处罚类", PowerType.ADMINISTRATIVE_PENALTY),
    "other_power_full": ("其他行政权力", PowerType.OTHER_POWER),
    "other_power_short": ("其他权力", PowerType.OTHER_POWER),
    "public_service": ("公共服务", PowerType.PUBLIC_SERVICE),
    "spaced_name": ("行政 许可", PowerType.ADMINISTRATIVE_LICENSE),
}

BAD_POWER_TYPES = {
    "unknown_code": "77",
    "zero_code": "0",
    "unknown_name": "飞行管理",
    "empty": "",
}


@pytest.mark.parametrize(("raw", "expected"), list(POWER_TYPES.values()), ids=list(POWER_TYPES))
def test_parse_power_type(raw, expected):
    assert parse_power_type(raw) is expected


@pytest.mark.parametrize("raw", list(BAD_POWER_TYPES.values()), ids=list(BAD_POWER_TYPES))
def test_parse_power_type_rejects(raw):
    with pytest.raises(NormalizeError) as caught:
        parse_power_type(raw)
    assert caught.value.kind == "power_type"


PROJECT_STATUSES = {
    "on_schedule": ("按序时", ProjectStatus.ON_SCHEDULE),
    "on_schedule_advancing": ("按序时推进", ProjectStatus.ON_SCHEDULE),
    "behind": ("慢序时", ProjectStatus.BEHIND),
    "slow_progress": ("进度缓慢", ProjectStatus.BEHIND),
    "ahead": ("超序时进度", ProjectStatus.AHEAD),
    "completed": ("已完成", ProjectStatus.COMPLETED),
    "preparing": ("正在开展前期工作", ProjectStatus.PREPARING),
    "started": ("已开工", ProjectStatus.IN_PROGRESS),
    "in_progress": ("进行中", ProjectStatus.IN_PROGRESS),
    "not_started": ("未开工", ProjectStatus.NOT_STARTED),
    "suspended": ("暂停", ProjectStatus.SUSPENDED),
    "spaced_word": ("按 序 时", ProjectStatus.ON_SCHEDULE),
}

# A negated word must not be read as the status it negates (raising is acceptable).
NEGATED_STATUSES = {
    "not_completed": pytest.param(
        "未完成",
        ProjectStatus.COMPLETED,
    ),
    "not_yet_completed": pytest.param(
        "尚未完成",
        ProjectStatus.COMPLETED,
    ),
    "not_on_schedule": pytest.param(
        "未按序时推进",
        ProjectStatus.ON_SCHEDULE,
    ),
}


@pytest.mark.parametrize(
    ("raw", "expected"), list(PROJECT_STATUSES.values()), ids=list(PROJECT_STATUSES)
)
def test_parse_project_status(raw, expected):
    assert parse_project_status(raw) is expected


@pytest.mark.parametrize(
    ("raw", "negated"), list(NEGATED_STATUSES.values()), ids=list(NEGATED_STATUSES)
)
def test_parse_project_status_negation(raw, negated):
    try:
        status = parse_project_status(raw)
    except NormalizeError:
        return
    assert status is not negated


@pytest.mark.parametrize("raw", ["进展顺利", ""], ids=["unknown_phrase", "empty"])
def test_parse_project_status_rejects(raw):
    with pytest.raises(NormalizeError) as caught:
        parse_project_status(raw)
    assert caught.value.kind == "project_status"


VALIDITIES = {
    "none_is_unknown": (None, Validity.UNKNOWN),
    "empty_is_unknown": ("", Validity.UNKNOWN),
    "valid": ("有效", Validity.VALID),
    "in_force": ("现行有效", Validity.VALID),
    "effective": ("生效", Validity.VALID),
    "invalid": ("失效", Validity.INVALID),
    "repealed": ("废止", Validity.REPEALED),
    "already_repealed": ("已废止", Validity.REPEALED),
    "amended": ("已修改", Validity.AMENDED),
    "revised": ("修订", Validity.AMENDED),
    "spaced_label": ("有 效", Validity.VALID),
    "json_flag_one": ("1", Validity.VALID),
    "json_flag_zero": ("0", Validity.INVALID),
    "int_one": (1, Validity.VALID),
    "int_zero": (0, Validity.INVALID),
    "true": (True, Validity.VALID),
    "false": (False, Validity.INVALID),
    "yes": ("是", Validity.VALID),
    "no": ("否", Validity.INVALID),
}


@pytest.mark.parametrize(("raw", "expected"), list(VALIDITIES.values()), ids=list(VALIDITIES))
def test_parse_validity(raw, expected):
    assert parse_validity(raw) is expected


def test_parse_validity_rejects_unknown_text():
    with pytest.raises(NormalizeError) as caught:
        parse_validity("不详")
    assert caught.value.kind == "validity"


NOTICE_KINDS = {
    "notice": ("关于开展安全生产检查的通知", NoticeKind.NOTICE),
    "announcement": ("关于征收土地的公告", NoticeKind.ANNOUNCEMENT),
    "tonggao_is_announcement": ("禁火通告", NoticeKind.ANNOUNCEMENT),
    "publicity": ("拟任干部任前公示", NoticeKind.PUBLICITY),
    "circular": ("关于第三季度项目推进情况的通报", NoticeKind.CIRCULAR),
    "news_dongtai": ("工作动态", NoticeKind.NEWS),
    "news_xinwen": ("大余新闻", NoticeKind.NEWS),
}


@pytest.mark.parametrize(("raw", "expected"), list(NOTICE_KINDS.values()), ids=list(NOTICE_KINDS))
def test_parse_notice_kind(raw, expected):
    assert parse_notice_kind(raw) is expected


def test_parse_notice_kind_default():
    assert parse_notice_kind("关于印发实施方案的决定", default=NoticeKind.NEWS) is NoticeKind.NEWS


def test_parse_notice_kind_rejects_without_default():
    with pytest.raises(NormalizeError) as caught:
        parse_notice_kind("关于印发实施方案的决定")
    assert caught.value.kind == "notice_kind"


FILE_TYPES = {
    "pdf": ("附件1.pdf", FileType.PDF),
    "upper_case_pdf": ("附件1.PDF", FileType.PDF),
    "doc": ("a.doc", FileType.DOC),
    "docx": ("a.docx", FileType.DOCX),
    "wps": ("附件1：实施方案.wps", FileType.WPS),
    "ofd": ("a.ofd", FileType.OFD),
    "xls": ("a.xls", FileType.XLS),
    "xlsx": ("a.xlsx", FileType.XLSX),
    "et": ("权责清单.et", FileType.ET),
    "zip": ("a.zip", FileType.ZIP),
    "rar": ("a.rar", FileType.RAR),
    "seven_z": ("a.7z", FileType.SEVEN_Z),
    "jpg": ("a.jpg", FileType.JPG),
    "upper_case_jpeg": ("流程图.JPEG", FileType.JPG),
    "png": ("a.png", FileType.PNG),
    "unknown_extension": ("a.txt", FileType.OTHER),
    "no_extension": ("点击下载", FileType.OTHER),
    "url_with_query": (
        "https://www.dayu.gov.cn/up/2023/a.pdf?v=1&name=b.doc",
        FileType.PDF,
    ),
    "url_with_fragment": ("https://www.dayu.gov.cn/up/a.pdf#page=2", FileType.PDF),
    "url_percent_encoded_name": (
        "https://www.dayu.gov.cn/up/%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88.docx",
        FileType.DOCX,
    ),
    "url_without_path": ("https://www.dayu.gov.cn/", FileType.OTHER),
}


@pytest.mark.parametrize(("raw", "expected"), list(FILE_TYPES.values()), ids=list(FILE_TYPES))
def test_file_type_of(raw, expected):
    assert file_type_of(raw) is expected


KEYWORDS = {
    "space": ("教育 招生", ["教育", "招生"]),
    "ideographic_space": ("教育\u3000招生", ["教育", "招生"]),
    "ascii_and_full_width_comma": ("教育,招生，计划", ["教育", "招生", "计划"]),
    "dunhao": ("教育、招生、计划", ["教育", "招生", "计划"]),
    "semicolons": ("教育；招生;计划", ["教育", "招生", "计划"]),
    "duplicates_removed_in_order": ("招生、教育、招生、计划、教育", ["招生", "教育", "计划"]),
    "mixed_separators_and_blanks": (" 教育 ,、 招生；；", ["教育", "招生"]),
    "empty": ("", []),
}


@pytest.mark.parametrize(("raw", "expected"), list(KEYWORDS.values()), ids=list(KEYWORDS))
def test_split_keywords(raw, expected):
    assert split_keywords(raw) == expected


# (level, title, article) of each clause
LEGAL_BASES = {
    "three_marked_levels": (
        (
            "【法律】《中华人民共和国行政许可法》第二十九条 公民申请从事特定活动…\n"
            "【行政法规】《城镇燃气管理条例》第十五条第二款 国家对燃气经营实行许可证制度。"
            "【地方性法规】《江西省燃气管理条例》第10条"
        ),
        [
            (LegalBasisLevel.LAW, "《中华人民共和国行政许可法》", "第二十九条"),
            (
                LegalBasisLevel.ADMINISTRATIVE_REGULATION,
                "《城镇燃气管理条例》",
                "第十五条第二款",
            ),
            (LegalBasisLevel.LOCAL_REGULATION, "《江西省燃气管理条例》", "第10条"),
        ],
    ),
    "rule_and_normative_document": (
        "【部门规章】《燃气经营许可管理办法》第5条【规范性文件】《关于加强燃气管理的通知》",
        [
            (LegalBasisLevel.RULE, "《燃气经营许可管理办法》", "第5条"),
            (LegalBasisLevel.NORMATIVE_DOCUMENT, "《关于加强燃气管理的通知》", None),
        ],
    ),
    "no_markers_is_one_other_clause": (
        "《中华人民共和国道路交通安全法》第九十条 机动车驾驶人违反道路交通安全法律…",
        [(LegalBasisLevel.OTHER, "《中华人民共和国道路交通安全法》", "第九十条")],
    ),
    "text_before_first_marker": (
        "依据如下：【法律】《中华人民共和国行政处罚法》第二十三条",
        [
            (LegalBasisLevel.OTHER, None, None),
            (LegalBasisLevel.LAW, "《中华人民共和国行政处罚法》", "第二十三条"),
        ],
    ),
    "empty_marker_skipped": (
        "【法律】\n【行政法规】《城镇燃气管理条例》第一百零二条",
        [(LegalBasisLevel.ADMINISTRATIVE_REGULATION, "《城镇燃气管理条例》", "第一百零二条")],
    ),
    "empty_text": ("", []),
}


@pytest.mark.parametrize(("raw", "expected"), list(LEGAL_BASES.values()), ids=list(LEGAL_BASES))
def test_split_legal_basis(raw, expected):
    parts = split_legal_basis(raw)
    assert [(part.level, part.title, part.article) for part in parts] == expected
    for part in parts:
        assert part.text
        assert part.text == normalize_space(part.text)
        if part.title:
            assert part.title in part.text


def test_split_legal_basis_keeps_clause_text():
    parts = split_legal_basis("【法律】《中华人民共和国行政许可法》第二十九条 公民申请…")
    assert parts[0].text == "《中华人民共和国行政许可法》第二十九条 公民申请…"
