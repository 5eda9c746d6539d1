"""Issue 17: API tokens expire (API_TOKEN_TTL_HOURS), each log-in issues a new one (the old one
stops working), and POST /api/auth/token/revoke/ ends the caller's token."""
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def login(username="drafter"):
    r = APIClient().post("/api/auth/token/", {"username": username, "password": "pw-12345"}, format="json")
    assert r.status_code == 200
    return r.json()["token"]


def with_token(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_an_expired_token_is_refused_in_chinese(settings, users):
    settings.API_TOKEN_TTL_HOURS = 12
    token = login()
    assert with_token(token).get("/api/documents/").status_code == 200
    Token.objects.filter(key=token).update(created=timezone.now() - dt.timedelta(hours=12, minutes=1))
    r = with_token(token).get("/api/documents/")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "token_expired" and "过期" in r.json()["error"]["message"]
    assert not Token.objects.filter(key=token).exists()
    assert with_token(login()).get("/api/documents/").status_code == 200


def test_each_login_issues_a_new_token_and_the_old_one_stops_working(users):
    first = login()
    second = login()
    assert first != second
    assert with_token(first).get("/api/documents/").status_code == 401
    assert with_token(second).get("/api/documents/").status_code == 200


def test_revoke_ends_the_callers_token(users):
    token = login()
    other = login("reviewer")
    client = with_token(token)
    assert client.post("/api/auth/token/revoke/").status_code == 204
    r = client.get("/api/documents/")
    assert r.status_code == 401 and r.json()["error"]["code"] == "authentication_failed"
    assert with_token(other).get("/api/documents/").status_code == 200  # someone else's is untouched
    assert APIClient().post("/api/auth/token/revoke/").status_code == 401


def test_revoke_is_in_the_schema(client_for):
    paths = client_for(None).get("/api/schema/?format=json").json()["paths"]
    assert "post" in paths["/api/auth/token/revoke/"]
