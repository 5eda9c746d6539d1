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


# --- issue 19: what an act costs -------------------------------------------------------------
def statements(act) -> list[str]:
    """The SQL statements an act sends (the test's own savepoints aside)."""
    with CaptureQueriesContext(connection) as ctx:
        act()
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


# Submission: the lock (with R4's comment facts), the update, the history row, the round, the
# reminders replaced (delete + insert). Approval: the document locked (with R6/R15/R16's
# facts), then its open round (every act locks in that order: two at once never deadlock), the
# letter number, the opinion, the round, the document, the history row, the reminders. Registration and publication likewise. The organisation tree is
# kept between acts while its version stands (accounts.jurisdiction); none waits on a row
# shared by the city.
ACT_STATEMENTS = {"submit": 5, "approve": 8, "register": 5, "publish": 5}


def test_statements_per_act_are_pinned(users, orgs):
    from registry import services as registry
    from tests.conftest import BODY, URGENT

    def lifecycle(document):
        return {
            "submit": lambda: services.document_submit_for_review(
                actor=users["drafter"], document_id=document.pk, drafting_notes="依据", exemption_reason="不涉及"),
            "approve": lambda: services.document_approve(
                actor=users["reviewer"], document_id=document.pk, opinion="合法", urgent_reason=URGENT),
            "register": lambda: registry.document_register(
                actor=users["registrar"], document_id=document.pk, meeting="常务会议", deliberated_on=today()),
            "publish": lambda: registry.document_publish(
                actor=users["registrar"], document_id=document.pk, channel="website"),
        }

    first = services.document_create(actor=users["drafter"], title="甲办法", body=BODY, issuer=orgs["city"])
    for act in lifecycle(first).values():  # the year's number sequences are started here
        act()
    second = services.document_create(actor=users["drafter"], title="乙办法", body=BODY, issuer=orgs["city"])
    counted = {name: statements(act) for name, act in lifecycle(second).items()}
    assert {name: len(sql) for name, sql in counted.items()} == ACT_STATEMENTS, counted
    assert all(len(sql) <= 8 for sql in counted.values())
    # no act touches a row every act in the city would wait for
    assert not any("historyhead" in sql.lower() for sqls in counted.values() for sql in sqls)
