from rest_framework import serializers

from accounts.models import Organisation
from core.inputs import LineField, TextField, date_problem, earliest_plausible_date, latest_plausible_date
from drf_spectacular.utils import extend_schema_field

from registry import selectors as registry_selectors
from registry.models import CleanupItem, Evaluation, RegistryEntry
from review import selectors
from review.api.serializers import TEXT_MAX, AfterPublicationFields
from review.models import Document
from core.clock import today


def bounded_date(label, *, future=False):
    """A DateField within its plausible window: not before EARLIEST_PLAUSIBLE_DATE; not after
    today, or (``future``) not more than MAX_DAYS_AHEAD ahead. 400 naming the field."""

    def validate(value):
        latest = latest_plausible_date(today()) if future else today()
        problem = date_problem(value, label, earliest=earliest_plausible_date(), latest=latest,
                               latest_why="" if future else "今天")
        if problem:
            raise serializers.ValidationError(problem)

    return validate


class RegisterInput(serializers.Serializer):
    meeting = LineField(max_length=200, name_zh="审议会议")
    deliberated_on = serializers.DateField(validators=[bounded_date("审议日期")])


class PublishInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Document.Channel.choices)
    published_on = serializers.DateField(required=False, allow_null=True, default=None,
                                         validators=[bounded_date("公布日期", future=True)])
    effective_from = serializers.DateField(required=False, allow_null=True, default=None,
                                           validators=[bounded_date("施行日期", future=True)])


class FileRecordInput(serializers.Serializer):
    filed_with = LineField(max_length=200, name_zh="备案机关")
    filed_on = serializers.DateField(validators=[bounded_date("备案日期")])
    reference = LineField(max_length=100, required=False, allow_blank=True, default="", name_zh="备案回执号")


class RepealInput(serializers.Serializer):
    reason = TextField(max_length=TEXT_MAX)
    decision_ref = LineField(max_length=100, name_zh="废止决定文号")


class VoidNumberInput(serializers.Serializer):
    reason = TextField(max_length=TEXT_MAX)


class RecordEvaluationInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Evaluation.Outcome.choices)
    evaluated_on = serializers.DateField(validators=[bounded_date("评估日期")])
    notes = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class EvaluationSerializer(serializers.ModelSerializer):
    evaluator = serializers.CharField(source="evaluator.username")

    class Meta:
        model = Evaluation
        fields = ["id", "document_id", "evaluated_on", "outcome", "notes", "evaluator", "created_at"]


class CleanupSerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.code")
    evaluation_status = serializers.CharField()

    class Meta:
        model = Document
        fields = ["id", "number", "title", "issuer", "published_on", "effective_from", "expires_on",
                  "evaluation_due_on", "evaluation_status"]


class RegistryEntrySerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.code")
    document_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = RegistryEntry
        fields = ["number", "registration_code", "issuer", "year", "seq", "status", "void_reason", "document_id",
                  "allocated_at"]


class _AfterPublicationList(serializers.ListSerializer):
    """A page of documents reads its links and interpretations in two queries, not two a row."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        after = selectors.after_publication(d.pk for d in items)
        for document in items:
            document.after_publication = after[document.pk]
        return super().to_representation(items)


class PublicDocumentSerializer(AfterPublicationFields, serializers.ModelSerializer):
    body = serializers.CharField(source="current_version.body", default="")
    issuer = serializers.CharField(source="issuer.code")
    issuer_name = serializers.CharField(source="issuer.name")
    validity_status = serializers.SerializerMethodField()
    in_force = serializers.BooleanField(read_only=True, help_text="现行有效 today")
    not_yet_effective = serializers.BooleanField(read_only=True, help_text="尚未施行")
    repeals = serializers.SerializerMethodField()
    amends = serializers.SerializerMethodField()
    repealed_by = serializers.SerializerMethodField()
    amended_by = serializers.SerializerMethodField()
    interpretation = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "number", "title", "body", "issuer", "issuer_name", "state", "published_on",
                  "effective_from", "expires_on", "valid_until", "publication_channel", "validity_status",
                  "in_force", "not_yet_effective", "repeals", "amends", "repealed_by", "amended_by",
                  "interpretation"]
        list_serializer_class = _AfterPublicationList

    # As DocumentSerializer: DRF's generic field machinery was most of a public page's time (issue
    # 19: 29 ms for 50 documents against 8 ms for the same rows in SQL); the representation is
    # built by hand from the declared fields, pinned equal to them by tests/registry/test_public_serializer.py.
    _PLAIN = ("id", "number", "title", "state", "publication_channel")
    _DATES = ("published_on", "effective_from", "expires_on", "valid_until")

    def to_representation(self, document):
        version = document.current_version
        out = {name: getattr(document, name) for name in self._PLAIN}
        for name in self._DATES:
            value = getattr(document, name)
            out[name] = None if value is None else value.isoformat()
        out.update(body=version.body if version else "", issuer=document.issuer.code,
                   issuer_name=document.issuer.name, validity_status=self.get_validity_status(document),
                   in_force=document.in_force, not_yet_effective=document.not_yet_effective,
                   **selectors.after_publication_of(document))
        return {name: out[name] for name in self.Meta.fields}

    def get_validity_status(self, document) -> str:
        if document.state == "published" and document.not_yet_effective:
            return "not_yet_effective"
        return {"published": "valid", "repealed": "repealed", "expired": "expired"}.get(document.state, "")


class CleanupItemSerializer(serializers.Serializer):
    document = serializers.IntegerField(source="document_id")
    number = serializers.CharField(source="document.number")
    title = serializers.CharField(source="document.title")
    published_on = serializers.DateField(source="document.published_on")
    decision = serializers.CharField()
    decision_display = serializers.CharField(source="get_decision_display")
    reason = serializers.CharField()


class CampaignSerializer(serializers.Serializer):
    """清理 (R20): the campaign and its items."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    issuer = serializers.CharField(source="issuer.code")
    issuer_name = serializers.CharField(source="issuer.name")
    published_before = serializers.DateField(allow_null=True)
    state = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    items = serializers.SerializerMethodField()

    @extend_schema_field(CleanupItemSerializer(many=True))
    def get_items(self, cleanup) -> list[dict]:
        return CleanupItemSerializer(registry_selectors.cleanup_items(cleanup), many=True).data


