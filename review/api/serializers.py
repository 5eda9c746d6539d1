"""Thin serializers: input shapes are checked here (400), rules in the services (409)."""
from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from review import selectors
from core.inputs import LineField, TextField, date_problem, latest_plausible_date
from review.models import Document, History, PublicComment, ReviewFinding, ReviewRound, Version
from core.clock import today
from core.calendar import Calendar

TEXT_MAX = 20_000
_DATETIME = serializers.DateTimeField()  # a formatter, outside any serializer (DRF would collect it)
_STATE_LABELS = dict(Document.State.choices)


class OrgCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Organisation.objects.all(), **kwargs)

    default_error_messages = {
        "does_not_exist": "机构代码 {value} 不存在",
        "invalid": "机构代码无效",
    }


class ContractSerializer(serializers.Serializer):
    """R18: a contract's particulars."""

    counterparty = LineField(max_length=200, name_zh="合同相对方")
    amount_yuan = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    contract_type = LineField(max_length=50, name_zh="合同类型")
    term_months = serializers.IntegerField(min_value=1, max_value=1200, required=False, allow_null=True)
    signed_on = serializers.DateField(read_only=True, allow_null=True)


class OpinionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    outcome = serializers.CharField()
    signed_on = serializers.DateField()


class InterpretationSerializer(serializers.Serializer):
    """政策解读 (R20)."""

    title = serializers.CharField()
    body = serializers.CharField()
    interpreter = serializers.CharField()
    updated_on = serializers.DateField(read_only=True)


class InterpretationInput(serializers.Serializer):
    title = LineField(max_length=200, name_zh="解读标题")
    body = TextField(max_length=settings.MAX_BODY_CHARS)
    interpreter = LineField(max_length=200, name_zh="解读人（单位）")


def _ids(help_text):
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), max_length=200,
                                 required=False, help_text=help_text)


class AfterPublicationFields:
    """R20: the links both ways and the interpretation, as the staff and public documents read them."""

    def get_repeals(self, document) -> list[int]:
        return selectors.after_publication_of(document)["repeals"]

    def get_amends(self, document) -> list[int]:
        return selectors.after_publication_of(document)["amends"]

    def get_repealed_by(self, document) -> int | None:
        return selectors.after_publication_of(document)["repealed_by"]

    def get_amended_by(self, document) -> list[int]:
        return selectors.after_publication_of(document)["amended_by"]

    @extend_schema_field(InterpretationSerializer(allow_null=True))
    def get_interpretation(self, document) -> dict | None:
        return selectors.after_publication_of(document)["interpretation"]


