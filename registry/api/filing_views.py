"""备案审查 from both sides (R11, R19, DESIGN §4 "Filing review"): the filing desks, the acts of
the issuer and of the recipient, and review requests (审查建议) from anyone, with their receipts."""
from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from core.replica import reads_from_replica
from core.errors import InvalidInput
from registry import permissions as registry_permissions
from registry import selectors, services
from registry.api import filing_serializers as s
from registry.models import Filing, ReviewRequest


class FilingList(generics.ListAPIView):
    """备案: ?direction=outgoing|incoming&state=&overdue=true, within the user's organisation;
    overdue first, then by due date."""

    serializer_class = s.FilingSerializer
    filter_backends = []

    @extend_schema(parameters=[
        OpenApiParameter("direction", str, enum=["outgoing", "incoming"]),
        OpenApiParameter("state", str, enum=Filing.State.values),
        OpenApiParameter("overdue", bool)])
    @reads_from_replica
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Filing.objects.none()
        registry_permissions.check_filing_reader(self.request.user)
        params = self.request.query_params
        direction, state, overdue = params.get("direction") or None, params.get("state") or None, params.get("overdue")
        if direction not in (None, "outgoing", "incoming"):
            raise InvalidInput("direction 须为 outgoing（报送）或 incoming（收到）")
        if state is not None and state not in Filing.State.values:
            raise InvalidInput("state 须为备案状态之一：" + "、".join(Filing.State.values))
        if overdue not in (None, "", "true", "false", "1", "0"):
            raise InvalidInput("overdue 须为 true 或 false")
        return selectors.filing_listing(self.request.user, direction=direction, state=state,
                                        overdue=overdue in ("true", "1"))


def _filing_view(name, input_serializer, service):
    @extend_schema(request=input_serializer, responses=s.FilingSerializer, operation_id=f"filings_{name}")
    @api_view(["POST"])
    def view(request, id):  # noqa: A002 - the path parameter is {id}
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        filing = service(actor=request.user, filing_id=id, **data.validated_data)
        return Response(s.FilingSerializer(registry_permissions.access_filing(request.user, filing.pk)).data)

    view.__name__ = f"filing_{name}"
    return view


filing_submit = _filing_view("submit", s.FilingSubmitInput, services.filing_submit)
filing_accept = _filing_view("accept", s.EmptyInput, services.filing_accept)
filing_return = _filing_view("return", s.FilingReturnInput, services.filing_return)
filing_conclude = _filing_view("conclude", s.FilingConcludeInput, services.filing_conclude)
filing_respond = _filing_view("respond", s.FilingRespondInput, services.filing_respond)
filing_reject_response = _filing_view("reject_response", s.FilingRejectResponseInput, services.filing_reject_response)


class ReviewRequestThrottle(SimpleRateThrottle):
    """审查建议 per client address, logged in or not (THROTTLE_REVIEW_REQUESTS, default 10 an hour)."""

    scope = "review_requests"

    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@extend_schema(request=s.ReviewRequestInput, responses={201: s.ReviewRequestReceiptSerializer},
               operation_id="public_review_requests_create")
@api_view(["POST"])
@authentication_classes([])
@permission_classes([drf_permissions.AllowAny])
@throttle_classes([ReviewRequestThrottle])
def public_review_request_create(request):
    """审查建议: anyone, no login; answers with the receipt to look the request up by."""
    data = s.ReviewRequestInput(data=request.data)
    data.is_valid(raise_exception=True)
    receipt, _ = services.review_request_create(**data.validated_data)
    return Response({"receipt": receipt, "state": ReviewRequest.State.RECEIVED}, status=201)


@extend_schema(responses=s.ReviewRequestStatusSerializer, operation_id="public_review_requests_status")
@api_view(["GET"])
@authentication_classes([])
@permission_classes([drf_permissions.AllowAny])
def public_review_request_status(request, receipt):
    """The state and the reply by receipt: no name, no contact, no reason."""
    return Response(s.ReviewRequestStatusSerializer(services.review_request_status(receipt)).data)


class ReviewRequestList(generics.ListAPIView):
    """审查建议 received by the user's organisation (reviewers), or within an overseer's government."""

    serializer_class = s.ReviewRequestSerializer
    filter_backends = []

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=ReviewRequest.State.values)])
    @reads_from_replica
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ReviewRequest.objects.none()
        registry_permissions.check_review_request_reader(self.request.user)
        state = self.request.query_params.get("state") or None
        if state is not None and state not in ReviewRequest.State.values:
            raise InvalidInput("state 须为 received（已收到）或 answered（已答复）")
        return selectors.review_request_listing(self.request.user, state=state)


@extend_schema(request=s.ReviewRequestReplyInput, responses=s.ReviewRequestSerializer,
               operation_id="review_requests_reply")
@api_view(["POST"])
def review_request_reply(request, id):  # noqa: A002
    data = s.ReviewRequestReplyInput(data=request.data)
    data.is_valid(raise_exception=True)
    row = services.review_request_reply(actor=request.user, request_id=id, **data.validated_data)
    return Response(s.ReviewRequestSerializer(row).data)
