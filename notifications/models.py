"""Reminders (the plan, the source of truth) and the inbox messages they become (DESIGN §5).

A ``Reminder`` row is planned in the same transaction as the transition that creates its
deadline, and is sent exactly once: the key (document, kind, due_on, recipient) is unique, and the
sweep marks ``sent_at`` in the same transaction that writes the ``InboxMessage``.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    REVIEW_DUE_SOON = "review_due_soon", "合法性审核即将到期"
    REVIEW_OVERDUE = "review_overdue", "合法性审核已超期"
    SIGNOFF_WAITING = "signoff_waiting", "审核意见待签发"
    ADVISER_OPINION_DUE = "adviser_opinion_due", "请出具法律顾问意见"
    COMMENT_PERIOD_CLOSED = "comment_period_closed", "征求意见期已结束"
    REGISTRATION_PENDING = "registration_pending", "审核通过后尚未登记"
    FILING_DUE = "filing_due", "备案期限将至"
    FILING_OVERDUE = "filing_overdue", "备案已超期"
    VALIDITY_EXPIRING = "validity_expiring", "有效期即将届满，应开展实施评估"
    EVALUATION_OVERDUE = "evaluation_overdue", "实施评估已到期"
    # 备案审查 (R19)
    FILING_REVIEW_DUE = "filing_review_due", "备案审查期限将至"
    CORRECTION_ANSWER_DUE = "correction_answer_due", "纠正意见答复期限将至"
    FILING_ESCALATED = "filing_escalated", "纠正答复未被认可，请负责人督办"
    REVIEW_REQUEST_DUE = "review_request_due", "审查建议答复期限将至"


class Reminder(models.Model):
    Kind = Kind

    document = models.ForeignKey("review.Document", on_delete=models.CASCADE, related_name="reminders",
                                 verbose_name="文件")
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    due_on = models.DateField("提醒日期")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="reminders", verbose_name="接收人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = "提醒"
        constraints = [
            models.UniqueConstraint(fields=["document", "kind", "due_on", "recipient"],
                                    name="reminder_once_per_key"),
        ]
        indexes = [
            # The sweep's scan: unsent rows by due date (a partial index stays small).
            models.Index(fields=["due_on", "id"], condition=Q(sent_at__isnull=True),
                         name="reminder_unsent_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on} → {self.recipient_id}"


class InboxMessage(models.Model):
    """站内消息. One per delivered reminder (the unique constraint makes 'exactly once' hold in
    the database too, not only in the sweep's locking)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="inbox_messages", verbose_name="接收人")
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="messages", verbose_name="提醒")
    document = models.ForeignKey("review.Document", on_delete=models.CASCADE, related_name="+",
                                 verbose_name="文件")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "站内消息"
        constraints = [
            models.UniqueConstraint(fields=["reminder"], name="inbox_one_message_per_reminder"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="inbox_recipient_read")]

    def __str__(self):
        return self.title
