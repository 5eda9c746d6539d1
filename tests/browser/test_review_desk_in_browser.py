"""The review desk through the pages (issue 12), in Debian's Chromium driven by Playwright: a
review head assigns a case from its desk, the handler drafts an approval (earlier than R5's
minimum, so with an urgency reason), the head sends it back with a note, the handler revises,
a legal adviser gives its opinion, the head signs; the opinion letter page shows the letter's
number. Screenshots of each desk and the letter go to tests/browser/artifacts/ (not committed)."""
import os
from pathlib import Path

import pytest

from accounts.models import Organisation, User
from core.clock import today
from review.models import Document, Opinion
from tests.browser.test_lifecycle_in_browser import CHROMIUM, browser, open_as, shot  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs chromium: apt-get install chromium (CI does)"),
    pytest.mark.django_db(transaction=True),
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def bureau(orgs, users):
    """The city's justice bureau with sign-off (R15), its head, and a law firm's adviser (R16)."""
    orgs["justice"].signoff_required = True
    orgs["justice"].save()
    users["head"] = User.objects.create_user(username="head", password="pw-12345", organisation=orgs["justice"],
                                             role="review_head")
    firm = Organisation.objects.create(code="CSLS", name="春城明法律师事务所", kind="law_firm")
    users["adviser"] = User.objects.create_user(username="adviser", password="pw-12345", organisation=firm,
                                                role="adviser")
    return users


