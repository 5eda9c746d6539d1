"""Issue 17: request bodies are bounded before work is done. A JSON body over
MAX_JSON_BODY_BYTES is 413 ``payload_too_large`` (on its Content-Length, unread; or after reading
one byte past the limit when it has none); nesting deeper than MAX_JSON_DEPTH is a 400 in Chinese,
on every JSON endpoint, anonymous ones included."""
import io
import json

import pytest
from rest_framework.test import APIClient

from core.parsers import BoundedJSONParser, PayloadTooLarge, nesting_depth
from review.models import Document
from tests.conftest import BODY

pytestmark = pytest.mark.django_db


def deep(n):
    return "[" * n + "]" * n


@pytest.mark.parametrize("path, role", [
    ("/api/documents/", "drafter"),
    ("/api/auth/token/", None),                 # anonymous
    ("/api/documents/1/comments/", None),       # anonymous
])
def test_deep_nesting_is_a_400_in_chinese_never_a_500(client_for, path, role):
    for depth in (33, 100_000):
        r = client_for(role).post(path, deep(depth), content_type="application/json")
        assert r.status_code == 400, (path, r.content[:200])
        error = r.json()["error"]
        assert error["code"] == "validation_error" and "嵌套" in error["message"]
    assert not Document.objects.exists()


def test_nesting_in_a_string_is_text_not_depth(client_for):
    body = BODY + "[" * 100 + "{" * 100
    r = client_for("drafter").post("/api/documents/", {"title": "办法", "body": body, "issuer": "CSZF"}, format="json")
    assert r.status_code == 201, r.content[:300]
    assert nesting_depth(b'{"a": "[[[[\\"[[["}') == 1
    assert nesting_depth(b'[[{"a": [1]}]]') == 4


def test_a_body_over_the_limit_is_413_payload_too_large(settings, client_for):
    settings.MAX_JSON_BODY_BYTES = 10_000
    payload = json.dumps({"title": "办法", "body": "条" * 5_000, "issuer": "CSZF"})
    r = client_for("drafter").post("/api/documents/", payload, content_type="application/json")
    assert r.status_code == 413
    assert r.json()["error"] == {"code": "payload_too_large", "message": r.json()["error"]["message"]}
    assert "过大" in r.json()["error"]["message"]
    assert not Document.objects.exists()
    # anonymous endpoints too
    r = APIClient().post("/api/auth/token/", {"username": "x" * 20_000, "password": "y"}, format="json")
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


class Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")


def test_declared_length_over_the_limit_is_refused_without_reading(settings):
    settings.MAX_JSON_BODY_BYTES = 1000

    class Request:
        META = {"CONTENT_LENGTH": "50000000"}

    with pytest.raises(PayloadTooLarge):
        BoundedJSONParser().parse(Unreadable(), parser_context={"request": Request()})


def test_a_chunked_body_is_read_only_to_the_limit(settings):
    settings.MAX_JSON_BODY_BYTES = 1000
    reads = []

    class Endless(io.RawIOBase):
        def read(self, size=-1):
            reads.append(size)
            return b"[" * (size if size and size > 0 else 10**7)

    class Request:
        META = {}  # no Content-Length: chunked

    with pytest.raises(PayloadTooLarge):
        BoundedJSONParser().parse(Endless(), parser_context={"request": Request()})
    assert reads == [1001]


def test_django_request_data_too_big_is_payload_too_large(settings, client_for):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = client_for("drafter").post("/api/documents/", {"title": "办法", "body": "条" * 2000, "issuer": "CSZF"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


def test_a_lone_surrogate_is_a_400_not_a_500(client_for):
    raw = '{"title": "办法", "body": "正文\\ud800", "issuer": "CSZF"}'
    r = client_for("drafter").post("/api/documents/", raw, content_type="application/json")
    assert r.status_code == 400 and "Unicode" in r.json()["error"]["message"]
    ok = '{"title": "办法", "body": "正文\\ud83d\\ude00", "issuer": "CSZF"}'  # a valid pair: an emoji
    assert client_for("drafter").post("/api/documents/", ok, content_type="application/json").status_code == 201
