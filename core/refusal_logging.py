"""Logging of expected refusals (issue 17): a 403 or 404 is the system working, not a fault.

Django logs every 4xx on ``django.request`` at WARNING, and a PermissionDenied raised in a page
with its whole traceback. ``ExpectedRefusals`` (a filter on that logger) lowers 400, 401, 403,
404, 405, 409 and 429 to INFO without the traceback, so that the log keeps one line per refusal
(visible at LOG_LEVEL=INFO) and real errors stand out.
"""
import logging

EXPECTED = {400, 401, 403, 404, 405, 409, 413, 429}


class ExpectedRefusals(logging.Filter):
    def filter(self, record):
        if getattr(record, "status_code", None) in EXPECTED and record.levelno < logging.ERROR:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
        return True
