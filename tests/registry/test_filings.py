"""备案审查 from both sides (R11, R19): a two-level world (the city of 春城 with its people's congress,
the county of 青山 under it with its own). Publication creates one filing per recipient; the
issuer submits, the recipient registers, reviews and orders corrections; the issuer answers; each
side sees and acts on its own filings only."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.calendar import add_working_days
from core.clock import today
from registry import services as registry
from registry.models import Filing
from review.models import History

pytestmark = pytest.mark.django_db


def api(users, name):
    client = APIClient()
    client.force_authenticate(users[name])
    return client


def post(users, name, path, body=None):
    return api(users, name).post(path, body or {}, format="json")


def listed(users, name, query=""):
    response = api(users, name).get(f"/api/filings/{query}")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def filing_to(doc, code):
    return Filing.objects.get(document=doc, recipient__code=code)


# --- R11: publication creates the filings ----------------------------------------------------------
def test_publication_creates_one_filing_per_recipient_with_the_materials(congresses, make_document, county_document):
    city_doc = make_document("published")
    county_doc = county_document()
    # a government files with the justice bureau of the government above and its own congress;
    # the city has no government above: its congress only
    assert sorted(Filing.objects.filter(document=city_doc).values_list("recipient__code", flat=True)) == ["CSRD"]
    assert sorted(Filing.objects.filter(document=county_doc).values_list("recipient__code", flat=True)) == [
        "CSSFJ", "QSRD"]
    filing = filing_to(county_doc, "CSSFJ")
    assert filing.state == "due" and filing.issuer_id == county_doc.issuer_id
    assert filing.due_on == county_doc.published_on + dt.timedelta(days=30)
    assert filing.version_id == county_doc.current_version_id == county_doc.approved_version_id
    publish = History.objects.get(document=county_doc, action="publish")
    assert "春城市司法局" in publish.opinion and "青山县人大常委会" in publish.opinion


def test_explicit_files_with_overrides_the_default(orgs, congresses, make_document):
    orgs["city"].files_with.add(orgs["justice"], congresses["city"])
    doc = make_document("published")
    assert sorted(Filing.objects.filter(document=doc).values_list("recipient__code", flat=True)) == ["CSRD", "CSSFJ"]


def test_a_change_of_files_with_reaches_the_next_publication(orgs, congresses, make_document):
    """The explicit recipients are kept with the organisation tree between acts; changing them
    gives the tree a new version, so the next publication files with the new ones."""
    def recipients(doc):
        return sorted(Filing.objects.filter(document=doc).values_list("recipient__code", flat=True))

    before = recipients(make_document("published", title="春城市甲办法"))
    orgs["city"].files_with.add(orgs["justice"])
    assert recipients(make_document("published", title="春城市乙办法")) == ["CSSFJ"] != before
    orgs["city"].files_with.clear()
    assert recipients(make_document("published", title="春城市丙办法")) == before


def test_a_filing_carries_the_materials_without_retyping(users, orgs, congresses, county_document):
    doc = county_document()
    r = api(users, "reviewer").get("/api/filings/?direction=incoming")
    (row,) = r.json()["results"]
    opinion = doc.opinions.get(status="issued")
    assert row["document"] == doc.pk and row["number"] == doc.number and row["issuer"] == "QSZF"
    assert row["materials"] == {
        "version": 1, "text_sha256": doc.current_version.sha256, "text_url": f"/api/public/documents/{doc.pk}/",
        "drafting_notes": "依据《中华人民共和国教育法》制定",
        "opinion_numbers": [opinion.number],
        "publication": {"number": doc.number, "published_on": today().isoformat(),
                        "effective_from": today().isoformat(), "channel": "website"}}


# --- the whole cycle -------------------------------------------------------------------------------
def test_return_resubmit_accept_correct_and_repeal(users, orgs, congresses, county_document):
    doc = county_document()
    filing = filing_to(doc, "CSSFJ")
    path = f"/api/filings/{filing.pk}"

    r = post(users, "county_registrar", f"{path}/submit/", {"report_ref": "青府报〔2026〕1号"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "submitted" and r.json()["late"] is False and r.json()["report_ref"] == "青府报〔2026〕1号"

    r = post(users, "reviewer", f"{path}/return/", {"reason": "缺少起草说明的附件"})
    assert r.status_code == 200 and r.json()["state"] == "returned" and r.json()["returns"] == 1

    r = post(users, "county_registrar", f"{path}/submit/")  # the answer to a return is a resubmission
    assert r.status_code == 200 and r.json()["state"] == "submitted"

    r = post(users, "reviewer", f"{path}/accept/")
    assert r.status_code == 200 and r.json()["state"] == "under_review"
    assert r.json()["review_due_on"] == add_working_days(today(), 30).date.isoformat()

    r = post(users, "reviewer", f"{path}/conclude/", {"outcome": "correction_required", "opinion": "第二条超越权限"})
    assert r.status_code == 200 and r.json()["state"] == "correction_required"
    assert r.json()["correction_due_on"] == (today() + dt.timedelta(days=30)).isoformat()

    r = post(users, "county_registrar", f"{path}/respond/", {"action": "repealed", "note": "已决定废止"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "corrected" and r.json()["response"]["action"] == "repealed"
    doc.refresh_from_db()
    assert doc.state == "repealed" and doc.closing_reason == "已决定废止"
    actions = list(History.objects.filter(document=doc).order_by("seq").values_list("action", flat=True))
    assert actions[-7:] == ["filing_submit", "filing_return", "filing_submit", "filing_accept", "filing_conclude",
                            "repeal", "filing_respond"]


def test_a_repeal_that_fails_leaves_the_correction_open(users, orgs, congresses, county_document):
    """The repeal and the answer are one transaction: a refused repeal answers nothing."""
    doc = county_document()
    filing = filing_to(doc, "CSSFJ")
    for who, act, body in (("county_registrar", "submit", {}), ("reviewer", "accept", {}),
                           ("reviewer", "conclude", {"outcome": "correction_required", "opinion": "违法"})):
        assert post(users, who, f"/api/filings/{filing.pk}/{act}/", body).status_code == 200
    registry.document_repeal(actor=users["county_registrar"], document_id=doc.pk, reason="另行废止",
                             decision_ref="青府〔2026〕9号")
    r = post(users, "county_registrar", f"/api/filings/{filing.pk}/respond/", {"action": "repealed", "note": "废止"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    assert Filing.objects.get(pk=filing.pk).state == "correction_required"


def test_explained_answer_rejected_escalates_to_the_head(users, orgs, congresses, county_document):
    from notifications.models import InboxMessage, Reminder
    from notifications.sweep import run_sweep

    doc = county_document()
    filing = filing_to(doc, "CSSFJ")
    path = f"/api/filings/{filing.pk}"
    post(users, "county_registrar", f"{path}/submit/")
    post(users, "reviewer", f"{path}/accept/")
    post(users, "reviewer", f"{path}/conclude/", {"outcome": "correction_required", "opinion": "违法"})
    r = post(users, "county_registrar", f"{path}/respond/", {"action": "explained", "note": "有上位法依据"})
    assert r.status_code == 200 and r.json()["response"]["note"] == "有上位法依据"
    r = post(users, "reviewer", f"{path}/reject-response/", {"note": "理由不成立"})
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "correction_required" and r.json()["escalated_on"] == today().isoformat()
    assert r.json()["rejection_note"] == "理由不成立"
    escalations = Reminder.objects.filter(document=doc, kind="filing_escalated")
    assert list(escalations.values_list("recipient__username", flat=True)) == ["head"]  # a person, not a role
    run_sweep()
    run_sweep()
    assert InboxMessage.objects.filter(recipient=users["head"], reminder__kind="filing_escalated").count() == 1
    assert History.objects.filter(document=doc, action="filing_reject_response").count() == 1
    # the issuer answers again: amended, with the new document linked
    amending = county_document(title="青山县乙办法（修订）")
    r = post(users, "county_registrar", f"{path}/respond/", {"action": "amended", "note": "已修改",
                                                              "document": amending.pk})
    assert r.status_code == 200 and r.json()["response"]["document"] == amending.pk


def test_a_filing_concluded_filed_ends_there(users, congresses, county_document):
    doc = county_document()
    filing = filing_to(doc, "QSRD")  # the county's congress reviews with its own reviewer
    post(users, "county_registrar", f"/api/filings/{filing.pk}/submit/")
    assert post(users, "county_congress", f"/api/filings/{filing.pk}/accept/").status_code == 200
    r = post(users, "county_congress", f"/api/filings/{filing.pk}/conclude/", {"outcome": "filed", "opinion": "予以备案"})
    assert r.status_code == 200 and r.json()["state"] == "filed" and r.json()["outcome"] == "filed"
    r = post(users, "county_registrar", f"/api/filings/{filing.pk}/respond/", {"action": "explained", "note": "x"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"


# --- each rule: a passing and a refused case ---------------------------------------------------------
def test_submission_after_the_deadline_is_late(users, congresses, county_document, freeze_today):
    doc = county_document()
    on_time, late = filing_to(doc, "CSSFJ"), filing_to(doc, "QSRD")
    assert post(users, "county_registrar", f"/api/filings/{on_time.pk}/submit/").json()["late"] is False
    freeze_today(today() + dt.timedelta(days=31))
    r = post(users, "county_registrar", f"/api/filings/{late.pk}/submit/")
    assert r.json()["late"] is True and r.json()["overdue"] is False
    r = post(users, "county_registrar", f"/api/filings/{late.pk}/submit/")  # submitted already
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"


@pytest.mark.parametrize("act,body,message", [
    ("return", {}, "请填写退回理由"),
    ("return", {"reason": "  "}, "请填写退回理由"),
    ("conclude", {"outcome": "maybe", "opinion": "x"}, "审查结论须为"),
    ("conclude", {"outcome": "filed"}, "请填写审查意见"),
])
def test_the_recipients_acts_refuse_bad_input_in_chinese(users, congresses, county_document, act, body, message):
    doc = county_document()
    filing = filing_to(doc, "CSSFJ")
    post(users, "county_registrar", f"/api/filings/{filing.pk}/submit/")
    if act == "conclude":
        post(users, "reviewer", f"/api/filings/{filing.pk}/accept/")
    before = Filing.objects.get(pk=filing.pk).state
    r = post(users, "reviewer", f"/api/filings/{filing.pk}/{act}/", body)
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"
    assert message in r.json()["error"]["message"]
    assert Filing.objects.get(pk=filing.pk).state == before


def test_the_review_starts_only_on_a_submitted_filing(users, congresses, county_document):
    doc = county_document()
    filing = filing_to(doc, "CSSFJ")
    r = post(users, "reviewer", f"/api/filings/{filing.pk}/accept/")  # nothing submitted yet
    assert r.status_code == 409 and "待报送" in r.json()["error"]["message"]
    post(users, "county_registrar", f"/api/filings/{filing.pk}/submit/")
    assert post(users, "reviewer", f"/api/filings/{filing.pk}/accept/").status_code == 200
    assert post(users, "reviewer2", f"/api/filings/{filing.pk}/accept/").status_code == 409


def test_an_amended_answer_names_a_document_of_the_same_issuer(users, congresses, county_document, make_document):
    doc = county_document()
    filing = filing_to(doc, "CSSFJ")
    post(users, "county_registrar", f"/api/filings/{filing.pk}/submit/")
    post(users, "reviewer", f"/api/filings/{filing.pk}/accept/")
    post(users, "reviewer", f"/api/filings/{filing.pk}/conclude/", {"outcome": "correction_required", "opinion": "违法"})
    path = f"/api/filings/{filing.pk}/respond/"
    r = post(users, "county_registrar", path, {"action": "amended", "note": "已修改"})
    assert r.status_code == 400 and "修改后的文件" in r.json()["error"]["message"]
    r = post(users, "county_registrar", path, {"action": "amended", "note": "已修改", "document": doc.pk})
    assert r.status_code == 400
    city_doc = make_document("published")  # not the county registrar's to name: it may not see it
    r = post(users, "county_registrar", path, {"action": "amended", "note": "已修改", "document": city_doc.pk})
    assert r.status_code == 404
    r = post(users, "county_registrar", path, {"action": "rewritten", "note": "x"})
    assert r.status_code == 400 and "纠正情况须为" in r.json()["error"]["message"]
    assert Filing.objects.get(pk=filing.pk).state == "correction_required"


def test_the_answer_can_be_rejected_only_once_given(users, congresses, county_document):
    doc = county_document()
    filing = filing_to(doc, "CSSFJ")
    post(users, "county_registrar", f"/api/filings/{filing.pk}/submit/")
    r = post(users, "reviewer", f"/api/filings/{filing.pk}/reject-response/", {"note": "不认可"})
    assert r.status_code == 409
    r = post(users, "reviewer", f"/api/filings/{filing.pk}/reject-response/", {})
    assert r.status_code == 400 and "不予认可的理由" in r.json()["error"]["message"]


# --- v1 file-record: the shortcut for one recipient ----------------------------------------------------
def test_file_record_with_a_recipients_code_or_name_submits_that_filing(users, congresses, county_document):
    doc = county_document()
    client = api(users, "county_registrar")
    r = client.post(f"/api/documents/{doc.pk}/file-record/", {"filed_with": "CSSFJ", "filed_on": today().isoformat(),
                                                               "reference": "青府报〔2026〕2号"}, format="json")
    assert r.status_code == 200, r.content
    assert filing_to(doc, "CSSFJ").state == "submitted" and filing_to(doc, "CSSFJ").report_ref == "青府报〔2026〕2号"
    assert r.json()["filed_on"] is None  # one recipient still waits
    r = client.post(f"/api/documents/{doc.pk}/file-record/", {"filed_with": "青山县人大常委会",
                                                               "filed_on": today().isoformat()}, format="json")
    assert r.status_code == 200 and r.json()["filed_on"] == today().isoformat()
    assert "春城市司法局" in r.json()["filed_with"] and "青山县人大常委会" in r.json()["filed_with"]
    r = client.post(f"/api/documents/{doc.pk}/file-record/", {"filed_with": "CSSFJ", "filed_on": today().isoformat()},
                    format="json")
    assert r.status_code == 409  # submitted already
    r = client.post(f"/api/documents/{doc.pk}/file-record/", {"filed_with": "省人民政府", "filed_on": today().isoformat()},
                    format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_filed"  # as in v1


def test_file_record_with_other_text_records_a_body_outside_the_system(users, congresses, make_document):
    doc = make_document("published")
    r = api(users, "registrar").post(f"/api/documents/{doc.pk}/file-record/",
                                     {"filed_with": "省人民政府", "filed_on": today().isoformat()}, format="json")
    assert r.status_code == 200 and r.json()["filed_with"] == "省人民政府"
    assert filing_to(doc, "CSRD").state == "due"  # the congress's filing is still to be submitted


# --- jurisdiction (R14) ------------------------------------------------------------------------------
def test_each_side_sees_only_its_own_filings(users, orgs, congresses, make_document, county_document):
    city_doc, county_doc = make_document("published"), county_document()
    city_to_congress = filing_to(city_doc, "CSRD")
    county_up, county_congress = filing_to(county_doc, "CSSFJ"), filing_to(county_doc, "QSRD")
    # issuers' registrars: their outgoing filings only
    assert listed(users, "registrar") == {city_to_congress.pk}
    assert listed(users, "county_registrar") == {county_up.pk, county_congress.pk}
    assert listed(users, "county_registrar", "?direction=incoming") == set()
    # recipients' reviewers: what was filed with their organisation only
    assert listed(users, "reviewer") == {county_up.pk}
    assert listed(users, "city_congress") == {city_to_congress.pk}
    assert listed(users, "county_congress") == {county_congress.pk}
    assert listed(users, "county_reviewer") == set()
    # overseers: within their government and below
    assert listed(users, "auditor") == {city_to_congress.pk, county_up.pk, county_congress.pk}
    assert listed(users, "county_auditor") == {county_up.pk, county_congress.pk}
    assert listed(users, "county_auditor", "?direction=incoming") == {county_congress.pk}
    # drafters handle no filings
    assert api(users, "drafter").get("/api/filings/").status_code == 403


def test_every_act_refuses_the_wrong_organisation(users, congresses, make_document, county_document):
    city_doc, county_doc = make_document("published"), county_document()
    city_filing, county_filing = filing_to(city_doc, "CSRD"), filing_to(county_doc, "QSRD")
    # the county's staff may not see the city's filing: 404 for every act
    bodies = {"return": {"reason": "缺材料"}, "conclude": {"outcome": "filed", "opinion": "予以备案"},
              "respond": {"action": "explained", "note": "说明"}, "reject-response": {"note": "不认可"}}
    for name in ("county_registrar", "county_reviewer", "county_congress", "county_auditor"):
        for act in ("submit", "accept", "return", "conclude", "respond", "reject-response"):
            r = post(users, name, f"/api/filings/{city_filing.pk}/{act}/", bodies.get(act))
            assert r.status_code == 404, (name, act, r.content)
    # ... and the city's its own side only: the city's congress sees nothing of the county's congress
    assert post(users, "city_congress", f"/api/filings/{county_filing.pk}/accept/").status_code == 404
    # the right organisation but the wrong side: 403
    r = post(users, "registrar", f"/api/filings/{city_filing.pk}/accept/")
    assert r.status_code == 403 and "备案审查机关的审核人员" in r.json()["error"]["message"]
    assert post(users, "city_congress", f"/api/filings/{city_filing.pk}/submit/").status_code == 403
    assert post(users, "auditor", f"/api/filings/{city_filing.pk}/submit/").status_code == 403
    assert Filing.objects.get(pk=city_filing.pk).state == "due"


def test_filters_validate_and_overdue_comes_first(users, congresses, county_document, freeze_today):
    first, second = county_document("甲办法"), county_document("乙办法")
    client = api(users, "county_registrar")
    assert client.get("/api/filings/?direction=sideways").status_code == 400
    assert client.get("/api/filings/?state=lost").status_code == 400
    assert client.get("/api/filings/?overdue=perhaps").status_code == 400
    post(users, "county_registrar", f"/api/filings/{filing_to(first, 'CSSFJ').pk}/submit/")
    freeze_today(today() + dt.timedelta(days=31))
    rows = client.get("/api/filings/?overdue=true").json()["results"]
    assert {r["id"] for r in rows} == {filing_to(first, "QSRD").pk, filing_to(second, "CSSFJ").pk,
                                       filing_to(second, "QSRD").pk}
    assert all(r["overdue"] for r in rows)
    rows = client.get("/api/filings/").json()["results"]
    assert [r["overdue"] for r in rows] == [True, True, True, False]
    assert client.get("/api/filings/?state=submitted").json()["count"] == 1


def test_the_desk_reads_in_a_fixed_number_of_queries(users, congresses, county_document,
                                                     django_assert_max_num_queries):
    county_document("甲办法")
    client = api(users, "reviewer")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/filings/").json()["count"] == 1
    for n in range(4):
        county_document(f"乙{n}办法")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/api/filings/").json()["count"] == 5


def test_the_review_runs_thirty_chinese_working_days_from_acceptance(users, congresses, county_document, freeze_today):
    """R19 on the working-day calendar: accepted on Friday 26 Sep 2025, before National Day (1–8 Oct
    off; Sun 28 Sep and Sat 11 Oct are make-up working days): the 30th working day is 13 Nov."""
    freeze_today(dt.date(2025, 9, 1))
    filing = filing_to(county_document(), "CSSFJ")
    post(users, "county_registrar", f"/api/filings/{filing.pk}/submit/")
    freeze_today(dt.date(2025, 9, 26))
    r = post(users, "reviewer", f"/api/filings/{filing.pk}/accept/")
    assert r.json()["review_due_on"] == "2025-11-13" and r.json()["review_due_provisional"] is False
