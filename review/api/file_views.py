"""Documents as files (DESIGN v2 §4): upload a .docx as a new version, download the original,
and 修改前后对照表 as JSON, .docx (公文 layout) or PDF. Thin: the work is in review.files,
review.comparison and core.gongwen."""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core import gongwen, pdf
from review import comparison, files, permissions, selectors
from review.api.serializers import VersionSerializer
from review.docx_text import DOCX_CONTENT_TYPE
from core.errors import DomainError, InvalidInput, NotFound

PDF_CONTENT_TYPE = "application/pdf"


class UploadInput(serializers.Serializer):
    file = serializers.FileField(help_text=".docx，不超过 MAX_UPLOAD_MB（默认 20）MB")


# --- upload (POST /api/documents/{id}/versions/, called from DocumentViewSet.versions) --------
def upload_version(request, pk):
    """Checks who may upload and the declared size before the body is read (404/403/409/413)."""
    document = permissions.access_document(request.user, pk)
    files.check_may_upload(document, request.user)
    upload = files.uploaded_file(request)
    version = files.version_upload(actor=request.user, document_id=document.pk, upload=upload)
    data = VersionSerializer(version).data
    data["file"] = _file_dict(version.source_file)
    return Response(data, status=201)


def _file_dict(version_file):
    return {"name": version_file.original_name, "size": version_file.size, "sha256": version_file.sha256}


# --- the original --------------------------------------------------------------------------
class DocxRenderer(renderers.BaseRenderer):
    media_type, format, charset, render_style = DOCX_CONTENT_TYPE, "docx", None, "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class PdfRenderer(renderers.BaseRenderer):
    media_type, format, charset, render_style = PDF_CONTENT_TYPE, "pdf", None, "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class JsonErrors:
    """Errors of a file endpoint are JSON whatever was asked for (?format=docx, Accept: …pdf)."""

    def handle_exception(self, exc):
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)


