"""Issue 17: a NUL byte (PostgreSQL text cannot hold one) in a filter, a search or a lookup is a
400 or an empty answer, never a 500 — on the API and on the pages."""
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URLS = ["/api/audit/events/?actor=%00", "/api/audit/events/?action=%00", "/api/documents/?issuer=%00",
        "/api/documents/?q=%00", "/api/public/documents/?q=%00", "/api/public/documents/?issuer=%00",
        "/api/registry/?issuer=%00", "/api/documents/?state=%00", "/api/audit/events/?since=%00",
        "/api/documents/1/versions/?diff=%00"]


@pytest.mark.parametrize("url", URLS)
def test_nul_in_api_parameters(client_for, make_document, url):
    make_document("published")
    for role in ("auditor", "registrar"):
        r = client_for(role).get(url)
        assert r.status_code < 500, (url, r.content[:200])


def test_nul_in_page_parameters(users, make_document):
    make_document("published")
    client = Client()
    client.force_login(users["auditor"])
    for url in ["/?q=%00", "/dashboard/?year=%00", "/public/?q=%00", "/?issuer=%00"]:
        assert client.get(url).status_code < 500, url


def test_nul_in_a_lookup_field_of_a_body(client_for, orgs):
    r = client_for("drafter").post("/api/documents/", {"title": "办法", "body": "正文", "issuer": "\x00"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"