class CleanupInput(serializers.Serializer):
    title = LineField(max_length=200, name_zh="清理名称")
    issuer = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), required=False,
                                          allow_null=True, error_messages={"does_not_exist": "机构代码 {value} 不存在"})
    published_before = serializers.DateField(required=False, allow_null=True,
                                             validators=[bounded_date("公布日期早于", future=True)])


class CleanupDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=CleanupItem.Decision.choices)
    reason = TextField(max_length=TEXT_MAX)


def catalogue_results(rows) -> list[dict]:
    """The catalogue's rows (registry.selectors.CatalogueRow) as the API answers them: what
    CatalogueRowSerializer's declared fields give, built by hand (the list is every row). Pinned
    by tests/registry/test_public_serializer.py."""
    return [{"id": pk, "number": number, "title": title, "issuer": issuer_code, "issuer_name": issuer_name,
             "published_on": published_on.isoformat(), "effective_from": effective_from.isoformat(),
             "expires_on": expires_on.isoformat() if expires_on else None}
            for pk, number, title, _, issuer_code, issuer_name, published_on, effective_from, expires_on in rows]


class CatalogueRowSerializer(serializers.Serializer):
    """现行有效规范性文件目录: one row (the schema; the API builds the rows with catalogue_results)."""

    def to_representation(self, row):
        return catalogue_results([row])[0]

    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    issuer = serializers.CharField(source="issuer_code")
    issuer_name = serializers.CharField()
    published_on = serializers.DateField()
    effective_from = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)


class CatalogueSerializer(serializers.Serializer):
    """现行有效规范性文件目录 as of a date: the rows and what they are of."""

    as_of = serializers.DateField()
    issuer = serializers.CharField(allow_null=True)
    count = serializers.IntegerField(help_text="rows of the whole catalogue")
    page = serializers.IntegerField()
    pages = serializers.IntegerField(help_text="pages of 1000 rows")
    results = CatalogueRowSerializer(many=True)


class AuditEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.CharField()
    document_id = serializers.IntegerField()
    document_number = serializers.CharField(allow_blank=True)
    document_title = serializers.CharField()
    action = serializers.CharField()
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField()
    actor = serializers.CharField()
    opinion = serializers.CharField(allow_blank=True)
    version = serializers.JSONField()
    hash = serializers.CharField()


class AnnualStatsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    normative_documents_reviewed = serializers.IntegerField()
    review_opinions_issued = serializers.IntegerField()
    urgent_approvals = serializers.IntegerField(help_text="R5: opinions before the minimum review time, with a reason")
    review_opinions_by_kind = serializers.DictField(child=serializers.IntegerField())
    review_opinions_by_kind_and_outcome = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    decisions = serializers.DictField(child=serializers.IntegerField(), help_text="R17: catalogue and decisions")
    returned = serializers.DictField(child=serializers.IntegerField())
    reviews_on_time = serializers.IntegerField()
    normative_documents_published = serializers.IntegerField()
    filed = serializers.IntegerField()
    filed_on_time = serializers.IntegerField()
    comments_received = serializers.IntegerField()
    comments_adopted = serializers.IntegerField()
    filing_review = serializers.DictField()
    paragraphs = serializers.ListField(child=serializers.CharField())


class RecordDecisionInput(serializers.Serializer):
    meeting = LineField(max_length=200, name_zh="决策会议")
    decided_on = serializers.DateField()
    result = serializers.ChoiceField(choices=[("adopted", "通过"), ("rejected", "未通过")])


class PublishDecisionInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Document.Channel.choices)
    published_on = serializers.DateField(required=False, allow_null=True)


class CatalogueItemInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=9999)
    title = LineField(max_length=200, name_zh="决策事项")
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(),
                                                error_messages={"does_not_exist": "机构代码 {value} 不存在"})
    planned_on = serializers.DateField(required=False, allow_null=True)
    document = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)


class CatalogueItemSerializer(serializers.Serializer):
    """重大行政决策事项目录 (R17), as the public reads it."""

    id = serializers.IntegerField()
    year = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    government = serializers.CharField(source="government.name")
    planned_on = serializers.DateField(allow_null=True)
    document = serializers.IntegerField(source="document_id", allow_null=True)
    state = serializers.SerializerMethodField(help_text="the decision's progress, in words")

    def get_state(self, item) -> str:
        return item.document.get_state_display() if item.document_id else "尚未启动"
