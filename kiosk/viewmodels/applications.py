"""依申请公开 at the kiosk: how to apply (from the disclosure guide) and the status lookup form.

Plain data, no Kivy. The form holds what the visitor typed on the digit
keypad (the register number's digits, the phone's last four digits); it is
cleared when the visitor's session ends, so the next visitor never sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final, Protocol, cast

from content.enums import EntityType
from kiosk.agent.status import LookupAnswer, LookupOutcome
from kiosk.viewmodels.links import LinkPolicy
from kiosk.viewmodels.text import cn_date, plain

if TYPE_CHECKING:
    from content.records import RecordBase
    from kiosk.viewmodels.library import Library

__all__ = [
    "DIGIT_KEYS",
    "ApplyGuide",
    "Field",
    "LookupForm",
    "StatusLookup",
    "answer_lines",
    "apply_guide",
]

#: The digit keypad, in telephone order; ``backspace`` and ``clear`` edit.
DIGIT_KEYS: Final = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "backspace", "0", "clear")
_NUMBER_MAX: Final = 10
_TAIL: Final = 4
_NUMBER_MIN: Final = 5


class StatusLookup(Protocol):
    """Asks the publisher (``kiosk.agent.status.PublisherStatusLookup``)."""

    def __call__(self, number: str, phone_tail: str) -> LookupAnswer:
        """The answer for these two halves; never raises."""
        ...


class Field(StrEnum):
    """Which half the keypad types into."""

    NUMBER = "number"
    PHONE = "phone"


@dataclass
class LookupForm:
    """The two halves typed, the field being typed into, and the last answer."""

    number: str = ""
    phone: str = ""
    field: Field = Field.NUMBER
    answer: LookupAnswer | None = None
    pending: bool = False
    #: Bumped by ``clear``: an answer arriving for an older form is dropped.
    generation: int = 0

    @property
    def ready(self) -> bool:
        """Whether both halves are complete enough to ask."""
        return len(self.number) >= _NUMBER_MIN and len(self.phone) == _TAIL and not self.pending

    def focus(self, which: Field) -> None:
        """Type into ``which`` next."""
        self.field = which

    def press(self, key: str) -> None:
        """A keypad key: a digit, ``backspace`` or ``clear`` (the field being typed into)."""
        self.answer = None
        value = self.number if self.field is Field.NUMBER else self.phone
        if key == "backspace":
            value = value[:-1]
        elif key == "clear":
            value = ""
        elif key.isdigit() and len(key) == 1:
            limit = _NUMBER_MAX if self.field is Field.NUMBER else _TAIL
            value = value + key if len(value) < limit else value
        if self.field is Field.NUMBER:
            self.number = value
        else:
            self.phone = value
            return
        if len(self.number) == _NUMBER_MAX:
            self.field = Field.PHONE

    def start(self) -> int:
        """Mark a lookup as sent; returns the generation its answer must carry."""
        self.pending = True
        self.answer = None
        return self.generation

    def finish(self, generation: int, answer: LookupAnswer) -> bool:
        """Take an answer, unless the form was cleared since; whether it was taken."""
        if generation != self.generation:
            return False
        self.pending = False
        self.answer = answer
        return True

    def clear(self) -> None:
        """Forget everything typed and answered (the visitor left)."""
        self.number = self.phone = ""
        self.field = Field.NUMBER
        self.answer = None
        self.pending = False
        self.generation += 1


def answer_lines(form: LookupForm, *, configured: bool) -> list[str]:
    """What the result area says (and 朗读 reads)."""
    if not configured:
        return ["本机未连接办理系统，暂不能查询，请到政务公开窗口或拨打咨询电话查询。"]
    if form.pending:
        return ["正在查询，请稍候……"]
    answer = form.answer
    if answer is None:
        return ["请输入登记编号中的数字（年份和序号，如 202617），再输入申请时所留电话的后四位。"]
    if answer.outcome is LookupOutcome.FOUND and answer.status is not None:
        lines = [f"办理状态：{answer.status.label}", f"收到申请：{cn_date(answer.received_on)}"]
        if answer.due:
            suffix = "（预计，以答复通知为准）" if answer.estimated else ""
            lines.append(f"答复期限：{cn_date(answer.due)}{suffix}")
        elif answer.status.value == "needs_correction":
            lines.append("答复期限：收到补正材料后重新计算")
        return lines
    return [_FAILURES[answer.outcome]]


_FAILURES: Final = {
    LookupOutcome.NOT_FOUND: "没有找到，请核对登记编号和电话后四位。",
    LookupOutcome.OFFLINE: "暂时无法连接办理系统（网络中断），请稍后再试或到政务公开窗口查询。",
    LookupOutcome.BUSY: "查询过于频繁，请一分钟后再试。",
    LookupOutcome.REFUSED: "本机暂停查询服务，请到政务公开窗口查询。",
    LookupOutcome.FOUND: "没有找到，请核对登记编号和电话后四位。",
}


@dataclass(frozen=True, slots=True)
class ApplyGuide:
    """How to apply, from the release's disclosure guide (公开指南)."""

    lines: tuple[str, ...]
    qr_url: str | None


def apply_guide(library: Library | None) -> ApplyGuide:
    """The first guide's application procedure and where to apply, with its QR link."""
    fallback = ApplyGuide(
        ("可当面、信函、传真、电子邮件或网上提出申请，详见政府信息公开指南。",), None
    )
    if library is None or not library.by_type[EntityType.GUIDE]:
        return fallback
    record = library.record(library.by_type[EntityType.GUIDE][0].id)
    if record is None:
        return fallback
    lines = [plain(record.get("application_procedure"))]
    for label, key in (
        ("受理机构", "office_name"),
        ("地址", "address"),
        ("办公时间", "office_hours"),
        ("电话", "phone"),
        ("传真", "fax"),
        ("电子邮箱", "email"),
    ):
        if value := plain(record.get(key)):
            lines.append(f"{label}：{value}")
    links = LinkPolicy(library.manifest)
    website = record.get("website")
    if isinstance(website, str) and links.allowed(website):
        return ApplyGuide(tuple(line for line in lines if line), website)
    url = links.source(cast("RecordBase", record))
    return ApplyGuide(tuple(line for line in lines if line), url)
