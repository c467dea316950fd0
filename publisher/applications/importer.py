"""Import an office's existing register from a spreadsheet (CSV or XLSX).

The column layout (docs/applications-register.md; headers in the first rows,
in any order; the Chinese header or the English key):

=================  ========================  ========================================
header             key                       value
=================  ========================  ========================================
序号               serial                    the year's serial (optional; next free)
收到日期           received_on               date of receipt (条例第三十一条), required
申请方式           channel                   当面 信函 传真 电子邮件 网上 其他, required
申请人类型         applicant_kind            自然人 商业企业 科研机构 社会公益组织
                                             法律服务机构 其他组织, required
申请人             applicant_name            required (personal data)
证件号码           id_number                 (personal data)
联系电话           phone                     (personal data; its last 4 digits are the
                                             kiosk lookup's second half)
联系地址           address                   (personal data)
申请内容           request_text              required
承办机关           agency                    default ``[applications] default_agency``
获取方式           form_wanted               纸质 / 电子 …
补正告知日期       correction_requested      date
补正收到日期       correction_received       date
征求意见日期       consultation_started      date (third party asked)
意见答复日期       consultation_answered     date
延期日期           extended                  date (extension approved)
延期理由           extension_reason          required with 延期日期
答复日期           replied_on                date
办理结果           outcome                   予以公开, 部分公开, or a reason row such as
                                             不予公开：属于国家秘密 (or just 属于国家秘密)
收费（元）         fee_yuan                  number
复议诉讼           appeal_kind               行政复议, 行政诉讼（未经复议直接起诉）,
                                             行政诉讼（复议后起诉）
提起日期           appeal_filed              date (required with 复议诉讼)
复议诉讼结果       appeal_result             结果维持 结果纠正 其他结果 尚未审结
审结日期           appeal_decided            date
=================  ========================  ========================================

Every bad row is reported with its file, line and field, and the good rows are
kept (each row is one transaction). A row whose serial is in the register
already is skipped, so importing the same file twice adds nothing. Messages
never repeat a personal field's value.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

from django.db import transaction

from content.applications import (
    AppealKind,
    AppealResult,
    ApplicantKind,
    Channel,
    EventKind,
    Outcome,
)
from content.errors import NormalizeError
from content.normalize import parse_date
from publisher.applications.columns import COLUMNS
from publisher.applications.errors import ApplicationError
from publisher.applications.models import Application
from publisher.applications.services import (
    Applicant,
    appeal_decide,
    appeal_file,
    application_event,
    application_register,
    application_reply,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["COLUMNS", "ImportReport", "RowProblem", "import_register", "read_rows"]

_REQUIRED: Final = ("received_on", "channel", "applicant_kind", "applicant_name", "request_text")
_EVENT_COLUMNS: Final = (
    ("correction_requested", EventKind.CORRECTION_REQUESTED),
    ("correction_received", EventKind.CORRECTION_RECEIVED),
    ("consultation_started", EventKind.CONSULTATION_STARTED),
    ("consultation_answered", EventKind.CONSULTATION_ANSWERED),
    ("extended", EventKind.EXTENDED),
)
_HEADER_ROWS: Final = 10
#: The most rows one import reads; a county register has hundreds a year.
MAX_ROWS: Final = 20_000


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that was not imported: where, which field, why (no personal data)."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        header = COLUMNS.get(self.field, self.field)
        return f"{self.file} line {self.line}, {header} ({self.field}): {self.message}"


@dataclass
class ImportReport:
    """What an import did."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    serial: int | None
    received_on: date
    channel: Channel
    applicant_kind: ApplicantKind
    applicant: Applicant
    request_text: str
    agency: str
    form_wanted: str
    events: tuple[tuple[EventKind, date, str], ...]
    replied_on: date | None
    outcome: Outcome | None
    fee_yuan: Decimal | None
    appeal: tuple[AppealKind, date, AppealResult, date | None] | None


