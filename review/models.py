"""Documents, their text versions, review rounds, public comments and the transition history.

The lifecycle (DESIGN §2) is a django-fsm state machine on ``Document.state``, and this is its
one home: each transition declares once its rules (``conditions=``, review.rules), who may take
it (``permission=``, a ``rules.Who`` with roles and jurisdiction) and ``custom=``: the label users
read, the page form that collects its input, and whether a page offers it as a dangerous act.
``review.lifecycle`` reads them for the API messages, the pages' buttons, the history and the
admin. Transitions are called only through ``review.services`` and ``registry.services``, which
lock the row, check the actor, save and write the history in one transaction.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organisation
from core.changes import SavesChangedFields
from review import rules


class State(models.TextChoices):
    DRAFTING = "drafting", "起草中"
    PUBLIC_COMMENT = "public_comment", "公开征求意见"
    LEGALITY_REVIEW = "legality_review", "合法性审核中"
    REGISTRATION = "registration", "待登记公布"
    PUBLISHED = "published", "已公布"
    REVIEWED = "reviewed", "已出具审核意见"
    DECIDED = "decided", "已决策"
    REJECTED = "rejected", "决策未通过"
    WITHDRAWN = "withdrawn", "已撤回"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "已失效"


# R7: states in which the current text must be the one approved by legality review (also what
# the registry sees).
REVIEWED_STATES = (State.REGISTRATION, State.PUBLISHED, State.REVIEWED, State.DECIDED, State.REJECTED,
                   State.REPEALED, State.EXPIRED)
# R10: what the public may read. The portal's partial index is defined on exactly this list.
PUBLIC_STATES = (State.PUBLISHED, State.REPEALED, State.EXPIRED)


class StateFieldsFoundOnce:
    """django-fsm's ConcurrentTransitionMixin finds a model's state fields by testing every field,
    for every instance made and every save: a document's 48 fields, some 800 tests an act's
    lifecycle (issue 19). Here they are found once per model; put it before the mixin."""

    @property
    def state_fields(self):
        found = type(self).__dict__.get("_state_fields_found")
        if found is None:
            found = tuple(ConcurrentTransitionMixin.state_fields.fget(self))
            type(self)._state_fields_found = found
        return found


class Document(SavesChangedFields, StateFieldsFoundOnce, ConcurrentTransitionMixin, models.Model):
    """行政规范性文件 (or, R13, another act that gets a legality opinion but no number)."""

    State = State

    class Kind(models.TextChoices):
        NORMATIVE = "normative", "行政规范性文件"
        MAJOR_DECISION = "major_decision", "重大行政决策"
        IMPORTANT_DOCUMENT = "important_document", "重要文件"
        CONTRACT = "contract", "重大合同"

    class Channel(models.TextChoices):
        GAZETTE = "gazette", "政府公报"
        WEBSITE = "website", "政府网站"
        NEW_MEDIA = "new_media", "政务新媒体"

    kind = models.CharField("类型", max_length=30, choices=Kind.choices, default=Kind.NORMATIVE)
    title = models.CharField("标题", max_length=200)
    issuer = models.ForeignKey(Organisation, verbose_name="制定机关", on_delete=models.PROTECT,
                               related_name="issued_documents")
    drafting_org = models.ForeignKey(Organisation, verbose_name="起草单位", on_delete=models.PROTECT,
                                     related_name="drafted_documents")
    affects_rights = models.BooleanField("涉及公民、法人和其他组织权利义务", default=True)
    business_related = models.BooleanField("与市场主体生产经营活动密切相关", default=False)
    validity_years = models.PositiveSmallIntegerField("有效期（年）", null=True, blank=True)
    provisional = models.BooleanField("暂行/试行", default=False)

    state = FSMField("状态", default=State.DRAFTING, choices=State.choices, protected=True,
                     db_index=True)
    current_version = models.ForeignKey("Version", verbose_name="当前文本", null=True,
                                        on_delete=models.PROTECT, related_name="+")
    # R7: set by approve; registration and publication need it to equal current_version.
    approved_version = models.ForeignKey("Version", verbose_name="审核通过的文本", null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")

    # R2/R3 public comment
    comment_opened_on = models.DateField("征求意见开始日期", null=True, blank=True)
    comment_closes_on = models.DateField("征求意见截止日期", null=True, blank=True)
    comment_short_period_reason = models.TextField("缩短征求意见期限的理由", blank=True)
    comment_exemption_reason = models.TextField("不公开征求意见的理由", blank=True)
    # R4 materials of the submission
    drafting_notes = models.TextField("起草说明（含制定依据）", blank=True)
    comment_summary = models.TextField("征求意见采纳情况", blank=True)
    # R5: the current review round's due date, kept here for listing and the overdue filter
    review_due_at = models.DateField("审核期限", null=True, blank=True, db_index=True)
    review_due_provisional = models.BooleanField("审核期限为暂定（节假日安排未公布）", default=False)
    # R8 collective deliberation
    deliberation_meeting = models.CharField("审议会议", max_length=200, blank=True)
    deliberated_on = models.DateField("审议日期", null=True, blank=True)
    # R9 unified number
    number = models.CharField("统一编号", max_length=80, null=True, blank=True, unique=True)
    registered_at = models.DateTimeField("登记时间", null=True, blank=True)
    # R10 publication
    publication_channel = models.CharField("公布载体", max_length=20, choices=Channel.choices, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    # R12 evaluation (评估): 6 months before expiry, or every 5 years without a validity period
    evaluation_due_on = models.DateField("评估期限", null=True, blank=True, db_index=True)
    # R11 filing (备案)
    filed_with = models.CharField("备案机关", max_length=200, blank=True)
    filed_on = models.DateField("备案日期", null=True, blank=True)
    filing_reference = models.CharField("备案回执号", max_length=100, blank=True)
    # R18 contracts (nullable, no defaults: see Version.precheck on SQLite and the R7 triggers)
    contract_counterparty = models.CharField("合同相对方", max_length=200, null=True, blank=True)
    contract_amount_yuan = models.DecimalField("合同金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    contract_type = models.CharField("合同类型", max_length=50, null=True, blank=True)
    contract_term_months = models.PositiveSmallIntegerField("合同期限（月）", null=True, blank=True)
    contract_signed_on = models.DateField("合同签订日期", null=True, blank=True)
    # R17 major decisions: the government's collective decision
    decision_meeting = models.CharField("决策会议", max_length=200, null=True, blank=True)
    decided_on = models.DateField("决策日期", null=True, blank=True)
    # endings
    closing_reason = models.TextField("撤回/废止理由", blank=True)
    repeal_decision_ref = models.CharField("废止决定文号", max_length=100, blank=True)
    # (v2) after publication (R12, R20). Nullable, no defaults (SQLite adds them without
    # rebuilding the table, so migration 0002/0014's triggers stay).
    valid_until = models.DateField("有效期截止日期（代替有效期年数）", null=True, blank=True)
    # the first day it is no longer in force when repealed or declared invalid (a repeal by a
    # new document takes effect with it); the catalogue as of a date reads it
    ended_on = models.DateField("废止/失效生效日期", null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # The head of this document's chain of history rows (review.history): how many rows it has
    # and the last one's hash. Written in the same UPDATE as the act's own change of the row.
    history_position = models.PositiveIntegerField("操作记录条数", default=0, editable=False)
    history_hash = models.CharField("操作记录链尾哈希", max_length=64, default="0" * 64, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = verbose_name_plural = "文件"
        indexes = [
            # A department's or an issuer's list, by state, newest first (issue 19): the page is an
            # index walk that stops at 50 rows. They replace (drafting_org, state) and (issuer,
            # state), of which they are extensions.
            models.Index(fields=["drafting_org", "state", "-updated_at", "-id"], name="document_drafter_state_newest"),
            models.Index(fields=["issuer", "state", "-updated_at", "-id"], name="document_issuer_state_newest"),
            # Lists are newest first: walk an index and stop at the page, instead of sorting every
            # match (at 100,000 documents, 84,000 published ones).
            models.Index(fields=["-updated_at", "-id"], name="document_newest"),
            models.Index(fields=["state", "-updated_at", "-id"], name="document_state_newest"),
            # The public portal's newest-first page, without sorting every published document.
            models.Index(fields=["-published_on", "-id"], name="document_public_newest",
                         condition=Q(state__in=PUBLIC_STATES)),
        ]
        constraints = [
            # R7, declaratively: past review, the current text is the approved text. The trigger
            # of migration 0002 adds that an approved (lawful) review of that version exists.
            models.CheckConstraint(
                name="r7_reviewed_text_is_current",
                condition=~Q(state__in=REVIEWED_STATES)
                | (Q(approved_version__isnull=False) & Q(approved_version=models.F("current_version"))),
            ),
            models.CheckConstraint(
                name="r10_published_has_number",
                condition=~Q(state__in=(State.PUBLISHED, State.REPEALED, State.EXPIRED))
                | Q(number__isnull=False, published_on__isnull=False)
                | Q(kind="major_decision", published_on__isnull=False),  # R13: a decision has no number
            ),
        ]

    def __str__(self):
        return self.number or self.title

    @property
    def body(self) -> str:
        return self.current_version.body if self.current_version else ""

    @property
    def filing_due_on(self):
        """R11: filed with the higher authority within RULE_R11_FILING_DAYS of publication."""
        if self.published_on is None:
            return None
        return self.published_on + dt.timedelta(days=settings.RULE_R11_FILING_DAYS)

    @property
    def filed_on_time(self):
        return None if self.filed_on is None else self.filed_on <= self.filing_due_on

    @property
    def is_numbered_kind(self) -> bool:
        """R13: only normative documents are registered, numbered and published."""
        return self.kind == self.Kind.NORMATIVE

    @property
    def review_word(self) -> str:
        """合法性审核 for normative documents; 合法性审查 for decisions, contracts and others."""
        return "合法性审核" if self.kind == self.Kind.NORMATIVE else "合法性审查"

    @property
    def contract(self) -> dict | None:
        if self.kind != self.Kind.CONTRACT or self.contract_counterparty is None:
            return None
        return {"counterparty": self.contract_counterparty, "amount_yuan": self.contract_amount_yuan,
                "contract_type": self.contract_type, "term_months": self.contract_term_months,
                "signed_on": self.contract_signed_on}

    def in_force_on(self, day) -> bool:
        """现行有效 on ``day`` (R10, R12, R20): published and public by then, effective, not past
        its validity, not repealed or declared invalid by then."""
        return (self.state in PUBLIC_STATES and self.published_on is not None and self.published_on <= day
                and self.effective_from is not None and self.effective_from <= day
                and (self.expires_on is None or day <= self.expires_on)
                and (self.ended_on is None or day < self.ended_on))

    @property
    def in_force(self) -> bool:
        return self.in_force_on(rules.today())

    @property
    def not_yet_effective(self) -> bool:
        """尚未施行 (R10): published, with an effective date still ahead."""
        return bool(self.state == State.PUBLISHED and self.effective_from and self.effective_from > rules.today())

    # --- transitions (DESIGN §2). Bodies stay small: services do the side effects. -----------
    @transition(field=state, source=State.DRAFTING, target=State.PUBLIC_COMMENT,
                permission=rules.drafter_of, conditions=[rules.comment_applies, rules.comment_period_long_enough],
                custom=dict(label="公开征求意见", form="OpenPublicCommentForm"))
    def open_public_comment(self):
        """公开征求意见: the period (comment_opened_on … comment_closes_on) is set by the service."""

    @transition(field=state, source=State.PUBLIC_COMMENT, target=State.DRAFTING,
                permission=rules.drafter_of, conditions=[rules.comment_period_closed],
                custom=dict(label="结束征求意见并修改", form="EmptyForm"))
    def close_public_comment(self):
        """Back to drafting after the period, to revise the text in the light of the comments."""

    @transition(field=state, source=[State.DRAFTING, State.PUBLIC_COMMENT], target=State.LEGALITY_REVIEW,
                permission=rules.drafter_of,
                conditions=[rules.comment_period_closed, rules.comment_held_or_exempt,
                            rules.submission_materials_complete, rules.contract_recorded,
                            rules.decision_procedure_complete],
                custom=dict(label="报送合法性审核", form="SubmitForReviewForm"))
    def submit_for_review(self):
        """报送合法性审核 (R2, R4). The service opens the review round and sets review_due_at (R5)."""

    @transition(field=state, source=State.LEGALITY_REVIEW,
                target=RETURN_VALUE(State.REGISTRATION, State.REVIEWED),
                permission=rules.reviewer_of,
                conditions=[rules.findings_resolved, rules.reviewed_text_is_current, rules.adviser_opinion_given],
                custom=dict(label="审核通过（合法）", form="ApproveForm", with_findings=True))
    def approve(self):
        """合法 (R6): a normative document goes to registration; other kinds (R13) end here."""
        return State.REGISTRATION if self.is_numbered_kind else State.REVIEWED

    @transition(field=state, source=State.LEGALITY_REVIEW, target=State.DRAFTING,
                permission=rules.reviewer_of,
                custom=dict(label="退回修改", form="ReturnForRevisionForm", with_findings=True))
    def return_for_revision(self):
        """修改后合法 / 不合法 / 退回补充材料 (R6): back to the drafter with a written opinion."""
        self.approved_version = None

    @transition(field=state, source=State.REGISTRATION, target=State.REGISTRATION,
                permission=rules.registrar_of,
                conditions=[rules.reviewed_text_is_current, rules.deliberation_recorded,
                            rules.not_yet_numbered],
                custom=dict(label="统一登记编号", form="RegisterForm", when=lambda d: not d.number))
    def register(self, *, number):
        """统一登记 (R8, R9): registry.services allocates the number before this call."""
        self.number, self.registered_at = number, timezone.now()

    @transition(field=state, source=State.REGISTRATION, target=State.PUBLISHED,
                permission=rules.registrar_of,
                conditions=[rules.reviewed_text_is_current, rules.number_allocated,
                            rules.publication_recorded, rules.validity_within_limit],
                custom=dict(label="统一公布", form="PublishForm", when=lambda d: bool(d.number)))
    def publish(self):
        """统一公布 (R7, R10, R12)."""

    @transition(field=state, source=State.REGISTRATION, target=State.REGISTRATION,
                permission=rules.registrar_of, conditions=[rules.number_allocated],
                custom=dict(label="作废编号", form="ReasonForm", danger=True, when=lambda d: bool(d.number)))
    def void_number(self):
        """作废编号 (R9): the number stays in the registry as voided; the document may be
        registered again, or withdrawn."""
        self.number, self.registered_at = None, None

    @transition(field=state, source=State.PUBLISHED, target=State.PUBLISHED,
                permission=rules.registrar_of, conditions=[rules.filing_applies, rules.not_yet_filed],
                custom=dict(label="报送备案", form="FileRecordForm", when=lambda d: d.kind == d.Kind.NORMATIVE))
    def file_record(self, *, filed_with, filed_on, reference=""):
        """备案 (R11) with the higher authority."""
        self.filed_with, self.filed_on, self.filing_reference = filed_with, filed_on, reference

    @transition(field=state, source=State.PUBLISHED, target=State.REPEALED,
                permission=rules.registrar_of, custom=dict(label="废止", form="RepealForm", danger=True))
    def repeal(self):
        """废止."""

    @transition(field=state, source=State.PUBLISHED, target=State.EXPIRED,
                permission=rules.registrar_of, custom=dict(label="宣布失效"))
    def declare_invalid(self):
        """宣布失效 (R20): a clean-up campaign's decision, applied on the result's publication."""

    @transition(field=state, source=State.REVIEWED, target=RETURN_VALUE(State.DECIDED, State.REJECTED),
                permission=rules.registrar_of,
                conditions=[rules.is_major_decision, rules.reviewed_text_is_current, rules.decision_recorded],
                custom=dict(label="记录决策结果", form="RecordDecisionForm"))
    def record_decision(self, *, adopted: bool):
        """集体讨论决定 (R17, 713号 Art. 30): the government's meeting adopts or rejects the decision."""
        return State.DECIDED if adopted else State.REJECTED

    @transition(field=state, source=State.DECIDED, target=State.PUBLISHED, permission=rules.registrar_of,
                conditions=[rules.reviewed_text_is_current, rules.publication_recorded],
                custom=dict(label="公开决策", form="PublishDecisionForm"))
    def publish_decision(self):
        """决策公开 (R17, 713号 Art. 32): public, without a registry number (R13)."""

    @transition(field=state, source=State.PUBLISHED, target=State.EXPIRED,
                permission=rules.system, conditions=[rules.validity_ended], custom=dict(label="有效期届满失效"))
    def expire(self):
        """有效期届满 (R12), run by the periodic task."""

    @transition(field=state,
                source=[State.DRAFTING, State.PUBLIC_COMMENT, State.LEGALITY_REVIEW, State.REGISTRATION],
                target=State.WITHDRAWN, permission=rules.drafter_of, conditions=[rules.number_voided_first],
                custom=dict(label="撤回", form="ReasonForm", danger=True))
    def withdraw(self):
        """撤回 by the drafting department; from registration only once a number is voided (R9)."""


