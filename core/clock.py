"""The clock: every date a rule reads is today in ``TIME_ZONE`` (Asia/Shanghai), from here."""
import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()
