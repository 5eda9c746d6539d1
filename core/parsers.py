"""JSON request bodies bounded before any work is done (issue 17).

``BoundedJSONParser`` is the API's default JSON parser:
- a body larger than ``MAX_JSON_BODY_BYTES`` (default 2 MB) is refused with 413
  ``payload_too_large`` on its declared Content-Length, without reading it; a body without one
  (chunked) is read at most one byte past the limit, then refused the same way;
- nesting deeper than ``MAX_JSON_DEPTH`` (default 32) is refused with 400 ``validation_error``
  before the body is decoded (Python's decoder would recurse and fail with a 500).
"""
from __future__ import annotations

import io
import re

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

DEFAULT_MAX_JSON_BODY_BYTES = 2_000_000
DEFAULT_MAX_JSON_DEPTH = 32

# Strings (with their escapes) are removed before the brackets are counted: a "[" in a text
# is not nesting.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # "\ud800" alone in JSON: text no database can store


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "提交的内容过大"


def max_body_bytes() -> int:
    return int(getattr(settings, "MAX_JSON_BODY_BYTES", DEFAULT_MAX_JSON_BODY_BYTES))


def max_depth() -> int:
    return int(getattr(settings, "MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH))


def too_large_message(limit: int) -> str:
    return f"提交的内容过大（JSON 请求体不能超过{limit // 1000}KB）"


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in ``raw`` (strings ignored)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b'""', raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_body_bytes()
        request = (parser_context or {}).get("request")
        meta = getattr(request, "META", {}) if request is not None else {}
        try:
            declared = int(meta.get("CONTENT_LENGTH") or 0)
        except (TypeError, ValueError):
            declared = 0
        if declared > limit:
            raise PayloadTooLarge(too_large_message(limit))
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(too_large_message(limit))
        if nesting_depth(raw) > max_depth():
            raise exceptions.ValidationError(f"JSON 嵌套层数不能超过{max_depth()}层")
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:  # belt and braces: never a 500
            raise exceptions.ValidationError(f"JSON 嵌套层数不能超过{max_depth()}层")
        if _has_lone_surrogate(data):
            raise exceptions.ValidationError("请求内容含有无效的 Unicode 字符（单独的代理项）")
        return data


def _has_lone_surrogate(value) -> bool:
    """Lone UTF-16 surrogates (valid escapes in JSON, invalid text anywhere else). The depth is
    bounded above, so this walk is too."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False
