"""The numbering engine (R9, and the review bodies' opinion letters): per owner and year,
numbers 1, 2, 3 … with no gap and no duplicate, safe under concurrent callers.

``take_next`` increments the sequence row with one ``UPDATE … RETURNING``; the row stays
locked to the end of the caller's transaction, so concurrent takers queue on it and a rollback
gives the number back: no hole is left. The first number of a year creates the row (concurrent
creators agree through the unique constraint). A template formats the number; it may use
``{prefix}``, ``{year}`` and ``{seq}`` only (GB/T 9704: no 第, no leading zeros).
"""
from __future__ import annotations

import string

from django.db import connection

from core.models import NumberSequence

DEFAULT_TEMPLATE = "{prefix}〔{year}〕{seq}号"
TEMPLATE_FIELDS = {"prefix", "year", "seq"}

_TAKE = (f"UPDATE {NumberSequence._meta.db_table} SET last_seq = last_seq + 1 "
         "WHERE scope = %s AND owner_id = %s AND year = %s RETURNING last_seq")


def take_next(*, scope: str, owner_id: int, year: int) -> int:
    """The next sequence number of ``owner_id`` in ``year`` for ``scope``. Call it inside the
    transaction that records what the number is for."""
    seq = _update(scope, owner_id, year)
    if seq is None:
        NumberSequence.objects.bulk_create([NumberSequence(scope=scope, owner_id=owner_id, year=year)],
                                           ignore_conflicts=True)
        seq = _update(scope, owner_id, year)
    return seq


def _update(scope, owner_id, year) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(_TAKE, [scope, owner_id, year])
        row = cursor.fetchone()
    return None if row is None else row[0]


def last_taken(*, scope: str, owner_id: int, year: int) -> int:
    return (NumberSequence.objects.filter(scope=scope, owner_id=owner_id, year=year)
            .values_list("last_seq", flat=True).first() or 0)


def template_problem(template: str) -> str | None:
    """Why ``template`` is not a lawful number template, or None."""
    try:
        parts = list(string.Formatter().parse(template or ""))
    except ValueError as error:
        return f"文号模板格式错误：{error}"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            return "文号模板只能使用 {prefix}、{year}、{seq} 三个占位符"
    return None


def format_number(template: str, *, prefix: str, year: int, seq: int) -> str:
    return (template or DEFAULT_TEMPLATE).format(prefix=prefix, year=year, seq=seq)
