"""The catalogue in force is read a page at a time (issue 19): a province's (400,000 rows at
1,000,000 documents) was one 105 MB answer of 3 s and 720 MB for anyone to ask, and its .xlsx took
half a minute. What a user relies on: the pages together are the catalogue, in order, with its
whole count; a page past the end is 404 and a page that is not a number 400, both with stable
codes; a city's catalogue is one page and costs no count; a spreadsheet carries the whole
catalogue up to its bound and refuses more, changing nothing."""
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from registry import selectors as registry_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(make_document, monkeypatch):
    monkeypatch.setattr(registry_selectors, "CATALOGUE_PAGE_ROWS", 2)
    return [make_document("published", title=f"春城市第{k}号管理办法") for k in range(5)]


def test_the_pages_together_are_the_catalogue_with_its_whole_count(five):
    api = APIClient()
    whole = []
    for number in (1, 2, 3):
        body = api.get(f"/api/public/catalogue/?issuer=CSZF&page={number}").json()
        assert (body["count"], body["page"], body["pages"]) == (5, number, 3)
        assert len(body["results"]) == (2 if number < 3 else 1)
        whole += [row["id"] for row in body["results"]]
    assert sorted(whole) == sorted(doc.pk for doc in five) and len(set(whole)) == 5
    assert whole == [row.id for row in registry_selectors.catalogue_in_force(
        as_of=registry_selectors.local_today(), start=0, limit=10)]  # in the catalogue's order
    assert api.get("/api/public/catalogue/").json()["results"] == \
        api.get("/api/public/catalogue/?page=1").json()["results"]


@pytest.mark.parametrize("page, status, code", [
    ("4", 404, "not_found"), ("0", 400, "validation_error"), ("-1", 400, "validation_error"),
    ("abc", 400, "validation_error"), ("１", 400, "validation_error"), ("10001", 400, "validation_error"),
    ("99999999999999999999", 400, "validation_error"), ("2.5", 400, "validation_error")])
def test_a_page_past_the_end_or_not_a_page_is_refused_with_a_stable_code(five, page, status, code):
    r = APIClient().get(f"/api/public/catalogue/?issuer=CSZF&page={page}")
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert re.search(r"[\u4e00-\u9fff]", r.json()["error"]["message"])  # readable Chinese
    assert Client().get(f"/public/catalogue/?issuer=CSZF&page={page}").status_code == status


def test_the_page_shows_the_whole_count_and_links_to_its_neighbours(five):
    html = Client().get("/public/catalogue/?issuer=CSZF&page=2").content.decode()
    assert "现行有效文件（件）: 5" in html
    assert html.count("<tr><td>") == 2  # two rows of the table
    day = registry_selectors.local_today().isoformat()
    assert f'<a href="?issuer=CSZF&amp;as_of={day}&amp;page=1">上一页</a> 2 / 3 ' in html
    assert f'<a href="?issuer=CSZF&amp;as_of={day}&amp;page=3">下一页</a>' in html


def test_a_catalogue_the_first_page_holds_costs_no_count(make_document, monkeypatch):
    for k in range(3):
        make_document("published", title=f"春城市第{k}号管理办法")

    def statements():
        with CaptureQueriesContext(connection) as ctx:
            body = APIClient().get("/api/public/catalogue/?issuer=CSZF").json()
        return body, [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]

    body, counts = statements()
    assert body["count"] == 3 and body["pages"] == 1 and not counts
    monkeypatch.setattr(registry_selectors, "CATALOGUE_PAGE_ROWS", 3)  # a full first page: counted
    body, counts = statements()
    assert body["count"] == 3 and body["pages"] == 1 and len(counts) == 1


def test_the_spreadsheet_carries_the_whole_catalogue_up_to_its_bound(five, monkeypatch):
    api = APIClient()
    r = api.get("/api/public/catalogue/?issuer=CSZF&format=xlsx")
    assert r.status_code == 200
    sheet = load_workbook(__import__("io").BytesIO(r.content)).active
    assert sheet.max_row - 1 == 5  # a header and every row, not a page
    monkeypatch.setattr(registry_selectors, "CATALOGUE_EXPORT_ROWS", 4)
    refused = api.get("/api/public/catalogue/?issuer=CSZF&format=xlsx")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "validation_error"
    assert "分别导出" in refused.json()["error"]["message"]
