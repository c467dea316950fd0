"""Controlled vocabularies of disclosure content.

Every mode or state is an enum (never a bare string). Values are the English ids
of domain.md section 2; ``label`` gives the Chinese wording shown to citizens.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AgencyKind",
    "AnnualReportFormat",
    "ChartKind",
    "DisclosureMode",
    "EntityType",
    "FileType",
    "LeaderStatus",
    "LegalBasisLevel",
    "NoticeKind",
    "Parser",
    "PowerStatus",
    "PowerType",
    "ProjectCategory",
    "ProjectStatus",
    "RiskLevel",
    "Validity",
]


class _Labelled(StrEnum):
    """A string enum whose members carry a Chinese label."""

    @property
    def label(self) -> str:
        """The Chinese wording for this value."""
        return _LABELS[self]


class EntityType(_Labelled):
    """The kinds of disclosure content."""

    AGENCY = "agency"
    LEADER = "leader"
    POWER_ITEM = "power_item"
    PROJECT = "project"
    CATALOGUE_ENTRY = "catalogue_entry"
    GUIDE = "guide"
    NOTICE = "notice"
    ANNUAL_REPORT = "annual_report"


class AgencyKind(_Labelled):
    """What sort of body an agency (单位) is."""

    COUNTY_GOVERNMENT = "county_government"
    DEPARTMENT = "department"
    INSTITUTION = "institution"
    TOWN = "town"
    TOWNSHIP = "township"


class PowerType(_Labelled):
    """The ten standard power types, public service, and unknown."""

    ADMINISTRATIVE_LICENSE = "administrative_license"
    ADMINISTRATIVE_PENALTY = "administrative_penalty"
    ADMINISTRATIVE_COERCION = "administrative_coercion"
    ADMINISTRATIVE_LEVY = "administrative_levy"
    ADMINISTRATIVE_PAYMENT = "administrative_payment"
    ADMINISTRATIVE_INSPECTION = "administrative_inspection"
    ADMINISTRATIVE_CONFIRMATION = "administrative_confirmation"
    ADMINISTRATIVE_AWARD = "administrative_award"
    ADMINISTRATIVE_ADJUDICATION = "administrative_adjudication"
    OTHER_POWER = "other_power"
    PUBLIC_SERVICE = "public_service"
    UNKNOWN = "unknown"


class PowerStatus(_Labelled):
    """Whether a power item is exercised."""

    IN_FORCE = "in_force"
    CANCELLED = "cancelled"
    DELEGATED = "delegated"


class ChartKind(_Labelled):
    """The procedure a flowchart describes."""

    GENERAL_PROCEDURE = "general_procedure"
    SUMMARY_PROCEDURE = "summary_procedure"
    LICENSE = "license"


class LegalBasisLevel(_Labelled):
    """The rank of a legal basis, as marked by 【法律】… in power lists."""

    LAW = "law"
    ADMINISTRATIVE_REGULATION = "administrative_regulation"
    LOCAL_REGULATION = "local_regulation"
    RULE = "rule"
    NORMATIVE_DOCUMENT = "normative_document"
    OTHER = "other"


class RiskLevel(_Labelled):
    """Integrity-risk level of a duty stage (廉政风险点)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ProjectCategory(_Labelled):
    """The list a project belongs to."""

    LIVELIHOOD = "livelihood"
    KEY_PROJECT = "key_project"
    KEY_TASK = "key_task"
    PUBLIC_PLEDGE = "public_pledge"
    GOV_REPORT_TASK = "gov_report_task"


class ProjectStatus(_Labelled):
    """Where a project stands, in the vocabulary of progress circulars."""

    NOT_STARTED = "not_started"
    PREPARING = "preparing"
    IN_PROGRESS = "in_progress"
    ON_SCHEDULE = "on_schedule"
    AHEAD = "ahead"
    BEHIND = "behind"
    COMPLETED = "completed"
    SUSPENDED = "suspended"


class Validity(_Labelled):
    """Whether a document is in force (有效性)."""

    VALID = "valid"
    INVALID = "invalid"
    REPEALED = "repealed"
    AMENDED = "amended"
    UNKNOWN = "unknown"


class DisclosureMode(_Labelled):
    """How a document is disclosed (公开方式)."""

    PROACTIVE = "proactive"
    ON_REQUEST = "on_request"


class NoticeKind(_Labelled):
    """The genre of a notice (通知公告)."""

    NOTICE = "notice"
    ANNOUNCEMENT = "announcement"
    PUBLICITY = "publicity"
    CIRCULAR = "circular"
    NEWS = "news"


class LeaderStatus(_Labelled):
    """Whether a leader still holds the post."""

    CURRENT = "current"
    FORMER = "former"


class AnnualReportFormat(_Labelled):
    """The statistics format of an annual report."""

    LEGACY_2008 = "legacy_2008"
    TRIAL_2019 = "trial_2019"
    REVISED_2021 = "revised_2021"


class FileType(_Labelled):
    """Attachment file types seen on county sites."""

    PDF = "pdf"
    DOC = "doc"
    DOCX = "docx"
    WPS = "wps"
    OFD = "ofd"
    XLS = "xls"
    XLSX = "xlsx"
    ET = "et"
    ZIP = "zip"
    RAR = "rar"
    SEVEN_Z = "7z"
    JPG = "jpg"
    PNG = "png"
    OTHER = "other"


