"""Input bounds shared by the API serializers, the page forms and the services (issue 17).

- Integers: ``parse_int`` accepts ASCII digits within a range, else None (never int("²"),
  never a 30-digit id that overflows the database).
- Dates: ``date_problem`` says, in Chinese and naming the field, why a date lies outside its
  plausible window (none before EARLIEST_PLAUSIBLE_DATE; none more than MAX_DAYS_AHEAD ahead).
- Text: a title or a name is one line without control characters or bidirectional overrides
  (``validate_line``: 400 naming the problem); a body keeps new lines and tabs and loses the rest
  of those characters, with CRLF and CR turned into LF (``normalise_text``).
"""
from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers

# C0 and C1 controls, DEL, the bidirectional marks, embeddings, overrides and isolates (the
# "Trojan Source" characters), the Arabic letter mark.
_FORBIDDEN = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_FORBIDDEN_IN_LINE = re.compile(f"[{_FORBIDDEN}]")
_STRIP_FROM_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_DIGITS = re.compile(r"[0-9]{1,18}")

BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --- integers -----------------------------------------------------------------------------
def parse_int(value, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """``value`` as an int when it is plain ASCII digits within [minimum, maximum], else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number


# --- dates --------------------------------------------------------------------------------
def earliest_plausible_date() -> dt.date:
    return dt.date.fromisoformat(getattr(settings, "EARLIEST_PLAUSIBLE_DATE", "2000-01-01"))


def latest_plausible_date(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=int(getattr(settings, "MAX_DAYS_AHEAD", 366)))


def date_problem(value: dt.date | None, label: str, *, earliest: dt.date | None = None,
                 latest: dt.date | None = None, earliest_why: str = "", latest_why: str = "") -> str | None:
    """Why ``value`` lies outside [earliest, latest], in Chinese and naming the field; else None."""
    if value is None:
        return None
    if earliest is not None and value < earliest:
        return f"{label}不能早于{earliest_why or f'{earliest:%Y-%m-%d}'}"
    if latest is not None and value > latest:
        return f"{label}不能晚于{latest_why or f'{latest:%Y-%m-%d}'}"
    return None


# --- text ---------------------------------------------------------------------------------
def line_problem(value: str, label: str = "") -> str | None:
    """Why ``value`` cannot be a title or a name (control or bidirectional characters), else None."""
    if not isinstance(value, str):
        return None
    match = _FORBIDDEN_IN_LINE.search(value)
    if match is None:
        return None
    char = match.group()
    kind = "双向文本控制字符" if char in BIDI else ("换行符" if char in "\r\n" else "控制字符")
    return f"{label or '此项'}不能包含{kind}（U+{ord(char):04X}）"


def line_validator(label: str = ""):
    """A validator for Django forms and DRF serializers alike (DRF converts Django's error)."""

    def validate(value):
        problem = line_problem(value, label)
        if problem:
            raise ValidationError(problem)

    return validate


validate_line = line_validator()


def normalise_text(value: str) -> str:
    """A body as stored: LF line ends; no control or bidirectional characters but LF and tab."""
    if not isinstance(value, str):
        return value
    return _STRIP_FROM_TEXT.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


class LineField(serializers.CharField):
    """A title or a name: one line, no control or bidirectional characters (400 otherwise)."""

    def __init__(self, *, name_zh: str = "", **kwargs):
        super().__init__(**kwargs)
        # ours names the field and the character (DRF's null-character message does neither)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators.append(line_validator(name_zh))


class TextField(serializers.CharField):
    """A body, an opinion, a reason: normalised (``normalise_text``) before its other checks."""

    def to_internal_value(self, data):
        return super().to_internal_value(normalise_text(data) if isinstance(data, str) else data)


class LineFormField(forms.CharField):
    def __init__(self, *, name_zh: str = "", **kwargs):
        super().__init__(**kwargs)
        # ours names the field and the character (DRF's null-character message does neither)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators.append(line_validator(name_zh))


class TextFormField(forms.CharField):
    def to_python(self, value):
        return super().to_python(normalise_text(value) if isinstance(value, str) else value)
