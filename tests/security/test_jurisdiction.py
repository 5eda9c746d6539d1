"""R14: two governments in one database (the city of 春城 and the county of 青山 under it, each
with its justice bureau, departments, registry and overseer). Nothing of one is visible or
actionable to the other's staff; the city's overseer sees the county's documents, not the
reverse. Drafters draft only for their department or its government."""
import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.jurisdiction import Jurisdiction
from accounts.models import Organisation, User
from core.clock import today
from core.errors import Forbidden
from notifications.models import Reminder
from registry import services as registry
from review import services
from review.models import Document

pytestmark = pytest.mark.django_db

BODY = "第一条 为规范管理，制定本办法。\n第二条 本办法自公布之日起施行。"


@pytest.fixture
def two_governments(users, orgs, make_document):
    """A published document of each government, carried by its own staff."""
    city_doc = make_document("published", title="春城市甲办法")
    doc = services.document_create(actor=users["county_drafter"], title="青山县乙办法", body=BODY,
                                   issuer=orgs["county"], affects_rights=False, validity_years=5)
    services.document_submit_for_review(actor=users["county_drafter"], document_id=doc.pk, drafting_notes="依据")
    services.document_approve(actor=users["county_reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急需")
    registry.document_register(actor=users["county_registrar"], document_id=doc.pk, meeting="县政府常务会议",
                               deliberated_on=today())
    registry.document_publish(actor=users["county_registrar"], document_id=doc.pk, channel="website")
    return city_doc, Document.objects.get(pk=doc.pk)


def api(users, name):
    client = APIClient()
    client.force_authenticate(users[name])
    return client


def listed(client, path):
    return {row["id"] for row in client.get(path).json()["results"]}


CITY_STAFF = ["drafter", "reviewer", "registrar"]
COUNTY_STAFF = ["county_drafter", "county_reviewer", "county_registrar", "county_auditor"]


@pytest.mark.parametrize("name", COUNTY_STAFF)
def test_the_countys_staff_see_and_touch_nothing_of_the_city(name, users, two_governments):
    city_doc, county_doc = two_governments
    client = api(users, name)
    assert city_doc.pk not in listed(client, "/api/documents/")
    for path in ("", "history/", "versions/", "precheck/", "review-rounds/"):
        assert client.get(f"/api/documents/{city_doc.pk}/{path}").status_code == 404
    for act, body in (("repeal/", {"reason": "废止", "decision_ref": "青府〔2026〕1号"}),
                      ("file-record/", {"filed_with": "省政府", "filed_on": today().isoformat()})):
        r = client.post(f"/api/documents/{city_doc.pk}/{act}", body, format="json")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert Document.objects.get(pk=city_doc.pk).state == "published"


@pytest.mark.parametrize("name", CITY_STAFF)
def test_the_citys_staff_see_and_touch_nothing_of_the_county(name, users, two_governments):
    _, county_doc = two_governments
    client = api(users, name)
    assert county_doc.pk not in listed(client, "/api/documents/")
    assert client.get(f"/api/documents/{county_doc.pk}/").status_code == 404
    r = client.post(f"/api/documents/{county_doc.pk}/repeal/", {"reason": "x", "decision_ref": "y"}, format="json")
    assert r.status_code == 404


def test_the_city_overseer_sees_the_county_and_not_the_reverse(users, two_governments):
    city_doc, county_doc = two_governments
    assert {city_doc.pk, county_doc.pk} <= listed(api(users, "auditor"), "/api/documents/")
    county = api(users, "county_auditor")
    assert listed(county, "/api/documents/") == {county_doc.pk}
    assert county.get(f"/api/documents/{county_doc.pk}/history/").status_code == 200
    events = county.get("/api/audit/events/").json()["results"]
    assert events and {e["document_id"] for e in events} == {county_doc.pk}
    figures = county.get(f"/api/stats/annual/?year={today().year}").json()
    assert figures["normative_documents_published"] == 1
    assert api(users, "auditor").get(f"/api/stats/annual/?year={today().year}").json()[
        "normative_documents_published"] == 2


def test_each_registry_lists_only_its_own_numbers(users, two_governments):
    numbers = lambda name: {e["number"] for e in api(users, name).get("/api/registry/").json()["results"]}  # noqa: E731
    assert all(n.startswith("春府规") for n in numbers("registrar")) and numbers("registrar")
    assert all(n.startswith("青府规") for n in numbers("county_registrar")) and numbers("county_registrar")
    assert numbers("auditor") == numbers("registrar") | numbers("county_registrar")


def test_a_drafter_drafts_only_for_its_department_or_its_government(users, orgs):
    """The reported case: the education bureau drafted in the market bureau's name and got its
    number. Now refused, nothing created; its own name and the city's are fine."""
    client = api(users, "drafter")
    r = client.post("/api/documents/", {"title": "甲", "body": BODY, "issuer": "CSSJ"}, format="json")
    assert r.status_code == 403 and r.json()["error"]["code"] == "outside_jurisdiction"
    assert "CSSJ" not in set(Document.objects.values_list("issuer__code", flat=True))
    for issuer in ("CSJY", "CSZF"):
        assert client.post("/api/documents/", {"title": "乙", "body": BODY, "issuer": issuer},
                           format="json").status_code == 201
    doc = Document.objects.filter(issuer__code="CSJY").first()
    r = client.patch(f"/api/documents/{doc.pk}/", {"issuer": "QSZF"}, format="json")
    assert r.status_code == 403 and Document.objects.get(pk=doc.pk).issuer.code == "CSJY"


def test_a_reviewer_of_another_body_cannot_approve(users, make_document):
    doc = make_document("submitted")
    r = api(users, "county_reviewer").post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急需"}, format="json")
    assert r.status_code == 404 and Document.objects.get(pk=doc.pk).state == "legality_review"


def test_a_review_head_acts_on_the_bodys_rounds(users, orgs, make_document):
    head = User.objects.create_user(username="head", password="x", organisation=orgs["justice"], role="review_head")
    doc = make_document("submitted")
    client = APIClient()
    client.force_authenticate(head)
    assert client.post(f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急需"}, format="json").status_code == 200


def test_an_adviser_sees_nothing_uninvited(users, orgs, make_document):
    firm = Organisation.objects.create(code="LS", name="明法律师事务所", kind="law_firm")
    adviser = User.objects.create_user(username="adviser", password="x", organisation=firm, role="adviser")
    doc = make_document("submitted")
    client = APIClient()
    client.force_authenticate(adviser)
    assert client.get(f"/api/documents/{doc.pk}/").status_code == 404
    assert client.get("/api/documents/").json()["count"] == 0


def test_review_reminders_go_to_the_bodys_reviewers_only(users, make_document):
    doc = make_document("submitted")
    recipients = set(Reminder.objects.filter(document=doc).values_list("recipient__username", flat=True))
    assert recipients == {"reviewer", "reviewer2"}


def test_the_only_government_and_justice_bureau_make_every_default(db):
    """Defaults are resolved when used: a department added before its government, then its
    justice bureau, gets that bureau as its review body; its own office registers for it."""
    call_command("add_org", "D", name="某局", kind="drafting", number_prefix="某规")
    call_command("add_org", "G", name="某市人民政府", kind="office", number_prefix="某府规")
    call_command("add_org", "D", name="某局", kind="drafting", number_prefix="某规", parent="G")
    j = Jurisdiction()
    d, g = Organisation.objects.get(code="D"), Organisation.objects.get(code="G")
    assert j.review_body_of(d.pk) is None  # no justice organisation yet
    call_command("add_org", "J", name="某市司法局", kind="justice", parent="G")
    call_command("add_org", "R", name="某市人大常委会", kind="congress", parent="G")
    j = Jurisdiction()
    justice = Organisation.objects.get(code="J")
    assert j.review_body_of(d.pk) == j.review_body_of(g.pk) == justice.pk
    assert j.registry_office_of(d.pk) == d.pk and j.issuers_drafted_for_by(d.pk) == {d.pk, g.pk}
    assert j.default_filing_recipients(d.pk) == [justice.pk]
    assert j.default_filing_recipients(g.pk) == [Organisation.objects.get(code="R").pk]  # no government above
    call_command("add_org", "D", name="某局", kind="drafting", parent="G", review_body="J", registry_office="G",
                 files_with="J,R")
    d.refresh_from_db()
    assert (d.review_body.code, d.registry_office.code, sorted(d.files_with.values_list("code", flat=True))) == (
        "J", "G", ["J", "R"])


@pytest.mark.parametrize("flags,message", [
    ({"parent": "NOPE"}, "不存在"),
    ({"review_body": "G"}, "合法性审核机构须为司法行政部门"),
    ({"registry_office": "J"}, "登记机构须为人民政府"),
    ({"files_with": "G"}, "备案机关须为"),
    ({"opinion_prefix": "某司审"}, "只适用于审核机构"),
    ({"parent": "D"}, "上级须为人民政府"),
])
def test_add_org_refuses_what_makes_no_sense(flags, message, db):
    call_command("add_org", "G", name="某市人民政府", kind="office")
    call_command("add_org", "J", name="某市司法局", kind="justice", parent="G")
    call_command("add_org", "D", name="某局", kind="drafting", parent="G")
    with pytest.raises(CommandError, match=message):
        call_command("add_org", "X", name="某新局", kind="drafting", **flags)
    assert not Organisation.objects.filter(code="X").exists()


def test_add_org_refuses_a_circle_of_parents(db):
    call_command("add_org", "G", name="某市人民政府", kind="office")
    call_command("add_org", "C", name="某县人民政府", kind="office", parent="G")
    with pytest.raises(CommandError, match="成环"):
        call_command("add_org", "G", name="某市人民政府", kind="office", parent="C")


def test_add_user_takes_the_new_roles_in_fitting_organisations(db):
    call_command("add_org", "G", name="某市人民政府", kind="office")
    call_command("add_org", "J", name="某市司法局", kind="justice", parent="G")
    call_command("add_org", "L", name="某律师事务所", kind="law_firm")
    call_command("add_user", "h", org="J", role="review_head", password="pw-12345")
    call_command("add_user", "a", org="L", role="adviser", password="pw-12345")
    assert dict(User.objects.values_list("username", "role")) == {"h": "review_head", "a": "adviser"}
    with pytest.raises(CommandError, match="审核人员"):
        call_command("add_user", "r", org="L", role="reviewer", password="pw-12345")


def test_check_create_names_the_problem(users, orgs):
    with pytest.raises(Forbidden, match="只能为本单位或所属人民政府起草"):
        services.document_create(actor=users["drafter"], title="甲", body=BODY, issuer=orgs["county"])
