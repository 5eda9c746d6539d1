"""``manage.py import_holidays YEAR FILE`` (R5): a year's schedule replaces that year's rows, and a
file with any bad row (above all, a date outside YEAR) is refused whole, with a clear message."""
import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from core.models import HolidayOverride
from core.calendar import add_working_days, is_workday

pytestmark = pytest.mark.django_db

SCHEDULE_2027 = """date,type,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-12,holiday,春节
2027-02-20,workday,春节调休
"""


def write(tmp_path, text, name="holidays.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


def test_import_replaces_the_year_and_drives_the_working_day_clock(tmp_path, capsys):
    HolidayOverride.objects.create(date=dt.date(2027, 5, 3), is_workday=False, name="旧数据")
    HolidayOverride.objects.create(date=dt.date(2028, 1, 1), is_workday=False, name="元旦")  # another year
    call_command("import_holidays", "2027", write(tmp_path, SCHEDULE_2027, encoding="utf-8-sig"))
    assert "已导入2027年节假日安排9条" in capsys.readouterr().out
    assert HolidayOverride.objects.filter(date__year=2027).count() == 9
    assert not HolidayOverride.objects.filter(date=dt.date(2027, 5, 3)).exists()  # replaced
    assert HolidayOverride.objects.filter(date=dt.date(2028, 1, 1)).exists()  # untouched
    assert is_workday(dt.date(2027, 2, 20)) == (True, False)  # Saturday make-up day, not provisional
    assert is_workday(dt.date(2027, 2, 8)) == (False, False)  # a Monday in the Spring Festival
    # Friday 5 Feb + 1 working day: skips the festival, lands on the next Monday after it.
    assert add_working_days(dt.date(2027, 2, 5), 1).date == dt.date(2027, 2, 15)
    # Importing again is idempotent.
    call_command("import_holidays", "2027", write(tmp_path, SCHEDULE_2027))
    assert HolidayOverride.objects.filter(date__year=2027).count() == 9


@pytest.mark.parametrize("text, message", [
    ("2027-10-01,holiday,国庆节\n2026-12-31,holiday,元旦\n", "第2行：日期 2026-12-31 不在2027年内"),
    ("2027-10-01,vacation,国庆节\n", "第1行：类型 'vacation' 无效"),
    ("2027-13-01,holiday,国庆节\n", "第1行：日期 '2027-13-01' 无效"),
    ("2027-10-01,holiday\n2027-10-01,workday\n", "第2行：日期 2027-10-01 重复"),
    ("2027-10-01\n", "第1行：应为"),
    ("date,type,name\n", "没有任何日期"),
])
def test_a_bad_row_refuses_the_whole_file_and_changes_nothing(tmp_path, text, message):
    HolidayOverride.objects.create(date=dt.date(2027, 5, 3), is_workday=False, name="旧数据")
    with pytest.raises(CommandError, match=message):
        call_command("import_holidays", "2027", write(tmp_path, text))
    assert list(HolidayOverride.objects.values_list("name", flat=True)) == ["旧数据"]


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_holidays", "2027", str(tmp_path / "nope.csv"))
