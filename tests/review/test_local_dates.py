"""A day shown to a user is Beijing's day (TIME_ZONE), whatever the hour in UTC: from 16:00 to
24:00 UTC the UTC date is the day before. The signed opinion letter (审核意见书) and a policy
interpretation's date were read off the UTC moment (found when CI ran after 16:00 UTC)."""
import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from review.models import Opinion

pytestmark = pytest.mark.django_db

LATE_UTC = dt.datetime(2026, 11, 29, 17, 30, tzinfo=dt.timezone.utc)  # 01:30 on 30 November in Beijing


def test_an_opinion_signed_late_in_the_utc_day_is_dated_by_beijing():
    assert Opinion(signed_at=LATE_UTC).signed_on == dt.date(2026, 11, 30)
    assert Opinion(signed_at=LATE_UTC - dt.timedelta(hours=2)).signed_on == dt.date(2026, 11, 29)  # 23:30 in Beijing
    assert Opinion(signed_at=None).signed_on is None


def test_an_interpretation_written_late_in_the_utc_day_is_dated_by_beijing(make_document, users):
    from rest_framework.test import APIClient

    doc = make_document("registered")
    client = APIClient()
    client.force_authenticate(users["drafter"])
    with mock.patch.object(timezone, "now", return_value=LATE_UTC):
        r = client.post(f"/api/documents/{doc.pk}/interpretation/",
                        {"title": "《办法》政策解读", "body": "一、制定背景。", "interpreter": "春城市教育局"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["updated_on"] == "2026-11-30"
