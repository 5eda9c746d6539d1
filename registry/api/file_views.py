"""The public portal's downloads: a published document as .docx in 公文 layout, and as PDF where a
renderer is installed (DESIGN v2 §4). No login; published (and repealed or expired) documents only."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, renderers
from rest_framework.views import APIView

from registry import exports
from review import selectors
from review.api.file_views import (DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE, DocxRenderer, JsonErrors, PdfRenderer,
                                   attachment, pdf_response)
from core.errors import NotFound


def _published(pk):
    document = selectors.public_documents().filter(pk=pk).first()
    if document is None:
        raise NotFound("文件不存在或尚未公布")
    return document


class PublicDocumentDocx(JsonErrors, APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = [renderers.JSONRenderer, DocxRenderer]

    @extend_schema(operation_id="public_document_docx",
                   responses={(200, DOCX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="公文格式")})
    def get(self, request, pk):
        document = _published(pk)
        return attachment(exports.published_docx(document), exports.published_filename(document, "docx"),
                          DOCX_CONTENT_TYPE, public=True)


class PublicDocumentPdf(JsonErrors, APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = [renderers.JSONRenderer, PdfRenderer]

    @extend_schema(operation_id="public_document_pdf",
                   responses={(200, PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="公文格式 PDF")})
    def get(self, request, pk):
        document = _published(pk)
        return pdf_response(lambda: exports.published_docx(document), exports.published_filename(document, "pdf"),
                            cache_key=exports.published_key(document), public=True)
