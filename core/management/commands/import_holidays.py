"""``manage.py import_holidays YEAR FILE``: load the State Council's holiday schedule for YEAR.

FILE is CSV (UTF-8, an Excel BOM is fine), one row per day that differs from Monday-to-Friday:
``date,workday|holiday,name`` e.g. ``2027-02-06,holiday,春节`` or ``2027-02-20,workday,春节调休``.
A header row ``date,type,name`` is optional. The year's ``HolidayOverride`` rows are replaced in one
transaction; any bad row (a date outside YEAR, an unknown type, a repeated date) refuses the whole
file and changes nothing. Once a year has rows, working days of that year come from them alone
(core.calendar), so list every holiday and every make-up working day (调休).
"""
import csv
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.calendar import forget_holiday_overrides
from core.models import HolidayOverride

TYPES = {"workday": True, "holiday": False, "工作日": True, "上班": True, "节假日": False, "休息": False}


class Command(BaseCommand):
    help = "导入某年的法定节假日及调休安排（CSV：date,workday|holiday,name），替换该年已有数据"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file")

    def handle(self, *args, year, file, **options):
        rows = self.read(year, file)
        with transaction.atomic():
            deleted, _ = HolidayOverride.objects.filter(date__year=year).delete()
            HolidayOverride.objects.bulk_create(
                HolidayOverride(date=day, is_workday=workday, name=name) for day, workday, name in rows)
        forget_holiday_overrides()  # bulk writes send no signals
        workdays = sum(1 for _, workday, _ in rows if workday)
        self.stdout.write(self.style.SUCCESS(
            f"已导入{year}年节假日安排{len(rows)}条（调休工作日{workdays}条，节假日{len(rows) - workdays}条），"
            f"替换原有{deleted}条"))

    def read(self, year, file):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                lines = list(csv.reader(handle))
        except OSError as exc:
            raise CommandError(f"无法读取文件 {file}：{exc.strerror or exc}")
        except UnicodeDecodeError:
            raise CommandError(f"文件 {file} 不是 UTF-8 编码的 CSV")
        rows, seen = [], set()
        for number, line in enumerate(lines, start=1):
            cells = [cell.strip() for cell in line]
            if not any(cells) or cells[0].startswith("#"):
                continue
            if number == 1 and cells[0].lower() == "date":
                continue  # header
            if len(cells) < 2:
                raise CommandError(f"第{number}行：应为“日期,workday|holiday,名称”，实际为 {','.join(line)!r}")
            try:
                day = dt.date.fromisoformat(cells[0])
            except ValueError:
                raise CommandError(f"第{number}行：日期 {cells[0]!r} 无效，应为 YYYY-MM-DD")
            if day.year != year:
                raise CommandError(f"第{number}行：日期 {day:%Y-%m-%d} 不在{year}年内，整个文件未导入")
            kind = cells[1].lower()
            if kind not in TYPES:
                raise CommandError(f"第{number}行：类型 {cells[1]!r} 无效，应为 workday 或 holiday")
            if day in seen:
                raise CommandError(f"第{number}行：日期 {day:%Y-%m-%d} 重复")
            seen.add(day)
            rows.append((day, TYPES[kind], (cells[2] if len(cells) > 2 else "")[:50]))
        if not rows:
            raise CommandError(f"文件 {file} 中没有任何日期，未作修改")
        return rows
