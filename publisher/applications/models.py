"""The register's tables.

* ``Application``: one application, its applicant (personal data: only the
  register's staff see it) and where it stands (status, reply);
* ``ApplicationEvent``: a dated step that moves the clock (补正, 征求意见, 延期, 答复);
* ``Appeal``: a reconsideration or lawsuit about the reply, with its result.

``status`` and ``outcome`` are kept up to date by the services from the
events; the deadline itself is computed on reading (it depends on today and
on the calendar the office configures).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from content.applications import (
    AppealKind,
    AppealResult,
    ApplicantKind,
    Channel,
    EventKind,
    Outcome,
    Status,
)


class Application(models.Model):
    """An application for disclosure, with its applicant."""

    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(max_length=64, unique=True)
    #: The year's and serial's digits, what a visitor types at the kiosk.
    lookup_digits = models.CharField(max_length=12, db_index=True)
    agency = models.CharField(max_length=200, db_index=True)
    received_on = models.DateField(db_index=True)
    channel = models.CharField(max_length=16, choices=Channel.choices())
    applicant_kind = models.CharField(max_length=24, choices=ApplicantKind.choices())
    # Personal information (个人信息保护法): never in a release, export, log or error.
    applicant_name = models.CharField(max_length=200)
    applicant_id_number = models.CharField(max_length=64, blank=True)
    applicant_phone = models.CharField(max_length=32, blank=True)
    applicant_address = models.CharField(max_length=300, blank=True)
    #: The phone's last four digits, the second half of the kiosk lookup.
    phone_tail = models.CharField(max_length=4, blank=True)
    request_text = models.TextField()
    form_wanted = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=24, choices=Status.choices(), default=Status.RECEIVED, db_index=True
    )
    outcome = models.CharField(max_length=48, choices=Outcome.choices(), blank=True)
    replied_on = models.DateField(null=True, blank=True)
    fee_yuan = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["year", "serial"], name="application_year_serial")
        ]
        ordering: ClassVar = ["received_on", "serial"]

    def __str__(self) -> str:
        # The number only: a str() can end up in a log line.
        return self.number


class ApplicationEvent(models.Model):
    """A dated step of an application's life."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices())
    on = models.DateField()
    note = models.TextField(blank=True)
    actor = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.on}"


class Appeal(models.Model):
    """A reconsideration (行政复议) or lawsuit (行政诉讼) about an application's reply."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="appeals")
    kind = models.CharField(max_length=40, choices=AppealKind.choices())
    filed_on = models.DateField()
    result = models.CharField(
        max_length=16, choices=AppealResult.choices(), default=AppealResult.PENDING
    )
    decided_on = models.DateField(null=True, blank=True)
    actor = models.CharField(max_length=150)

    class Meta:
        ordering: ClassVar = ["filed_on", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind} {self.filed_on}"
