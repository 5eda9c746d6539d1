"""Issue 18, words: users read Chinese domain words, never codes. Rule ids stay in the markup
(data-rule) and in machine columns; the page shows the rule's name and its legal source."""
import pytest
from django.test import Client

from review import services
from review.precheck.rules import NAMES, RULES

pytestmark = pytest.mark.django_db


def login(users, role) -> Client:
    client = Client()
    client.force_login(users[role])
    return client


def test_every_rule_has_a_chinese_name():
    assert set(NAMES) == {r.id for r in RULES}
    assert all(name and not name.isascii() for name in NAMES.values())


def test_the_document_page_names_the_rule_and_its_source_never_its_id(users, make_document):
    doc = make_document("drafting")
    services.document_update(actor=users["drafter"], document_id=doc.pk,
                             body="第一条 违反本办法的，由教育行政部门处以五千元罚款。")
    html = login(users, "drafter").get(f"/documents/{doc.pk}/").content.decode()
    assert "设定行政处罚" in html and "《中华人民共和国行政处罚法》第十六条" in html
    assert 'data-rule="R1.penalty"' in html  # the id for machines and tests, not as text
    text = html.replace('data-rule="R1.penalty"', "")
    assert "R1.penalty" not in text and "（R1）" not in text and "合法性预检" in text


def test_findings_read_as_specific_amendment_opinions(users, make_document):
    doc = make_document("submitted")
    services.document_return_for_revision(
        actor=users["reviewer"], document_id=doc.pk, outcome="unlawful", opinion="第一条不合法。",
        findings=[{"article": "第一条", "passage": "第一条", "basis": "行政处罚法第十六条", "required_change": "删去罚款"}])
    html = login(users, "drafter").get(f"/documents/{doc.pk}/").content.decode()
    assert "具体修改意见" in html and "已修改？" in html and "修改要求" not in html


def test_decisions_and_contracts_are_under_legality_examination(users, make_document):
    doc = make_document("approved", kind="contract")
    html = login(users, "reviewer").get(f"/documents/{doc.pk}/").content.decode()
    assert "<h2>合法性审查</h2>" in html


def test_the_oversight_role_is_called_jiandu_renyuan(users):
    html = login(users, "auditor").get("/").content.decode()
    assert "审计人员" not in html and "<h1>监督</h1>" in html


def test_the_auditors_home_lists_documents_before_any_filter(users, make_document):
    make_document("published", title="春城市已公布办法")
    make_document("drafting", title="春城市起草中办法")
    html = login(users, "auditor").get("/").content.decode()
    assert "春城市已公布办法" in html and "春城市起草中办法" in html
    assert "没有文件" not in html and "共0件" not in html
    filtered = login(users, "auditor").get("/?state=published").content.decode()
    assert "春城市已公布办法" in filtered and "春城市起草中办法" not in filtered


def test_a_contracts_page_says_legality_examination_in_its_state_acts_and_history(users, make_document):
    doc = make_document("submitted", kind="contract")
    html = login(users, "reviewer").get(f"/documents/{doc.pk}/").content.decode()
    assert 'id="doc-state">合法性审查中</span>' in html and "报送合法性审查" in html
    assert "合法性审核中" not in html and "报送合法性审核" not in html
    normative = make_document("submitted")
    html = login(users, "reviewer").get(f"/documents/{normative.pk}/").content.decode()
    assert 'id="doc-state">合法性审核中</span>' in html
