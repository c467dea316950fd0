"""The store's tables.

* ``Source``: a configured source (mirrors ``gongkai.toml``), with its blocked state.
* ``Item``: one disclosure entity by stable key; ``current`` is its approved revision.
* ``Revision``: one version of an item as validated JSON, waiting for or past review.
* ``FetchState``: what the last fetch of a URL returned (validators, hash, list entries).
* ``SyncRun``: one run of one source, with counts and per-item errors.
* ``Document``: a mirrored attachment in the content-addressed folder.
* ``ShortLink``: the short code of a released item or mirrored document, never reused.
* ``DeviceScreenshot``: the latest screenshot a kiosk sent of its screen.
* ``AuditLog``: who did what, when.
* ``BoardRule``: an LED board schedule rule or emergency override.
* ``BoardState``: what the publisher last pushed to an LED board, and how it went.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class Source(models.Model):
    """A source as configured, plus what the sync learnt about it."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200, blank=True)
    entity_type = models.CharField(max_length=32)
    profile = models.CharField(max_length=500)
    site = models.URLField(max_length=500)
    auto_approve = models.BooleanField(default=False)
    enabled = models.BooleanField(default=True)
    blocked_until = models.DateTimeField(null=True, blank=True)
    blocked_signal = models.CharField(max_length=64, blank=True)
    blocked_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class Item(models.Model):
    """One disclosure entity (a leader, a power item …) across its revisions."""

    class State(models.TextChoices):
        ACTIVE = "active", "在用"
        REMOVED = "removed", "已下线"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="items")
    key = models.CharField(max_length=128, unique=True)
    entity_type = models.CharField(max_length=32, db_index=True)
    scope = models.CharField(max_length=64, db_index=True)
    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=1000)
    current = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    #: When a complete listing of the source last failed to show this item.
    missing_since = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


class Revision(models.Model):
    """One version of an item, as validated JSON, with its review status."""

    class Kind(models.TextChoices):
        NEW = "new", "新增"
        CHANGE = "change", "变更"
        REMOVAL = "removal", "下线"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "已驳回"
        QUARANTINED = "quarantined", "隔离待查"
        SUPERSEDED = "superseded", "已被取代"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="revisions")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    source_url = models.URLField(max_length=1000)
    fetched_at = models.DateTimeField()
    run = models.ForeignKey(
        "SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="revisions"
    )
    change_share = models.FloatField(default=0.0)
    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    #: A quarantined revision's first review (four-eyes): the 终审 must be someone else.
    first_reviewed_by = models.CharField(max_length=150, blank=True)
    first_reviewed_at = models.DateTimeField(null=True, blank=True)
    #: Who confirmed the secrecy check (保密审查) when it was approved for publication.
    secrecy_checked_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["item", "seq"], name="revision_seq_unique"),
        ]
        indexes: ClassVar = [
            # The review queue: what waits, oldest first, and its counts by kind.
            models.Index(fields=["status", "created_at"], name="revision_waiting_order"),
            models.Index(fields=["status", "kind"], name="revision_waiting_kind"),
        ]
        ordering: ClassVar = ["item_id", "seq"]

    def __str__(self) -> str:
        return f"{self.item.key}#{self.seq}"


class FetchState(models.Model):
    """What the last fetch of one URL returned."""

    class Kind(models.TextChoices):
        LIST = "list", "列表页"
        DETAIL = "detail", "详情页"
        FILE = "file", "附件"

    url = models.URLField(max_length=1000, unique=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.CASCADE, related_name="fetch_states"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    body_sha256 = models.CharField(max_length=64, blank=True)
    status_code = models.PositiveSmallIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)
    #: For detail pages: the fingerprint of the list entry that led here.
    fingerprint = models.CharField(max_length=64, blank=True)
    #: For list pages: what it held (entries, page count, total), reused on 304;
    #: for files: the name and type the answer gave (Content-Disposition, bytes).
    listing = models.JSONField(default=dict, blank=True)
    item_key = models.CharField(max_length=128, blank=True)

    def __str__(self) -> str:
        return self.url


class SyncRun(models.Model):
    """One run of one source."""

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        OK = "ok", "成功"
        PARTIAL = "partial", "部分失败"
        FAILED = "failed", "失败"
        BLOCKED = "blocked", "被拦截"
        INTERRUPTED = "interrupted", "中断"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=16, default="manual")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    new = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    external = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)
    documents = models.PositiveIntegerField(default=0)
    listing_complete = models.BooleanField(default=False)
    errors = models.JSONField(default=list, blank=True)
    #: What the run could not take but did not fail on (attachments not mirrored).
    warnings = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering: ClassVar = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source.key} {self.started_at:%Y-%m-%d %H:%M}"


