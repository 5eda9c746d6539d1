"""The registry of every number issued (R9, 三统一; the sequences themselves are core.numbering's),
evaluations (R12), filings with their review (R11, R19) and review requests (审查建议)."""
from django.db import models
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organisation
from core.changes import SavesChangedFields
from registry import rules as filing_rules
from review.models import Document, StateFieldsFoundOnce, Version


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


class Filing(SavesChangedFields, StateFieldsFoundOnce, ConcurrentTransitionMixin, models.Model):
    """备案 (R11) and 备案审查 (R19), one per published document and filing recipient: the issuer
    submits it, the recipient registers it (accept, or return for missing materials), reviews it
    and concludes 予以备案 or 纠正; the issuer answers a correction (amended, repealed, explained),
    which the recipient may reject. The materials (the published text, the 起草说明, the opinion
    letters' numbers, the publication record) are the document's own, by reference: see
    ``version`` and ``document``; nothing is typed again. Every act is one row of the document's
    hash-chained history (review.history)."""

    class State(models.TextChoices):
        DUE = "due", "待报送"
        SUBMITTED = "submitted", "已报送待登记"
        RETURNED = "returned", "退回补正"
        UNDER_REVIEW = "under_review", "审查中"
        FILED = "filed", "予以备案"
        CORRECTION_REQUIRED = "correction_required", "要求纠正"
        CORRECTED = "corrected", "已答复纠正"

    class Outcome(models.TextChoices):
        FILED = "filed", "予以备案"
        CORRECTION_REQUIRED = "correction_required", "纠正"

    class Action(models.TextChoices):
        AMENDED = "amended", "已修改"
        REPEALED = "repealed", "已废止"
        EXPLAINED = "explained", "已说明理由"

    # What still waits on the issuer, and what the overdue filter reads per state.
    OPEN_FOR_ISSUER = (State.DUE, State.RETURNED)

    document = models.ForeignKey(Document, verbose_name="文件", on_delete=models.PROTECT, related_name="filings")
    issuer = models.ForeignKey(Organisation, verbose_name="制定机关", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Organisation, verbose_name="备案审查机关", on_delete=models.PROTECT,
                                  related_name="incoming_filings")
    version = models.ForeignKey(Version, verbose_name="报备文本", on_delete=models.PROTECT, related_name="+")
    state = FSMField("状态", default=State.DUE, choices=State.choices, db_index=True)
    due_on = models.DateField("报备期限")
    submitted_on = models.DateField("报送日期", null=True, blank=True)
    first_submitted_on = models.DateField("首次报送日期", null=True, blank=True)
    late = models.BooleanField("逾期报送", null=True, blank=True)
    report_ref = models.CharField("报备文号", max_length=100, blank=True)
    returns = models.PositiveSmallIntegerField("退回补正次数", default=0)
    return_reason = models.TextField("退回理由", blank=True)
    accepted_on = models.DateField("登记日期", null=True, blank=True)
    review_due_on = models.DateField("审查期限", null=True, blank=True)
    review_due_provisional = models.BooleanField("审查期限为暂定", default=False)
    outcome = models.CharField("审查结论", max_length=30, choices=Outcome.choices, blank=True)
    opinion = models.TextField("审查意见", blank=True)
    concluded_on = models.DateField("审查结论日期", null=True, blank=True)
    correction_due_on = models.DateField("纠正答复期限", null=True, blank=True)
    response_action = models.CharField("纠正情况", max_length=20, choices=Action.choices, blank=True)
    response_note = models.TextField("答复说明", blank=True)
    response_document = models.ForeignKey(Document, verbose_name="修改后的文件", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    responded_on = models.DateField("答复日期", null=True, blank=True)
    rejection_note = models.TextField("不予认可的意见", blank=True)
    escalated_on = models.DateField("报告负责人日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = "备案审查"
        constraints = [
            models.UniqueConstraint(fields=["document", "recipient"], name="one_filing_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient", "state", "due_on"], name="filing_incoming"),
            models.Index(fields=["issuer", "state", "due_on"], name="filing_outgoing"),
        ]

    def __str__(self):
        return f"{self.document} → {self.recipient_id}"

    # --- transitions (R11, R19); registry.services locks, checks who, logs ------------------
    @transition(field=state, source=[State.DUE, State.RETURNED], target=State.SUBMITTED,
                permission=filing_rules.issuer_registrar, custom=dict(label="报送备案"))
    def submit(self):
        """报送备案; after a return, the resubmission."""

    @transition(field=state, source=State.SUBMITTED, target=State.UNDER_REVIEW,
                permission=filing_rules.recipient_reviewer, custom=dict(label="登记备案"))
    def accept(self):
        """登记: the materials are complete; the review clock starts (R19)."""

    @transition(field=state, source=State.SUBMITTED, target=State.RETURNED,
                permission=filing_rules.recipient_reviewer, custom=dict(label="退回补正"))
    def return_for_materials(self):
        """退回补正材料: the issuer resubmits."""

    @transition(field=state, source=State.UNDER_REVIEW,
                target=RETURN_VALUE(State.FILED, State.CORRECTION_REQUIRED),
                permission=filing_rules.recipient_reviewer, custom=dict(label="作出审查结论"))
    def conclude(self, *, outcome):
        return self.State.FILED if outcome == self.Outcome.FILED else self.State.CORRECTION_REQUIRED

    @transition(field=state, source=State.CORRECTION_REQUIRED, target=State.CORRECTED,
                permission=filing_rules.issuer_registrar, custom=dict(label="答复纠正意见"))
    def respond(self):
        """The issuer's answer: amended, repealed or explained."""

    @transition(field=state, source=State.CORRECTED, target=State.CORRECTION_REQUIRED,
                permission=filing_rules.recipient_reviewer, custom=dict(label="不认可纠正答复"))
    def reject_response(self):
        """The answer is not accepted: back to correction, the recipient's heads told."""


class ReviewRequest(models.Model):
    """审查建议 (R19): anyone may ask a filing recipient to review a published document. One row
    per recipient it goes to; the rows of one request share its ``receipt`` (unguessable), with
    which the sender looks up the state and the reply, never anyone's name or contact."""

    class State(models.TextChoices):
        RECEIVED = "received", "已收到"
        ANSWERED = "answered", "已答复"

    class Outcome(models.TextChoices):
        NO_ISSUE = "no_issue", "经审查未发现问题"
        CORRECTION_REQUIRED = "correction_required", "存在问题，已要求制定机关纠正"
        NOT_ACCEPTED = "not_accepted", "不予受理"

    receipt = models.CharField("回执号", max_length=64, db_index=True)
    document = models.ForeignKey(Document, verbose_name="文件", on_delete=models.PROTECT,
                                 related_name="review_requests")
    recipient = models.ForeignKey(Organisation, verbose_name="审查机关", on_delete=models.PROTECT,
                                  related_name="review_requests")
    name = models.CharField("建议人", max_length=100)
    contact = models.CharField("联系方式", max_length=100)
    reason = models.TextField("审查建议的理由")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.RECEIVED)
    received_on = models.DateField("收到日期")
    due_on = models.DateField("答复期限")
    outcome = models.CharField("处理结果", max_length=30, choices=Outcome.choices, blank=True)
    reply = models.TextField("答复", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    replied_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = "审查建议"
        constraints = [
            models.UniqueConstraint(fields=["receipt", "recipient"], name="one_request_row_per_recipient"),
            models.CheckConstraint(name="answered_request_has_outcome",
                                   condition=~models.Q(state="answered") | ~models.Q(outcome="")),
        ]
        indexes = [models.Index(fields=["recipient", "state", "due_on"], name="review_request_desk")]

    def __str__(self):
        return f"审查建议 {self.pk}"


class Cleanup(models.Model):
    """清理 (R20): a registrar's campaign over an issuer's documents in force (optionally those
    published before a date); each item is decided, and publishing the result applies every
    decision at once."""

    class State(models.TextChoices):
        OPEN = "open", "清理中"
        PUBLISHED = "published", "已公布清理结果"

    title = models.CharField("清理名称", max_length=200)
    issuer = models.ForeignKey(Organisation, verbose_name="制定机关", on_delete=models.PROTECT, related_name="+")
    published_before = models.DateField("清理范围：公布日期早于", null=True, blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("开始时间", auto_now_add=True)
    published_on = models.DateField("结果公布日期", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "文件清理"


class CleanupItem(models.Model):
    class Decision(models.TextChoices):
        KEEP = "keep", "继续有效"
        AMEND = "amend", "修改"
        REPEAL = "repeal", "废止"
        DECLARE_INVALID = "declare_invalid", "宣布失效"

    cleanup = models.ForeignKey(Cleanup, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="cleanup_items")
    decision = models.CharField("清理意见", max_length=20, choices=Decision.choices, blank=True)
    reason = models.TextField("理由", blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cleanup", "document__published_on", "document_id"]
        verbose_name = verbose_name_plural = "清理事项"
        constraints = [models.UniqueConstraint(fields=["cleanup", "document"], name="one_item_per_document")]
