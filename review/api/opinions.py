"""Opinion letters (审核意见书, DESIGN §4 "The review desk"): read by staff who see the document."""
import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, renderers
from rest_framework.views import APIView

from core.errors import NotFound
from core.replica import reads_from_replica
from review import letters, selectors
from review.api.file_views import (DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE, DocxRenderer, JsonErrors, PdfRenderer,
                                   attachment, pdf_response)
from review.api.serializers import OpinionSerializer
from review.models import Document, Opinion


class OpinionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="year", min_value=1900, max_value=9999)
    body = django_filters.CharFilter(field_name="review_body__code", max_length=40)
    kind = django_filters.ChoiceFilter(field_name="document__kind", choices=Document.Kind.choices)
    outcome = django_filters.ChoiceFilter(choices=Opinion._meta.get_field("outcome").choices)
    status = django_filters.ChoiceFilter(choices=Opinion.Status.choices)


class OpinionList(generics.ListAPIView):
    """审核意见书: issued letters by default (``?status=`` for drafts awaiting signature)."""

    serializer_class = OpinionSerializer
    filterset_class = OpinionFilter

    @reads_from_replica
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Opinion.objects.none()
        qs = selectors.opinions_visible_to(self.request.user).order_by("-year", "-seq", "-id")
        return qs if "status" in self.request.query_params else qs.filter(status=Opinion.Status.ISSUED)


class OpinionDetail(generics.RetrieveAPIView):
    serializer_class = OpinionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Opinion.objects.none()
        return selectors.opinions_visible_to(self.request.user)


def _issued(request, pk) -> Opinion:
    opinion = selectors.opinions_visible_to(request.user).filter(pk=pk, status=Opinion.Status.ISSUED).first()
    if opinion is None:
        raise NotFound("审核意见书不存在、尚未签发或无权查看")
    return opinion


class OpinionDocx(JsonErrors, APIView):
    """The issued 审核意见书 as .docx in 公文 layout (GB/T 9704)."""

    renderer_classes = [renderers.JSONRenderer, DocxRenderer]

    @extend_schema(operation_id="opinions_docx",
                   responses={(200, DOCX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="公文格式")})
    def get(self, request, pk):
        opinion = _issued(request, pk)
        return attachment(letters.opinion_docx(opinion), letters.opinion_filename(opinion, "docx"), DOCX_CONTENT_TYPE)


class OpinionPdf(JsonErrors, APIView):
    """The same as PDF, where a renderer is installed (else 404 ``not_available``)."""

    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    @extend_schema(operation_id="opinions_pdf",
                   responses={(200, PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="公文格式 PDF")})
    def get(self, request, pk):
        opinion = _issued(request, pk)
        return pdf_response(lambda: letters.opinion_docx(opinion), letters.opinion_filename(opinion, "pdf"))
