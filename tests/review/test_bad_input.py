"""Bad input gets a clear error in the documented format and changes nothing; never a 500."""
import pytest

from review.models import Document
from tests.conftest import BODY, snapshot

pytestmark = pytest.mark.django_db


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code


def test_malformed_json(client_for):
    r = client_for("drafter").post("/api/documents/", "{not json", content_type="application/json")
    assert_error(r, 400, "validation_error")
    assert not Document.objects.exists()


@pytest.mark.parametrize("payload", [
    {},                                                            # missing fields
    {"title": "办法", "issuer": "CSZF"},                            # missing body
    {"title": ["not", "a", "string"], "body": BODY, "issuer": "CSZF"},
    {"title": "办法", "body": BODY, "issuer": "NOPE"},               # unknown organisation
    {"title": "办法", "body": BODY, "issuer": "CSZF", "validity_years": "five"},
    {"title": "办法", "body": BODY, "issuer": "CSZF", "affects_rights": "maybe"},
    {"title": "办法", "body": BODY, "issuer": "CSZF", "kind": "decree"},
    {"title": "办" * 201, "body": BODY, "issuer": "CSZF"},         # over-long title
    {"title": "办法", "body": "   ", "issuer": "CSZF"},
])
def test_create_rejects_bad_fields(client_for, payload):
    r = client_for("drafter").post("/api/documents/", payload, format="json")
    assert_error(r, 400, "validation_error")
    assert not Document.objects.exists()


def test_body_of_two_megabytes(client_for):
    r = client_for("drafter").post("/api/documents/", {"title": "办法", "body": "条" * 700_000, "issuer": "CSZF"},
                                   format="json")
    assert r.status_code in (400, 413)
    assert r.json()["error"]["code"] in ("validation_error", "payload_too_large")
    assert not Document.objects.exists()


def test_unknown_ids_are_404(client_for):
    client = client_for("auditor")
    assert_error(client.get("/api/documents/999999/"), 404, "not_found")
    assert_error(client_for("reviewer").post("/api/documents/999999/approve/", {"opinion": "x"}, format="json"),
                 404, "not_found")
    assert_error(client_for("registrar").post("/api/documents/999999/publish/", {"channel": "website"},
                                              format="json"), 404, "not_found")
    assert_error(client.get("/api/documents/abc/"), 404)
    assert_error(client.get("/api/no-such-endpoint/"), 404)


@pytest.mark.parametrize("action,payload", [
    ("approve", {"opinion": ""}),
    ("approve", {"opinion": "合法", "findings": "not a list"}),
    ("approve", {"opinion": "合法", "findings": [{"basis": "无条款"}]}),
    ("return-for-revision", {"outcome": "lawful", "opinion": "x"}),   # lawful is not a return
    ("return-for-revision", {"opinion": "x"}),
])
def test_transition_inputs_are_checked(client_for, make_document, action, payload):
    doc = make_document("submitted")
    before = snapshot(doc.pk)
    r = client_for("reviewer").post(f"/api/documents/{doc.pk}/{action}/", payload, format="json")
    assert_error(r, 400, "validation_error")
    assert snapshot(doc.pk) == before


def test_wrong_dates_are_400(client_for, make_document):
    doc = make_document()
    r = client_for("drafter").post(f"/api/documents/{doc.pk}/open-public-comment/", {"closes_on": "2026-02-30"},
                                   format="json")
    assert_error(r, 400, "validation_error")
    r = client_for("drafter").post(f"/api/documents/{doc.pk}/open-public-comment/", {"closes_on": "2020-01-01"},
                                   format="json")
    assert_error(r, 400, "validation_error")
    assert Document.objects.get(pk=doc.pk).state == "drafting"


def test_unauthenticated_and_bad_login(client_for):
    assert_error(client_for(None).get("/api/documents/"), 401, "not_authenticated")
    assert_error(client_for(None).post("/api/documents/", {}, format="json"), 401)
    r = client_for(None).post("/api/auth/token/", {"username": "drafter", "password": "wrong"}, format="json")
    assert_error(r, 400, "validation_error")


def test_token_login_then_act(users):
    from rest_framework.test import APIClient

    client = APIClient()
    token = client.post("/api/auth/token/", {"username": "drafter", "password": "pw-12345"}, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    r = client.post("/api/documents/", {"title": "办法", "body": BODY, "issuer": "CSZF"}, format="json")
    assert r.status_code == 201


def test_put_is_not_allowed(client_for, make_document):
    doc = make_document()
    assert_error(client_for("drafter").put(f"/api/documents/{doc.pk}/", {}, format="json"), 405, "method_not_allowed")


def test_schema_is_served(client_for):
    r = client_for(None).get("/api/schema/?format=json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in ["/api/documents/", "/api/documents/{id}/approve/", "/api/documents/{id}/register/",
                 "/api/public/documents/", "/api/registry/"]:
        assert path in paths, sorted(paths)
