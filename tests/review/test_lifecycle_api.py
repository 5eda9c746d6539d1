"""The whole lifecycle through the API (DESIGN §2, §4): every transition allowed from its states
by its role, refused (403 / 409) otherwise with the documented code, and a refusal changes nothing."""
import datetime as dt

import pytest

from review.models import Document, History, ReviewRound
from core.clock import today
from core.calendar import add_working_days
from tests.conftest import BODY, snapshot

pytestmark = pytest.mark.django_db


def post(client, doc_id, action, data=None):
    return client.post(f"/api/documents/{doc_id}/{action}/", data or {}, format="json")


def test_draft_to_published_through_the_api(client_for, users):
    drafter, reviewer, registrar = client_for("drafter"), client_for("reviewer"), client_for("registrar")
    r = drafter.post("/api/documents/", {"title": "春城市校外培训机构管理办法", "body": BODY, "issuer": "CSZF",
                                         "affects_rights": True, "validity_years": 5}, format="json")
    assert r.status_code == 201, r.json()
    doc = r.json()
    assert (doc["state"], doc["version"], doc["issuer"], doc["drafting_org"]) == ("drafting", 1, "CSZF", "CSJY")

    r = drafter.patch(f"/api/documents/{doc['id']}/", {"body": BODY + "\n第三条 新增条款。"}, format="json")
    assert r.status_code == 200 and r.json()["version"] == 2

    closes = add_working_days(today(), 10).date
    r = post(drafter, doc["id"], "open-public-comment", {"closes_on": closes.isoformat()})
    assert r.status_code == 200 and r.json()["state"] == "public_comment"

    r = post(drafter, doc["id"], "submit-for-review", {"drafting_notes": "依据教育法", "comment_summary": "无意见"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "comment_period_open"

    anon = client_for(None)
    r = anon.post(f"/api/documents/{doc['id']}/comments/", {"author_name": "张三", "body": "建议增加收费公示。"}, format="json")
    assert r.status_code == 201
    r = drafter.post(f"/api/documents/{doc['id']}/comments/{r.json()['id']}/dispose/", {"disposition": "adopted"},
                     format="json")
    assert r.status_code == 200 and r.json()[0]["disposition"] == "adopted"

    # The period ends; the drafter submits with the comment handling (R4).
    Document.objects.filter(pk=doc["id"]).update(comment_closes_on=today() - dt.timedelta(days=1))
    r = post(drafter, doc["id"], "submit-for-review", {"drafting_notes": "依据教育法", "comment_summary": "采纳1条"})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["state"] == "legality_review"
    assert body["review_due_at"] == add_working_days(today(), 15).date.isoformat()

    r = post(reviewer, doc["id"], "approve", {"opinion": "经审核，合法。", "urgent_reason": "常务会议即将审议"})
    assert r.status_code == 200 and r.json()["state"] == "registration"

    r = post(registrar, doc["id"], "publish", {"channel": "website"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_registered"

    r = post(registrar, doc["id"], "register", {"meeting": "市政府第12次常务会议", "deliberated_on": today().isoformat()})
    assert r.status_code == 200
    assert r.json()["number"] == f"春府规〔{today().year}〕1号"

    r = post(registrar, doc["id"], "publish", {"channel": "gazette"})
    assert r.status_code == 200
    published = r.json()
    assert published["state"] == "published" and published["published_on"] == today().isoformat()
    assert published["expires_on"] == (today().replace(year=today().year + 5) - dt.timedelta(days=1)).isoformat()

    r = post(registrar, doc["id"], "file-record", {"filed_with": "省人民政府", "filed_on": today().isoformat()})
    assert r.status_code == 200, r.json()
    assert r.json()["filed_on"] == today().isoformat()

    history = drafter.get(f"/api/documents/{doc['id']}/history/").json()["results"]
    assert [h["action"] for h in history] == [
        "create", "edit", "open_public_comment", "dispose_comment", "submit_for_review", "approve", "register",
        "publish", "file_record"]
    # the opinion was issued at once (a bureau without sign-off), as a numbered letter (R15)
    assert history[5]["actor"] == "reviewer" and history[5]["opinion"] == (
        f"经审核，合法。（审核意见书春司审〔{today().year}〕1号，签发人：reviewer）")

    public = anon.get("/api/public/documents/").json()
    assert [d["number"] for d in public["results"]] == [published["number"]]


# (action, role allowed, body, state it starts from)
TRANSITIONS = {
    "open-public-comment": ("drafter", lambda: {"closes_on": add_working_days(today(), 8).date.isoformat()}, "drafting"),
    "submit-for-review": ("drafter", lambda: {"drafting_notes": "依据教育法"}, "drafting"),
    "approve": ("reviewer", lambda: {"opinion": "合法", "urgent_reason": "急需"}, "submitted"),
    "return-for-revision": ("reviewer", lambda: {"outcome": "unlawful", "opinion": "第三条设定罚款，不合法"}, "submitted"),
    "register": ("registrar", lambda: {"meeting": "常务会议", "deliberated_on": today().isoformat()}, "approved"),
    "publish": ("registrar", lambda: {"channel": "website"}, "registered"),
    "file-record": ("registrar", lambda: {"filed_with": "省政府", "filed_on": today().isoformat()}, "published"),
    "repeal": ("registrar", lambda: {"reason": "上位法修改", "decision_ref": "春府〔2026〕9号"}, "published"),
    "withdraw": ("drafter", lambda: {"reason": "工作调整"}, "drafting"),
}
ROLES = ["drafter", "other_drafter", "reviewer", "registrar", "auditor"]
STEPS = ["drafting", "submitted", "approved", "registered", "published"]


@pytest.mark.parametrize("action", TRANSITIONS)
def test_each_transition_only_by_its_role(action, client_for, make_document):
    role, body, start = TRANSITIONS[action]
    for other in ROLES:
        if other == role:
            continue
        doc = make_document(start)
        before = snapshot(doc.pk)
        r = post(client_for(other), doc.pk, action, body())
        # Another department's drafter may not even see a draft (404); others get 403.
        assert r.status_code in (403, 404), (other, r.json())
        assert r.json()["error"]["code"] in ("permission_denied", "not_found")
        if other == "auditor" or (other == "drafter" and role != "drafter"):
            assert r.status_code == 403
        assert snapshot(doc.pk) == before
    doc = make_document(start)
    r = post(client_for(role), doc.pk, action, body())
    assert r.status_code == 200, r.json()


@pytest.mark.parametrize("action", TRANSITIONS)
def test_each_transition_refused_from_other_states(action, client_for, make_document):
    role, body, start = TRANSITIONS[action]
    for step in STEPS:
        if step == start or (action == "withdraw" and step in ("submitted", "approved")):
            continue
        if action in ("file-record", "repeal") and step == "published":
            continue
        doc = make_document(step)
        if (role == "registrar" and step in ("drafting", "submitted")) or (role == "reviewer" and step == "drafting"):
            continue  # not visible to that role at all (404), covered by test_visibility
        before = snapshot(doc.pk)
        r = post(client_for(role), doc.pk, action, body())
        # Same state, but a rule says why not yet / not again:
        special = {("register", "registered"): "already_registered", ("publish", "approved"): "not_registered",
                   ("withdraw", "registered"): "number_not_voided"}
        if (action, step) in special:
            assert r.status_code == 409 and r.json()["error"]["code"] == special[(action, step)]
        elif action in ("submit-for-review", "open-public-comment", "withdraw") and step != "drafting" and r.status_code == 404:
            pytest.fail("a drafter must see its own department's documents in every state")
        else:
            assert r.status_code == 409, (step, r.json())
            assert r.json()["error"]["code"] == "invalid_transition", (step, r.json())
        assert snapshot(doc.pk) == before


def test_return_for_revision_sends_the_draft_back_with_the_opinion(client_for, make_document):
    doc = make_document("submitted")
    r = post(client_for("reviewer"), doc.pk, "return-for-revision",
             {"outcome": "lawful_with_changes", "opinion": "第三条须删除罚款规定",
              "findings": [{"article": "第三条", "basis": "国办发〔2018〕37号", "required_change": "删除罚款"}]})
    assert r.status_code == 200 and r.json()["state"] == "drafting"
    rnd = ReviewRound.objects.get(document=doc)
    assert rnd.outcome == "lawful_with_changes" and rnd.findings[0]["article"] == "第三条"
    # The drafter can edit again and resubmit: a new round with its own due date (R5).
    r = client_for("drafter").patch(f"/api/documents/{doc.pk}/", {"body": BODY + "（已修改）"}, format="json")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = post(client_for("drafter"), doc.pk, "submit-for-review", {"drafting_notes": "已按审核意见修改"})
    assert r.status_code == 200
    assert list(ReviewRound.objects.filter(document=doc).values_list("round_no", "version__number")) == [(1, 1), (2, 2)]


def test_opinion_is_required_to_return(client_for, make_document):
    doc = make_document("submitted")
    before = snapshot(doc.pk)
    r = post(client_for("reviewer"), doc.pk, "return-for-revision", {"outcome": "unlawful", "opinion": "  "})
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"
    assert snapshot(doc.pk) == before


def test_other_kinds_end_reviewed_without_a_number(client_for, make_document):
    """R13: an important document gets an opinion, never a number."""
    doc = make_document("submitted", kind="important_document")
    r = post(client_for("reviewer"), doc.pk, "approve", {"opinion": "合法", "urgent_reason": "急需"})
    assert r.status_code == 200 and r.json()["state"] == "reviewed"
    r = post(client_for("registrar"), doc.pk, "register", {"meeting": "会", "deliberated_on": today().isoformat()})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    assert Document.objects.get(pk=doc.pk).number is None


def test_edit_only_in_drafting(client_for, make_document):
    doc = make_document("submitted")
    before = snapshot(doc.pk)
    r = client_for("drafter").patch(f"/api/documents/{doc.pk}/", {"body": "改过的正文"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_editable"
    assert snapshot(doc.pk) == before


def test_unchanged_text_makes_no_new_version(client_for, make_document):
    doc = make_document()
    r = client_for("drafter").patch(f"/api/documents/{doc.pk}/", {"body": BODY}, format="json")
    assert r.status_code == 200 and r.json()["version"] == 1


def test_versions_and_diff(client_for, make_document):
    doc = make_document()
    client = client_for("drafter")
    client.patch(f"/api/documents/{doc.pk}/", {"body": BODY.replace("第二条", "第二条（修订）")}, format="json")
    versions = client.get(f"/api/documents/{doc.pk}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2] and versions[0]["sha256"] != versions[1]["sha256"]
    diff = client.get(f"/api/documents/{doc.pk}/versions/?diff=1,2").json()
    assert "-第二条 本办法" in diff["diff"] and "+第二条（修订） 本办法" in diff["diff"]
    r = client.get(f"/api/documents/{doc.pk}/versions/?diff=1,9")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"


def test_visibility(client_for, make_document):
    draft = make_document()
    assert client_for("other_drafter").get(f"/api/documents/{draft.pk}/").status_code == 404
    assert client_for("reviewer").get(f"/api/documents/{draft.pk}/").status_code == 404
    assert client_for("registrar").get(f"/api/documents/{draft.pk}/").status_code == 404
    assert client_for("auditor").get(f"/api/documents/{draft.pk}/").status_code == 200
    assert client_for(None).get(f"/api/documents/{draft.pk}/").status_code == 401
    assert client_for(None).get(f"/api/public/documents/{draft.pk}/").status_code == 404
    submitted = make_document("submitted")
    assert client_for("reviewer").get(f"/api/documents/{submitted.pk}/").status_code == 200
    ids = {d["id"] for d in client_for("other_drafter").get("/api/documents/").json()["results"]}
    assert ids == set()


def test_withdraw_closes_the_open_review_round(client_for, make_document):
    doc = make_document("submitted")
    r = post(client_for("drafter"), doc.pk, "withdraw", {"reason": "政策调整，暂不出台"})
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"
    assert ReviewRound.objects.get(document=doc).outcome == "withdrawn"


def test_list_filters(client_for, make_document):
    a = make_document("published", title="甲文件")
    b = make_document("submitted", title="乙文件")
    client = client_for("auditor")

    def ids(query):
        r = client.get(f"/api/documents/?{query}")
        assert r.status_code == 200, r.json()
        return {d["id"] for d in r.json()["results"]}

    assert ids("state=published") == {a.pk}
    assert ids("q=乙") == {b.pk}
    assert ids(f"q={a.number}") == {a.pk}
    assert ids("issuer=CSZF") == {a.pk, b.pk}
    assert ids("drafting_org=CSSJ") == set()
    assert ids(f"year={today().year}") == {a.pk, b.pk}
    assert ids("overdue=true") == set()
    Document.objects.filter(pk=b.pk).update(review_due_at=today() - dt.timedelta(days=1))
    assert ids("overdue=true") == {b.pk}
    r = client.get("/api/documents/?state=nonsense")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"
    page = client.get("/api/documents/").json()
    assert set(page) == {"count", "next", "previous", "results"}


def test_history_is_written_once_per_act(make_document):
    doc = make_document("published")
    assert list(History.objects.filter(document=doc).values_list("action", flat=True)) == [
        "create", "submit_for_review", "approve", "register", "publish"]


def test_precheck_of_the_current_text(client_for, users, orgs):
    from review import services

    body = "第一条 为加强管理，制定本办法。\n第五条 违反本办法规定的，由市场监管部门处五千元罚款。"
    doc = services.document_create(actor=users["drafter"], title="办法", body=body, issuer=orgs["city"])
    r = client_for("drafter").get(f"/api/documents/{doc.pk}/precheck/")
    assert r.status_code == 200
    findings = r.json()["findings"]
    assert [f["rule"] for f in findings] == ["R1.penalty"]
    f = findings[0]
    assert body[f["start"]:f["end"]] == f["excerpt"] and "罚款" in f["excerpt"]
    assert client_for("other_drafter").get(f"/api/documents/{doc.pk}/precheck/").status_code == 404
