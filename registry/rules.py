"""The rules of filing and filing review (R11, R19), named by their id like review.rules: who acts
on a filing or a review request (a ``review.rules.Who``, answered from accounts.jurisdiction)
and the deadlines, each read from its ``RULE_R…`` setting.

- R11: a published document is filed with each filing recipient of its issuer (explicit
  ``files_with``, else the default of DESIGN §3) within RULE_R11_FILING_DAYS of publication;
  the issuer's registrars submit it.
- R19: the recipient's reviewers register a filing (accept, or return it for missing materials),
  review it within RULE_R19_FILING_REVIEW_WORKING_DAYS working days of acceptance and conclude
  予以备案 or 纠正; the issuer answers a correction within RULE_R19_CORRECTION_ANSWER_DAYS days;
  a review request (审查建议) is answered within RULE_R19_REQUEST_REPLY_DAYS days.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings

from accounts.models import REVIEW_ROLES, Role
from core.calendar import Calendar
from review.rules import Who


# --- R14 applied to filings: the two sides ---------------------------------------------------
issuer_registrar = Who((Role.REGISTRAR,), "制定机关登记机构的登记人员",
                       lambda filing, user, j: user.organisation_id is not None
                       and user.organisation_id == j.registry_office_of(filing.issuer_id))
recipient_reviewer = Who(REVIEW_ROLES, "备案审查机关的审核人员",
                         lambda filing, user, j: user.organisation_id is not None
                         and user.organisation_id == filing.recipient_id)


# --- R11 / R19: the deadlines ------------------------------------------------------------------
def filing_due_on(published_on: dt.date) -> dt.date:
    """R11: filed within RULE_R11_FILING_DAYS days of publication."""
    return published_on + dt.timedelta(days=settings.RULE_R11_FILING_DAYS)


def filing_review_due_on(accepted_on: dt.date) -> tuple[dt.date, bool]:
    """R19: (due date, provisional) RULE_R19_FILING_REVIEW_WORKING_DAYS working days after acceptance."""
    answer = Calendar().add_working_days(accepted_on, settings.RULE_R19_FILING_REVIEW_WORKING_DAYS)
    return answer.date, answer.provisional


def correction_due_on(concluded_on: dt.date) -> dt.date:
    """R19: the issuer answers a correction within RULE_R19_CORRECTION_ANSWER_DAYS days."""
    return concluded_on + dt.timedelta(days=settings.RULE_R19_CORRECTION_ANSWER_DAYS)


def request_reply_due_on(received_on: dt.date) -> dt.date:
    """R19: a review request is answered within RULE_R19_REQUEST_REPLY_DAYS days."""
    return received_on + dt.timedelta(days=settings.RULE_R19_REQUEST_REPLY_DAYS)
