"""The documents API (DESIGN §4): thin views over review.selectors and review.services."""
import difflib

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from review import selectors, services
from review.api import serializers as s
from review.api.filters import DocumentFilter
from review.errors import InvalidInput
from review.precheck import run_precheck


def act(request, pk, input_serializer, service, **extra):
    """Validate the body (400), call the service (403/404/409), answer with the document."""
    data = input_serializer(data=request.data)
    data.is_valid(raise_exception=True)
    document = service(actor=request.user, document_id=pk, **data.validated_data, **extra)
    document = selectors.document_for(request.user, document.pk)
    return Response(s.DocumentSerializer(document).data)


class DocumentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.DocumentSerializer
    filterset_class = DocumentFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.documents_visible_to(self.request.user)

    def get_object(self):
        return selectors.document_for(self.request.user, self.kwargs["pk"])

    def get_permissions(self):
        if self.action == "comments" and self.request.method == "POST":
            return [permissions.AllowAny()]
        return super().get_permissions()

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=s.DocumentCreateSerializer, responses=s.DocumentSerializer)
    def create(self, request):
        data = s.DocumentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.document_create(actor=request.user, **data.validated_data)
        return Response(s.DocumentSerializer(selectors.document_for(request.user, document.pk)).data, status=201)

    @extend_schema(request=s.DocumentUpdateSerializer, responses=s.DocumentSerializer)
    def partial_update(self, request, pk=None):
        data = s.DocumentUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.document_update(actor=request.user, document_id=pk, **data.validated_data)
        return Response(s.DocumentSerializer(selectors.document_for(request.user, pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("diff", str, description="two version numbers, e.g. 1,2")],
        responses=s.VersionSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        document = self.get_object()
        versions = list(selectors.versions_of(document))
        diff = request.query_params.get("diff")
        if diff is None:
            return Response(s.VersionSerializer(versions, many=True).data)
        by_number = {v.number: v for v in versions}
        try:
            a, b = (int(part) for part in diff.split(","))
            old, new = by_number[a], by_number[b]
        except (ValueError, KeyError):
            raise InvalidInput("diff 参数须为两个存在的版本号，例如 ?diff=1,2")
        lines = difflib.unified_diff(old.body.splitlines(keepends=True), new.body.splitlines(keepends=True),
                                     fromfile=f"v{a}", tofile=f"v{b}")
        return Response({"from": a, "to": b, "from_sha256": old.sha256, "to_sha256": new.sha256,
                         "diff": "".join(lines)})

    @extend_schema(responses=s.HistorySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        rows = selectors.history_of(self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.HistorySerializer(page, many=True).data)

    @action(detail=True, methods=["get"])
    def precheck(self, request, pk=None):
        """R1 pre-check of the current text: suspect passages for the drafter and the reviewer."""
        document = self.get_object()
        findings = run_precheck(document.body)
        return Response({"version": document.current_version.number, "sha256": document.current_version.sha256,
                         "findings": [f.as_dict() for f in findings]})

    @extend_schema(responses=s.ReviewRoundSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="review-rounds")
    def review_rounds(self, request, pk=None):
        rounds = selectors.review_rounds_of(self.get_object())
        return Response(s.ReviewRoundSerializer(rounds, many=True).data)

    @extend_schema(request=s.CommentSerializer, responses=s.CommentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        if request.method == "POST":
            data = s.CommentSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            comment = services.comment_create(document_id=pk, **data.validated_data)
            return Response(s.CommentSerializer(comment).data, status=201)
        rows = selectors.comments_of(self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.CommentSerializer(page, many=True).data)

    @extend_schema(request=s.OpenPublicCommentInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"], url_path="open-public-comment")
    def open_public_comment(self, request, pk=None):
        return act(request, pk, s.OpenPublicCommentInput, services.document_open_public_comment)

    @extend_schema(request=None, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"], url_path="close-public-comment")
    def close_public_comment(self, request, pk=None):
        return act(request, pk, s.EmptyInput, services.document_close_public_comment)

    @extend_schema(request=s.SubmitForReviewInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"], url_path="submit-for-review")
    def submit_for_review(self, request, pk=None):
        return act(request, pk, s.SubmitForReviewInput, services.document_submit_for_review)

    @extend_schema(request=s.ApproveInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return act(request, pk, s.ApproveInput, services.document_approve)

    @extend_schema(request=s.ReturnForRevisionInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"], url_path="return-for-revision")
    def return_for_revision(self, request, pk=None):
        return act(request, pk, s.ReturnForRevisionInput, services.document_return_for_revision)

    @extend_schema(request=s.ReasonInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return act(request, pk, s.ReasonInput, services.document_withdraw)
