"""The review desk's pages (issue 12, DESIGN §4 "The review desk"): the head's desk, the
handler's desk, the adviser's home, the document page's desk acts and the opinion letter page.
Everything in Chinese, a refusal explained in Chinese, and a fixed number of queries per desk."""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation, User
from review import services
from review.models import Opinion, ReviewRound
from tests.conftest import URGENT, snapshot
from tests.web.test_pages import english_left_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(orgs, users):
    """The city's bureau with sign-off (R15), a head, and a legal adviser of a law firm."""
    orgs["justice"].signoff_required = True
    orgs["justice"].save()
    users["head"] = User.objects.create_user(username="head", password="pw-12345", organisation=orgs["justice"],
                                             role="review_head", first_name="王科长")
    firm = Organisation.objects.create(code="CSLS", name="春城明法律师事务所", kind="law_firm")
    users["adviser"] = User.objects.create_user(username="adviser", password="pw-12345", organisation=firm,
                                                role="adviser")
    return users


def login(users, role) -> Client:
    client = Client()
    client.force_login(users[role])
    return client


def page(client, path, status=200) -> str:
    r = client.get(path)
    assert r.status_code == status, (path, r.status_code)
    html = r.content.decode()
    assert english_left_in(html) == [], (path, english_left_in(html))
    return html


def assign(doc, users, handler="reviewer"):
    services.document_assign(actor=users["head"], document_id=doc.pk, handler=handler)


def draft_approval(doc, users, opinion="经审核，合法。"):
    return services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion=opinion,
                                     urgent_reason=URGENT)


def test_the_heads_desk_lists_unassigned_awaiting_and_overdue_cases(desk, make_document, freeze_today):
    import datetime as dt

    from core.clock import today

    unassigned = make_document("submitted", title="待分配的办法")
    awaiting = make_document("submitted", title="待签发的办法")
    assign(awaiting, desk)
    draft_approval(awaiting, desk, opinion="拟同意，合法。")
    handled = make_document("submitted", title="已分配的办法")
    assign(handled, desk)
    html = page(login(desk, "head"), "/")
    assert "审核工作台" in html and "待分配承办人的案件" in html and "待签发的审核意见" in html
    unassigned_part = html.split('id="unassigned"')[1].split('id="signoff"')[0]
    assert "待分配的办法" in unassigned_part and "已分配的办法" not in unassigned_part
    assert f'action="/documents/{unassigned.pk}/do/assign/"' in unassigned_part
    assert "审核人员（承办人）" in unassigned_part and '<option value="reviewer2">' in unassigned_part
    signoff_part = html.split('id="signoff"')[1].split('id="overdue"')[0]
    assert "待签发的办法" in signoff_part and "拟同意，合法。" in signoff_part and URGENT in signoff_part
    opinion = awaiting.opinions.get()
    assert f'href="/opinions/{opinion.pk}/"' in signoff_part
    assert "签发" in signoff_part and "退回承办人修改" in signoff_part
    assert "没有超期案件。" in html

    # Weeks later the unassigned and the handled cases are overdue, with the working days by which.
    freeze_today(today() + dt.timedelta(days=40))
    html = page(login(desk, "head"), "/")
    overdue_part = html.split('id="overdue"')[1]
    assert "待分配的办法" in overdue_part and "已分配的办法" in overdue_part and "超期" in overdue_part
    assert "未分配" in overdue_part and "reviewer" in overdue_part