def attachment(content: bytes | object, filename: str, content_type: str, *, public=False):
    """A download: bytes or an open file, with a safe Content-Disposition."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Length"] = str(len(content))
        response["Content-Disposition"] = _disposition(filename)
    else:
        response = FileResponse(content, content_type=content_type)
        response["Content-Disposition"] = _disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=600" if public else "private, no-store"
    return response


def _disposition(filename: str) -> str:
    """attachment; an ASCII fallback name and the real one RFC 5987-encoded (no header injection)."""
    from urllib.parse import quote

    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename) or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


class VersionFile(JsonErrors, APIView):
    renderer_classes = [renderers.JSONRenderer, DocxRenderer]

    @extend_schema(operation_id="documents_version_file",
                   responses={(200, DOCX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="上传的原始文件")})
    def get(self, request, id, number):  # noqa: A002 - the path parameter is {id}
        """The uploaded original of a version, unchanged (same SHA-256); 404 for a typed version."""
        found = files.version_file_for(request.user, id, number)
        try:
            handle = found.file.open("rb")
        except (FileNotFoundError, OSError):
            raise NotFound("原始文件已不在存储中，请联系管理员")
        return attachment(handle, found.original_name, found.content_type or DOCX_CONTENT_TYPE)


# --- 修改前后对照表 ---------------------------------------------------------------------------
def _versions_pair(document, params):
    versions = {v.number: v for v in selectors.versions_of(document)}
    current = document.current_version.number if document.current_version_id else max(versions, default=1)
    try:
        a = int(params.get("from") or (current - 1))
        b = int(params.get("to") or current)
    except (TypeError, ValueError):
        raise InvalidInput("from 和 to 须为版本号（整数），例如 ?from=1&to=2")
    if a not in versions or b not in versions:
        raise InvalidInput(f"版本号不存在：本文件的版本为 {', '.join(f'v{n}' for n in sorted(versions))}")
    if a == b:
        raise InvalidInput("请选择两个不同的版本进行对照")
    return versions[a], versions[b]


def comparison_docx(document, old, new, rows) -> bytes:
    changed = [r for r in rows if r["change"] != "unchanged"]
    notes = []
    if len(changed) < len(rows):
        notes.append(f"注：未列出的{len(rows) - len(changed)}处内容未作修改。")
    if not changed:
        notes = ["注：两个版本的文本相同。"]
    return gongwen.table_docx(
        title=f"《{document.title}》\n修改前后对照表",
        subtitle=f"（第{old.number}稿与第{new.number}稿对照）",
        headers=["修改前", "修改后", "说明"],
        rows=[[r["before"], r["after"], r["note"]] for r in changed],
        widths_mm=[60, 60, 36], notes=notes)


class ComparisonRowSerializer(serializers.Serializer):
    article = serializers.CharField(help_text="第X条 (renumbered: 第四条（原第三条）); 第N段 without article numbers")
    before = serializers.CharField(help_text="empty when added")
    after = serializers.CharField(help_text="empty when removed")
    change = serializers.ChoiceField(choices=["added", "removed", "modified", "unchanged"])
    note = serializers.CharField(help_text="说明: 新增 / 删除 / 修改 / 条序调整…")


class ComparisonSerializer(serializers.Serializer):
    """修改前后对照表; ``from`` is added in get_fields (a Python keyword)."""

    document = serializers.IntegerField()
    title = serializers.CharField()
    to = serializers.IntegerField()
    rows = ComparisonRowSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField()
        return fields


def pdf_response(docx, filename: str, *, cache_key: str | None = None, public=False):
    """The .docx (bytes, or a function making them) as PDF: 404 ``not_available`` where no renderer
    is installed; 503 if it failed. With ``cache_key`` (what the .docx depends on), a PDF made
    before is reused for a day rather than rendered again."""
    key = f"gongwen-pdf:{cache_key}" if cache_key else None
    content = cache.get(key) if key else None
    if content is None:
        if pdf.renderer(settings.SOFFICE_PATH) is None:
            raise NotFound("本服务器未安装 PDF 转换程序，请下载 .docx 版本", code="not_available")
        try:
            content = pdf.docx_to_pdf(docx() if callable(docx) else docx, timeout=settings.PDF_TIMEOUT_SECONDS,
                                      soffice=settings.SOFFICE_PATH)
        except pdf.PdfUnavailable:
            raise NotFound("本服务器未安装 PDF 转换程序，请下载 .docx 版本", code="not_available")
        except (pdf.PdfFailed, OSError):
            raise DomainError("PDF 暂时无法生成，请稍后重试或下载 .docx 版本", code="service_unavailable", status=503)
        if key:
            cache.set(key, content, 24 * 3600)
    return attachment(content, filename, PDF_CONTENT_TYPE, public=public)


class DocumentComparison(JsonErrors, APIView):
    renderer_classes = [renderers.JSONRenderer, DocxRenderer, PdfRenderer]

    @extend_schema(
        operation_id="documents_comparison",
        parameters=[OpenApiParameter("from", int, description="修改前的版本号（默认：当前版本的前一版）"),
                    OpenApiParameter("to", int, description="修改后的版本号（默认：当前版本）"),
                    OpenApiParameter("format", str, enum=["json", "docx", "pdf"])],
        responses={(200, "application/json"): ComparisonSerializer,
                   (200, DOCX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY),
                   (200, PDF_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, id):  # noqa: A002
        """修改前后对照表 of two versions, article by article."""
        document = permissions.access_document(request.user, id)
        old, new = _versions_pair(document, request.query_params)
        rows = comparison.compare(old.body, new.body)
        fmt = request.accepted_renderer.format
        if fmt in ("docx", "pdf"):
            docx = comparison_docx(document, old, new, rows)
            name = f"{document.title}-修改前后对照表-v{old.number}-v{new.number}"
            if fmt == "pdf":
                return pdf_response(docx, f"{name}.pdf")
            return attachment(docx, f"{name}.docx", DOCX_CONTENT_TYPE)
        return Response({"document": document.pk, "title": document.title, "from": old.number, "to": new.number,
                         "rows": rows})