class DocumentSerializer(AfterPublicationFields, serializers.ModelSerializer):
    body = serializers.CharField(source="current_version.body", read_only=True, default="")
    version = serializers.IntegerField(source="current_version.number", read_only=True, default=None, allow_null=True)
    issuer = serializers.CharField(source="issuer.code", read_only=True)
    drafting_org = serializers.CharField(source="drafting_org.code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    publication_channel = serializers.CharField(read_only=True)  # "" until published
    overdue = serializers.SerializerMethodField()
    precheck_findings = serializers.SerializerMethodField()
    review_working_days_left = serializers.SerializerMethodField()
    filing_due_on = serializers.DateField(read_only=True, allow_null=True)
    filed_on_time = serializers.BooleanField(read_only=True, allow_null=True)
    handler = serializers.SerializerMethodField(help_text="承办人 (username) of the open round")
    review_paused_on = serializers.SerializerMethodField(
        help_text="R5: the open round is paused for missing materials since")
    opinions = serializers.SerializerMethodField(help_text="审核意见书 issued")
    contract = serializers.SerializerMethodField(help_text="R18: a contract's particulars")
    decided_on = serializers.DateField(read_only=True, allow_null=True)
    decision_meeting = serializers.CharField(read_only=True, allow_null=True)
    catalogue_item = serializers.SerializerMethodField(help_text="R17: the decision catalogue item it belongs to")
    outside_catalogue = serializers.SerializerMethodField(help_text="R17: a major decision outside the catalogue")
    valid_until = serializers.DateField(read_only=True, allow_null=True, help_text="R12: the last day of validity, "
                                        "instead of validity_years")
    repeals = serializers.SerializerMethodField(help_text="R20: ids of the documents it repeals")
    amends = serializers.SerializerMethodField(help_text="R20: ids of the documents it amends")
    repealed_by = serializers.SerializerMethodField(help_text="R20: id of the published document repealing it")
    amended_by = serializers.SerializerMethodField(help_text="R20: ids of the published documents amending it")
    in_force = serializers.BooleanField(read_only=True, help_text="现行有效 today")
    not_yet_effective = serializers.BooleanField(read_only=True, help_text="尚未施行: effective date ahead")
    interpretation = serializers.SerializerMethodField(help_text="政策解读 or null")

    class Meta:
        model = Document
        fields = [
            "id", "kind", "title", "body", "version", "state", "state_display", "issuer",
            "drafting_org", "affects_rights", "business_related", "validity_years", "provisional",
            "comment_opened_on", "comment_closes_on", "comment_short_period_reason",
            "comment_exemption_reason", "drafting_notes", "comment_summary",
            "review_due_at", "review_due_provisional", "review_working_days_left", "overdue", "precheck_findings",
            "deliberation_meeting", "deliberated_on", "number", "registered_at",
            "publication_channel", "published_on", "effective_from", "expires_on",
            "filing_due_on", "filed_with", "filed_on", "filed_on_time", "filing_reference",
            "evaluation_due_on", "closing_reason", "repeal_decision_ref",
            "created_at", "updated_at", "handler", "review_paused_on", "opinions",
            "contract", "decision_meeting", "decided_on", "catalogue_item", "outside_catalogue",
            "valid_until", "repeals", "amends", "repealed_by", "amended_by", "in_force", "not_yet_effective",
            "interpretation",
        ]
        read_only_fields = fields

    # DRF's generic field machinery costs about half a millisecond a document; a list page of
    # 50 is most of its time. The representation is therefore built here by hand, once, from the
    # fields declared above (which the OpenAPI schema reads); test_serializers pins it equal to
    # what the declared fields would give.
    _PLAIN = ("id", "kind", "title", "state", "affects_rights", "business_related", "validity_years", "provisional",
              "comment_short_period_reason", "comment_exemption_reason", "drafting_notes", "comment_summary",
              "review_due_provisional", "deliberation_meeting", "number", "publication_channel", "filed_with",
              "filing_reference", "closing_reason", "repeal_decision_ref", "decision_meeting")
    _DATES = ("comment_opened_on", "comment_closes_on", "review_due_at", "deliberated_on", "published_on",
              "effective_from", "expires_on", "filing_due_on", "filed_on", "evaluation_due_on", "decided_on",
              "valid_until")
    _DATETIMES = ("registered_at", "created_at", "updated_at")

    def to_representation(self, document):
        version = document.current_version
        out = {name: getattr(document, name) for name in self._PLAIN}
        for name in self._DATES:
            value = getattr(document, name)
            out[name] = None if value is None else value.isoformat()  # DRF's ISO 8601 date
        for name in self._DATETIMES:
            value = getattr(document, name)
            out[name] = None if value is None else _DATETIME.to_representation(value)
        out.update(
            body=version.body if version else "", version=version.number if version else None,
            state_display=_STATE_LABELS[document.state], issuer=document.issuer.code,
            drafting_org=document.drafting_org.code, overdue=self.get_overdue(document),
            precheck_findings=self.get_precheck_findings(document),
            review_working_days_left=self.get_review_working_days_left(document),
            filed_on_time=document.filed_on_time,
            handler=self.get_handler(document), review_paused_on=self.get_review_paused_on(document),
            opinions=self.get_opinions(document), contract=self.get_contract(document),
            catalogue_item=self.get_catalogue_item(document), outside_catalogue=self.get_outside_catalogue(document),
            in_force=document.in_force, not_yet_effective=document.not_yet_effective,
            **selectors.after_publication_of(document),
        )
        return {name: out[name] for name in self.Meta.fields}

    @extend_schema_field(ContractSerializer(allow_null=True))
    def get_contract(self, document) -> dict | None:
        contract = document.contract
        if contract is None:
            return None
        amount = contract["amount_yuan"]
        return {**contract, "amount_yuan": None if amount is None else f"{amount:.2f}",
                "signed_on": contract["signed_on"].isoformat() if contract["signed_on"] else None}

    @staticmethod
    def _desk(document) -> tuple:
        """The review desk's fields (R5, R15): a list annotates them (selectors.with_desk), a
        detail reads them once here."""
        if not hasattr(document, "desk"):
            document.desk = selectors.desk_of(document)
        return document.desk

    def get_handler(self, document) -> str | None:
        return self._desk(document)[0]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_review_paused_on(self, document) -> str | None:
        paused_on = self._desk(document)[1]
        return paused_on.isoformat() if paused_on else None

    @extend_schema_field(OpinionBriefSerializer(many=True))
    def get_opinions(self, document) -> list[dict]:
        return self._desk(document)[2]

    def get_catalogue_item(self, document) -> int | None:
        return selectors.catalogue_item_of(document) if document.kind == Document.Kind.MAJOR_DECISION else None

    def get_outside_catalogue(self, document) -> bool:
        return document.kind == Document.Kind.MAJOR_DECISION and self.get_catalogue_item(document) is None

    def get_precheck_findings(self, document) -> int | None:
        """How many R1 suspects the pre-check found in the current text."""
        version = document.current_version
        return None if version is None or version.precheck is None else len(version.precheck)

    def get_review_working_days_left(self, document) -> int | None:
        """R5: working days from today to the due date while in review; negative when overdue."""
        if document.state != Document.State.LEGALITY_REVIEW or document.review_due_at is None:
            return None
        root = self.root  # one calendar read per response, shared by every row of a list
        if not hasattr(root, "_calendar"):
            root._calendar = Calendar()
        return root._calendar.count_working_days(today(), document.review_due_at)[0]

    def get_overdue(self, document) -> bool:
        return bool(document.state == Document.State.LEGALITY_REVIEW and document.review_due_at
                    and document.review_due_at < today())


class DocumentCreateSerializer(serializers.Serializer):
    title = LineField(max_length=settings.MAX_TITLE_LENGTH, name_zh="标题")
    contract = ContractSerializer(required=False, allow_null=True, help_text="R18: required for a contract")
    body = TextField(max_length=settings.MAX_BODY_CHARS, trim_whitespace=False)
    kind = serializers.ChoiceField(choices=Document.Kind.choices, default=Document.Kind.NORMATIVE)
    issuer = OrgCodeField()
    affects_rights = serializers.BooleanField(default=True)
    business_related = serializers.BooleanField(default=False)
    validity_years = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=100)
    provisional = serializers.BooleanField(default=False)
    valid_until = serializers.DateField(required=False, allow_null=True,
                                        help_text="R12: the last day of validity (instead of validity_years)")
    repeals = _ids("R20: ids of published documents of the issuer it repeals")
    amends = _ids("R20: ids of published documents of the issuer it amends")