def test_the_head_assigns_signs_and_sends_back_from_the_desk(desk, make_document):
    doc = make_document("submitted", title="签发测试办法")
    head = login(desk, "head")
    r = head.post(f"/documents/{doc.pk}/do/assign/", {"assign-handler": "reviewer", "next": "home"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert doc.review_rounds.get().handler == desk["reviewer"]

    reviewer = login(desk, "reviewer")
    r = reviewer.post(f"/documents/{doc.pk}/do/approve/", {"approve-opinion": "经审核，合法。",
                                                           "approve-urgent_reason": URGENT}, follow=True)
    html = r.content.decode()
    assert "已提交审核负责人签发" in html and "已完成" not in html  # R15: a draft, not done
    assert doc.opinions.get().status == Opinion.Status.AWAITING_SIGNOFF
    # one draft at a time: neither the handler nor the head is offered another until it is decided
    for client in (reviewer, head):
        html = page(client, f"/documents/{doc.pk}/")
        assert 'id="act-approve"' not in html and "审核意见正待审核负责人签发" in html
    assert 'id="act-sign_opinion"' in html and "查看意见书草稿" in html

    r = head.post(f"/documents/{doc.pk}/do/sign_opinion/", {"sign_opinion-decision": "send_back", "next": "home"})
    assert r.status_code == 400 or "退回修改时请写明退回意见" in r.content.decode()
    assert doc.opinions.get().status == Opinion.Status.AWAITING_SIGNOFF
    r = head.post(f"/documents/{doc.pk}/do/sign_opinion/", {"sign_opinion-decision": "send_back",
                                                            "sign_opinion-note": "请补充审核依据。", "next": "home"},
                  follow=True)
    assert "已退回承办人修改" in r.content.decode()

    # The handler's desk shows the head's note; the handler drafts again and the head signs.
    html = page(reviewer, "/")
    assert "退回修改的审核意见" in html and "请补充审核依据。" in html and "签发测试办法" in html
    draft_approval(doc, desk, opinion="经审核，合法（已补充依据）。")
    assert "请补充审核依据。" not in page(reviewer, "/")
    r = head.post(f"/documents/{doc.pk}/do/sign_opinion/", {"sign_opinion-decision": "sign", "next": "home"},
                  follow=True)
    assert "已完成：签发审核意见" in r.content.decode()
    issued = doc.opinions.get(status=Opinion.Status.ISSUED)
    assert issued.number.startswith("春司审〔") and issued.number.endswith("〕1号")
    html = page(head, f"/documents/{doc.pk}/")
    assert issued.number in html and f'href="/opinions/{issued.pk}/"' in html and "待登记公布" in html


def test_an_unassigned_reviewer_is_refused_in_chinese_and_nothing_changes(desk, make_document):
    doc = make_document("submitted")
    before = snapshot(doc.pk)
    r = login(desk, "reviewer").post(f"/documents/{doc.pk}/do/approve/", {"approve-opinion": "合法",
                                                                          "approve-urgent_reason": URGENT})
    assert r.status_code == 403
    assert "该案件尚未分配承办人，请由审核负责人分配后再拟写审核意见" in r.content.decode()
    assert snapshot(doc.pk) == before and not doc.opinions.exists()
    assign(doc, desk, handler="reviewer2")
    r = login(desk, "reviewer").post(f"/documents/{doc.pk}/do/approve/", {"approve-opinion": "合法",
                                                                          "approve-urgent_reason": URGENT})
    assert r.status_code == 403 and "由reviewer2承办，只有承办人或审核负责人可以拟写审核意见" in r.content.decode()


def test_the_handlers_desk_shows_my_cases_by_days_left_and_pauses(desk, make_document):
    mine = make_document("submitted", title="我承办的办法")
    paused = make_document("submitted", title="补充材料中的办法")
    other = make_document("submitted", title="别人承办的办法")
    assign(mine, desk)
    assign(paused, desk)
    assign(other, desk, handler="reviewer2")
    services.document_return_for_revision(actor=desk["reviewer"], document_id=paused.pk,
                                          outcome=ReviewRound.Outcome.MATERIALS_MISSING, opinion="请补充起草说明。")
    left = paused.review_rounds.get().days_left_at_pause
    html = page(login(desk, "reviewer"), "/")
    cases = html.split('id="my-cases"')[1]
    assert "我承办的办法" in cases and "补充材料中的办法" in cases and "别人承办的办法" not in html
    assert cases.index("我承办的办法") < cases.index("补充材料中的办法")  # soonest due first; paused last
    assert "暂停（补充材料）" in cases and f"暂停时剩余{left}个工作日" in cases
    assert 'id="queue"' not in html  # a bureau with sign-off: my cases, not the whole queue
    # The document page says the same: handler, due date, pause.
    doc_html = page(login(desk, "head"), f"/documents/{paused.pk}/")
    assert 'id="doc-handler"' in doc_html and "暂停（补充材料）" in doc_html and f"暂停时剩余{left}个工作日" in doc_html


def test_a_bureau_without_signoff_keeps_its_queue(users, make_document):
    make_document("submitted", title="送审稿")
    html = page(login(users, "reviewer"), "/")
    assert "暂无分配给您的案件。" in html and "审核队列" in html and "送审稿" in html.split('id="queue"')[1]
    doc = make_document("submitted", title="直接通过的办法")
    r = login(users, "reviewer").post(f"/documents/{doc.pk}/do/approve/", {
        "approve-opinion": "合法", "approve-urgent_reason": URGENT}, follow=True)
    assert "已完成：审核通过（合法）" in r.content.decode()


def test_the_document_page_offers_the_heads_acts_and_shows_extension_and_advisers(desk, make_document):
    doc = make_document("submitted", title="延长与顾问")
    head = login(desk, "head")
    html = page(head, f"/documents/{doc.pk}/")
    for act in ("assign", "extend_review", "invite_adviser"):
        assert f'id="act-{act}"' in html
    assert 'id="act-sign_opinion"' not in html  # nothing awaits signature
    assert "未分配" in html and '<label for="id_extend_review-working_days">' in html
    reviewer_html = page(login(desk, "reviewer"), f"/documents/{doc.pk}/")
    assert 'id="act-assign"' not in reviewer_html and 'id="act-extend_review"' not in reviewer_html

    r = head.post(f"/documents/{doc.pk}/do/extend_review/", {"extend_review-working_days": "16",
                                                             "extend_review-reason": "案情复杂"})
    assert r.status_code == 400  # at most 15 working days
    r = head.post(f"/documents/{doc.pk}/do/extend_review/", {"extend_review-working_days": "5",
                                                             "extend_review-reason": "案情复杂"}, follow=True)
    html = r.content.decode()
    assert "已完成：延长审核期限" in html and "已延长5个工作日" in html and "案情复杂" in html
    assert 'id="act-extend_review"' not in html  # once per round

    r = head.post(f"/documents/{doc.pk}/do/invite_adviser/", {"invite_adviser-adviser": "adviser"}, follow=True)
    assert "已完成：邀请法律顾问" in r.content.decode()
    adviser = login(desk, "adviser")
    home = page(adviser, "/")
    assert "受邀出具法律意见的文件" in home and "延长与顾问" in home and "法律顾问书面意见" in home
    r = adviser.post(f"/documents/{doc.pk}/do/give_adviser_opinion/", {
        "give_adviser_opinion-opinion": "经审查，未发现法律风险。", "next": "home"}, follow=True)
    html = r.content.decode()
    assert "已完成：出具法律顾问意见" in html and "经审查，未发现法律风险。" in html and "法律顾问书面意见" not in html
    html = page(head, f"/documents/{doc.pk}/")
    assert "法律顾问意见" in html and "经审查，未发现法律风险。" in html
    # others may not: a reviewer sees the document but may not invite (403); the adviser sees
    # nothing else
    assert login(desk, "reviewer").post(f"/documents/{doc.pk}/do/invite_adviser/",
                                        {"invite_adviser-adviser": "adviser"}).status_code == 403
    other = make_document("submitted", title="未受邀的文件")
    assert adviser.get(f"/documents/{other.pk}/").status_code == 404


def test_the_opinion_letter_page(desk, make_document):
    doc = make_document("submitted", title="意见书测试办法")
    assign(doc, desk)
    services.document_approve(actor=desk["reviewer"], document_id=doc.pk, opinion="经审核，合法。",
                              urgent_reason=URGENT, basis="《中华人民共和国教育法》", content="审查了制定主体和权限。",
                              findings=[{"article": "第二条", "required_change": "明确施行日期"}])
    draft = doc.opinions.get()
    # a draft: the review body reads it, the drafter does not
    html = page(login(desk, "head"), f"/opinions/{draft.pk}/")
    assert "本意见书尚未编号" in html and "letter-docx" not in html
    assert login(desk, "drafter").get(f"/opinions/{draft.pk}/").status_code == 404
    services.document_sign_opinion(actor=desk["head"], document_id=doc.pk, decision="sign")
    draft.refresh_from_db()
    for role in ("drafter", "reviewer", "head", "registrar", "auditor"):
        html = page(login(desk, role), f"/opinions/{draft.pk}/")
        assert draft.number in html
    for section in ("审核依据", "审核内容", "审核结论", "具体修改意见", "明确施行日期", "春城市司法局"):
        assert section in html
    assert f'href="/api/opinions/{draft.pk}/docx/"' in html and "王科长" in html and "reviewer" in html
    assert login(desk, "other_drafter").get(f"/opinions/{draft.pk}/").status_code == 404
    assert login(desk, "county_reviewer").get(f"/opinions/{draft.pk}/").status_code == 404
    assert login(desk, "head").get("/opinions/99999999999999999999/").status_code == 404
    assert login(desk, "head").get("/opinions/424242/").status_code == 404
    assert Client().get(f"/opinions/{draft.pk}/").status_code == 302


def test_findings_use_the_words_of_design_3(users, make_document):
    doc = make_document("submitted")
    services.document_return_for_revision(actor=users["reviewer"], document_id=doc.pk, outcome="unlawful",
                                          opinion="不合法", findings=[{"article": "第二条"}])
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="已修改")
    html = page(login(users, "reviewer"), f"/documents/{doc.pk}/")
    assert "具体修改意见" in html and "已修改" in html and "未修改" in html
    assert "审核发现" not in html and "整改" not in html.split('id="history"')[0]


# --- a fixed number of queries whatever the number of cases ------------------------------------
def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["head", "reviewer", "adviser"])
def test_desks_make_the_same_number_of_queries_with_more_cases(role, desk, make_document):
    def add(n):
        for i in range(n):
            make_document("submitted", title=f"未分配{i}")                      # head: unassigned
            awaiting = make_document("submitted", title=f"待签发{i}")
            assign(awaiting, desk)
            draft_approval(awaiting, desk)                                     # head: to sign
            sent_back = make_document("submitted", title=f"退回{i}")
            assign(sent_back, desk)
            draft_approval(sent_back, desk)
            services.document_sign_opinion(actor=desk["head"], document_id=sent_back.pk, decision="send_back",
                                           note="请修改")                       # handler: sent back
            paused = make_document("submitted", title=f"暂停{i}")
            assign(paused, desk)
            services.document_return_for_revision(actor=desk["reviewer"], document_id=paused.pk,
                                                  outcome="materials_missing", opinion="请补充")  # handler: paused
            mine = make_document("submitted", title=f"顾问{i}")
            assign(mine, desk, handler="head")                                 # head: its own case
            services.document_invite_adviser(actor=desk["head"], document_id=mine.pk, adviser="adviser")

    client = login(desk, role)
    add(1)
    few = _queries(client, "/")
    add(3)
    assert _queries(client, "/") == few


