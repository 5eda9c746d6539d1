"""R5's clock: Chinese working days with make-up days, and an honest answer beyond the data."""
import datetime as dt

import pytest

from core.models import HolidayOverride
from core.calendar import add_working_days, count_working_days, is_workday, schedule_warning, year_is_known

pytestmark = pytest.mark.django_db


def test_national_day_2026_and_its_make_up_days():
    assert is_workday(dt.date(2026, 10, 1)) == (False, False)
    assert is_workday(dt.date(2026, 10, 7)) == (False, False)
    assert is_workday(dt.date(2026, 9, 20)) == (True, False)  # Sunday worked (调休)
    assert is_workday(dt.date(2026, 10, 10)) == (True, False)  # Saturday worked (调休)
    # From Wednesday 30 September, 3 working days are 9, 10 and 12 October.
    assert add_working_days(dt.date(2026, 9, 30), 3).date == dt.date(2026, 10, 10)


def test_spring_festival_2026():
    assert is_workday(dt.date(2026, 2, 17))[0] is False
    assert count_working_days(dt.date(2026, 2, 13), dt.date(2026, 2, 24))[0] == 2


def test_a_date_beyond_the_data_is_provisional_not_a_crash():
    answer = add_working_days(dt.date(2026, 12, 24), 15)
    assert answer.provisional and answer.date.year == 2027


def test_an_imported_schedule_takes_effect():
    HolidayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    HolidayOverride.objects.create(date=dt.date(2027, 1, 4), is_workday=False, name="元旦调休")
    assert is_workday(dt.date(2027, 1, 4)) == (False, False)
    assert is_workday(dt.date(2027, 1, 5)) == (True, False)
    assert add_working_days(dt.date(2026, 12, 30), 2).date == dt.date(2027, 1, 5)
    assert add_working_days(dt.date(2026, 12, 30), 2).provisional is False


def test_working_days_left_in_the_api(client_for, make_document, freeze_today):
    freeze_today(dt.date(2026, 9, 24))
    doc = make_document("submitted")  # due 2026-10-22
    client = client_for("reviewer")
    assert client.get(f"/api/documents/{doc.pk}/").json()["review_working_days_left"] == 15
    freeze_today(dt.date(2026, 10, 9))  # Friday after National Day: Saturday 10-10 is worked, so 10 left
    assert client.get(f"/api/documents/{doc.pk}/").json()["review_working_days_left"] == 10
    freeze_today(dt.date(2026, 10, 26))
    body = client.get(f"/api/documents/{doc.pk}/").json()
    assert body["review_working_days_left"] == -2 and body["overdue"] is True


def test_a_missing_schedule_for_next_year_is_said_from_december():
    """After 1 December, next year's schedule must be imported (manage.py import_holidays YEAR
    FILE) or due dates in January are provisional; the suite and the README say so."""
    assert schedule_warning(dt.date(2026, 11, 30)) is None  # not yet December
    warning = schedule_warning(dt.date(2026, 12, 1))
    assert warning is not None and "2027" in warning and "import_holidays 2027" in warning
    HolidayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert schedule_warning(dt.date(2026, 12, 1)) is None
    assert year_is_known(2026) and year_is_known(2027) and not year_is_known(2031)