def test_head_assigns_handler_drafts_head_sends_back_handler_revises_head_signs(open_as, live_server, bureau,
                                                                               make_document):
    url = live_server.url
    doc = make_document("submitted", title="春城市校外培训机构管理办法")
    make_document("submitted", title="春城市托育机构管理办法")  # a second case stays unassigned

    # 1. The head finds the case among those without a handler and assigns it to 'reviewer'.
    head = open_as("head")
    assert "审核工作台" in head.inner_text("h1")
    assert "春城市校外培训机构管理办法" in head.inner_text("#unassigned + table")
    shot(head, "desk-head-unassigned")
    head.select_option(f"#assign-{doc.pk} select", "reviewer")
    head.click(f"#assign-{doc.pk} button[type=submit]")
    head.wait_for_selector("text=已完成：分配承办人")
    assert "春城市校外培训机构管理办法" not in head.inner_text("#unassigned + table")

    # 2. The head invites a legal adviser on the document page; the adviser answers from its home.
    head.goto(f"{url}/documents/{doc.pk}/")
    assert "reviewer" in head.inner_text("#doc-handler")
    head.select_option("#id_invite_adviser-adviser", "adviser")
    head.click("#act-invite_adviser button[type=submit]")
    head.wait_for_selector("text=已完成：邀请法律顾问")
    adviser = open_as("adviser")
    assert "春城市校外培训机构管理办法" in adviser.inner_text("main")
    shot(adviser, "desk-adviser")
    adviser.fill("textarea[name=give_adviser_opinion-opinion]", "经审查，该办法未发现法律风险。")
    adviser.click("main form button[type=submit]")
    adviser.wait_for_selector("text=已完成：出具法律顾问意见")

    # 3. The handler finds it on its desk and drafts an approval, earlier than R5's minimum of
    #    5 working days: without an urgency reason it is refused, with one it goes to the head.
    reviewer = open_as("reviewer")
    assert "春城市校外培训机构管理办法" in reviewer.inner_text("#my-cases + table")
    assert "春城市托育机构管理办法" not in reviewer.inner_text("main")
    reviewer.click("#my-cases + table >> text=春城市校外培训机构管理办法")
    reviewer.fill("#id_approve-opinion", "经审核，该文件合法。")
    reviewer.click("#act-approve button[type=submit]")
    assert "5个工作日" in reviewer.inner_text("#act-error")
    reviewer.fill("#id_approve-opinion", "经审核，该文件合法。")
    reviewer.fill("#id_approve-urgent_reason", "市政府常务会议即将审议")
    reviewer.click("#act-approve button[type=submit]")
    reviewer.wait_for_selector("text=已提交审核负责人签发")
    assert "已完成" not in reviewer.inner_text(".messages")
    assert reviewer.inner_text("#doc-state") == "合法性审核中"

    # 4. The head reads the draft on its desk and sends it back with a note.
    head.goto(f"{url}/")
    opinion = Opinion.objects.get(document=doc, status=Opinion.Status.AWAITING_SIGNOFF)
    assert "经审核，该文件合法。" in head.inner_text(f"#awaiting-{opinion.pk}")
    shot(head, "desk-head-signoff")
    head.fill(f"#note-{opinion.pk}", "请在意见中写明审核依据。")
    head.click(f"#send-back-{opinion.pk} button[type=submit]")
    head.wait_for_selector("text=已退回承办人修改")

    # 5. The handler sees the note on its desk and revises the opinion.
    reviewer.goto(f"{url}/")
    assert "请在意见中写明审核依据。" in reviewer.inner_text("#sent-back + table")
    shot(reviewer, "desk-handler")
    reviewer.click("#sent-back + table >> text=春城市校外培训机构管理办法")
    reviewer.fill("#id_approve-opinion", "经审核，依据《中华人民共和国教育法》，该文件合法。")
    reviewer.fill("#id_approve-urgent_reason", "市政府常务会议即将审议")
    reviewer.click("#act-approve button[type=submit]")
    reviewer.wait_for_selector("text=已提交审核负责人签发")

    # 6. The head signs on the document page; the letter is issued with its number.
    head.goto(f"{url}/documents/{doc.pk}/")
    shot(head, "document-head-sign")
    head.check("#act-sign_opinion input[value=sign]")
    head.click("#act-sign_opinion button[type=submit]")
    head.wait_for_selector("text=已完成：签发审核意见")
    assert head.inner_text("#doc-state") == "待登记公布"
    assert Document.objects.get(pk=doc.pk).state == "registration"
    number = f"春司审〔{today().year}〕1号"
    head.click(f"#opinions + table >> text={number}")
    head.wait_for_selector("#letter-number")
    assert head.inner_text("#letter-number") == number
    letter = head.inner_text("#letter")
    for words in ("审核内容", "审核结论", "法律顾问意见", "经审查，该办法未发现法律风险。", "依据《中华人民共和国教育法》"):
        assert words in letter
    assert "reviewer" in head.inner_text("#letter-handler") and "head" in head.inner_text("#letter-signer")
    shot(head, "opinion-letter")
    docx = head.get_attribute("#letter-docx", "href")
    response = head.request.get(f"{url}{docx}")
    assert response.status == 200 and response.body()[:2] == b"PK"

    # 7. The drafter reads the issued letter too.
    drafter = open_as("drafter")
    drafter.goto(f"{url}/documents/{doc.pk}/")
    assert number in drafter.inner_text("#opinions + table")


def test_the_desks_show_pauses_and_overdue_cases(open_as, bureau, make_document, freeze_today):
    """A case paused for missing materials shows on the handler's desk with the working days it
    had left; weeks later, an unanswered case is overdue on the head's desk."""
    import datetime as dt

    from review import services

    paused = make_document("submitted", title="春城市停车场管理办法")
    waiting = make_document("submitted", title="春城市物业管理办法")
    for doc in (paused, waiting):
        services.document_assign(actor=bureau["head"], document_id=doc.pk, handler="reviewer")
    services.document_return_for_revision(actor=bureau["reviewer"], document_id=paused.pk,
                                          outcome="materials_missing", opinion="请补充起草说明。")
    left = paused.review_rounds.get().days_left_at_pause
    freeze_today(today() + dt.timedelta(days=30))
    reviewer = open_as("reviewer")
    cases = reviewer.inner_text("#my-cases + table")
    assert "暂停（补充材料）" in cases and f"暂停时剩余{left}个工作日" in cases and "超期" in cases
    shot(reviewer, "desk-handler-paused-overdue")
    head = open_as("head")
    overdue = head.inner_text("#overdue + table")
    assert "春城市物业管理办法" in overdue and "春城市停车场管理办法" not in overdue and "reviewer" in overdue
    shot(head, "desk-head-overdue")
