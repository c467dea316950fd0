"""The register's forms (依申请公开): each bad field named in Chinese beside it, input kept.

The forms check shape only (a date, a known channel, a length); whether a step
fits where the application stands is the register's service's rule, and its
refusal (``ApplicationError.field``) is put beside the field it names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from content.applications import ApplicantKind, Channel, EventKind, Outcome, Status

if TYPE_CHECKING:
    from publisher.applications.errors import ApplicationError

__all__ = [
    "ApplicationForm",
    "EventForm",
    "RegisterFilterForm",
    "ReplyForm",
    "add_service_error",
]

# ISO values: a browser's date input takes no other (the zh-hans format would be dropped).
_DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")
_ANY = [("", "全部")]


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


class RegisterFilterForm(forms.Form):
    """The register's filters (GET)."""

    year = forms.IntegerField(label="年度", required=False, min_value=2007, max_value=2100)
    status = forms.ChoiceField(label="状态", choices=_ANY + _choices(Status), required=False)
    channel = forms.ChoiceField(label="申请方式", choices=_ANY + _choices(Channel), required=False)
    agency = forms.CharField(label="承办机关", max_length=64, required=False)

    def chosen(self) -> dict[str, Any]:
        """The valid filters (an invalid one filters nothing and is shown as an error)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {
            "year": data.get("year"),
            "status": Status(data["status"]) if data.get("status") else None,
            "channel": Channel(data["channel"]) if data.get("channel") else None,
            "agency": data.get("agency") or None,
        }


class ApplicationForm(forms.Form):
    """A new application, as the office receives it."""

    received_on = forms.DateField(label="收到日期", widget=_DATE)
    channel = forms.ChoiceField(label="申请方式", choices=_choices(Channel))
    applicant_kind = forms.ChoiceField(label="申请人类型", choices=_choices(ApplicantKind))
    agency = forms.CharField(label="承办机关", max_length=64)
    applicant_name = forms.CharField(label="申请人姓名或名称", max_length=200)
    id_number = forms.CharField(label="证件号码", max_length=64, required=False)
    phone = forms.CharField(label="联系电话", max_length=64, required=False)
    address = forms.CharField(label="联系地址", max_length=300, required=False)
    request_text = forms.CharField(
        label="申请内容", max_length=4000, widget=forms.Textarea({"rows": 5})
    )
    form_wanted = forms.ChoiceField(
        label="获取方式",
        choices=[("", "未注明"), ("纸质", "纸质"), ("电子", "电子")],
        required=False,
    )


class EventForm(forms.Form):
    """A step that moves the reply clock (补正, 征求第三方意见, 延期)."""

    kind = forms.ChoiceField(
        label="步骤",
        choices=[(k.value, k.label) for k in EventKind if k is not EventKind.REPLIED],
    )
    on = forms.DateField(label="日期", widget=_DATE)
    note = forms.CharField(label="说明（延期须写明理由）", max_length=500, required=False)


class ReplyForm(forms.Form):
    """The reply and its result (a row of the 2021 table 三)."""

    outcome = forms.ChoiceField(label="办理结果", choices=_choices(Outcome))
    on = forms.DateField(label="答复日期", widget=_DATE)
    fee_yuan = forms.DecimalField(
        label="收费（元）", required=False, max_digits=9, decimal_places=2, min_value=0
    )
    note = forms.CharField(label="说明", max_length=500, required=False)


#: The register's refusals in Chinese, by what the service's message says.
_REFUSALS = (
    ("a correction is requested already", "已告知补正，尚未收到补正材料"),
    ("no correction was requested", "尚未告知补正，不能登记收到补正"),
    ("a consultation is open already", "已在征求第三方意见"),
    ("no consultation is open", "没有正在征求的第三方意见"),
    ("extended once already", "答复期限只能延长一次（条例第三十三条）"),
    ("needs its reason", "延期须写明理由"),
    ("is replied already", "该申请已答复，不能再登记步骤"),
    ("was replied on", "该申请已答复"),
    ("before the last event", "日期早于上一步骤的日期"),
    ("is before receipt", "日期早于收到申请的日期"),
    ("name is empty", "申请人姓名或名称不能为空"),
    ("request text is empty", "申请内容不能为空"),
    ("over 4000 characters", "申请内容超过 4000 字"),
    ("no handling agency", "请填写承办机关"),
    ("cannot be negative", "收费不能为负数"),
)


def add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    """Put the service's refusal beside the field it names, in Chinese."""
    text = str(exc)
    why = next((zh for key, zh in _REFUSALS if key in text), "该步骤与申请当前的办理环节不符")
    if "needs its reason" in text and "note" in form.fields:
        form.add_error("note", why)
        return
    form.add_error(exc.field if exc.field in form.fields else None, why)
