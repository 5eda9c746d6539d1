"""The registry's API: register, publish, file, repeal (on /api/documents/{id}/…), the number
registry listing, and the key-less public read API."""
import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, renderers
from rest_framework.views import APIView

from core.api import FastJSONRenderer
from core.errors import InvalidInput
from core.errors import NotFound as DomainNotFound
from core.replica import reads_from_replica
from registry import exports
from review.api.file_views import DOCX_CONTENT_TYPE, DocxRenderer, JsonErrors, attachment
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from registry import permissions as registry_permissions
from registry import selectors as registry_selectors
from registry import services
from registry.api import serializers as s
from review import selectors
from review.api.serializers import DocumentSerializer
from review.api.serializers import CommentReportSerializer
from review.api.views import act
from review.models import Document

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxRenderer(renderers.BaseRenderer):
    media_type, format, charset, render_style = XLSX_CONTENT_TYPE, "xlsx", None, "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


def _transition_view(name, input_serializer, service):
    @extend_schema(request=input_serializer, responses=DocumentSerializer, operation_id=f"documents_{name}")
    @api_view(["POST"])
    def view(request, id):  # noqa: A002 - the path parameter is {id}, as for the other actions
        return act(request, id, input_serializer, service)

    view.__name__ = name
    return view


register = _transition_view("register", s.RegisterInput, services.document_register)
publish = _transition_view("publish", s.PublishInput, services.document_publish)
file_record = _transition_view("file_record", s.FileRecordInput, services.document_file_record)
repeal = _transition_view("repeal", s.RepealInput, services.document_repeal)
void_number = _transition_view("void_number", s.VoidNumberInput, services.document_void_number)
record_decision = _transition_view("record_decision", s.RecordDecisionInput, services.document_record_decision)
publish_decision = _transition_view("publish_decision", s.PublishDecisionInput, services.document_publish_decision)


class DecisionCatalogue(generics.ListCreateAPIView):
    """重大行政决策事项目录 (R17): staff read; a government office's registrar adds items."""

    serializer_class = s.CatalogueItemSerializer
    filterset_class = None

    def get_queryset(self):
        year = self.request.query_params.get("year")
        return selectors.catalogue(year=int(year) if year and year.isdigit() and len(year) == 4 else None,
                                   government=self.request.query_params.get("government"))

    @reads_from_replica
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.CatalogueItemInput, responses={201: s.CatalogueItemSerializer})
    def post(self, request):
        data = s.CatalogueItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.catalogue_item_create(actor=request.user, **data.validated_data)
        return Response(s.CatalogueItemSerializer(item).data, status=201)


class PublicDecisionCatalogue(DecisionCatalogue):
    """The published catalogue: no login (GET only)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    http_method_names = ["get", "head", "options"]


@extend_schema(request=s.RecordEvaluationInput, responses=s.EvaluationSerializer,
               operation_id="documents_record_evaluation")
@api_view(["POST"])
def record_evaluation(request, id):  # noqa: A002
    data = s.RecordEvaluationInput(data=request.data)
    data.is_valid(raise_exception=True)
    evaluation = services.document_record_evaluation(actor=request.user, document_id=id, **data.validated_data)
    return Response(s.EvaluationSerializer(evaluation).data, status=201)


class CleanupList(generics.ListAPIView):
    """清理: published documents whose evaluation is due or overdue (R12)."""

    serializer_class = s.CleanupSerializer

    @reads_from_replica
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Document.objects.none()
        registry_permissions.check_registry_reader(self.request.user)
        return registry_selectors.cleanup_listing(self.request.user)


class RegistryFilter(django_filters.FilterSet):
    issuer = django_filters.CharFilter(field_name="issuer__code")
    year = django_filters.NumberFilter(field_name="year", min_value=1900, max_value=9999)
    status = django_filters.ChoiceFilter(choices=s.RegistryEntry.Status.choices)


class RegistryList(generics.ListAPIView):
    """登记簿: every number issued, voided ones included (R9)."""

    serializer_class = s.RegistryEntrySerializer
    filterset_class = RegistryFilter

    @reads_from_replica
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return s.RegistryEntry.objects.none()
        registry_permissions.check_registry_reader(self.request.user)
        return registry_permissions.registry_entries_visible_to(self.request.user)


class PublicDocumentFilter(django_filters.FilterSet):
    issuer = django_filters.CharFilter(field_name="issuer__code")
    year = django_filters.NumberFilter(field_name="published_on__year", min_value=1900, max_value=9999)
    q = django_filters.CharFilter(method="filter_q", max_length=100)
    validity_status = django_filters.ChoiceFilter(
        field_name="state", choices=[("published", "有效"), ("repealed", "已废止"), ("expired", "已失效")])

    def filter_q(self, queryset, name, value):
        return selectors.search(queryset, value)


class PublicDocumentList(generics.ListAPIView):
    """已公布的规范性文件: no key, no login."""

    serializer_class = s.PublicDocumentSerializer
    filterset_class = PublicDocumentFilter
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @reads_from_replica
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.public_documents()


class PublicDocumentDetail(generics.RetrieveAPIView):
    serializer_class = s.PublicDocumentSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @reads_from_replica
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.public_documents()


@extend_schema(operation_id="public_document_comment_report", responses=CommentReportSerializer)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
@reads_from_replica
def public_comment_report(request, pk):
    """公众意见采纳情况, published with the document: grouped, without names or contacts."""
    document = selectors.public_documents().filter(pk=pk).first()
    if document is None:
        raise NotFound()
    return Response(selectors.comment_report(document))


# --- 清理 and the catalogue in force (R20) ------------------------------------------------------
@extend_schema(request=s.CleanupInput, responses={201: s.CampaignSerializer}, operation_id="cleanups_create")
@api_view(["POST"])
def cleanup_create(request):
    """开展清理: the items are the issuer's documents in force in scope, undecided."""
    data = s.CleanupInput(data=request.data)
    data.is_valid(raise_exception=True)
    cleanup = services.cleanup_open(actor=request.user, **data.validated_data)
    return Response(s.CampaignSerializer(cleanup).data, status=201)