class DocumentUpdateSerializer(DocumentCreateSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class VersionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    precheck_findings = serializers.SerializerMethodField()

    class Meta:
        model = Version
        fields = ["number", "sha256", "author", "created_at", "precheck_findings", "body"]

    def get_precheck_findings(self, version) -> int | None:
        return None if version.precheck is None else len(version.precheck)


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True, allow_null=True)
    version = serializers.IntegerField(source="version.number", default=None, read_only=True, allow_null=True)

    class Meta:
        model = History
        fields = ["seq", "action", "from_state", "to_state", "actor", "at", "opinion", "version", "hash"]


class FindingSerializer(serializers.Serializer):
    article = LineField(max_length=500, name_zh="条款")
    passage = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    basis = TextField(max_length=2000, required=False, allow_blank=True, default="")
    required_change = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ReviewRoundSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)
    reviewer = serializers.CharField(source="reviewer.username", default=None, read_only=True, allow_null=True)
    handler = serializers.CharField(source="handler.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = ReviewRound
        fields = ["round_no", "version", "submitted_at", "due_on", "due_provisional", "outcome",
                  "opinion", "findings", "reviewer", "decided_at", "handler", "paused_on", "days_left_at_pause",
                  "pauses", "extended_by", "extension_reason", "urgent_reason"]


class CommentSerializer(serializers.ModelSerializer):
    author_name = LineField(max_length=100, name_zh="姓名（名称）")
    disposition = serializers.CharField(read_only=True)  # "" until the drafter answers it
    contact = LineField(max_length=100, required=False, allow_blank=True, default="", name_zh="联系方式")
    body = TextField(max_length=TEXT_MAX)

    class Meta:
        model = PublicComment
        fields = ["id", "author_name", "contact", "body", "created_at", "disposition", "disposition_reason",
                  "disposed_at"]
        read_only_fields = ["id", "created_at", "disposition", "disposition_reason", "disposed_at"]


class DisposeInput(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=PublicComment.Disposition.choices)
    reason = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    apply_to_group = serializers.BooleanField(default=True)


class ReviewFindingSerializer(serializers.ModelSerializer):
    round_no = serializers.IntegerField(source="review_round.round_no", read_only=True)
    passage_changed = serializers.SerializerMethodField()
    resolved_by = serializers.CharField(source="resolved_by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = ReviewFinding
        fields = ["id", "round_no", "article", "passage", "basis", "required_change", "status",
                  "passage_changed", "resolution_note", "resolved_by", "resolved_at"]

    def get_passage_changed(self, finding) -> bool | None:
        return finding.passage_changed(self.context.get("current_body", ""))


class ResolveFindingInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(ReviewFinding.Status.RESOLVED.value, "已修改"),
                                              (ReviewFinding.Status.NOT_RESOLVED.value, "未修改")])
    note = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


