"""The register's vocabulary: channels, applicant kinds, events, statuses and outcomes.

Stdlib enums so the CLI, the kiosk and the statistics can use them without
Django; the publisher's models take their ``choices()``. Outcome values are the
dotted row keys of the 2021 applications table (domain.md 2.7), so a decision
maps onto its row without a second table.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = [
    "OUTCOME_GROUPS",
    "AppealKind",
    "AppealResult",
    "ApplicantKind",
    "Channel",
    "EventKind",
    "Outcome",
    "Status",
]


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        """The wording staff and citizens read (zh-hans)."""
        return _LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(value, label)`` pairs for a Django field's ``choices``."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def from_text(cls, text: str) -> _Labelled:
        """The member whose value or label is ``text`` (stripped).

        Raises:
            ValueError: no member is called so.
        """
        wanted = text.strip()
        for member in cls:
            if wanted in {member.value, member.label}:
                return member
        raise ValueError(wanted)


class Channel(_Labelled):
    """How an application arrived (条例第二十九条)."""

    IN_PERSON = "in_person"
    LETTER = "letter"
    FAX = "fax"
    EMAIL = "email"
    ONLINE = "online"
    OTHER = "other"


class ApplicantKind(_Labelled):
    """The applicant columns of the 2021 table (自然人; 法人或其他组织 in five)."""

    NATURAL_PERSON = "natural_person"
    BUSINESS = "business"
    RESEARCH = "research"
    PUBLIC_INTEREST_ORG = "public_interest_org"
    LEGAL_SERVICE = "legal_service"
    OTHER_ORG = "other_org"


class EventKind(_Labelled):
    """What can happen to an application after it is received."""

    CORRECTION_REQUESTED = "correction_requested"
    CORRECTION_RECEIVED = "correction_received"
    CONSULTATION_STARTED = "consultation_started"
    CONSULTATION_ANSWERED = "consultation_answered"
    EXTENDED = "extended"
    REPLIED = "replied"


class Status(_Labelled):
    """Where an application stands; the kiosk shows exactly these words."""

    RECEIVED = "received"
    NEEDS_CORRECTION = "needs_correction"
    IN_PROGRESS = "in_progress"
    EXTENDED = "extended"
    REPLIED = "replied"


class Outcome(_Labelled):
    """A reply's result: a row of table 三 (三、本年度办理结果) of the 2021 format."""

    DISCLOSED = "disclosed"
    PARTIALLY_DISCLOSED = "partially_disclosed"
    REFUSED_STATE_SECRET = "refused.state_secret"  # noqa: S105 - a table row, no secret
    REFUSED_OTHER_LAW = "refused.other_law"
    REFUSED_THREE_SECURITY = "refused.three_security_one_stability"
    REFUSED_THIRD_PARTY = "refused.third_party"
    REFUSED_INTERNAL_AFFAIRS = "refused.internal_affairs"
    REFUSED_PROCESS_INFO = "refused.process_info"
    REFUSED_ENFORCEMENT_FILE = "refused.enforcement_file"
    REFUSED_ADMIN_QUERY = "refused.admin_query"
    UNABLE_NOT_HELD = "unable.not_held"
    UNABLE_NEEDS_CREATION = "unable.needs_creation"
    UNABLE_UNCLEAR = "unable.unclear_after_correction"
    NOT_PROCESSED_PETITION = "not_processed.petition"
    NOT_PROCESSED_REPEAT = "not_processed.repeat"
    NOT_PROCESSED_PUBLICATION = "not_processed.publication"
    NOT_PROCESSED_EXCESSIVE = "not_processed.excessive"
    NOT_PROCESSED_CONFIRM = "not_processed.confirm_or_reissue"
    OTHER_NO_CORRECTION = "other.no_correction"
    OTHER_FEE_UNPAID = "other.fee_unpaid"
    OTHER_OTHER = "other.other"

    @property
    def group(self) -> str:
        """The group of rows (``refused``, ``unable`` …), or the outcome itself for 予以公开."""
        return self.value.partition(".")[0]

    @property
    def reason(self) -> str:
        """The reason row inside the group ('' for 予以公开 and 部分公开)."""
        return self.value.partition(".")[2]


class AppealKind(_Labelled):
    """The three review and litigation rows of table 四."""

    RECONSIDERATION = "reconsideration"
    LITIGATION_DIRECT = "litigation_direct"
    LITIGATION_AFTER_RECONSIDERATION = "litigation_after_reconsideration"