@extend_schema(request=s.CleanupDecisionInput, responses=s.CleanupItemSerializer, operation_id="cleanups_decide")
@api_view(["POST"])
def cleanup_decide(request, id, document_id):  # noqa: A002
    data = s.CleanupDecisionInput(data=request.data)
    data.is_valid(raise_exception=True)
    item = services.cleanup_decide(actor=request.user, cleanup_id=id, document_id=document_id,
                                   **data.validated_data)
    return Response(s.CleanupItemSerializer(item).data)


@extend_schema(request=None, responses=s.CampaignSerializer, operation_id="cleanups_publish")
@api_view(["POST"])
def cleanup_publish(request, id):  # noqa: A002
    """公布清理结果: 409 ``undecided_items`` until every item is decided; then all take effect at once."""
    cleanup = services.cleanup_publish(actor=request.user, cleanup_id=id)
    return Response(s.CampaignSerializer(cleanup).data)


def _format(request) -> str:
    value = request.query_params.get("format", "") or ""
    if value not in ("", "json", "xlsx", "docx"):
        raise InvalidInput("format 须为 json、xlsx 或 docx")
    return value


class PublicCleanup(JsonErrors, APIView):
    """清理结果 (R20), once published: JSON, or ?format=xlsx / ?format=docx."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = [renderers.JSONRenderer, XlsxRenderer, DocxRenderer]

    @extend_schema(operation_id="public_cleanup", responses=s.CampaignSerializer,
                   parameters=[OpenApiParameter("format", str, enum=["json", "xlsx", "docx"])])
    @reads_from_replica
    def get(self, request, id):  # noqa: A002
        fmt = _format(request)
        cleanup = registry_selectors.public_cleanup(id)
        if cleanup is None:
            raise DomainNotFound("清理结果不存在或尚未公布")
        if fmt in ("xlsx", "docx"):
            items = registry_selectors.cleanup_items(cleanup)
            content = exports.cleanup_xlsx(cleanup, items) if fmt == "xlsx" else exports.cleanup_docx(cleanup, items)
            return attachment(content, f"{cleanup.title}清理结果.{fmt}",
                              XLSX_CONTENT_TYPE if fmt == "xlsx" else DOCX_CONTENT_TYPE, public=True)
        return Response(s.CampaignSerializer(cleanup).data)


class PublicCatalogue(JsonErrors, APIView):
    """现行有效规范性文件目录 as of a date (default today), for an issuer or all; ?format=xlsx."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = [FastJSONRenderer, XlsxRenderer]

    @extend_schema(operation_id="public_catalogue", responses=s.CatalogueSerializer,
                   parameters=[OpenApiParameter("issuer", str), OpenApiParameter("as_of", OpenApiTypes.DATE),
                               OpenApiParameter("page", int, description="1000 rows a page (1 to 10000)"),
                               OpenApiParameter("format", str, enum=["json", "xlsx"],
                                                description="xlsx: the whole catalogue, up to 30,000 rows")])
    @reads_from_replica
    def get(self, request):
        fmt = _format(request)
        if fmt == "docx":
            raise InvalidInput("目录可导出为 xlsx")
        as_of, issuer = registry_selectors.catalogue_query(request.query_params)
        if fmt == "xlsx":  # the whole catalogue, as far as one spreadsheet may carry it
            documents = registry_selectors.catalogue_export(as_of=as_of, issuer=issuer)
            return attachment(exports.catalogue_xlsx(documents), f"现行有效规范性文件目录{as_of:%Y%m%d}.xlsx",
                              XLSX_CONTENT_TYPE, public=True)
        page = registry_selectors.catalogue_page(as_of=as_of, issuer=issuer,
                                                 number=registry_selectors.catalogue_page_number(request.query_params))
        return Response({"as_of": as_of.isoformat(), "issuer": issuer.code if issuer else None,
                         "count": page.count, "page": page.number, "pages": page.pages,
                         "results": s.catalogue_results(page.rows)})