class Parser(_Labelled):
    """Which parser produced an entity (kept in provenance for debugging)."""

    TRS_STATIC = "trs_static"
    HANWEB_JPAGE = "hanweb_jpage"
    HANWEB_XXGK = "hanweb_xxgk"
    JSON_API = "json_api"
    MANUAL = "manual"
    GENERATOR = "generator"


_LABELS: dict[StrEnum, str] = {
    EntityType.AGENCY: "机构",
    EntityType.LEADER: "领导分工",
    EntityType.POWER_ITEM: "权力清单",
    EntityType.PROJECT: "项目进展",
    EntityType.CATALOGUE_ENTRY: "公开目录",
    EntityType.GUIDE: "公开指南",
    EntityType.NOTICE: "通知公告",
    EntityType.ANNUAL_REPORT: "年度报告",
    AgencyKind.COUNTY_GOVERNMENT: "县人民政府",
    AgencyKind.DEPARTMENT: "政府工作部门",
    AgencyKind.INSTITUTION: "直属事业单位",
    AgencyKind.TOWN: "镇",
    AgencyKind.TOWNSHIP: "乡",
    PowerType.ADMINISTRATIVE_LICENSE: "行政许可",
    PowerType.ADMINISTRATIVE_PENALTY: "行政处罚",
    PowerType.ADMINISTRATIVE_COERCION: "行政强制",
    PowerType.ADMINISTRATIVE_LEVY: "行政征收",
    PowerType.ADMINISTRATIVE_PAYMENT: "行政给付",
    PowerType.ADMINISTRATIVE_INSPECTION: "行政检查",
    PowerType.ADMINISTRATIVE_CONFIRMATION: "行政确认",
    PowerType.ADMINISTRATIVE_AWARD: "行政奖励",
    PowerType.ADMINISTRATIVE_ADJUDICATION: "行政裁决",
    PowerType.OTHER_POWER: "其他行政权力",
    PowerType.PUBLIC_SERVICE: "公共服务",
    PowerType.UNKNOWN: "其他",
    PowerStatus.IN_FORCE: "实施中",
    PowerStatus.CANCELLED: "已取消",
    PowerStatus.DELEGATED: "已下放",
    ChartKind.GENERAL_PROCEDURE: "一般程序",
    ChartKind.SUMMARY_PROCEDURE: "简易程序",
    ChartKind.LICENSE: "许可流程",
    LegalBasisLevel.LAW: "法律",
    LegalBasisLevel.ADMINISTRATIVE_REGULATION: "行政法规",
    LegalBasisLevel.LOCAL_REGULATION: "地方性法规",
    LegalBasisLevel.RULE: "规章",
    LegalBasisLevel.NORMATIVE_DOCUMENT: "规范性文件",
    LegalBasisLevel.OTHER: "其他",
    RiskLevel.HIGH: "高",
    RiskLevel.MEDIUM: "中",
    RiskLevel.LOW: "低",
    ProjectCategory.LIVELIHOOD: "民生实事",
    ProjectCategory.KEY_PROJECT: "重点项目",
    ProjectCategory.KEY_TASK: "重点工作",
    ProjectCategory.PUBLIC_PLEDGE: "公开承诺",
    ProjectCategory.GOV_REPORT_TASK: "政府工作报告任务",
    ProjectStatus.NOT_STARTED: "未开工",
    ProjectStatus.PREPARING: "前期工作",
    ProjectStatus.IN_PROGRESS: "正在推进",
    ProjectStatus.ON_SCHEDULE: "按序时",
    ProjectStatus.AHEAD: "超序时",
    ProjectStatus.BEHIND: "慢序时",
    ProjectStatus.COMPLETED: "已完成",
    ProjectStatus.SUSPENDED: "暂停",
    Validity.VALID: "有效",
    Validity.INVALID: "失效",
    Validity.REPEALED: "废止",
    Validity.AMENDED: "已修改",
    Validity.UNKNOWN: "未标注",
    DisclosureMode.PROACTIVE: "主动公开",
    DisclosureMode.ON_REQUEST: "依申请公开",
    NoticeKind.NOTICE: "通知",
    NoticeKind.ANNOUNCEMENT: "公告",
    NoticeKind.PUBLICITY: "公示",
    NoticeKind.CIRCULAR: "通报",
    NoticeKind.NEWS: "动态",
    LeaderStatus.CURRENT: "现任",
    LeaderStatus.FORMER: "离任",
    AnnualReportFormat.LEGACY_2008: "2008年版",
    AnnualReportFormat.TRIAL_2019: "2019年试行版",
    AnnualReportFormat.REVISED_2021: "2021年修订版",
    FileType.PDF: "PDF",
    FileType.DOC: "Word",
    FileType.DOCX: "Word",
    FileType.WPS: "WPS文字",
    FileType.OFD: "OFD版式文件",
    FileType.XLS: "Excel",
    FileType.XLSX: "Excel",
    FileType.ET: "WPS表格",
    FileType.ZIP: "压缩包",
    FileType.RAR: "压缩包",
    FileType.SEVEN_Z: "压缩包",
    FileType.JPG: "图片",
    FileType.PNG: "图片",
    FileType.OTHER: "其他文件",
    Parser.TRS_STATIC: "TRS静态页",
    Parser.HANWEB_JPAGE: "大汉列表",
    Parser.HANWEB_XXGK: "大汉信息公开",
    Parser.JSON_API: "JSON接口",
    Parser.MANUAL: "人工录入",
    Parser.GENERATOR: "演示数据",
}
