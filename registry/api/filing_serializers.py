"""Filings and review requests as JSON (DESIGN §4 "Filing review"), and the inputs of their acts."""
import unicodedata

from rest_framework import serializers

from core.clock import today
from registry.models import Filing, ReviewRequest
from review.api.serializers import TEXT_MAX

MAX_ID = 2**63 - 1
REASON_MAX = 5_000


def no_control_characters(value: str) -> str:
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise serializers.ValidationError("不能包含控制字符")
    return value


def no_control_except_lines(value: str) -> str:
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\r\t" for c in value):
        raise serializers.ValidationError("不能包含控制字符")
    return value


def text(max_length, *, required=True, label="", lines=False):
    messages = {"required": f"请填写{label}", "blank": f"请填写{label}", "null": f"请填写{label}",
                "max_length": f"{label}不超过{max_length}字", "invalid": f"{label}须为文字"}
    return serializers.CharField(max_length=max_length, required=required, allow_blank=not required,
                                 default="" if not required else serializers.empty, error_messages=messages,
                                 validators=[no_control_except_lines if lines else no_control_characters])


class EmptyInput(serializers.Serializer):
    pass


class FilingSubmitInput(serializers.Serializer):
    report_ref = text(100, required=False, label="报备文号")


class FilingReturnInput(serializers.Serializer):
    reason = text(TEXT_MAX, label="退回理由", lines=True)


class FilingConcludeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Filing.Outcome.choices, error_messages={
        "invalid_choice": "审查结论须为 filed（予以备案）或 correction_required（纠正）", "required": "请选择审查结论"})
    opinion = text(TEXT_MAX, label="审查意见", lines=True)


class FilingRespondInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=Filing.Action.choices, error_messages={
        "invalid_choice": "纠正情况须为 amended（已修改）、repealed（已废止）或 explained（已说明理由）",
        "required": "请选择纠正情况"})
    note = text(TEXT_MAX, label="答复说明", lines=True)
    document = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID,
                                        error_messages={"invalid": "document 须为文件ID"})
    decision_ref = text(100, required=False, label="废止决定文号")


class FilingRejectResponseInput(serializers.Serializer):
    note = text(TEXT_MAX, label="不予认可的理由", lines=True)


class FilingSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="document_id")
    number = serializers.CharField(source="document.number", allow_null=True)
    title = serializers.CharField(source="document.title")
    issuer = serializers.CharField(source="issuer.code")
    issuer_name = serializers.CharField(source="issuer.name")
    recipient = serializers.CharField(source="recipient.code")
    recipient_name = serializers.CharField(source="recipient.name")
    state_display = serializers.CharField(source="get_state_display")
    overdue = serializers.SerializerMethodField()
    response = serializers.SerializerMethodField()
    materials = serializers.SerializerMethodField()

    class Meta:
        model = Filing
        fields = ["id", "document", "number", "title", "issuer", "issuer_name", "recipient", "recipient_name",
                  "due_on", "state", "state_display", "submitted_on", "first_submitted_on", "late", "report_ref",
                  "returns", "return_reason", "accepted_on", "review_due_on", "review_due_provisional", "outcome",
                  "opinion", "concluded_on", "correction_due_on", "response", "rejection_note", "escalated_on",
                  "overdue", "materials", "created_at", "updated_at"]

    def get_overdue(self, filing) -> bool:
        flag = getattr(filing, "is_overdue", None)
        if flag is not None:
            return bool(flag)
        day = today()
        due = {Filing.State.DUE: filing.due_on, Filing.State.RETURNED: filing.due_on,
               Filing.State.UNDER_REVIEW: filing.review_due_on,
               Filing.State.CORRECTION_REQUIRED: filing.correction_due_on}.get(filing.state)
        return bool(due and due < day)

    def get_response(self, filing) -> dict | None:
        if not filing.response_action:
            return None
        return {"action": filing.response_action, "action_display": filing.get_response_action_display(),
                "note": filing.response_note, "document": filing.response_document_id,
                "responded_on": filing.responded_on}

    def get_materials(self, filing) -> dict:
        """R11: what the filing carries, by reference to the document (nothing typed again)."""
        document = filing.document
        opinions = getattr(document, "issued_opinions", None)
        if opinions is None:
            opinions = document.opinions.filter(status="issued").order_by("signed_at", "id")
        return {"version": filing.version.number, "text_sha256": filing.version.sha256,
                "text_url": f"/api/public/documents/{document.pk}/",
                "drafting_notes": document.drafting_notes,
                "opinion_numbers": [o.number for o in opinions],
                "publication": {"number": document.number, "published_on": document.published_on,
                                "effective_from": document.effective_from,
                                "channel": document.publication_channel}}


class ReviewRequestInput(serializers.Serializer):
    document = text(80, label="文件ID或文件编号")
    name = text(100, label="建议人姓名或名称")
    contact = text(100, label="联系方式")
    reason = text(REASON_MAX, label="审查建议的理由", lines=True)
    recipient = text(100, required=False, label="审查机关")


class ReviewRequestReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField()
    state = serializers.CharField()


class ReviewRequestReplySerializer(serializers.Serializer):
    recipient = serializers.CharField()
    state = serializers.CharField()
    outcome = serializers.CharField(allow_null=True)
    reply = serializers.CharField(allow_null=True)
    replied_on = serializers.DateField(allow_null=True)


class ReviewRequestStatusSerializer(serializers.Serializer):
    """What the public lookup shows: no name, no contact, no reason."""

    state = serializers.CharField()
    outcome = serializers.CharField(allow_null=True)
    reply = serializers.CharField(allow_null=True)
    replied_on = serializers.DateField(allow_null=True)
    received_on = serializers.DateField()
    due_on = serializers.DateField()
    document = serializers.DictField()
    replies = ReviewRequestReplySerializer(many=True)


class ReviewRequestReplyInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReviewRequest.Outcome.choices, error_messages={
        "invalid_choice": "处理结果须为 no_issue、correction_required 或 not_accepted", "required": "请选择处理结果"})
    reply = text(TEXT_MAX, label="答复内容", lines=True)


class ReviewRequestSerializer(serializers.ModelSerializer):
    """For the recipient's staff: the request in full (they need the contact to answer)."""

    document = serializers.IntegerField(source="document_id")
    number = serializers.CharField(source="document.number", allow_null=True)
    title = serializers.CharField(source="document.title")
    recipient = serializers.CharField(source="recipient.code")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ReviewRequest
        fields = ["id", "document", "number", "title", "recipient", "name", "contact", "reason", "state",
                  "received_on", "due_on", "overdue", "outcome", "reply", "replied_on", "created_at"]

    def get_overdue(self, row) -> bool:
        return row.state == ReviewRequest.State.RECEIVED and row.due_on < today()
