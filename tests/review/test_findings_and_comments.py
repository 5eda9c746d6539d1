"""DESIGN §7: the pre-check on every version, review findings as data followed up on
resubmission, and an account of every public comment."""
import datetime as dt

import pytest

from review import services
from review.models import Document, PublicComment
from core.clock import today
from core.calendar import add_working_days

pytestmark = pytest.mark.django_db

BODY = ("第一条 为规范本市户外广告设置管理，制定本办法。\n"
        "第五条 违反本办法规定擅自设置户外广告的，由城管部门处五千元罚款。\n"
        "第六条 本办法自公布之日起施行。")


def post(client, path, data=None):
    return client.post(path, data or {}, format="json")


def test_each_version_is_prechecked_and_the_count_is_listed(client_for, users, orgs):
    doc = services.document_create(actor=users["drafter"], title="户外广告管理办法", body=BODY, issuer=orgs["city"],
                                   affects_rights=False)
    client = client_for("drafter")
    assert client.get(f"/api/documents/{doc.pk}/").json()["precheck_findings"] == 1
    client.patch(f"/api/documents/{doc.pk}/", {"body": BODY.replace("由城管部门处五千元罚款", "依照《广告法》第五十八条处理")},
                 format="json")
    assert client.get(f"/api/documents/{doc.pk}/").json()["precheck_findings"] == 0
    versions = client.get(f"/api/documents/{doc.pk}/versions/").json()
    assert [(v["number"], v["precheck_findings"]) for v in versions] == [(1, 1), (2, 0)]


def test_precheck_offsets_in_a_traditional_character_draft(client_for, users, orgs):
    body = "第一條 為規範管理，制定本辦法。\n第五條 違反本辦法規定的，由市場監管部門處五千元罰款。"
    doc = services.document_create(actor=users["drafter"], title="辦法", body=body, issuer=orgs["city"])
    findings = client_for("drafter").get(f"/api/documents/{doc.pk}/precheck/").json()["findings"]
    assert [f["rule"] for f in findings] == ["R1.penalty"]
    stored = Document.objects.get(pk=doc.pk).body
    assert stored[findings[0]["start"]:findings[0]["end"]] == findings[0]["excerpt"] and "罰款" in findings[0]["excerpt"]


@pytest.fixture
def returned_with_a_finding(client_for, users, orgs):
    doc = services.document_create(actor=users["drafter"], title="户外广告管理办法", body=BODY, issuer=orgs["city"],
                                   affects_rights=False)
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据广告法")
    r = post(client_for("reviewer"), f"/api/documents/{doc.pk}/return-for-revision/", {
        "outcome": "lawful_with_changes", "opinion": "第五条设定罚款，须删除或援引上位法。",
        "findings": [{"article": "第五条", "passage": "由城管部门处五千元罚款", "basis": "国办发〔2018〕37号 第一条",
                      "required_change": "删除罚款规定或援引《广告法》"}]})
    assert r.status_code == 200
    return doc


def resubmit(client_for, doc, body=None):
    drafter = client_for("drafter")
    if body:
        assert drafter.patch(f"/api/documents/{doc.pk}/", {"body": body}, format="json").status_code == 200
    assert post(drafter, f"/api/documents/{doc.pk}/submit-for-review/", {"drafting_notes": "已按意见修改"}).status_code == 200