class Document(models.Model):
    """A mirrored attachment, stored once per content hash."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=300)
    source_url = models.URLField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class Channel(models.Model):
    """A release channel: ``county``, or ``town-<id>`` (county content plus the town's)."""

    key = models.CharField(max_length=64, unique=True)
    #: Set when approved content affecting the channel changed; cleared by a release.
    dirty_since = models.DateTimeField(null=True, blank=True)
    #: Counts every change that marked the channel dirty. A build notes it before it
    #: reads the approved content and clears ``dirty_since`` only if it is unchanged,
    #: so an approval landing during the build is never cleared unreleased.
    dirty_count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.key


class ChannelRelease(models.Model):
    """One published release of a channel."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="releases")
    version = models.PositiveIntegerField()
    content_digest = models.CharField(max_length=64)
    manifest_sha256 = models.CharField(max_length=64)
    targets_version = models.PositiveIntegerField()
    entities = models.PositiveIntegerField(default=0)
    object_count = models.PositiveIntegerField(default=0)
    new_object_count = models.PositiveIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["channel", "version"], name="channel_version_unique"),
        ]
        ordering: ClassVar = ["channel_id", "-version"]

    def __str__(self) -> str:
        return f"{self.channel.key} v{self.version}"


class Device(models.Model):
    """An enrolled kiosk and what it last reported."""

    name = models.CharField(max_length=100, unique=True)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="devices")
    #: SHA-256 of the bearer token; the token itself is shown once, at enrolment.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    applied_version = models.PositiveIntegerField(null=True, blank=True)
    last_refresh_at = models.DateTimeField(null=True, blank=True)
    last_refresh_ok = models.BooleanField(null=True)
    last_error = models.CharField(max_length=1000, blank=True)
    disk_free = models.PositiveBigIntegerField(null=True, blank=True)
    uptime = models.PositiveBigIntegerField(null=True, blank=True)
    app_version = models.CharField(max_length=64, blank=True)
    address = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.name


class ShortLink(models.Model):
    """A short code (``/d/<code>``, ``/f/<code>``) handed out once and kept for good.

    Rows are never deleted or changed: a withdrawn item keeps its code (its
    page says it was withdrawn), and no other target ever gets it.
    """

    class Kind(models.TextChoices):
        ITEM = "d", "条目"
        DOCUMENT = "f", "文件"

    code = models.CharField(max_length=12, unique=True)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    #: The item's stable id (``Item.key``) or the document's SHA-256.
    target = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "target"], name="short_link_target_unique"),
        ]

    def __str__(self) -> str:
        return f"/{self.kind}/{self.code}"


class DeviceScreenshot(models.Model):
    """The latest screenshot of a kiosk's screen (a small PNG), one per device."""

    device = models.OneToOneField(
        Device, primary_key=True, on_delete=models.CASCADE, related_name="screenshot"
    )
    png = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    #: When the kiosk took it (its clock), and when the publisher stored it (ours).
    taken_at = models.DateTimeField()
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.device_id} {self.taken_at:%Y-%m-%d %H:%M}"


class AuditLog(models.Model):
    """An entry of the audit trail: who did what, when, to what."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL)
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL)
    revision = models.ForeignKey(Revision, null=True, blank=True, on_delete=models.SET_NULL)
    detail = models.JSONField(default=dict, blank=True)
    #: The client address of a decision made in the staff console ("" from the CLI).
    address = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering: ClassVar = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"


class BoardRule(models.Model):
    """A schedule rule for LED boards, or an emergency override (``emergency``).

    Targets are board ids and group names from gongkai.toml; ``content`` is the
    list of what to show (``publisher.boards.schedule.Content`` as dicts). The
    window is minutes after midnight, Asia/Shanghai, and may cross midnight.
    """

    name = models.CharField(max_length=200)
    boards = models.JSONField(default=list, blank=True)
    groups = models.JSONField(default=list, blank=True)
    content = models.JSONField(default=list)
    start_minute = models.PositiveSmallIntegerField(default=0)
    end_minute = models.PositiveSmallIntegerField(default=1440)
    #: Weekdays the rule runs on, as digits 0 (Monday) to 6 (Sunday).
    weekdays = models.CharField(max_length=7, default="0123456")
    #: A kind of day on the working-day calendar: all, workdays, holidays, weekends-and-holidays.
    days = models.CharField(max_length=24, default="all")
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    rrule = models.CharField(max_length=500, blank=True)
    priority = models.SmallIntegerField(default=0)
    emergency = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(emergency=False) | models.Q(expires_at__isnull=False),
                name="board_emergency_expires",
            ),
            models.CheckConstraint(
                condition=models.Q(start_minute__lte=1440) & models.Q(end_minute__lte=1440),
                name="board_rule_window",
            ),
        ]
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"


class BoardState(models.Model):
    """What the publisher last did to one board (by its id in gongkai.toml)."""

    class Result(models.TextChoices):
        NONE = "", "未推送"
        OK = "ok", "成功"
        UNREACHABLE = "unreachable", "无法连接"
        REJECTED = "rejected", "被拒绝"
        FAILED = "failed", "失败"

    board_id = models.CharField(max_length=64, unique=True)
    #: The digest of the program the board last acknowledged.
    digest = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    last_push_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=16, choices=Result.choices, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    reachable = models.BooleanField(null=True)
    failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.board_id
