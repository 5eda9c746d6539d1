from rest_framework import serializers

from registry.models import RegistryEntry
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


class RegistryEntrySerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.code")
    document_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = RegistryEntry
        fields = ["number", "issuer", "year", "seq", "status", "void_reason", "document_id", "allocated_at"]


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
