"""The register spreadsheet's columns (see ``importer``), importable without Django."""

from __future__ import annotations

from typing import Final

__all__ = ["COLUMNS"]

#: key → the Chinese header an office's sheet uses.
COLUMNS: Final = {
    "serial": "序号",
    "received_on": "收到日期",
    "channel": "申请方式",
    "applicant_kind": "申请人类型",
    "applicant_name": "申请人",
    "id_number": "证件号码",
    "phone": "联系电话",
    "address": "联系地址",
    "request_text": "申请内容",
    "agency": "承办机关",
    "form_wanted": "获取方式",
    "correction_requested": "补正告知日期",
    "correction_received": "补正收到日期",
    "consultation_started": "征求意见日期",
    "consultation_answered": "意见答复日期",
    "extended": "延期日期",
    "extension_reason": "延期理由",
    "replied_on": "答复日期",
    "outcome": "办理结果",
    "fee_yuan": "收费（元）",
    "appeal_kind": "复议诉讼",
    "appeal_filed": "提起日期",
    "appeal_result": "复议诉讼结果",
    "appeal_decided": "审结日期",
}