def content_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class Version(models.Model):
    """文本版本: every change of the text in drafting is a new, immutable version."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    body = models.TextField("正文")
    sha256 = models.CharField("内容哈希", max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # R1 pre-check of this text, computed once when the version is made (nullable: adding a
    # column with a default would make SQLite rebuild the table and drop migration 0002's trigger).
    precheck = models.JSONField("合法性预检结果", null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = verbose_name_plural = "文本版本"
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique"),
        ]

    def __str__(self):
        return f"v{self.number} {self.sha256[:12]}"


class ReviewRound(SavesChangedFields, models.Model):
    """合法性审核轮次: one submission and its written opinion (R5, R6)."""

    class Outcome(models.TextChoices):
        LAWFUL = "lawful", "合法"
        LAWFUL_WITH_CHANGES = "lawful_with_changes", "修改后合法"
        UNLAWFUL = "unlawful", "不合法"
        MATERIALS_MISSING = "materials_missing", "退回补充材料"
        WITHDRAWN = "withdrawn", "起草单位撤回"

    RETURN_OUTCOMES = (Outcome.LAWFUL_WITH_CHANGES, Outcome.UNLAWFUL, Outcome.MATERIALS_MISSING)

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="review_rounds")
    round_no = models.PositiveIntegerField("轮次")
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="review_rounds",
                                verbose_name="审核的文本版本")
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("审核期限")
    due_provisional = models.BooleanField(default=False)
    drafting_notes = models.TextField("起草说明", blank=True)
    comment_summary = models.TextField("征求意见采纳情况", blank=True)
    comment_exemption_reason = models.TextField("不公开征求意见的理由", blank=True)
    outcome = models.CharField("审核结论", max_length=30, choices=Outcome.choices, blank=True)
    opinion = models.TextField("审核意见", blank=True)
    findings = models.JSONField("具体修改意见", default=list, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("出具意见时间", null=True, blank=True)
    # The review desk (R5, R15). New columns are nullable without defaults: on SQLite a column
    # with a default makes Django rebuild the table, which would drop migration 0002's triggers.
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    # R5: the clock pauses while the drafter supplies missing materials, and resumes with the
    # working days that were left; a head may extend it once.
    paused_on = models.DateField("补充材料暂停日期", null=True, blank=True)
    days_left_at_pause = models.PositiveSmallIntegerField("暂停时剩余工作日", null=True, blank=True)
    pauses = models.PositiveSmallIntegerField("暂停次数", null=True, blank=True)
    extended_by = models.PositiveSmallIntegerField("延长工作日", null=True, blank=True)
    extension_reason = models.TextField("延长理由", null=True, blank=True)
    urgent_reason = models.TextField("紧急审核理由", null=True, blank=True)

    class Meta:
        ordering = ["document", "round_no"]
        verbose_name = verbose_name_plural = "审核轮次"
        constraints = [
            models.UniqueConstraint(fields=["document", "round_no"], name="review_round_unique"),
            models.UniqueConstraint(fields=["document"], condition=Q(outcome=""),
                                    name="one_open_review_round"),
        ]

    @property
    def is_open(self):
        return not self.outcome

    @property
    def is_paused(self):
        return self.is_open and self.paused_on is not None



class Opinion(SavesChangedFields, models.Model):
    """审核意见书 (R6, R15): the written opinion of one review round, drafted by the handler and
    issued when a head of the review body signs it (a head's own opinion is signed on issue;
    a body without sign-off issues at once). An issued opinion has its own number,
    ``{opinion_prefix}〔{year}〕{seq}号`` per review body and year (core.numbering). A return
    for missing materials is a notice, not an opinion: it has no letter."""

    class Status(models.TextChoices):
        AWAITING_SIGNOFF = "awaiting_signoff", "待签发"
        SENT_BACK = "sent_back", "已退回修改"
        ISSUED = "issued", "已签发"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="opinions")
    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="opinions")
    review_body = models.ForeignKey(Organisation, verbose_name="审核机构", on_delete=models.PROTECT,
                                    related_name="+")
    outcome = models.CharField("审核结论", max_length=30, choices=ReviewRound.Outcome.choices)
    basis = models.TextField("审核依据", blank=True)
    content = models.TextField("审核内容", blank=True)
    conclusion = models.TextField("审核意见")
    findings = models.JSONField("具体修改意见", default=list, blank=True)
    urgent_reason = models.TextField("紧急审核理由", blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", on_delete=models.PROTECT,
                                   related_name="+")
    drafted_at = models.DateTimeField("拟稿时间")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)
    send_back_note = models.TextField("退回意见", blank=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    seq = models.PositiveIntegerField("序号", null=True, blank=True)
    number = models.CharField("审核意见书编号", max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-drafted_at", "-id"]
        verbose_name = verbose_name_plural = "审核意见书"
        constraints = [
            models.UniqueConstraint(fields=["review_round"], condition=Q(status="awaiting_signoff"),
                                    name="one_opinion_awaiting_signoff_per_round"),
            models.UniqueConstraint(fields=["review_body", "year", "seq"], name="opinion_body_year_seq_unique"),
            models.CheckConstraint(name="issued_opinion_is_signed_and_numbered",
                                   condition=~Q(status="issued") | Q(signed_by__isnull=False, number__isnull=False)),
        ]

    def __str__(self):
        return self.number or f"审核意见（{self.get_status_display()}）"

    @property
    def signed_on(self):
        """The day it was signed where the review body is (TIME_ZONE), as the letter and the API
        date it: from 16:00 to 24:00 UTC the UTC date is the day before Beijing's."""
        return timezone.localdate(self.signed_at) if self.signed_at else None


