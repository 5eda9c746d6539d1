"""The documents API (DESIGN §4): thin views over review.selectors and review.services."""
import difflib

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from core.client_address import ClientIdentMixin
from core.replica import reads_from_replica

from review import permissions, selectors, services
from review.api import file_views
from review.api import serializers as s
from review.api.filters import DocumentFilter
from core.errors import InvalidInput
from review.precheck import run_precheck


class PublicCommentThrottle(ClientIdentMixin, AnonRateThrottle):
    """Anonymous comments per client address (THROTTLE_PUBLIC_COMMENTS, default 20 an hour): the
    connection's address, X-Forwarded-For only from a trusted proxy (core.client_address)."""

    scope = "public_comments"


class PublicCommentPerDocumentThrottle(SimpleRateThrottle):
    """Comments on one document from everyone together (THROTTLE_PUBLIC_COMMENTS_PER_DOCUMENT,
    default 2000 an hour): a flood from many addresses still cannot bury a consultation."""

    scope = "public_comments_per_document"

    def get_cache_key(self, request, view):
        match = getattr(request, "resolver_match", None)
        pk = match.kwargs.get("pk") if match else None
        return None if pk is None else self.cache_format % {"scope": self.scope, "ident": f"document-{pk}"}


class ReviewRequestThrottle(ClientIdentMixin, UserRateThrottle):
    """Submissions for legality review per user (THROTTLE_REVIEW_SUBMISSIONS, default 60 an hour)."""

    scope = "review_submissions"


def public_comment_throttles():
    return [PublicCommentThrottle(), PublicCommentPerDocumentThrottle()]


def act(request, pk, input_serializer, service, **extra):
    """Validate the body (400), call the service (403/404/409), answer with the document."""
    data = input_serializer(data=request.data)
    data.is_valid(raise_exception=True)
    service(actor=request.user, document_id=pk, **data.validated_data, **extra)
    document = permissions.access_document(request.user, pk)
    return Response(s.DocumentSerializer(document).data)


def conclude(request, pk, input_serializer, service):
    """approve / return-for-revision (R15): 200 with the document when the opinion was issued
    (or a materials notice sent), 202 while it awaits a head's signature."""
    data = input_serializer(data=request.data)
    data.is_valid(raise_exception=True)
    opinion = service(actor=request.user, document_id=pk, **data.validated_data)
    document = permissions.access_document(request.user, pk)
    if opinion is not None and opinion.status == opinion.Status.AWAITING_SIGNOFF:
        return Response({"state": document.state, "opinion": {"id": opinion.pk, "status": opinion.status}},
                        status=202)
    return Response(s.DocumentSerializer(document).data)


class DocumentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.DocumentSerializer
    filterset_class = DocumentFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return permissions.documents_visible_to(self.request.user)

    def get_object(self):
        return permissions.access_document(self.request.user, self.kwargs["pk"])

    def get_throttles(self):
        if self.action == "comments" and self.request.method == "POST":
            return public_comment_throttles()
        if self.action == "submit_for_review":
            return [ReviewRequestThrottle()]
        return super().get_throttles()

    def get_permissions(self):
        if self.action == "comments" and self.request.method == "POST":
            return [AllowAny()]
        return super().get_permissions()

    @reads_from_replica
    def list(self, request):
        rows = self.paginate_queryset(selectors.as_rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(
            self.get_serializer(selectors.document_rows(rows), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=s.DocumentCreateSerializer, responses=s.DocumentSerializer)
    def create(self, request):
        data = s.DocumentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.document_create(actor=request.user, **data.validated_data)
        return Response(s.DocumentSerializer(permissions.access_document(request.user, document.pk)).data, status=201)

    @extend_schema(request=s.DocumentUpdateSerializer, responses=s.DocumentSerializer)
    def partial_update(self, request, pk=None):
        data = s.DocumentUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.document_update(actor=request.user, document_id=pk, **data.validated_data)
        return Response(s.DocumentSerializer(permissions.access_document(request.user, pk)).data)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("diff", str, description="two version numbers, e.g. 1,2")],
        responses=s.VersionSerializer(many=True),
    )
    @extend_schema(methods=["POST"], request={"multipart/form-data": file_views.UploadInput},
                   responses={201: s.VersionSerializer}, description="上传 .docx 作为新版本（起草中）")
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def versions(self, request, pk=None):
        if request.method == "POST":
            return file_views.upload_version(request, pk)
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

    @extend_schema(responses=s.PrecheckSerializer)
    @action(detail=True, methods=["get"])
    def precheck(self, request, pk=None):
        """R1 pre-check of the current text: suspect passages for the drafter and the reviewer."""
        version = self.get_object().current_version
        findings = version.precheck if version.precheck is not None else [f.as_dict() for f in run_precheck(version.body)]
        return Response({"version": version.number, "sha256": version.sha256, "findings": findings})

    @extend_schema(responses=s.ReviewFindingSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def findings(self, request, pk=None):
        """Structured review findings of every round, with whether each quoted passage changed."""
        document = self.get_object()
        rows = selectors.findings_of(document)
        return Response(s.ReviewFindingSerializer(rows, many=True, context={"current_body": document.body}).data)

    @extend_schema(request=s.ResolveFindingInput, responses=s.ReviewFindingSerializer)
    @action(detail=True, methods=["post"], url_path=r"findings/(?P<finding_id>\d+)/resolve")
    def resolve_finding(self, request, pk=None, finding_id=None):
        data = s.ResolveFindingInput(data=request.data)
        data.is_valid(raise_exception=True)
        finding = services.finding_resolve(actor=request.user, document_id=pk, finding_id=finding_id,
                                           **data.validated_data)
        body = permissions.access_document(request.user, pk).body
        return Response(s.ReviewFindingSerializer(finding, context={"current_body": body}).data)

    @extend_schema(request=s.DisposeInput, responses=s.CommentSerializer(many=True))
    @action(detail=True, methods=["post"], url_path=r"comments/(?P<comment_id>\d+)/dispose", pagination_class=None)
    def dispose_comment(self, request, pk=None, comment_id=None):
        data = s.DisposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        comments = services.comment_dispose(actor=request.user, document_id=pk, comment_id=comment_id,
                                            **data.validated_data)
        return Response(s.CommentSerializer(comments, many=True).data)

    @extend_schema(responses=s.CommentReportSerializer)
    @action(detail=True, methods=["get"], url_path="comments/summary")
    def comment_summary(self, request, pk=None):
        """征求意见采纳情况: de-duplicated groups and the generated summary."""
        return Response(selectors.comment_report(self.get_object(), include_names=True))

    @extend_schema(responses=s.ReviewRoundSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="review-rounds", pagination_class=None)
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

    @extend_schema(request=s.ApproveInput, responses={200: s.DocumentSerializer, 202: s.AwaitingSignoffSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return conclude(request, pk, s.ApproveInput, services.document_approve)

    @extend_schema(request=s.ReturnForRevisionInput,
                   responses={200: s.DocumentSerializer, 202: s.AwaitingSignoffSerializer})
    @action(detail=True, methods=["post"], url_path="return-for-revision")
    def return_for_revision(self, request, pk=None):
        return conclude(request, pk, s.ReturnForRevisionInput, services.document_return_for_revision)

    @extend_schema(methods=["GET"], responses=s.ProcedureStepSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.ProcedureStepInput, responses={201: s.ProcedureStepSerializer})
    @action(detail=True, methods=["get", "post"], url_path="procedure-steps", pagination_class=None)
    def procedure_steps(self, request, pk=None):
        """专家论证 / 风险评估 of a major decision (R17): held or excused, before submission."""
        if request.method == "POST":
            data = s.ProcedureStepInput(data=request.data)
            data.is_valid(raise_exception=True)
            step = services.document_record_procedure_step(actor=request.user, document_id=pk, **data.validated_data)
            return Response(s.ProcedureStepSerializer(step).data, status=201)
        return Response(s.ProcedureStepSerializer(selectors.procedure_steps_of(self.get_object()), many=True).data)

    @extend_schema(request=s.RecordSigningInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"], url_path="record-signing")
    def record_signing(self, request, pk=None):
        """合同签订日期 (R18), after the contract's legality review."""
        return act(request, pk, s.RecordSigningInput, services.document_record_signing)

    @extend_schema(request=s.SignOpinionInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"], url_path="sign-opinion")
    def sign_opinion(self, request, pk=None):
        """签发 or 退回 the handler's opinion (review head, R15)."""
        return act(request, pk, s.SignOpinionInput, services.document_sign_opinion)

    @extend_schema(request=s.AssignInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """分配承办人 (review head, R15)."""
        return act(request, pk, s.AssignInput, services.document_assign)

    @extend_schema(request=s.ExtendReviewInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"], url_path="extend-review")
    def extend_review(self, request, pk=None):
        """延长审核期限 once per round (review head, R5)."""
        return act(request, pk, s.ExtendReviewInput, services.document_extend_review)

    @extend_schema(request=s.InviteAdviserInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"], url_path="invite-adviser")
    def invite_adviser(self, request, pk=None):
        """邀请法律顾问 (review head, R16)."""
        return act(request, pk, s.InviteAdviserInput, services.document_invite_adviser)

    @extend_schema(methods=["GET"], responses=s.AdviserOpinionSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.AdviserOpinionInput, responses={201: s.AdviserOpinionSerializer})
    @action(detail=True, methods=["get", "post"], url_path="adviser-opinions", pagination_class=None)
    def adviser_opinions(self, request, pk=None):
        """法律顾问意见 (R16): the invited adviser writes; staff who see the document read."""
        if request.method == "POST":
            data = s.AdviserOpinionInput(data=request.data)
            data.is_valid(raise_exception=True)
            invitation = services.document_give_adviser_opinion(actor=request.user, document_id=pk,
                                                                **data.validated_data)
            return Response(s.AdviserOpinionSerializer(invitation).data, status=201)
        rows = self.get_object().adviser_invitations.select_related("adviser").order_by("invited_at", "id")
        return Response(s.AdviserOpinionSerializer(rows, many=True).data)

    @extend_schema(request=s.InterpretationInput, responses={201: s.InterpretationSerializer,
                                                             200: s.InterpretationSerializer})
    @action(detail=True, methods=["post"], pagination_class=None)
    def interpretation(self, request, pk=None):
        """政策解读 (R20) by the drafting department: 201 when written, 200 when rewritten."""
        data = s.InterpretationInput(data=request.data)
        data.is_valid(raise_exception=True)
        record, created = services.interpretation_write(actor=request.user, document_id=pk, **data.validated_data)
        body = {"title": record.title, "body": record.body, "interpreter": record.interpreter,
                "updated_on": timezone.localdate(record.updated_at).isoformat()}
        return Response(s.InterpretationSerializer(body).data, status=201 if created else 200)

    @extend_schema(request=s.ReasonInput, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return act(request, pk, s.ReasonInput, services.document_withdraw)