class AppealResult(_Labelled):
    """A review's or lawsuit's result (the columns of table 四)."""

    UPHELD = "upheld"
    CORRECTED = "corrected"
    OTHER = "other"
    PENDING = "pending"


#: The group headings of the outcome rows, as printed (予以公开 … 其他处理).
OUTCOME_GROUPS: Final = {
    "disclosed": "予以公开",
    "partially_disclosed": "部分公开",
    "refused": "不予公开",
    "unable": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}

_REASONS: Final = {
    Outcome.REFUSED_STATE_SECRET: "属于国家秘密",
    Outcome.REFUSED_OTHER_LAW: "其他法律行政法规禁止公开",
    Outcome.REFUSED_THREE_SECURITY: "危及“三安全一稳定”",
    Outcome.REFUSED_THIRD_PARTY: "保护第三方合法权益",
    Outcome.REFUSED_INTERNAL_AFFAIRS: "属于三类内部事务信息",
    Outcome.REFUSED_PROCESS_INFO: "属于四类过程性信息",
    Outcome.REFUSED_ENFORCEMENT_FILE: "属于行政执法案卷",
    Outcome.REFUSED_ADMIN_QUERY: "属于行政查询事项",
    Outcome.UNABLE_NOT_HELD: "本机关不掌握相关政府信息",
    Outcome.UNABLE_NEEDS_CREATION: "没有现成信息需要另行制作",
    Outcome.UNABLE_UNCLEAR: "补正后申请内容仍不明确",
    Outcome.NOT_PROCESSED_PETITION: "信访举报投诉类申请",
    Outcome.NOT_PROCESSED_REPEAT: "重复申请",
    Outcome.NOT_PROCESSED_PUBLICATION: "要求提供公开出版物",
    Outcome.NOT_PROCESSED_EXCESSIVE: "无正当理由大量反复申请",
    Outcome.NOT_PROCESSED_CONFIRM: "要求行政机关确认或重新出具已获取信息",
    Outcome.OTHER_NO_CORRECTION: "申请人无正当理由逾期不补正",
    Outcome.OTHER_FEE_UNPAID: "申请人逾期未按收费通知要求缴纳费用",
    Outcome.OTHER_OTHER: "其他",
}

_LABELS: Final[dict[StrEnum, str]] = {
    Channel.IN_PERSON: "当面",
    Channel.LETTER: "信函",
    Channel.FAX: "传真",
    Channel.EMAIL: "电子邮件",
    Channel.ONLINE: "网上",
    Channel.OTHER: "其他",
    ApplicantKind.NATURAL_PERSON: "自然人",
    ApplicantKind.BUSINESS: "商业企业",
    ApplicantKind.RESEARCH: "科研机构",
    ApplicantKind.PUBLIC_INTEREST_ORG: "社会公益组织",
    ApplicantKind.LEGAL_SERVICE: "法律服务机构",
    ApplicantKind.OTHER_ORG: "其他组织",
    EventKind.CORRECTION_REQUESTED: "告知补正",
    EventKind.CORRECTION_RECEIVED: "收到补正",
    EventKind.CONSULTATION_STARTED: "征求第三方意见",
    EventKind.CONSULTATION_ANSWERED: "第三方意见答复",
    EventKind.EXTENDED: "延期答复",
    EventKind.REPLIED: "作出答复",
    Status.RECEIVED: "已受理",
    Status.NEEDS_CORRECTION: "需补正",
    Status.IN_PROGRESS: "办理中",
    Status.EXTENDED: "已延期",
    Status.REPLIED: "已答复",
    Outcome.DISCLOSED: "予以公开",
    Outcome.PARTIALLY_DISCLOSED: "部分公开",
    **{
        outcome: f"{OUTCOME_GROUPS[outcome.group]}：{reason}"
        for outcome, reason in _REASONS.items()
    },
    AppealKind.RECONSIDERATION: "行政复议",
    AppealKind.LITIGATION_DIRECT: "行政诉讼（未经复议直接起诉）",
    AppealKind.LITIGATION_AFTER_RECONSIDERATION: "行政诉讼（复议后起诉）",
    AppealResult.UPHELD: "结果维持",
    AppealResult.CORRECTED: "结果纠正",
    AppealResult.OTHER: "其他结果",
    AppealResult.PENDING: "尚未审结",
}
