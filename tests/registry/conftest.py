"""Fixtures of the registry's tests: the two-level world of filing review (R11, R19)."""
import pytest

from accounts.models import Organisation, User
from core.clock import today
from registry import services as registry
from review import services
from review.models import Document

BODY = "第一条 为规范管理，制定本办法。\n第二条 本办法自公布之日起施行。"


@pytest.fixture
def congresses(orgs, users):
    """Each government's people's congress standing committee, with a reviewer; the city's
    justice bureau gets a head (escalations go to heads)."""
    make = Organisation.objects.create
    city_rd = make(code="CSRD", name="春城市人大常委会", kind="congress", parent=orgs["city"], level="city")
    county_rd = make(code="QSRD", name="青山县人大常委会", kind="congress", parent=orgs["county"], level="county")
    user = User.objects.create_user
    users["city_congress"] = user("city_congress", password="pw-12345", organisation=city_rd, role="reviewer")
    users["county_congress"] = user("county_congress", password="pw-12345", organisation=county_rd, role="reviewer")
    users["head"] = user("head", password="pw-12345", organisation=orgs["justice"], role="review_head")
    return {"city": city_rd, "county": county_rd}


@pytest.fixture
def county_document(users, orgs):
    """A document of the county government, carried to publication by the county's own staff."""

    def make(title="青山县乙办法"):
        doc = services.document_create(actor=users["county_drafter"], title=title, body=BODY,
                                       issuer=orgs["county"], affects_rights=False, validity_years=5)
        services.document_submit_for_review(actor=users["county_drafter"], document_id=doc.pk,
                                            drafting_notes="依据《中华人民共和国教育法》制定")
        services.document_approve(actor=users["county_reviewer"], document_id=doc.pk, opinion="合法",
                                  urgent_reason="急需")
        registry.document_register(actor=users["county_registrar"], document_id=doc.pk, meeting="县政府常务会议",
                                   deliberated_on=today())
        registry.document_publish(actor=users["county_registrar"], document_id=doc.pk, channel="website")
        return Document.objects.get(pk=doc.pk)

    return make
