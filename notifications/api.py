"""The inbox API: ``GET /api/inbox/`` (mine, unread first) and ``POST /api/inbox/{id}/read/``."""
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications.models import InboxMessage


class InboxMessageSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="reminder.kind", read_only=True, default=None, allow_null=True)
    due_on = serializers.DateField(source="reminder.due_on", read_only=True, default=None, allow_null=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = InboxMessage
        fields = ["id", "kind", "document", "title", "body", "due_on", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


@extend_schema_view(list=extend_schema(
    parameters=[OpenApiParameter("unread", bool, description="true: unread messages only")]))
class InboxViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Only the caller's own messages exist here: another user's id is 404."""

    serializer_class = InboxMessageSerializer
    queryset = InboxMessage.objects.none()  # for the schema; get_queryset is the real one
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InboxMessage.objects.none()
        rows = (InboxMessage.objects.filter(recipient=self.request.user).select_related("reminder")
                .annotate(read_rank=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1),
                                         output_field=IntegerField()))
                .order_by("read_rank", "-created_at", "-id"))
        if self.request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(request=None, responses=InboxMessageSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        message = self.get_object()
        if message.read_at is None:
            message.read_at = timezone.now()
            message.save(update_fields=["read_at"])
        return Response(self.get_serializer(message).data)
