"""The sweep (DESIGN §5): each due reminder is delivered exactly once, to the inbox and by e-mail;
overdue reviews are reminded once per working day; queries grow with batches, not rows; two
sweeps at once (PostgreSQL, real connections in threads) never deliver one reminder twice."""
import datetime as dt
import time

import pytest
from django.core import mail

from notifications.models import InboxMessage, Kind, Reminder
from notifications.sweep import run_sweep
from review import services
from tests.conftest import BODY
from tests.helpers import postgres_only, run_at_once

D = dt.date


def submitted_doc(users, orgs, freeze_today, day=D(2025, 9, 26)):
    freeze_today(day)
    doc = services.document_create(actor=users["drafter"], title="春城市校外培训机构管理办法", body=BODY,
                                   issuer=orgs["city"], affects_rights=False, validity_years=5)
    return services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk,
                                               drafting_notes="依据教育法")


def due_reminders(document, user, n, kind=Kind.FILING_DUE, start=D(2025, 10, 1)):
    Reminder.objects.bulk_create(
        Reminder(document=document, kind=kind, due_on=start - dt.timedelta(days=i), recipient=user)
        for i in range(n))


@pytest.mark.django_db
def test_delivers_due_reminders_once_to_inbox_and_email(users, orgs, freeze_today):
    users["reviewer"].email = "reviewer@justice.example.cn"
    users["reviewer"].save()
    doc = submitted_doc(users, orgs, freeze_today)
    assert run_sweep(today=D(2025, 10, 17)) == 0  # nothing due yet
    assert run_sweep(today=D(2025, 10, 20)) == 2  # review_due_soon to both reviewers
    assert run_sweep(today=D(2025, 10, 20)) == 0  # never twice
    messages = InboxMessage.objects.filter(document=doc)
    assert sorted(m.recipient.username for m in messages) == ["reviewer", "reviewer2"]
    message = messages.get(recipient=users["reviewer"])
    assert message.title == "【合法性审核即将到期】春城市校外培训机构管理办法"
    assert "2025年10月23日" in message.body and message.read_at is None
    assert message.reminder.sent_at is not None and message.reminder.kind == "review_due_soon"
    # e-mail only to the reviewer who has an address
    assert [m.to for m in mail.outbox] == [["reviewer@justice.example.cn"]]
    assert mail.outbox[0].subject == message.title


@pytest.mark.django_db
def test_overdue_review_is_reminded_once_per_working_day_until_decided(users, orgs, freeze_today):
    doc = submitted_doc(users, orgs, freeze_today)  # due Thu 23 Oct 2025
    reviewer = users["reviewer"]

    def overdue_days():
        return sorted(m.reminder.due_on for m in InboxMessage.objects.filter(
            recipient=reviewer, reminder__kind=Kind.REVIEW_OVERDUE).select_related("reminder"))

    run_sweep(today=D(2025, 10, 23))
    assert overdue_days() == []  # due today is not overdue
    run_sweep(today=D(2025, 10, 24))
    run_sweep(today=D(2025, 10, 24))  # a second sweep the same day: nothing more
    assert overdue_days() == [D(2025, 10, 24)]
    for weekend in (D(2025, 10, 25), D(2025, 10, 26)):
        run_sweep(today=weekend)
    assert overdue_days() == [D(2025, 10, 24)]  # no reminder on the weekend
    run_sweep(today=D(2025, 10, 27))
    run_sweep(today=D(2025, 10, 27))
    assert overdue_days() == [D(2025, 10, 24), D(2025, 10, 27)]
    assert Reminder.objects.filter(document=doc, recipient=reviewer, sent_at__isnull=True).get().due_on == D(2025, 10, 28)

    freeze_today(D(2025, 10, 27))
    services.document_approve(actor=reviewer, document_id=doc.pk, opinion="合法", urgent_reason="急需")
    run_sweep(today=D(2025, 10, 28))
    assert overdue_days() == [D(2025, 10, 24), D(2025, 10, 27)]  # decided: the repetition stops


