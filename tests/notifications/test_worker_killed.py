"""A worker killed (SIGKILL) in the middle of a sweep loses nothing and doubles nothing: the
batch it held rolls back with its connection, and the next sweep delivers the rest once."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from notifications.models import InboxMessage, Kind, Reminder
from notifications.sweep import run_sweep
from tests.helpers import postgres_only
from tests.notifications.test_sweep import due_reminders

WORKER = Path(__file__).with_name("slow_sweep_worker.py")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_loses_none(users, make_document):
    doc = make_document("published")
    for user in ("registrar", "reviewer", "auditor"):
        due_reminders(doc, users[user], 100, kind=Kind.VALIDITY_EXPIRING)
    db = connection.settings_dict
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    worker = subprocess.Popen([sys.executable, str(WORKER)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 60
        while not Reminder.objects.filter(sent_at__isnull=False).exists():  # a first batch committed
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.05)
        time.sleep(0.2)  # well inside a later batch (50 deliveries × 10 ms)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    sent_before = Reminder.objects.filter(sent_at__isnull=False).count()
    assert 0 < sent_before < 300, "the kill should land mid-sweep"
    assert InboxMessage.objects.count() == sent_before  # the killed batch left nothing half-done
    assert run_sweep() == 300 - sent_before
    assert InboxMessage.objects.count() == 300
    assert InboxMessage.objects.values("reminder").distinct().count() == 300
