"""The one API error handler (DESIGN §4): {"error": {"code": "...", "message": "..."}}.

Messages are for a clerk to read, in Chinese. Nothing reaches the client as a 500 page: an
unexpected database refusal becomes 409, anything else is logged and answered in this format.
"""
import logging
import math

import orjson

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder as DRFJSONEncoder

from core.errors import DomainError

logger = logging.getLogger(__name__)

_DRF_CODES = {
    exceptions.NotAuthenticated: (401, "not_authenticated", "请先登录"),
    exceptions.AuthenticationFailed: (401, "authentication_failed", "登录凭据无效"),
    exceptions.PermissionDenied: (403, "permission_denied", "无权执行此操作"),
    exceptions.NotFound: (404, "not_found", "未找到"),
    exceptions.MethodNotAllowed: (405, "method_not_allowed", "不支持该请求方法"),
    exceptions.NotAcceptable: (406, "not_acceptable", "无法提供所请求的格式"),
    exceptions.UnsupportedMediaType: (415, "unsupported_media_type", "请以 JSON 格式提交"),
    exceptions.Throttled: (429, "throttled", "请求过于频繁，请稍后再试"),
    exceptions.ParseError: (400, "validation_error", "请求内容不是有效的 JSON"),
}


def error_body(code, message, details=None):
    error = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def _first_message(detail):
    if isinstance(detail, dict):
        for field, value in detail.items():
            text = _first_message(value)
            return text if field == "non_field_errors" else f"{field}: {text}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, exceptions.ValidationError):
        return Response(error_body("validation_error", _first_message(exc.detail), exc.detail), status=400)
    if isinstance(exc, (Http404, exceptions.NotFound)):
        return Response(error_body("not_found", "未找到"), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(error_body("permission_denied", "无权执行此操作"), status=403)
    if isinstance(exc, RequestDataTooBig):
        return Response(error_body("payload_too_large", "提交的内容过大"), status=413)
    for cls, (code_status, code, message) in _DRF_CODES.items():
        if isinstance(exc, cls):
            response = Response(error_body(code, message), status=code_status)
            if isinstance(exc, exceptions.Throttled) and exc.wait:
                response["Retry-After"] = str(max(1, math.ceil(exc.wait)))  # never "0"
            return response
    if isinstance(exc, exceptions.APIException):
        return Response(error_body(exc.default_code, str(exc.detail)), status=exc.status_code)
    if isinstance(exc, DataError):
        # The database refused a value no check caught (a NUL byte on PostgreSQL, say): bad input.
        logger.info("data error: %s", exc)
        return Response(error_body("validation_error", "提交的数据含有无效的值"), status=400)
    if isinstance(exc, IntegrityError):
        # The database's own guard (R7 trigger, unique numbers) refused: a rule, not a crash.
        logger.warning("integrity error: %s", exc)
        return Response(error_body("conflict", "操作与现有数据冲突，未作任何修改"), status=409)
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.error("database unavailable: %s", exc)
        return Response(error_body("service_unavailable", "系统暂时无法访问数据库，请稍后重试"),
                        status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})
    logger.exception("unhandled API error")
    return Response(error_body("server_error", "系统内部错误，操作未完成"), status=500)


def json_response(body, status):
    """Outside DRF: the same format, and Chinese as Chinese (JsonResponse escapes it by default)."""
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def json_404(request, exception=None):
    return json_response(error_body("not_found", "未找到"), status=404)


def json_500(request):
    return json_response(error_body("server_error", "系统内部错误，操作未完成"), status=500)


def json_400(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return json_response(error_body("payload_too_large", "提交的内容过大"), status=413)
    return json_response(error_body("validation_error", "请求无效"), status=400)


def json_403(request, exception=None):
    return json_response(error_body("permission_denied", "无权执行此操作"), status=403)


class FastJSONRenderer(JSONRenderer):
    """DRF's JSON written by orjson (issue 19: the catalogue is every row, thousands of them, and
    json's encoder was a good part of its time). The bytes are DRF's: compact, UTF-8, U+2028 and
    U+2029 escaped as DRF escapes them for embedding in a page; dates, times and whatever orjson
    does not know go through DRF's own encoder. An indented response (``; indent=`` in Accept)
    is left to DRF."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        # times go through DRF's encoder (it writes "Z" and cuts microseconds to milliseconds)
        body = orjson.dumps(data, default=_drf_default,
                            option=orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME)
        return body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")


_drf_encoder = DRFJSONEncoder()


def _drf_default(obj):
    return _drf_encoder.default(obj)
