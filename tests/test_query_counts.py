"""Every list endpoint makes the same number of queries whatever the number of rows: a later
change cannot bring back an N+1 without this failing. (Not timed: counts only.)"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from notifications.models import InboxMessage
from review import services
from core.clock import today
from core.calendar import add_working_days

pytestmark = pytest.mark.django_db

LISTS = [
    ("auditor", "/api/documents/"),
    ("auditor", "/api/documents/?state=published&q=办法"),
    ("reviewer", "/api/documents/?overdue=false"),
    (None, "/api/public/documents/"),
    (None, "/api/public/feed.atom"),
    (None, "/api/public/catalogue/"),
    (None, "/public/catalogue/"),
    (None, "/public/"),
    ("registrar", "/api/registry/"),
    ("registrar", "/api/registry/cleanup/"),
    ("auditor", "/api/audit/events/"),
    ("auditor", "/api/audit/events/?format=csv"),
    ("drafter", "/api/inbox/"),
    ("auditor", "/api/documents/{doc}/history/"),
    ("auditor", "/api/documents/{doc}/versions/"),
    ("auditor", "/api/documents/{busy}/comments/"),
    ("auditor", "/api/documents/{doc}/findings/"),
    ("auditor", "/api/documents/{doc}/review-rounds/"),
    ("auditor", "/api/stats/annual/?year={year}"),
]


def count(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role,path", LISTS)
def test_list_queries_do_not_grow(role, path, users, make_document):
    drafted = make_document("drafting")
    busy = make_document("drafting", affects_rights=True)
    services.document_open_public_comment(actor=users["drafter"], document_id=busy.pk,
                                          closes_on=add_working_days(today(), 8).date)

    def add(n):
        for i in range(n):
            services.comment_create(document_id=busy.pk, author_name=f"市民{i}", body=f"意见{i}")
            for step in ("submitted", "published"):
                doc = make_document(step, title=f"办法{i}")
                InboxMessage.objects.create(recipient=users["drafter"], document=doc, title="提醒")
            services.document_update(actor=users["drafter"], document_id=drafted.pk, body=f"第一条 第{i}稿。")

    client = APIClient()
    if role:
        client.force_authenticate(users[role])
    url = path.format(doc=drafted.pk, busy=busy.pk, year=today().year)
    add(1)
    few = count(client, url)
    add(4)
    assert count(client, url) == few
