"""Issue 17: the Atom feed carries text as text (a body with markup is not declared HTML) and
dates from the publication record (published_on), not the registration time."""
import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from registry import services as registry
from review import services

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
MARKUP = '第一条 <script>alert(1)</script><img src=x onerror="alert(2)"> & 其他。'


def test_feed_text_is_text_and_dates_are_the_publication_date(users, orgs, freeze_today):
    freeze_today(dt.date(2026, 3, 2))
    # a text containing markup, registered on 2 March and published (dated 4 March) on the 5th
    marked = services.document_create(actor=users["drafter"], title="<b>标题</b>", body=MARKUP,
                                      issuer=orgs["city"], affects_rights=False, validity_years=5)
    services.document_submit_for_review(actor=users["drafter"], document_id=marked.pk, drafting_notes="依据")
    services.document_approve(actor=users["reviewer"], document_id=marked.pk, opinion="合法", urgent_reason="急需")
    registry.document_register(actor=users["registrar"], document_id=marked.pk, meeting="常务会议",
                               deliberated_on=dt.date(2026, 3, 2))
    freeze_today(dt.date(2026, 3, 5))
    registry.document_publish(actor=users["registrar"], document_id=marked.pk, channel="website",
                              published_on=dt.date(2026, 3, 4))

    r = Client().get("/api/public/feed.atom")
    assert r.status_code == 200
    root = ET.fromstring(r.content)
    entry = root.find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text.startswith(MARKUP[:30])  # the markup is the text, escaped once by XML
    assert b"&lt;script&gt;" in r.content and b"&amp;lt;" not in r.content
    assert entry.find(f"{ATOM}title").get("type") in (None, "text")
    assert "<b>标题</b>" in entry.find(f"{ATOM}title").text
    assert entry.find(f"{ATOM}published").text.startswith("2026-03-04")
    assert entry.find(f"{ATOM}updated").text.startswith("2026-03-04")


def test_feed_survives_control_characters_in_old_texts(users, make_document):
    from django.db import connection

    doc = make_document("published")
    with connection.cursor() as cur:  # a title stored before titles were checked
        cur.execute("UPDATE review_document SET title = %s WHERE id = %s", ["旧\x01标题", doc.pk])
    r = Client().get("/api/public/feed.atom")
    assert r.status_code == 200 and "旧标题" in ET.fromstring(r.content).find(f"{ATOM}entry").find(f"{ATOM}title").text
