"""Chinese working days (工作日), with make-up days (调休) — the clock of R3 and R5.

Sources of truth, in order:
1. ``core.models.HolidayOverride`` rows (imported with ``manage.py import_holidays YEAR FILE``
   from the State Council's schedule): a year that has rows is taken from them alone, so a new year's schedule
   needs no new package release;
2. the ``chinese-calendar`` package (its data ends with 2026);
3. for a year neither covers: Monday to Friday, and the answer is marked *provisional* so the
   API and pages can say so. Never a crash, never a silent wrong date.
"""
from __future__ import annotations

import calendar as _months
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
import time

import chinese_calendar
from django.conf import settings

from core.models import HolidayOverride


# No deadline of the rules spans more than a few years; a span longer than this is an input
# error (a comment period to 9999-12-30 once took 98 s of day-by-day counting), refused at once.
MAX_SPAN_DAYS = 3700


class SpanTooLong(ValueError):
    """A working-day computation over more than MAX_SPAN_DAYS days (or past the calendar's end)."""

    message = "日期跨度过大，无法计算工作日"


@dataclass(frozen=True)
class WorkdayAnswer:
    date: dt.date
    provisional: bool


# The override table changes a few times a year (the State Council's schedule, imported once):
# each process keeps it for HOLIDAYS_CACHE_SECONDS, and forgets it at once when this process
# writes a row (signals, the import command). Another process sees a change within that time.
_kept: tuple[float, dict] | None = None


def holiday_overrides() -> dict[dt.date, bool]:
    global _kept
    kept, now = _kept, time.monotonic()
    if kept is None or now - kept[0] > getattr(settings, "HOLIDAYS_CACHE_SECONDS", 60):
        kept = _kept = (now, dict(HolidayOverride.objects.values_list("date", "is_workday")))
    return kept[1]


def forget_holiday_overrides(**_) -> None:
    global _kept
    _kept = None


class Calendar:
    """One read of the override table (kept a minute per process), then pure look-ups."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        if overrides is None:
            overrides = holiday_overrides()
        self.overrides = overrides
        self.override_years = {d.year for d in overrides}

    def is_workday(self, day: dt.date) -> tuple[bool, bool]:
        """(is it a working day, is that answer provisional)."""
        if day.year in self.override_years:
            return self.overrides.get(day, day.weekday() < 5), False
        return _package_is_workday(day)

    def add_working_days(self, start: dt.date, n: int) -> WorkdayAnswer:
        """The n-th working day after ``start`` (``start`` itself not counted)."""
        if n > MAX_SPAN_DAYS:
            raise SpanTooLong(n)
        day, provisional, counted = start, False, 0
        while counted < n:
            if (day - start).days >= MAX_SPAN_DAYS or day >= dt.date.max:
                raise SpanTooLong(n)
            day += dt.timedelta(days=1)
            workday, guess = self.is_workday(day)
            provisional |= guess
            counted += workday
        return WorkdayAnswer(day, provisional)

    def working_days_before(self, day: dt.date, n: int) -> dt.date:
        """The day n working days before ``day``: there are n working days in (result, day]."""
        counted = 0
        while counted < n:
            day -= dt.timedelta(days=1)
            counted += self.is_workday(day)[0]
        return day

    def count_working_days(self, start: dt.date, end: dt.date) -> tuple[int, bool]:
        """Working days in (start, end], and whether the count is provisional.

        Negative when ``end`` lies before ``start`` (working days overdue)."""
        if end < start:
            count, provisional = self.count_working_days(end, start)
            return -count, provisional
        if (end - start).days > MAX_SPAN_DAYS:
            raise SpanTooLong((start, end))
        count, provisional, day = 0, False, start
        while day < end:
            day += dt.timedelta(days=1)
            workday, guess = self.is_workday(day)
            provisional |= guess
            count += workday
        return count, provisional


@lru_cache(maxsize=8192)
def _package_is_workday(day: dt.date) -> tuple[bool, bool]:
    """chinese-calendar's answer, cached: its data never change within a release, and each of its
    calls scans the whole holiday table for the range it knows."""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5, True


def is_workday(day: dt.date) -> tuple[bool, bool]:
    return Calendar().is_workday(day)


def add_working_days(start: dt.date, n: int) -> WorkdayAnswer:
    return Calendar().add_working_days(start, n)


def count_working_days(start: dt.date, end: dt.date) -> tuple[int, bool]:
    return Calendar().count_working_days(start, end)


# --- calendar months and years (R12 validity and evaluation dates) -------------------------
def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier, if negative); the month's last day when it has
    no such day (31 August + 6 months = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, _months.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def year_is_known(year: int) -> bool:
    """Whether working days of ``year`` are known (imported schedule or chinese-calendar)."""
    if HolidayOverride.objects.filter(date__year=year).exists():
        return True
    return not _package_is_workday(dt.date(year, 1, 2))[1]


def schedule_warning(today: dt.date) -> str | None:
    """From 1 December, a reminder to import next year's holiday schedule while it is missing
    (else due dates in January are provisional)."""
    if (today.month, today.day) < (12, 1) or year_is_known(today.year + 1):
        return None
    return f"{today.year + 1}年节假日安排尚未导入：请运行 manage.py import_holidays {today.year + 1} FILE"
