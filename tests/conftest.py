"""Fixtures: the organisations and users of a small city, API clients per role, and
``make_document`` that carries a document to a state through the real services (no shortcuts)."""
import datetime as dt

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from registry import services as registry
from review import services
from review.models import Document, History, Version
from review.rules import today

BODY = "第一条 为规范本市校外培训机构管理，根据《中华人民共和国教育法》，制定本办法。\n第二条 本办法自公布之日起施行。"



@pytest.fixture
def orgs(db):
    make = Organisation.objects.create
    return {
        "city": make(code="CSZF", name="春城市人民政府", kind="office", number_prefix="春府规"),
        "edu": make(code="CSJY", name="春城市教育局", kind="drafting", number_prefix="春教规"),
        "market": make(code="CSSJ", name="春城市市场监督管理局", kind="drafting", number_prefix="春市监规"),
        "justice": make(code="CSSFJ", name="春城市司法局", kind="justice"),
        "audit": make(code="CSSJJ", name="春城市审计局", kind="audit"),
    }


@pytest.fixture
def users(orgs):
    def make(username, org, role):
        user = User.objects.create_user(username=username, password="pw-12345", organisation=orgs[org], role=role)
        return user

    return {
        "drafter": make("drafter", "edu", "drafter"),
        "other_drafter": make("other_drafter", "market", "drafter"),
        "reviewer": make("reviewer", "justice", "reviewer"),
        "reviewer2": make("reviewer2", "justice", "reviewer"),
        "registrar": make("registrar", "city", "registrar"),
        "auditor": make("auditor", "audit", "auditor"),
    }


@pytest.fixture
def client_for(users):
    def make(role):
        client = APIClient()
        if role is not None:
            client.force_authenticate(users[role])
        return client

    return make


STEPS = ["drafting", "submitted", "approved", "registered", "published"]


@pytest.fixture
def make_document(users, orgs):
    """Carry a new document to ``until`` (one of STEPS) through the services."""

    def make(until="drafting", *, kind="normative", affects_rights=False, validity_years=5, title="春城市校外培训机构管理办法"):
        doc = services.document_create(actor=users["drafter"], title=title, body=BODY, issuer=orgs["city"],
                                       kind=kind, affects_rights=affects_rights, validity_years=validity_years)
        steps = STEPS[1:STEPS.index(until) + 1]
        for step in steps:
            if step == "submitted":
                services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk,
                                                    drafting_notes="依据《中华人民共和国教育法》第十条制定。",
                                                    exemption_reason="" if not affects_rights else "应急，经批准不公开")
            elif step == "approved":
                services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="经审核，合法。")
            elif step == "registered":
                registry.document_register(actor=users["registrar"], document_id=doc.pk,
                                           meeting="市政府第12次常务会议", deliberated_on=today())
            elif step == "published":
                registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="website")
        return Document.objects.get(pk=doc.pk)

    return make


def snapshot(document_id):
    """What a refused act must leave untouched."""
    doc = Document.objects.get(pk=document_id)
    return (doc.state, doc.current_version_id, doc.approved_version_id, doc.number,
            Version.objects.filter(document_id=document_id).count(),
            History.objects.filter(document_id=document_id).count())


@pytest.fixture
def freeze_today(monkeypatch):
    """Move 'today' (Asia/Shanghai) for the rules and services."""

    def move(day: dt.date):
        import django.utils.timezone as tz

        real_now = tz.now
        delta = dt.datetime.combine(day, dt.time(10, 0)) - dt.datetime.combine(tz.localdate(real_now()), dt.time(10, 0))
        monkeypatch.setattr(tz, "now", lambda: real_now() + delta)

    return move


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
