"""Run by test_worker_killed: a sweep whose every delivery is slow, so it can be killed mid-way."""
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from notifications import sweep  # noqa: E402

real_compose = sweep.compose


def slow_compose(reminder):
    time.sleep(0.01)
    return real_compose(reminder)


sweep.compose = slow_compose
print("started", flush=True)
sweep.run_sweep(batch_size=50)