class _Bad(Exception):  # noqa: N818 - a private signal, not an error API
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """The sheet's data rows as ``(line, {key: text})``, keys from the header row.

    Raises:
        ApplicationError: not CSV or XLSX, unreadable, or no header row found.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _csv_table(path)
    elif suffix in {".xlsx", ".xlsm"}:
        table = _xlsx_table(path)
    else:
        raise ApplicationError(f"{path.name}: import a .csv or .xlsx file", field="file")
    keys = {**{header: key for key, header in COLUMNS.items()}, **{key: key for key in COLUMNS}}
    for index, (_line, cells) in enumerate(table[:_HEADER_ROWS]):
        names = [keys.get(_clean(cell)) for cell in cells]
        if "received_on" in names:
            for line, row in table[index + 1 : index + 1 + MAX_ROWS]:
                if any(_clean(cell) for cell in row):
                    yield (
                        line,
                        {
                            name: _clean(cell)
                            for name, cell in zip(names, row, strict=False)
                            if name
                        },
                    )
            return
    raise ApplicationError(
        f"{path.name}: no header row with 收到日期 in the first rows", field="file"
    )


def import_register(path: Path, *, actor: str, pattern: str, default_agency: str) -> ImportReport:
    """Import every good row of ``path`` into the register; report the bad ones.

    Raises:
        ApplicationError: the file itself cannot be read (nothing imported).
    """
    report = ImportReport()
    for line, cells in read_rows(path):
        try:
            row = _parse(line, cells, default_agency)
        except _Bad as bad:
            report.problems.append(RowProblem(path.name, line, bad.field, str(bad)))
            continue
        if row.serial is not None:
            existing = Application.objects.filter(
                year=row.received_on.year, serial=row.serial
            ).first()
            if existing is not None:
                report.skipped.append(existing.number)
                continue
        try:
            with transaction.atomic():
                report.added.append(_apply(row, actor=actor, pattern=pattern))
        except ApplicationError as exc:
            report.problems.append(RowProblem(path.name, line, exc.field or "row", str(exc)))
    return report


def _apply(row: _Row, *, actor: str, pattern: str) -> str:
    application = application_register(
        actor=actor,
        pattern=pattern,
        agency=row.agency,
        received_on=row.received_on,
        channel=row.channel,
        applicant_kind=row.applicant_kind,
        applicant=row.applicant,
        request_text=row.request_text,
        form_wanted=row.form_wanted,
        serial=row.serial,
    )
    for kind, on, note in sorted(row.events, key=lambda event: event[1]):
        application_event(actor=actor, application=application, kind=kind, on=on, note=note)
    if row.replied_on is not None and row.outcome is not None:
        application_reply(
            actor=actor,
            application=application,
            outcome=row.outcome,
            on=row.replied_on,
            fee_yuan=row.fee_yuan,
        )
    if row.appeal is not None:
        appeal_kind, filed_on, result, decided_on = row.appeal
        appeal = appeal_file(
            actor=actor, application=application, kind=appeal_kind, filed_on=filed_on
        )
        if result is not AppealResult.PENDING and decided_on is not None:
            appeal_decide(actor=actor, appeal=appeal, result=result, decided_on=decided_on)
    return application.number


def _parse(line: int, cells: dict[str, str], default_agency: str) -> _Row:
    for key in _REQUIRED:
        if not cells.get(key):
            raise _Bad(key, "is empty")
    events = []
    for key, kind in _EVENT_COLUMNS:
        if on := _date(cells, key):
            note = cells.get("extension_reason", "") if kind is EventKind.EXTENDED else ""
            if kind is EventKind.EXTENDED and not note:
                raise _Bad("extension_reason", "an extension needs its reason")
            events.append((kind, on, note))
    replied_on = _date(cells, "replied_on")
    outcome = _outcome(cells.get("outcome", ""))
    if (replied_on is None) != (outcome is None):
        missing = "outcome" if outcome is None else "replied_on"
        raise _Bad(missing, "a reply needs both its date and its result")
    return _Row(
        line=line,
        serial=_serial(cells.get("serial", "")),
        received_on=_date(cells, "received_on") or date.min,
        channel=_choice(Channel, cells, "channel"),
        applicant_kind=_applicant_kind(cells),
        applicant=Applicant(
            name=cells["applicant_name"],
            id_number=cells.get("id_number", ""),
            phone=cells.get("phone", ""),
            address=cells.get("address", ""),
        ),
        request_text=cells["request_text"],
        agency=cells.get("agency") or default_agency,
        form_wanted=cells.get("form_wanted", ""),
        events=tuple(events),
        replied_on=replied_on,
        outcome=outcome,
        fee_yuan=_fee(cells.get("fee_yuan", "")),
        appeal=_appeal(cells),
    )


def _appeal(cells: dict[str, str]) -> tuple[AppealKind, date, AppealResult, date | None] | None:
    text = cells.get("appeal_kind", "")
    if not text:
        return None
    try:
        kind = AppealKind(AppealKind.from_text(text))
    except ValueError:
        allowed = " ".join(member.label for member in AppealKind)
        raise _Bad("appeal_kind", f"{text!r} is not one of {allowed}") from None
    filed = _date(cells, "appeal_filed")
    if filed is None:
        raise _Bad("appeal_filed", "an appeal needs the day it was filed")
    try:
        result = AppealResult(AppealResult.from_text(cells.get("appeal_result") or "尚未审结"))
    except ValueError:
        allowed = " ".join(member.label for member in AppealResult)
        raise _Bad("appeal_result", f"{cells['appeal_result']!r} is not one of {allowed}") from None
    decided = _date(cells, "appeal_decided")
    if result is not AppealResult.PENDING and decided is None:
        raise _Bad("appeal_decided", "a result needs the day it was decided")
    return kind, filed, result, decided


def _date(cells: dict[str, str], key: str) -> date | None:
    text = cells.get(key, "")
    if not text:
        return None
    try:
        return parse_date(text)
    except NormalizeError:
        raise _Bad(key, f"{text!r} is not a date (2026-09-24 or 2026年9月24日)") from None


def _choice(enum: type[Channel], cells: dict[str, str], key: str) -> Channel:
    try:
        return Channel(enum.from_text(cells[key]))
    except ValueError:
        allowed = " ".join(member.label for member in enum)
        raise _Bad(key, f"{cells[key]!r} is not one of {allowed}") from None


def _applicant_kind(cells: dict[str, str]) -> ApplicantKind:
    text = cells["applicant_kind"]
    if text == "其他":  # offices write 其他 for the table's 其他 (organisation) column
        return ApplicantKind.OTHER_ORG
    try:
        return ApplicantKind(ApplicantKind.from_text(text))
    except ValueError:
        allowed = " ".join(member.label for member in ApplicantKind)
        raise _Bad("applicant_kind", f"{text!r} is not one of {allowed}") from None


_OUTCOME_WORDS: Final = {
    **{outcome.value: outcome for outcome in Outcome},
    **{outcome.label: outcome for outcome in Outcome},
    **{outcome.label.partition("：")[2]: outcome for outcome in Outcome if outcome.reason},
}


def _outcome(text: str) -> Outcome | None:
    if not text:
        return None
    found = _OUTCOME_WORDS.get(text.replace(":", "：").replace(" ", ""))
    if found is None:
        raise _Bad("outcome", f"{text!r} is not a result row of the 2021 table")
    return found


def _serial(text: str) -> int | None:
    if not text:
        return None
    digits = text.removesuffix(".0")  # a number cell read back from a spreadsheet
    if not digits.isdigit() or int(digits) < 1:
        raise _Bad("serial", f"{text!r} is not a positive whole number")
    return int(digits)


def _fee(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise _Bad("fee_yuan", f"{text!r} is not an amount") from None
    if value < 0 or not value.is_finite():
        raise _Bad("fee_yuan", f"{text!r} is not an amount")
    return value


def _clean(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).replace("\u3000", " ").strip()


def _csv_table(path: Path) -> list[tuple[int, list[Any]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ApplicationError(f"{path.name}: cannot read ({exc.strerror})", field="file") from None
    # Excel on a Chinese Windows saves CSV as GBK; others as UTF-8 (with a BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ApplicationError(f"{path.name}: not UTF-8 or GB18030 text", field="file")
    reader = csv.reader(io.StringIO(text, newline=""))
    return [(reader.line_num, row) for row in reader]


def _xlsx_table(path: Path) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook  # noqa: PLC0415 - only an XLSX import pays for it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise ApplicationError(
            f"{path.name}: not a readable XLSX file ({exc})", field="file"
        ) from None
    try:
        sheet = book.worksheets[0]
        return [
            (line, list(row))
            for line, row in enumerate(
                sheet.iter_rows(values_only=True, max_row=MAX_ROWS + _HEADER_ROWS), start=1
            )
        ]
    finally:
        book.close()
