"""The services' own check of the input bounds (issue 17): the API and the pages check first and
say so with a 400, but a service called any other way must refuse an absurd date or a title with
a bidirectional override too (``InvalidInput``), never loop over 8,000 years or answer 500."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.inputs import date_problem, earliest_plausible_date, latest_plausible_date, line_problem
from core.inputs import normalise_text  # noqa: F401  (re-exported for the services)
from core.errors import InvalidInput
from review import facts


def require_line(value: str, label: str) -> str:
    problem = line_problem(value, label)
    if problem:
        raise InvalidInput(problem)
    return value


def require_date(value: dt.date | None, label: str, *, earliest: dt.date | None = None,
                 latest: dt.date | None = None, earliest_why: str = "", latest_why: str = "") -> None:
    if value is not None and not isinstance(value, dt.date):
        raise InvalidInput(f"{label}须为日期（YYYY-MM-DD）")
    problem = date_problem(value, label, earliest=earliest or earliest_plausible_date(), latest=latest,
                           earliest_why=earliest_why, latest_why=latest_why)
    if problem:
        raise InvalidInput(problem)


def require_past_date(value, label: str) -> None:
    """A date of something done: not before EARLIEST_PLAUSIBLE_DATE, not after today."""
    require_date(value, label, latest=timezone.localdate(), latest_why="今天")


def require_comment_closing_date(closes_on) -> None:
    """征求意见截止日期: from today to MAX_DAYS_AHEAD ahead."""
    today = timezone.localdate()
    require_date(closes_on, "征求意见截止日期", earliest=today, earliest_why="今天",
                 latest=latest_plausible_date(today))


def approved_on(document) -> dt.date | None:
    """The day the text now current was approved (its lawful review round was decided)."""
    decided = facts.get(document, "approved_decided_at")
    return timezone.localdate(decided) if decided else None


def require_publication_dates(document, published_on, effective_from) -> None:
    """公布日期 / 施行日期: not before the approval of the text, not more than MAX_DAYS_AHEAD ahead."""
    approval = approved_on(document)
    latest = latest_plausible_date(timezone.localdate())
    for value, label in ((published_on, "公布日期"), (effective_from, "施行日期")):
        require_date(value, label, earliest=approval, latest=latest,
                     earliest_why=f"审核通过日期（{approval:%Y-%m-%d}）" if approval else "")