def test_the_letter_and_document_pages_make_the_same_number_of_queries_with_more_advisers(desk, make_document):
    doc = make_document("submitted")
    assign(doc, desk)
    client = login(desk, "head")

    def invite(name):
        User.objects.create_user(username=name, password="pw-12345", role="adviser",
                                 organisation=desk["adviser"].organisation)
        services.document_invite_adviser(actor=desk["head"], document_id=doc.pk, adviser=name)
        services.document_give_adviser_opinion(actor=User.objects.get(username=name), document_id=doc.pk,
                                               opinion=f"{name}的意见")

    invite("adviser_a")
    draft_approval(doc, desk)
    opinion = doc.opinions.get()
    few = (_queries(client, f"/documents/{doc.pk}/"), _queries(client, f"/opinions/{opinion.pk}/"))
    invite("adviser_b")
    invite("adviser_c")
    assert (_queries(client, f"/documents/{doc.pk}/"), _queries(client, f"/opinions/{opinion.pk}/")) == few


DESK_ACTS = {  # act: (document set-up, POST data)
    "assign": ("submitted", {"assign-handler": "reviewer"}),
    "extend_review": ("submitted", {"extend_review-working_days": "3", "extend_review-reason": "案情复杂"}),
    "invite_adviser": ("submitted", {"invite_adviser-adviser": "adviser"}),
    "sign_opinion": ("awaiting", {"sign_opinion-decision": "sign"}),
    "give_adviser_opinion": ("invited", {"give_adviser_opinion-opinion": "无法律风险"}),
}
# who gets what (DESIGN §3): 404 to whom may not see the document, 403 to whom sees it but may
# not act, 302 (done, back to the page) to whom may
DESK_EXPECTED = {
    "drafter": 403, "other_drafter": 404, "reviewer": 403, "registrar": 404, "auditor": 403,
    "county_reviewer": 404,
}


