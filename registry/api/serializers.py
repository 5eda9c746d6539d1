from rest_framework import serializers

from registry.models import Evaluation, RegistryEntry
from review.api.serializers import TEXT_MAX
from review.models import Document


class RegisterInput(serializers.Serializer):
    meeting = serializers.CharField(max_length=200)
    deliberated_on = serializers.DateField()


class PublishInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Document.Channel.choices)
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    effective_from = serializers.DateField(required=False, allow_null=True, default=None)


class FileRecordInput(serializers.Serializer):
    filed_with = serializers.CharField(max_length=200)
    filed_on = serializers.DateField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class RepealInput(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)
    decision_ref = serializers.CharField(max_length=100)


class VoidNumberInput(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


class RecordEvaluationInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Evaluation.Outcome.choices)
    evaluated_on = serializers.DateField()
    notes = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


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


class PublicDocumentSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="current_version.body", default="")
    issuer = serializers.CharField(source="issuer.code")
    issuer_name = serializers.CharField(source="issuer.name")
    validity_status = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "number", "title", "body", "issuer", "issuer_name", "state", "published_on",
                  "effective_from", "expires_on", "publication_channel", "validity_status"]

    def get_validity_status(self, document) -> str:
        return {"published": "valid", "repealed": "repealed", "expired": "expired"}.get(document.state, "")


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
    review_opinions_by_kind = serializers.DictField(child=serializers.IntegerField())
    returned = serializers.DictField(child=serializers.IntegerField())
    reviews_on_time = serializers.IntegerField()
    normative_documents_published = serializers.IntegerField()
    filed = serializers.IntegerField()
    filed_on_time = serializers.IntegerField()
    comments_received = serializers.IntegerField()
    comments_adopted = serializers.IntegerField()
    filing_review = serializers.DictField()
    paragraphs = serializers.ListField(child=serializers.CharField())