# --- inputs of the transitions (DESIGN §4) ------------------------------------------------
def closes_on_problem(value):
    """征求意见截止日期: from today to MAX_DAYS_AHEAD ahead (also checked by the service)."""
    return date_problem(value, "征求意见截止日期", earliest=today(), latest=latest_plausible_date(today()),
                        earliest_why="今天")


class OpenPublicCommentInput(serializers.Serializer):
    closes_on = serializers.DateField()
    short_period_reason = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")

    def validate_closes_on(self, value):
        problem = closes_on_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class SubmitForReviewInput(serializers.Serializer):
    drafting_notes = TextField(max_length=TEXT_MAX, allow_blank=True)
    comment_summary = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    exemption_reason = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ApproveInput(serializers.Serializer):
    opinion = TextField(max_length=TEXT_MAX, help_text="审核意见（结论）")
    findings = FindingSerializer(many=True, required=False, default=list, max_length=200,
                                 help_text="具体修改意见")
    urgent_reason = TextField(max_length=2000, required=False, allow_blank=True, default="",
                              help_text="R5: why the opinion comes before the minimum review time")
    basis = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="", help_text="审核依据")
    content = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="", help_text="审核内容")


class ReturnForRevisionInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(o.value, o.label) for o in ReviewRound.RETURN_OUTCOMES])
    opinion = TextField(max_length=TEXT_MAX)
    findings = FindingSerializer(many=True, required=False, default=list, max_length=200)
    basis = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    content = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class DraftedOpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class AwaitingSignoffSerializer(serializers.Serializer):
    """202: the handler's opinion awaits a head's signature (R15); the document is unchanged."""

    state = serializers.CharField()
    opinion = DraftedOpinionSerializer()


