"""The registry of every number issued (R9, 三统一); the sequences themselves are core.numbering's."""
from django.db import models

from accounts.models import Organisation
from review.models import Document


class RegistryEntry(models.Model):
    """登记簿: one row per number ever issued. A number is never reused: an entry is either
    the number of a document (allocated → published) or voided with a reason."""

    class Status(models.TextChoices):
        ALLOCATED = "allocated", "已编号"
        PUBLISHED = "published", "已公布"
        VOIDED = "voided", "已作废"

    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="registry_entries")
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    number = models.CharField("统一编号", max_length=80, unique=True)
    registration_code = models.CharField("登记号", max_length=80, blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="registry_entries")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ALLOCATED)
    void_reason = models.TextField(blank=True)
    allocated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issuer", "year", "seq"]
        verbose_name = verbose_name_plural = "登记簿"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "seq"], name="registry_issuer_year_seq_unique"),
            models.CheckConstraint(name="registry_voided_has_reason",
                                   condition=~models.Q(status="voided") | ~models.Q(void_reason="")),
        ]

    def __str__(self):
        return self.number


class Evaluation(models.Model):
    """实施情况评估 (R12, 277号 Art. 34/36): continue, amend or repeal."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", "继续有效"
        AMEND = "amend", "修改"
        REPEAL = "repeal", "废止"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="evaluations")
    evaluated_on = models.DateField("评估日期")
    outcome = models.CharField("评估结论", max_length=20, choices=Outcome.choices)
    notes = models.TextField("评估意见", blank=True)
    evaluator = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "evaluated_on", "id"]
        verbose_name = verbose_name_plural = "实施评估"