class AdviserInvitation(models.Model):
    """R16: a head invites a legal adviser (法律顾问/公职律师) to give a written opinion on a
    round; the adviser sees the documents it is invited to, and nothing else."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="adviser_invitations")
    review_round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="adviser_invitations")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="法律顾问", on_delete=models.PROTECT,
                                related_name="adviser_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField("邀请时间")
    opinion = models.TextField("法律顾问意见", blank=True)
    answered_at = models.DateTimeField("出具时间", null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        verbose_name = verbose_name_plural = "法律顾问意见"
        constraints = [models.UniqueConstraint(fields=["review_round", "adviser"], name="one_invitation_per_adviser")]


class ReviewFinding(models.Model):
    """审核发现: one structured point of a review opinion (article, basis, required change).

    A finding raised by a returning review stays open until a reviewer marks it resolved on a
    later round; approval with an open or unresolved finding is refused (``unresolved_findings``)."""

    class Status(models.TextChoices):
        OPEN = "open", "待确认"
        RESOLVED = "resolved", "已修改"
        NOT_RESOLVED = "not_resolved", "未修改"
        ADVISORY = "advisory", "建议（随审核通过意见提出）"

    review_round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="finding_rows")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="findings")
    article = models.CharField("条款", max_length=500)
    passage = models.TextField("原文", blank=True)
    basis = models.TextField("依据", blank=True)
    required_change = models.TextField("修改要求", blank=True)
    status = models.CharField("修改情况", max_length=20, choices=Status.choices, default=Status.OPEN)
    resolution_note = models.TextField("确认意见", blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_in_round = models.ForeignKey(ReviewRound, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")

    class Meta:
        ordering = ["document", "review_round__round_no", "id"]
        verbose_name = verbose_name_plural = "具体修改意见"

    def passage_changed(self, current_body: str) -> bool | None:
        """Whether the quoted passage is gone from ``current_body`` (None when none was quoted)."""
        return None if not self.passage else self.passage not in current_body


class PublicComment(models.Model):
    """公众意见 received during the public comment period (R2), and how it was handled (R4)."""

    class Disposition(models.TextChoices):
        ADOPTED = "adopted", "采纳"
        PARTLY_ADOPTED = "partly_adopted", "部分采纳"
        NOT_ADOPTED = "not_adopted", "未采纳"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="public_comments")
    author_name = models.CharField("姓名/名称", max_length=100)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    body = models.TextField("意见内容")
    created_at = models.DateTimeField(auto_now_add=True)
    disposition = models.CharField("处理情况", max_length=20, choices=Disposition.choices, blank=True)
    disposition_reason = models.TextField("理由", blank=True)
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    disposed_at = models.DateTimeField(null=True, blank=True)
    # Near-duplicate grouping, computed once on arrival (review.comments.file_comment): the id of
    # the group's first comment, and this text's MinHash band keys. Nullable, no default (adding
    # them must not make SQLite rebuild the table).
    group_key = models.PositiveBigIntegerField("相同或相近意见组", null=True, blank=True, db_index=True)
    signature = models.CharField("文本特征", max_length=200, null=True, blank=True)

    class Meta:
        ordering = ["document", "created_at", "id"]
        verbose_name = verbose_name_plural = "公众意见"


class History(models.Model):
    """Append-only transition log: one row per act, hash-chained per document and sealed in
    batches over the global order (see review.history)."""

    seq = models.BigAutoField("序号", primary_key=True)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="history")
    position = models.PositiveIntegerField("文件内序号", default=0)
    action = models.CharField("操作", max_length=40, db_index=True)
    from_state = models.CharField("原状态", max_length=30)
    to_state = models.CharField("新状态", max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", db_index=True)
    opinion = models.TextField("意见/理由", blank=True)
    version = models.ForeignKey(Version, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = verbose_name_plural = "操作记录"
        constraints = [
            # one row per place in a document's chain: two acts that read the same head cannot both land
            models.UniqueConstraint(fields=["document", "position"], name="history_one_row_per_position"),
        ]


class AuditSeal(models.Model):
    """A sealed batch of the log (review.history.seal_pending): SHA-256 over the previous seal's
    hash and every row's (seq, hash) in ``seq`` order up to ``last_seq``. Deleting, inserting or
    reordering sealed rows changes what the batch hashes to."""

    last_seq = models.BigIntegerField("封存至序号", unique=True)
    first_seq = models.BigIntegerField("封存起始序号")
    rows = models.PositiveIntegerField("记录条数")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField("封存时间", auto_now_add=True)

    class Meta:
        ordering = ["last_seq"]
        verbose_name = verbose_name_plural = "操作记录封存"


class VersionFile(models.Model):
    """The .docx a version's text was extracted from (DESIGN v2 §4), stored unchanged: its bytes
    in Django's storage (``var/media/`` by default, S3-compatible when configured), its SHA-256
    here. A typed version has none."""

    version = models.OneToOneField(Version, verbose_name="文本版本", on_delete=models.CASCADE,
                                   related_name="source_file")
    file = models.FileField("原始文件", max_length=300)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("文件哈希", max_length=64)
    content_type = models.CharField("文件类型", max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "上传的原始文件"

    def __str__(self):
        return f"{self.original_name} ({self.sha256[:12]})"


class ProcedureStep(models.Model):
    """R17 (713号): a major decision's expert argument (专家论证) and risk assessment (风险评估),
    each held (date, summary) or excused with a reason, before legality review."""

    class Step(models.TextChoices):
        EXPERT_ARGUMENT = "expert_argument", "专家论证"
        RISK_ASSESSMENT = "risk_assessment", "风险评估"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="procedure_steps")
    step = models.CharField("程序", max_length=30, choices=Step.choices)
    held_on = models.DateField("开展日期", null=True, blank=True)
    summary = models.TextField("情况摘要", blank=True)
    not_required_reason = models.TextField("无须开展的理由", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        ordering = ["document", "step"]
        verbose_name = verbose_name_plural = "决策程序"
        constraints = [models.UniqueConstraint(fields=["document", "step"], name="one_record_per_procedure_step")]


class DecisionCatalogueItem(models.Model):
    """重大行政决策事项目录 (R17): the year's catalogue, kept by the government office and public;
    a decision may be linked to its item (one outside the catalogue is flagged)."""

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("决策事项", max_length=200)
    organisation = models.ForeignKey(Organisation, verbose_name="承办单位", on_delete=models.PROTECT,
                                     related_name="+")
    government = models.ForeignKey(Organisation, verbose_name="决策机关", on_delete=models.PROTECT, related_name="+")
    planned_on = models.DateField("计划完成时间", null=True, blank=True)
    document = models.OneToOneField(Document, verbose_name="决策草案", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="catalogue_item")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("列入时间", auto_now_add=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = verbose_name_plural = "重大行政决策事项目录"


class DocumentLink(models.Model):
    """R20: a draft names the published documents of its issuer it repeals (废止) or amends (修改);
    on its publication those it repeals become ``repealed`` with its number as the decision."""

    class Kind(models.TextChoices):
        REPEALS = "repeals", "废止"
        AMENDS = "amends", "修改"

    source = models.ForeignKey(Document, verbose_name="新文件", on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Document, verbose_name="被废止或修改的文件", on_delete=models.PROTECT,
                               related_name="links_in")
    kind = models.CharField("关系", max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["source", "kind", "target"]
        verbose_name = verbose_name_plural = "废止、修改关系"
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="one_link_per_pair")]


class Interpretation(models.Model):
    """政策解读 (R20): written by the drafting department, public with the document."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="interpretation_record")
    title = models.CharField("解读标题", max_length=200)
    body = models.TextField("解读内容")
    interpreter = models.CharField("解读人（单位）", max_length=200)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策解读"