class ProcedureStepInput(serializers.Serializer):
    step = serializers.ChoiceField(choices=[("expert_argument", "专家论证"), ("risk_assessment", "风险评估")])
    held_on = serializers.DateField(required=False, allow_null=True)
    summary = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    not_required_reason = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ProcedureStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    step_display = serializers.CharField(source="get_step_display")
    held_on = serializers.DateField(allow_null=True)
    summary = serializers.CharField()
    not_required_reason = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username")
    recorded_at = serializers.DateTimeField()


class RecordSigningInput(serializers.Serializer):
    signed_on = serializers.DateField()


class SignOpinionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("sign", "签发"), ("send_back", "退回修改")])
    note = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class AssignInput(serializers.Serializer):
    handler = serializers.CharField(max_length=150, help_text="承办人 username")


class ExtendReviewInput(serializers.Serializer):
    working_days = serializers.IntegerField(min_value=1, max_value=settings.RULE_R5_EXTENSION_MAX_WORKING_DAYS)
    reason = TextField(max_length=TEXT_MAX)


class InviteAdviserInput(serializers.Serializer):
    adviser = serializers.CharField(max_length=150)


class AdviserOpinionInput(serializers.Serializer):
    opinion = TextField(max_length=TEXT_MAX)


class AdviserOpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    adviser = serializers.CharField(source="adviser.username")
    invited_at = serializers.DateTimeField()
    opinion = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class OpinionSerializer(serializers.Serializer):
    """审核意见书 (DESIGN §4): the letter with its sections."""

    id = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    document = serializers.IntegerField(source="document_id")
    title = serializers.CharField(source="document.title")
    kind = serializers.CharField(source="document.kind")
    review_body = serializers.CharField(source="review_body.name")
    outcome = serializers.CharField()
    outcome_display = serializers.CharField(source="get_outcome_display")
    basis = serializers.CharField()
    content = serializers.CharField()
    conclusion = serializers.CharField()
    changes = serializers.SerializerMethodField(help_text="具体修改意见")
    urgent_reason = serializers.CharField()
    adviser_opinions = serializers.SerializerMethodField()
    handler = serializers.CharField(source="drafted_by.username")
    signed_by = serializers.CharField(source="signed_by.username", default=None, allow_null=True)
    signed_on = serializers.DateField(allow_null=True)
    send_back_note = serializers.CharField()

    def get_changes(self, opinion) -> list[dict]:
        return [{"article": f.get("article", ""), "passage": f.get("passage", ""), "basis": f.get("basis", ""),
                 "required_change": f.get("required_change", "")} for f in opinion.findings or []]

    def get_adviser_opinions(self, opinion) -> list[dict]:
        return [{"adviser": i.adviser.username, "opinion": i.opinion, "answered_at": i.answered_at}
                for i in opinion.review_round.adviser_invitations.all() if i.answered_at]


class ReasonInput(serializers.Serializer):
    reason = TextField(max_length=TEXT_MAX)


class EmptyInput(serializers.Serializer):
    pass


class PrecheckFindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    severity = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    excerpt = serializers.CharField()
    explanation = serializers.CharField()
    basis = serializers.CharField()


class PrecheckSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    sha256 = serializers.CharField()
    findings = PrecheckFindingSerializer(many=True)


class CommentGroupSerializer(serializers.Serializer):
    body = serializers.CharField()
    count = serializers.IntegerField()
    disposition = serializers.CharField(allow_blank=True)
    disposition_display = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    comment_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    authors = serializers.ListField(child=serializers.CharField(), required=False)


class CommentReportSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    distinct = serializers.IntegerField()
    summary = serializers.CharField()
    groups = CommentGroupSerializer(many=True)
