"""审查建议 (R19): anyone may ask the filing recipients to review a published document, without a
login, throttled per client; the receipt shows the state and the reply and never anyone's
personal data; the recipient's reviewers read and answer the requests to their organisation."""
import datetime as dt

import pytest
from rest_framework.test import APIClient

from core.clock import today
from registry.models import ReviewRequest
from review.models import History

pytestmark = pytest.mark.django_db

PERSON = {"name": "王小明", "contact": "13800138000", "reason": "第二条增加了上位法没有规定的义务"}


def ask(body, ip="203.0.113.7"):
    return APIClient().post("/api/public/review-requests/", body, format="json", REMOTE_ADDR=ip)


def staff(users, name):
    client = APIClient()
    client.force_authenticate(users[name])
    return client


def test_a_request_by_number_goes_to_every_recipient_and_the_receipt_shows_no_personal_data(
        users, congresses, county_document):
    doc = county_document()
    r = ask({"document": doc.number, **PERSON})
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "received" and len(r.json()["receipt"]) >= 20
    receipt = r.json()["receipt"]
    rows = ReviewRequest.objects.filter(receipt=receipt)
    assert sorted(rows.values_list("recipient__code", flat=True)) == ["CSSFJ", "QSRD"]
    assert {row.due_on for row in rows} == {today() + dt.timedelta(days=60)}

    lookup = APIClient().get(f"/api/public/review-requests/{receipt}/")
    assert lookup.status_code == 200
    assert lookup.json()["state"] == "received" and lookup.json()["reply"] is None
    text = lookup.content.decode()
    for personal in PERSON.values():
        assert personal not in text
    # the log says a request came, not who sent it
    logged = History.objects.get(document=doc, action="review_request_received").opinion
    assert "王小明" not in logged and "13800138000" not in logged

    # the recipient's reviewers read it in full and answer it
    mine = staff(users, "reviewer").get("/api/review-requests/").json()["results"]
    assert [(row["name"], row["contact"], row["recipient"]) for row in mine] == [("王小明", "13800138000", "CSSFJ")]
    assert staff(users, "county_reviewer").get("/api/review-requests/").json()["count"] == 0
    r = staff(users, "reviewer").post(f"/api/review-requests/{mine[0]['id']}/reply/",
                                      {"outcome": "correction_required", "reply": "已要求制定机关纠正"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "answered"
    partly = APIClient().get(f"/api/public/review-requests/{receipt}/").json()
    assert partly["state"] == "received"  # the congress has not answered yet
    assert partly["reply"] == "已要求制定机关纠正" and partly["outcome"] == "correction_required"
    assert {(x["recipient"], x["state"]) for x in partly["replies"]} == {("春城市司法局", "answered"),
                                                                       ("青山县人大常委会", "received")}
    other = staff(users, "county_congress").get("/api/review-requests/").json()["results"][0]
    staff(users, "county_congress").post(f"/api/review-requests/{other['id']}/reply/",
                                         {"outcome": "no_issue", "reply": "未发现问题"}, format="json")
    done = APIClient().get(f"/api/public/review-requests/{receipt}/").json()
    assert done["state"] == "answered" and done["replied_on"] == today().isoformat()
    for personal in PERSON.values():
        assert personal not in str(done)


def test_recipient_narrows_and_id_works_too(congresses, county_document):
    doc = county_document()
    r = ask({"document": str(doc.pk), **PERSON, "recipient": "青山县人大常委会"})
    assert r.status_code == 201
    assert list(ReviewRequest.objects.values_list("recipient__code", flat=True)) == ["QSRD"]
    r = ask({"document": str(doc.pk), **PERSON, "recipient": "省人大常委会"})
    assert r.status_code == 400 and "不是该文件的备案审查机关" in r.json()["error"]["message"]


@pytest.mark.parametrize("change,status,code,words", [
    ({"document": "青府规〔2099〕1号"}, 404, "not_found", "未找到该文件"),
    ({"document": "999999999"}, 404, "not_found", "未找到该文件"),
    ({"document": "99999999999999999999999"}, 404, "not_found", "未找到该文件"),
    ({"document": "²"}, 404, "not_found", "未找到该文件"),
    ({"document": ""}, 400, "validation_error", "请填写文件ID或文件编号"),
    ({"name": ""}, 400, "validation_error", "请填写建议人姓名或名称"),
    ({"name": "王\x00明"}, 400, "validation_error", "不能包含控制字符"),
    ({"contact": "138\u202e0000"}, 400, "validation_error", "不能包含控制字符"),
    ({"name": "王" * 101}, 400, "validation_error", "不超过100字"),
    ({"reason": "理" * 5001}, 400, "validation_error", "不超过5000字"),
    ({"reason": None}, 400, "validation_error", "请填写审查建议的理由"),
])
def test_bad_requests_get_a_clear_chinese_answer_and_save_nothing(congresses, county_document, change, status,
                                                                   code, words):
    doc = county_document()
    r = ask({"document": doc.number, **PERSON, **change})
    assert r.status_code == status, r.content
    assert r.json()["error"]["code"] == code and words in r.json()["error"]["message"]
    assert ReviewRequest.objects.count() == 0


def test_only_documents_in_force_and_in_public_view(users, congresses, county_document, make_document):
    from registry import services as registry

    draft = make_document("approved")  # not published: as if it did not exist
    assert ask({"document": str(draft.pk), **PERSON}).status_code == 404
    doc = county_document()
    registry.document_repeal(actor=users["county_registrar"], document_id=doc.pk, reason="废止", decision_ref="青府〔2026〕2号")
    r = ask({"document": doc.number, **PERSON})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_in_force"


def test_a_document_without_any_recipient_refuses_clearly(orgs, make_document):
    doc = make_document("published")  # the city: no government above, no congress in this world
    r = ask({"document": doc.number, **PERSON})
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_filing_recipient"


def test_requests_are_throttled_per_client(settings, congresses, county_document):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "review_requests": "2/hour"}}
    doc = county_document()
    body = {"document": doc.number, **PERSON}
    assert [ask(body).status_code for _ in range(3)] == [201, 201, 429]
    refused = ask(body)
    assert refused.json()["error"]["code"] == "throttled" and "请求过于频繁" in refused.json()["error"]["message"]
    assert ask(body, ip="198.51.100.9").status_code == 201  # another client is not held back
    assert ReviewRequest.objects.values("receipt").distinct().count() == 3


