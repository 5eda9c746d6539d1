"""Production settings refuse to start unsafe; pages carry a strict CSP; logins and anonymous
comments are throttled; a database outage answers 503, never 500."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from core.clock import today
from core.calendar import add_working_days

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 20 + "-production-secret-for-the-test-only-" + "y" * 20


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key_or_hosts():
    r = manage("check", DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="gov.example.cn")
    assert r.returncode != 0 and "DJANGO_SECRET_KEY" in r.stderr
    r = manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY=GOOD_SECRET)
    assert r.returncode != 0 and "DJANGO_ALLOWED_HOSTS" in r.stderr


def test_check_deploy_is_clean_in_production():
    r = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_ENV="production",
               DJANGO_SECRET_KEY=GOOD_SECRET, DJANGO_ALLOWED_HOSTS="gov.example.cn")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_no_inline_code(users, make_document):
    doc = make_document("published")
    client = Client()
    client.force_login(users["auditor"])
    for path in ["/", f"/documents/{doc.pk}/", "/dashboard/", "/public/", f"/public/documents/{doc.pk}/"]:
        r = client.get(path)
        policy = r["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        html = r.content.decode()
        assert " style=" not in html and "<script" not in html and "javascript:" not in html, path
        assert r["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_login_is_throttled_after_five_wrong_passwords(users):
    client = APIClient()
    for _ in range(5):
        r = client.post("/api/auth/token/", {"username": "drafter", "password": "wrong"}, format="json")
        assert r.status_code in (400, 429)
    r = client.post("/api/auth/token/", {"username": "drafter", "password": "pw-12345"}, format="json")
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_attempts"
    page = Client().post("/login/", {"username": "drafter", "password": "pw-12345"})
    assert page.status_code == 429 and "登录失败次数过多" in page.content.decode()
    # another user is not locked out
    r = client.post("/api/auth/token/", {"username": "reviewer", "password": "pw-12345"}, format="json")
    assert r.status_code == 200


@pytest.mark.django_db
def test_anonymous_comments_are_throttled(settings, users, make_document):
    from review import services

    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    rates = {**original, "public_comments": "3/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES = rates
    try:
        doc = make_document("drafting")
        services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk,
                                              closes_on=add_working_days(today(), 8).date)
        anon = APIClient()
        codes = [anon.post(f"/api/documents/{doc.pk}/comments/", {"author_name": "甲", "body": f"意见{i}"},
                           format="json").status_code for i in range(4)]
        assert codes == [201, 201, 201, 429]
        r = anon.post(f"/api/documents/{doc.pk}/comments/", {"author_name": "甲", "body": "再来"}, format="json")
        assert r.json()["error"]["code"] == "throttled" and "Retry-After" in r
        page = Client().post(f"/public/consultations/{doc.pk}/", {"author_name": "乙", "body": "页面意见"})
        assert page.status_code == 429
        assert doc.public_comments.count() == 3
    finally:
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES = original


@pytest.mark.django_db
def test_a_database_outage_is_a_503_in_the_error_format(users, monkeypatch, client_for, make_document):
    doc = make_document("submitted")

    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("review.permissions.access_document", down)
    r = client_for("reviewer").post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急需"}, format="json")
    assert r.status_code == 503 and r.json()["error"]["code"] == "service_unavailable" and r["Retry-After"]
    page_client = Client()
    page_client.force_login(users["reviewer"])
    monkeypatch.setattr("web.views.permissions.access_document", down)
    r = page_client.get(f"/documents/{doc.pk}/")
    assert r.status_code == 503 and "数据库" in r.content.decode()
