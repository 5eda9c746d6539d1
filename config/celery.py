"""The Celery app. Broker: Redis when REDIS_URL is set, else a filesystem broker (no server)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("normdocs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