@pytest.mark.parametrize("act", DESK_ACTS)
@pytest.mark.parametrize("role", [*DESK_EXPECTED, "head", "adviser"])
def test_desk_acts_answer_each_role_as_the_api_does(act, role, desk, make_document):
    kind, data = DESK_ACTS[act]
    doc = make_document("submitted")
    if kind == "awaiting":
        assign(doc, desk)
        draft_approval(doc, desk)
    elif kind == "invited":
        services.document_invite_adviser(actor=desk["head"], document_id=doc.pk, adviser="adviser")
    if role == "head":
        expected = 403 if act == "give_adviser_opinion" else 302
    elif role == "adviser":
        expected = 302 if act == "give_adviser_opinion" else 403 if kind == "invited" else 404
    else:
        expected = DESK_EXPECTED[role]
    r = login(desk, role).post(f"/documents/{doc.pk}/do/{act}/", data)
    assert r.status_code == expected, (act, role, r.status_code)
    if r.status_code in (403, 404):
        assert english_left_in(r.content.decode()) == []


def test_a_materials_notice_says_the_clock_is_paused(desk, make_document):
    doc = make_document("submitted")
    assign(doc, desk)
    r = login(desk, "reviewer").post(f"/documents/{doc.pk}/do/return_for_revision/", {
        "return_for_revision-outcome": "materials_missing", "return_for_revision-opinion": "请补充起草说明。"},
        follow=True)
    html = r.content.decode()
    assert "已退回起草单位补充材料，审核期限暂停计算。" in html and not doc.opinions.exists()
    assert "暂停（补充材料）" in html and 'id="doc-paused"' in html
