"""Auditor's API: the transition log with CSV/XLSX exports, and the annual figures."""
import datetime as dt

from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from core.errors import Forbidden, InvalidInput
from core.inputs import parse_int
from core.replica import reads_from_replica, streamed
from registry import audit, reports
from registry.api.serializers import AnnualStatsSerializer, AuditEventSerializer
from review.models import History
from review.permissions import document_scope, overseen_org_ids


class CSVRenderer(renderers.BaseRenderer):
    media_type, format, charset = "text/csv", "csv", "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, (bytes, str)) else b""


class XLSXRenderer(renderers.BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format, charset, render_style = "xlsx", None, "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


def require_auditor(user):
    if not user.has_role(Role.AUDITOR):
        raise Forbidden("只有监督人员可以查看操作记录和年度统计")


class AuditEvents(GenericAPIView):
    """每一次状态变化: ?actor=&action=&since=&until=&document=; ?format=csv or xlsx to export."""

    renderer_classes = [renderers.JSONRenderer, CSVRenderer, XLSXRenderer]
    serializer_class = AuditEventSerializer
    queryset = History.objects.none()  # for the schema; the rows come from registry.audit

    @extend_schema(parameters=[OpenApiParameter(name, str) for name in ("actor", "action", "since", "until", "document")],
                   responses=AuditEventSerializer(many=True))
    @reads_from_replica
    def get(self, request):
        require_auditor(request.user)
        params = request.query_params
        document = params.get("document")
        if document is not None and parse_int(document, minimum=1, maximum=2**63 - 1) is None:
            raise InvalidInput("document 须为文件ID")  # digits only, within the database's range
        rows = audit.events(actor=params.get("actor"), action=params.get("action"), since=params.get("since"),
                            until=params.get("until"), document=document)
        scope = document_scope(request.user)  # R14: the overseer's government and below
        if scope is not None:
            rows = rows.filter(scope)
        stamp = dt.date.today().strftime("%Y%m%d")
        fmt = request.accepted_renderer.format
        if fmt == "csv":
            response = StreamingHttpResponse(streamed(lambda: audit.csv_stream(rows)),
                                             content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
            return response
        if fmt == "xlsx":
            return FileResponse(audit.xlsx_file(rows), as_attachment=True, filename=f"audit-events-{stamp}.xlsx",
                                content_type=XLSXRenderer.media_type)
        page = self.paginate_queryset(rows)
        actions, states = audit.action_labels(), audit.state_labels()
        return self.get_paginated_response([audit.api_row(e, actions, states) for e in page])


class AnnualStats(APIView):
    """年度法治政府建设报告的数字 (DESIGN §6): ?year=2026."""

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True)], responses=AnnualStatsSerializer)
    def get(self, request):
        require_auditor(request.user)
        year = parse_int(request.query_params.get("year", ""), minimum=1900, maximum=9999)
        if year is None:
            raise InvalidInput("请用 ?year=YYYY 指定年份")
        figures = reports.annual_figures(year, org_ids=overseen_org_ids(request.user))
        return Response({**figures, "paragraphs": reports.annual_paragraphs(figures)})
