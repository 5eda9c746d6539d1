"""The auditor's side: events with filters, CSV/XLSX exports with the same rows as the API,
verify_audit_log, and the annual figures computed from the data."""
import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import load_workbook

from review import services
from review.models import History
from core.clock import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_document, users):
    published = make_document("published")
    returned = make_document("submitted", title="乙")
    services.document_return_for_revision(actor=users["reviewer"], document_id=returned.pk,
                                          outcome="unlawful", opinion="设定罚款，不合法")
    make_document("submitted", kind="major_decision", title="丙")
    return published


def test_events_are_for_auditors_only(client_for, world):
    assert client_for("auditor").get("/api/audit/events/").status_code == 200
    for role in ("drafter", "reviewer", "registrar"):
        r = client_for(role).get("/api/audit/events/")
        assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"


def test_event_filters(client_for, world):
    client = client_for("auditor")
    all_events = client.get("/api/audit/events/").json()
    assert all_events["count"] == History.objects.count()
    approvals = client.get("/api/audit/events/?action=approve").json()["results"]
    assert {e["action"] for e in approvals} == {"approve"} and len(approvals) == 1
    mine = client.get("/api/audit/events/?actor=reviewer").json()["results"]
    assert {e["actor"] for e in mine} == {"reviewer"} and len(mine) == 2
    day = today().isoformat()
    assert client.get(f"/api/audit/events/?since={day}&until={day}").json()["count"] == all_events["count"]
    assert client.get("/api/audit/events/?until=2000-01-01").json()["count"] == 0
    r = client.get("/api/audit/events/?since=yesterday")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validation_error"


def test_csv_and_xlsx_carry_the_same_rows_as_the_api(client_for, world):
    client = client_for("auditor")
    api_rows = client.get("/api/audit/events/?page_size=1000").json()["results"]
    r = client.get("/api/audit/events/?format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["序号", "时间"] and len(rows) - 1 == len(api_rows)
    assert [int(row[0]) for row in rows[1:]] == [e["seq"] for e in api_rows]
    # people read Chinese (操作 审核通过（合法）), programs the codes in the last columns (操作代码 approve)
    assert rows[0][5:8] == ["操作", "原状态", "新状态"] and rows[0][12:] == ["操作代码", "原状态代码", "新状态代码"]
    assert [row[5] for row in rows[1:]] == [e["action_label"] for e in api_rows]
    assert [row[12] for row in rows[1:]] == [e["action"] for e in api_rows]
    assert "审核通过（合法）" in {row[5] for row in rows[1:]} and "approve" not in {row[5] for row in rows[1:]}
    assert "合法性审核中" in {row[7] for row in rows[1:]}
    # every column, as text, is the same whichever path wrote it (PostgreSQL's COPY or Python)
    keys = ["seq", "at", "document_id", "document_number", "document_title", "action_label", "from_state_label",
            "to_state_label", "actor", "opinion", "version", "hash", "action", "from_state", "to_state"]
    assert rows[1:] == [["" if e[k] is None else str(e[k]) for k in keys] for e in api_rows]

    r = client.get("/api/audit/events/?format=xlsx&action=approve")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True).active
    values = list(sheet.values)
    assert values[0][0] == "序号" and len(values) == 2 and values[1][5] == "审核通过（合法）"
    assert values[0][12] == "操作代码" and values[1][12] == "approve"


def test_verify_audit_log_command(world):
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert out.getvalue().startswith("intact")
    row = History.objects.order_by("seq")[2]
    with connection.cursor() as cur:
        cur.execute("UPDATE review_history SET actor_id = NULL WHERE seq = %s", [row.seq])
    with pytest.raises(CommandError, match=f"seq {row.seq}"):
        call_command("verify_audit_log")


def test_annual_figures_match_independent_counts(client_for, world):
    from review.models import Document, ReviewRound

    year = today().year
    r = client_for("auditor").get(f"/api/stats/annual/?year={year}")
    assert r.status_code == 200
    figures = r.json()
    decided = ReviewRound.objects.exclude(outcome__in=["", "withdrawn"])
    assert figures["review_opinions_issued"] == decided.count() == 2
    assert figures["normative_documents_reviewed"] == 2
    assert figures["returned"] == {"lawful_with_changes": 0, "unlawful": 1, "materials_missing": 0}
    assert figures["normative_documents_published"] == Document.objects.filter(state="published").count() == 1
    assert figures["reviews_on_time"] == 2
    assert (figures["comments_received"], figures["comments_adopted"]) == (0, 0)
    assert figures["paragraphs"][0].startswith(f"{year}年，全市共审查规范性文件2件")
    assert client_for("auditor").get("/api/stats/annual/?year=abc").status_code == 400

    out = io.StringIO()
    call_command("annual_report", str(year), stdout=out)
    assert "出具合法性审核意见2件" in out.getvalue()


def test_annual_report_as_docx_and_xlsx(world, tmp_path):
    from docx import Document as Docx

    year = today().year
    call_command("annual_report", str(year), docx=str(tmp_path / "r.docx"), xlsx=str(tmp_path / "r.xlsx"),
                 stdout=io.StringIO())
    text = "\n".join(p.text for p in Docx(str(tmp_path / "r.docx")).paragraphs)
    assert f"{year}年，全市共审查规范性文件2件" in text
    rows = {r[0]: r[1] for r in load_workbook(tmp_path / "r.xlsx").active.iter_rows(values_only=True)}
    assert rows["出具合法性审核意见（件）"] == 2 and rows["退回：不合法（件）"] == 1


def test_xlsx_export_survives_control_characters(client_for, make_document, users):
    doc = make_document("submitted")
    services.document_return_for_revision(actor=users["reviewer"], document_id=doc.pk, outcome="materials_missing",
                                          opinion="缺少\x01起草说明\x0b")
    r = client_for("auditor").get("/api/audit/events/?format=xlsx&action=request_materials")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True).active
    assert [row[9] for row in sheet.values][1].startswith("【退回补充材料】缺少起草说明（")
