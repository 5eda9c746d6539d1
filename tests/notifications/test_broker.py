"""The broker (DESIGN §5): a transition commits, and answers quickly, with the broker down; with a
real Redis and a real worker, the sweep sent through the broker delivers a due reminder once.

The real-broker test needs REDIS_URL_FOR_TESTS (CI exports redis://127.0.0.1:6379/0) and
PostgreSQL: the worker thread uses its own database connection, which an in-memory SQLite test
database does not share."""
import os
import time
import uuid

import pytest
from django.db import connections

from notifications.models import InboxMessage, Kind, Reminder
from notifications.planning import SWEEP_TASK
from review.models import Document
from tests.helpers import postgres_only

REDIS_URL_FOR_TESTS = os.environ.get("REDIS_URL_FOR_TESTS", "")
needs_redis = pytest.mark.skipif(
    not REDIS_URL_FOR_TESTS,
    reason="needs Redis: set REDIS_URL_FOR_TESTS=redis://127.0.0.1:6379/0 (CI does) to run a real broker and worker",
)
CLOSED_PORT = "redis://127.0.0.1:6390/0"


def submit_through_api(client, doc):
    return client.post(f"/api/documents/{doc.pk}/submit-for-review/",
                       {"drafting_notes": "依据《中华人民共和国教育法》"}, format="json")


@pytest.mark.django_db(transaction=True)
def test_submit_commits_within_two_seconds_when_the_broker_is_down(client_for, make_document, settings, caplog):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = CLOSED_PORT
    # A 3-working-day review makes the due-soon reminder due at once, so the transition does ask
    # the broker for a sweep on commit: that publish must fail fast and quietly.
    settings.RULE_R5_REVIEW_WORKING_DAYS = 3
    doc = make_document("drafting")
    started = time.perf_counter()
    r = submit_through_api(client_for("drafter"), doc)
    elapsed = time.perf_counter() - started
    assert r.status_code == 200, r.content
    assert elapsed < 2, f"the API took {elapsed:.2f}s with the broker down"
    assert r.json()["state"] == "legality_review"
    assert Document.objects.get(pk=doc.pk).state == "legality_review"  # committed
    assert Reminder.objects.filter(document=doc, kind=Kind.REVIEW_DUE_SOON).count() == 2
    assert "提醒发送任务未能投递到消息队列" in caplog.text  # tried, failed, logged
    # The periodic sweep catches up later.
    from notifications.tasks import sweep_reminders

    assert sweep_reminders.apply().get() == 2
    assert InboxMessage.objects.filter(document=doc).count() == 2


@postgres_only
@needs_redis
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_sweep_through_a_real_redis_broker_and_worker_delivers_once(client_for, make_document, settings):
    import redis
    from celery import Celery, current_app
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    import notifications.tasks  # noqa: F401  (registers the shared task on every app)

    queue = f"notifications-test-{uuid.uuid4().hex[:12]}"  # ours alone, whoever else uses this Redis
    settings.REDIS_URL = settings.CELERY_BROKER_URL = REDIS_URL_FOR_TESTS
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    settings.RULE_R5_REVIEW_WORKING_DAYS = 3  # the due-soon reminder is due at once: submit publishes a sweep

    worker_app = Celery("notifications-test", broker=REDIS_URL_FOR_TESTS, backend=REDIS_URL_FOR_TESTS,
                        set_as_current=False)
    worker_app.conf.update(task_default_queue=queue, worker_hijack_root_logger=False,
                           broker_connection_retry_on_startup=False, task_always_eager=False)

    def close_worker_connections(**kwargs):  # the worker thread's own DB connection
        connections.close_all()

    task_postrun.connect(close_worker_connections, weak=False)
    project_app = current_app._get_current_object()
    try:
        with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=15):
            doc = make_document("drafting")
            started = time.perf_counter()
            r = submit_through_api(client_for("drafter"), doc)  # on commit: sweep_reminders → Redis
            assert r.status_code == 200, r.content
            messages = InboxMessage.objects.filter(document=doc, reminder__kind=Kind.REVIEW_DUE_SOON)
            deadline = time.monotonic() + 20
            while messages.count() < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            delivered_after = time.perf_counter() - started
            assert sorted(m.recipient.username for m in messages) == ["reviewer", "reviewer2"]

            # The same sweep again, through the broker, and wait for its result: nothing is due twice.
            again = worker_app.send_task(SWEEP_TASK, queue=queue)
            assert again.get(timeout=20) == 0
            assert messages.count() == 2
            assert Reminder.objects.filter(document=doc, kind=Kind.REVIEW_DUE_SOON, sent_at__isnull=True).count() == 0
            print(f"\n[real broker] submit → worker → inbox in {delivered_after:.2f}s")
    finally:
        task_postrun.disconnect(close_worker_connections)
        project_app.set_current()
        project_app.set_default()
        redis.Redis.from_url(REDIS_URL_FOR_TESTS).delete(queue)