def test_unknown_or_malformed_receipts_are_404(congresses, county_document):
    for receipt in ("nope", "A" * 30, "x" * 65, "%00" * 10):
        r = APIClient().get(f"/api/public/review-requests/{receipt}/")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_reply_rules(users, congresses, county_document):
    doc = county_document()
    ask({"document": doc.number, **PERSON, "recipient": "CSSFJ"})
    row = ReviewRequest.objects.get()
    path = f"/api/review-requests/{row.pk}/reply/"
    assert staff(users, "county_reviewer").post(path, {"outcome": "no_issue", "reply": "x"}, format="json").status_code == 404
    assert staff(users, "auditor").post(path, {"outcome": "no_issue", "reply": "x"}, format="json").status_code == 403
    r = staff(users, "reviewer").post(path, {"outcome": "fine", "reply": "x"}, format="json")
    assert r.status_code == 400 and "处理结果须为" in r.json()["error"]["message"]
    r = staff(users, "reviewer").post(path, {"outcome": "not_accepted", "reply": ""}, format="json")
    assert r.status_code == 400 and "请填写答复内容" in r.json()["error"]["message"]
    assert staff(users, "reviewer").post(path, {"outcome": "not_accepted", "reply": "不属于受理范围"},
                                         format="json").status_code == 200
    r = staff(users, "reviewer2").post(path, {"outcome": "no_issue", "reply": "再答复"}, format="json")
    assert r.status_code == 409
    assert ReviewRequest.objects.get().reply == "不属于受理范围"
    assert staff(users, "drafter").get("/api/review-requests/").status_code == 403
    assert staff(users, "auditor").get("/api/review-requests/?state=answered").json()["count"] == 1
    assert staff(users, "auditor").get("/api/review-requests/?state=lost").status_code == 400


def test_only_normative_documents_take_review_requests(congresses, county_document):
    from review.models import Document

    doc = county_document()
    Document.objects.filter(pk=doc.pk).update(kind="important_document")  # R13: no filing, no request
    assert ask({"document": doc.number, **PERSON}).status_code == 404