@pytest.mark.django_db
def test_catching_up_after_an_outage_sends_one_overdue_reminder_not_one_per_missed_day(users, orgs, freeze_today):
    doc = submitted_doc(users, orgs, freeze_today)
    assert run_sweep(today=D(2025, 11, 5)) == 4  # due_soon and overdue for both reviewers, once
    assert set(Reminder.objects.filter(document=doc, sent_at__isnull=True).values_list("due_on", flat=True)) == {
        D(2025, 11, 6)}


@pytest.mark.django_db
def test_reminders_that_no_longer_apply_are_dropped_not_sent(users, orgs, make_document):
    doc = make_document("published")  # plans filing reminders for the registrar
    Reminder.objects.create(document=doc, kind=Kind.REVIEW_OVERDUE, due_on=D(2025, 1, 2), recipient=users["reviewer"])
    users["registrar"].is_active = False
    users["registrar"].save()
    Reminder.objects.create(document=doc, kind=Kind.VALIDITY_EXPIRING, due_on=D(2025, 1, 2), recipient=users["registrar"])
    assert run_sweep() == 0
    assert not Reminder.objects.filter(due_on=D(2025, 1, 2)).exists()
    assert not InboxMessage.objects.exists()


@pytest.mark.django_db
def test_queries_grow_with_batches_not_rows(users, make_document, django_assert_max_num_queries):
    doc = make_document("published")
    due_reminders(doc, users["registrar"], 10, start=D(2025, 10, 1))
    with django_assert_max_num_queries(20) as one_batch:
        assert run_sweep(batch_size=100) == 10
    per_run = len(one_batch.captured_queries)  # one batch, then an empty claim
    due_reminders(doc, users["registrar"], 100, start=D(2023, 10, 1))
    with django_assert_max_num_queries(per_run):  # 10x the rows, the same queries
        assert run_sweep(batch_size=100) == 100
    due_reminders(doc, users["registrar"], 400, start=D(2021, 10, 1))
    with django_assert_max_num_queries(4 * per_run):  # 4 batches of 100, then an empty claim
        assert run_sweep(batch_size=100) == 400
    assert InboxMessage.objects.count() == 510


@pytest.mark.django_db
def test_a_failing_mail_server_does_not_lose_the_inbox_message(users, make_document, settings, caplog):
    settings.EMAIL_BACKEND = "tests.notifications.test_sweep.BrokenMailBackend"
    users["registrar"].email = "registrar@gov.example.cn"
    users["registrar"].save()
    doc = make_document("published")
    due_reminders(doc, users["registrar"], 3)
    assert run_sweep() == 3
    assert InboxMessage.objects.count() == 3 and "提醒邮件发送失败" in caplog.text


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_deliver_each_of_1000_reminders_exactly_once(users, make_document, capsys):
    users["registrar"].email = "registrar@gov.example.cn"
    users["registrar"].save()
    doc = make_document("published")
    for user in ("registrar", "reviewer", "reviewer2", "auditor"):
        due_reminders(doc, users[user], 250, kind=Kind.VALIDITY_EXPIRING)
    mail.outbox = []
    started = time.perf_counter()
    results = run_at_once(lambda: run_sweep(batch_size=50), lambda: run_sweep(batch_size=50))
    elapsed = time.perf_counter() - started
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 1000, results
    assert InboxMessage.objects.count() == 1000
    assert InboxMessage.objects.values("reminder").distinct().count() == 1000
    assert not Reminder.objects.filter(kind=Kind.VALIDITY_EXPIRING, due_on__lte=D(2025, 10, 1),
                                       sent_at__isnull=True).exists()
    assert len(mail.outbox) == 250  # the registrar's, each once
    assert run_sweep() == 0
    with capsys.disabled():
        print(f"\n[two concurrent sweeps] 1000 reminders in {elapsed:.2f}s, split {results}")