def test_finding_raised_text_changed_finding_resolved_approval_allowed(client_for, returned_with_a_finding):
    doc = returned_with_a_finding
    resubmit(client_for, doc, BODY.replace("由城管部门处五千元罚款", "依照《中华人民共和国广告法》有关规定处理"))
    reviewer = client_for("reviewer")
    findings = reviewer.get(f"/api/documents/{doc.pk}/findings/").json()
    assert [(f["article"], f["status"], f["passage_changed"]) for f in findings] == [("第五条", "open", True)]
    r = post(reviewer, f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急需"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "unresolved_findings"
    r = post(reviewer, f"/api/documents/{doc.pk}/findings/{findings[0]['id']}/resolve/", {"status": "resolved",
                                                                                         "note": "已删除罚款"})
    assert r.status_code == 200 and r.json()["status"] == "resolved" and r.json()["resolved_by"] == "reviewer"
    r = post(reviewer, f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急需"})
    assert r.status_code == 200 and r.json()["state"] == "registration"


def test_unchanged_text_with_an_unresolved_finding_cannot_be_approved(client_for, returned_with_a_finding):
    doc = returned_with_a_finding
    resubmit(client_for, doc)  # resubmitted without touching the text
    reviewer = client_for("reviewer")
    finding = reviewer.get(f"/api/documents/{doc.pk}/findings/").json()[0]
    assert finding["passage_changed"] is False
    post(reviewer, f"/api/documents/{doc.pk}/findings/{finding['id']}/resolve/", {"status": "not_resolved",
                                                                                 "note": "未修改"})
    r = post(reviewer, f"/api/documents/{doc.pk}/approve/", {"opinion": "合法", "urgent_reason": "急需"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "unresolved_findings"
    assert Document.objects.get(pk=doc.pk).state == "legality_review"
    # Only reviewers confirm, and only findings of an earlier round.
    r = post(client_for("drafter"), f"/api/documents/{doc.pk}/findings/{finding['id']}/resolve/", {"status": "resolved"})
    assert r.status_code == 403


@pytest.fixture
def commented(users, orgs, freeze_today):
    doc = services.document_create(actor=users["drafter"], title="办法", body="第一条 正文。", issuer=orgs["city"])
    closes = add_working_days(today(), 7).date
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk, closes_on=closes)
    campaign = "强烈建议取消第五条的罚款规定！"
    for i in range(30):  # a mass comment, copied with small variations
        services.comment_create(document_id=doc.pk, author_name=f"市民{i}",
                                body=campaign if i % 3 else campaign.replace("！", "。 "))
    services.comment_create(document_id=doc.pk, author_name="某协会", contact="010-1234",
                            body="建议明确户外广告设置的审批时限，避免企业等待过久。")
    services.comment_create(document_id=doc.pk, author_name="王五", body="第三条表述不清，建议修改为按区域分类管理。")
    freeze_today(closes + dt.timedelta(days=1))
    return doc


def test_mass_comments_are_one_point_with_a_count_and_the_summary_follows_the_dispositions(client_for, commented):
    doc, drafter = commented, client_for("drafter")
    report = drafter.get(f"/api/documents/{doc.pk}/comments/summary/").json()
    assert (report["received"], report["distinct"]) == (32, 3)
    assert [g["count"] for g in report["groups"]] == [30, 1, 1]
    r = post(drafter, f"/api/documents/{doc.pk}/submit-for-review/", {"drafting_notes": "依据"})
    assert r.status_code == 409 and "32条公众意见的处理情况" in r.json()["error"]["message"]

    ids = {g["body"][:4]: g["comment_ids"][0] for g in report["groups"]}
    r = post(drafter, f"/api/documents/{doc.pk}/comments/{ids['强烈建议']}/dispose/", {"disposition": "adopted"})
    assert r.status_code == 200 and len(r.json()) == 30
    r = post(drafter, f"/api/documents/{doc.pk}/comments/{ids['建议明确']}/dispose/", {"disposition": "not_adopted"})
    assert r.status_code == 400  # a reason is required
    post(drafter, f"/api/documents/{doc.pk}/comments/{ids['建议明确']}/dispose/",
         {"disposition": "not_adopted", "reason": "审批时限由上位法规定"})
    post(drafter, f"/api/documents/{doc.pk}/comments/{ids['第三条表']}/dispose/",
         {"disposition": "partly_adopted", "reason": "已调整第三条表述"})
    assert not PublicComment.objects.filter(document=doc, disposition="").exists()

    counts = {d: PublicComment.objects.filter(document=doc, disposition=d).count()
              for d in ("adopted", "partly_adopted", "not_adopted")}
    assert counts == {"adopted": 30, "partly_adopted": 1, "not_adopted": 1}
    from registry.reports import annual_figures

    figures = annual_figures(PublicComment.objects.first().created_at.year)
    assert (figures["comments_received"], figures["comments_adopted"]) == (32, 31)
    r = post(drafter, f"/api/documents/{doc.pk}/submit-for-review/", {"drafting_notes": "依据"})
    assert r.status_code == 200
    summary = Document.objects.get(pk=doc.pk).comment_summary
    assert summary.startswith("公开征求意见期间共收到意见32条，合并相同或相近意见后为3条")
    assert "共30人次" in summary and "采纳1条，部分采纳1条，未采纳1条" in summary


def test_the_public_disposition_report_names_no_one(client_for, commented, users):
    from registry import services as registry

    doc = commented
    for comment in PublicComment.objects.filter(document=doc):
        if not comment.disposition:
            services.comment_dispose(actor=users["drafter"], document_id=doc.pk, comment_id=comment.pk,
                                     disposition="not_adopted", reason="与上位法不一致")
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据")
    anon = client_for(None)
    assert anon.get(f"/api/public/documents/{doc.pk}/comment-report/").status_code == 404  # not yet published
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急需")
    registry.document_register(actor=users["registrar"], document_id=doc.pk, meeting="常务会议", deliberated_on=today())
    registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="website")
    report = anon.get(f"/api/public/documents/{doc.pk}/comment-report/").json()
    assert report["received"] == 32 and len(report["groups"]) == 3
    text = str(report)
    assert "市民" not in text and "010-1234" not in text and "某协会" not in text
