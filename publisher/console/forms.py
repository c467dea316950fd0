"""The console's forms: each bad field reported in Chinese beside it, input kept."""

from __future__ import annotations

from typing import Any

from django import forms

from publisher.console.review_reads import QueueFilter

__all__ = ["BulkForm", "DecisionForm", "QueueFilterForm"]

_STATES = [("", "全部"), ("pending", "待审核"), ("quarantined", "隔离待查"), ("removal", "下线")]


class QueueFilterForm(forms.Form):
    """The review queue's filters (GET)."""

    state = forms.ChoiceField(label="状态", choices=_STATES, required=False)
    source = forms.ChoiceField(label="数据源", required=False)
    entity_type = forms.CharField(label="类型", max_length=32, required=False)
    town = forms.ChoiceField(label="辖区", required=False)
    agency = forms.CharField(label="部门编号", max_length=64, required=False)
    since = forms.DateField(
        label="抓取自", required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(
        label="抓取至", required=False, widget=forms.DateInput({"type": "date"})
    )

    def __init__(
        self, data: Any, *, sources: list[tuple[str, str]], towns: list[tuple[str, str]]
    ) -> None:
        super().__init__(data)
        self.fields["source"].choices = [("", "全部"), *sources]  # type: ignore[attr-defined]
        self.fields["town"].choices = [("", "全部"), *towns]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """Refuse a date range that ends before it starts."""
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "结束日期早于开始日期")
        return data

    def chosen(self) -> QueueFilter:
        """The valid filters (an invalid one filters nothing and is shown as an error)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return QueueFilter(
            state=data.get("state") or "",
            source=data.get("source") or "",
            entity_type=data.get("entity_type") or "",
            town=data.get("town") or "",
            agency=data.get("agency") or "",
            since=data.get("since"),
            until=data.get("until") if "until" not in self.errors else None,
        )


class DecisionForm(forms.Form):
    """Approve (with the secrecy check confirmed) or reject (with a reason) one revision."""

    decision = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "驳回")])
    secrecy_checked = forms.BooleanField(label="已完成保密审查", required=False)
    reason = forms.CharField(
        label="驳回理由", max_length=500, required=False, widget=forms.Textarea({"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        """Name the missing confirmation or reason beside its field."""
        data = super().clean() or {}
        if data.get("decision") == "approve" and not data.get("secrecy_checked"):
            self.add_error("secrecy_checked", "发布前须确认已完成保密审查")
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "驳回须说明理由")
        return data


class BulkForm(forms.Form):
    """Approve the rows ticked, or every row of a source, after a confirmation of the count."""

    ids = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=[])
    source = forms.CharField(max_length=64, required=False)
    secrecy_checked = forms.BooleanField(label="已完成保密审查", required=False)
    confirmed = forms.IntegerField(required=False, min_value=0)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        # Any id is acceptable here; the service refuses what the actor may not decide.
        given = data.getlist("ids") if hasattr(data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in given[:500] if str(v).isdigit()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """Ask for ids or a source, and the secrecy check once the count is confirmed."""
        data = super().clean() or {}
        if not data.get("ids") and not data.get("source"):
            raise forms.ValidationError("请勾选要通过的修订，或选择一个数据源")
        if data.get("confirmed") is not None and not data.get("secrecy_checked"):
            self.add_error("secrecy_checked", "发布前须确认已完成保密审查")
        return data
