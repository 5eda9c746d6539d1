"""Issue 17: exports never execute. A title, an opinion or a reason that a spreadsheet would read
as a formula comes out of every export as inert text (CSV: a leading apostrophe; XLSX: a text
cell, never a formula) — on both the Python path and PostgreSQL's COPY path."""
import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from core.exports import neutralise
from review import services

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://x","y")'


@pytest.fixture
def hostile(make_document, users):
    doc = make_document("submitted", title=TITLE)
    services.document_withdraw(actor=users["drafter"], document_id=doc.pk, reason="-1+2")
    approved = make_document("submitted", title=TITLE)
    services.document_approve(actor=users["reviewer"], document_id=approved.pk, opinion="@SUM(1+1)", urgent_reason="急需")
    return doc


@pytest.mark.parametrize("value, inert", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(1)", "'@SUM(1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("正常文本", "正常文本"), ("1-2", "1-2"), (7, 7), (None, None),
])
def test_the_one_helper(value, inert):
    assert neutralise(value) == inert


def _csv_rows(client):
    r = client.get("/api/audit/events/?format=csv")
    assert r.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))


def test_csv_export_neutralises_formulas(client_for, hostile):
    rows = _csv_rows(client_for("auditor"))
    assert {row[4] for row in rows[1:]} == {"'" + TITLE}
    opinions = [row[9] for row in rows[1:]]
    # the approval's row carries the letter's number after the opinion (R15)
    assert any(o.startswith("'@SUM(1+1)（审核意见书") for o in opinions) and "'-1+2" in opinions
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_xlsx_export_writes_text_cells_never_formulas(client_for, hostile):
    r = client_for("auditor").get("/api/audit/events/?format=xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert {row[4].value for row in sheet.iter_rows(min_row=2)} == {"'" + TITLE}
    opinions = {row[9].value.split("（审核意见书")[0]: row[9] for row in sheet.iter_rows(min_row=2) if row[9].value}
    for value in ("'-1+2", "'@SUM(1+1)"):
        assert opinions[value].data_type == "s"


def test_the_opinion_as_stored_starts_with_the_formula(hostile):
    """The service keeps what the reviewer wrote (an export, not the record, makes it inert)."""
    from review.models import History

    assert History.objects.filter(document=hostile, opinion="-1+2").exists()


def test_annual_report_cells_are_text(hostile, tmp_path):
    from core.clock import today

    call_command("annual_report", str(today().year), xlsx=str(tmp_path / "r.xlsx"), stdout=io.StringIO())
    sheet = load_workbook(tmp_path / "r.xlsx").active
    for row in sheet.iter_rows():
        assert row[0].data_type == "s" and row[1].data_type in ("s", "n")
