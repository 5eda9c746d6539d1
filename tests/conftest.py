"""Fixtures: the organisations and users of a small city, API clients per role, and
``make_document`` that carries a document to a state through the real services (no shortcuts)."""
import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from registry import services as registry
from review import services
from review.models import Document, History, Version
from core.clock import today

BODY = "第一条 为规范本市校外培训机构管理，根据《中华人民共和国教育法》，制定本办法。\n第二条 本办法自公布之日起施行。"



@pytest.fixture(autouse=True)
def _fresh_organisation_tree():
    """Rolled-back organisations must not outlive their test in the process's kept tree."""
    from accounts.jurisdiction import forget_tree

    forget_tree()
    yield
    forget_tree()


@pytest.fixture(autouse=True)
def _fresh_holiday_schedule():
    """A test's rolled-back holiday rows must not outlive it in the process's cache (core.calendar)."""
    from core.calendar import forget_holiday_overrides

    forget_holiday_overrides()
    yield
    forget_holiday_overrides()


@pytest.fixture
def orgs(db):
    """The city of 春城 (R14: every department, the justice bureau and the overseer under its
    government), and beside it, under the same government, the county of 青山 with its own."""
    make = Organisation.objects.create
    city = make(code="CSZF", name="春城市人民政府", kind="office", number_prefix="春府规", level="city")
    county = make(code="QSZF", name="青山县人民政府", kind="office", number_prefix="青府规", level="county",
                  parent=city)
    return {
        "city": city,
        "edu": make(code="CSJY", name="春城市教育局", kind="drafting", number_prefix="春教规", parent=city),
        "market": make(code="CSSJ", name="春城市市场监督管理局", kind="drafting", number_prefix="春市监规", parent=city),
        # a bureau without sign-off (R15 off: reviewers' opinions issue at once, as in v1);
        # tests of the review desk switch it on
        "justice": make(code="CSSFJ", name="春城市司法局", kind="justice", parent=city, opinion_prefix="春司审",
                        signoff_required=False),
        "audit": make(code="CSSJJ", name="春城市审计局", kind="audit", parent=city),
        "county": county,
        "county_edu": make(code="QSJY", name="青山县教育局", kind="drafting", number_prefix="青教规", parent=county),
        "county_justice": make(code="QSSFJ", name="青山县司法局", kind="justice", parent=county, signoff_required=False),
        "county_audit": make(code="QSSJJ", name="青山县审计局", kind="audit", parent=county),
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
        # the county's staff: the right roles in the wrong organisation for the city's documents
        "county_drafter": make("county_drafter", "county_edu", "drafter"),
        "county_reviewer": make("county_reviewer", "county_justice", "reviewer"),
        "county_registrar": make("county_registrar", "county", "registrar"),
        "county_auditor": make("county_auditor", "county_audit", "auditor"),
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
# R5: approving on the day of submission is early; the fixtures say why, as a clerk would.
URGENT = "市政府常务会议即将审议，需提前出具审核意见"


@pytest.fixture
def make_document(users, orgs):
    """Carry a new document to ``until`` (one of STEPS) through the services."""

    def make(until="drafting", *, kind="normative", affects_rights=False, validity_years=5, title="春城市校外培训机构管理办法"):
        contract = ({"counterparty": "春城建设集团有限公司", "amount_yuan": Decimal("2500000.00"),
                     "contract_type": "建设工程", "term_months": 24} if kind == "contract" else None)
        doc = services.document_create(actor=users["drafter"], title=title, body=BODY, issuer=orgs["city"],
                                       kind=kind, affects_rights=affects_rights, validity_years=validity_years,
                                       contract=contract)
        steps = STEPS[1:STEPS.index(until) + 1]
        for step in steps:
            if step == "submitted":
                if kind == "major_decision":  # R17: expert argument and risk assessment first
                    for procedure in ("expert_argument", "risk_assessment"):
                        services.document_record_procedure_step(actor=users["drafter"], document_id=doc.pk,
                                                                step=procedure, held_on=today(), summary="已开展")
                services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk,
                                                    drafting_notes="依据《中华人民共和国教育法》第十条制定。",
                                                    exemption_reason="" if not affects_rights else "应急，经批准不公开")
            elif step == "approved":
                if kind in ("major_decision", "contract"):  # R16: a legal adviser's opinion first
                    give_adviser_opinion(doc, orgs)
                services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="经审核，合法。",
                                          urgent_reason=URGENT)
            elif step == "registered":
                registry.document_register(actor=users["registrar"], document_id=doc.pk,
                                           meeting="市政府第12次常务会议", deliberated_on=today())
            elif step == "published":
                registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="website")
        return Document.objects.get(pk=doc.pk)

    return make


def give_adviser_opinion(doc, orgs):
    """R16, through the services: a head of the bureau invites an adviser, who answers."""
    head, _ = User.objects.get_or_create(username="head", defaults={"organisation": orgs["justice"],
                                                                     "role": "review_head"})
    firm, _ = Organisation.objects.get_or_create(code="CSLS", defaults={"name": "春城明法律师事务所", "kind": "law_firm"})
    adviser, _ = User.objects.get_or_create(username="adviser", defaults={"organisation": firm, "role": "adviser"})
    services.document_invite_adviser(actor=head, document_id=doc.pk, adviser="adviser")
    services.document_give_adviser_opinion(actor=adviser, document_id=doc.pk, opinion="经审查，未发现法律风险。")


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


def pytest_terminal_summary(terminalreporter):
    """From 1 December, say loudly when chinese-calendar does not know next year: a deployment
    must import the schedule (manage.py import_holidays), or January's due dates are provisional."""
    import chinese_calendar

    now = today()
    if (now.month, now.day) < (12, 1):
        return
    try:
        chinese_calendar.is_workday(dt.date(now.year + 1, 1, 2))
    except NotImplementedError:
        terminalreporter.write_line(f"提醒：chinese-calendar 尚无{now.year + 1}年节假日安排，"
                                    f"请运行 manage.py import_holidays {now.year + 1} FILE", yellow=True, bold=True)
