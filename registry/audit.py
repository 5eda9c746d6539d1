"""Audit listings and exports (DESIGN §4, §6): every transition, filterable, streamed as CSV or
XLSX so that a million rows leave without being held in memory."""
from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile

from django.db import connections, transaction
from django.db.models import Case, CharField, F, Func, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.errors import InvalidInput
from core.exports import SQL_NEUTRALISE_TEMPLATE, neutralise_row, xlsx_row
from review.models import History, State

COLUMNS = [
    ("seq", "序号"), ("at", "时间"), ("document_id", "文件ID"), ("document_number", "统一编号"),
    ("document_title", "文件标题"), ("action", "操作"), ("from_state", "原状态"), ("to_state", "新状态"),
    ("actor", "操作人"), ("opinion", "意见/理由"), ("version", "文本版本"), ("hash", "哈希"),
    # people read the Chinese columns above; programs match on the codes, kept in the last columns
    ("action_code", "操作代码"), ("from_state_code", "原状态代码"), ("to_state_code", "新状态代码"),
]


def action_labels() -> dict[str, str]:
    """Every act's Chinese label by its code (review.lifecycle.label), for the exports."""
    from review import lifecycle

    return {name: lifecycle.label(name) for name in [*lifecycle.transitions(), *lifecycle.OTHER_ACTS]}


def state_labels() -> dict[str, str]:
    return dict(State.choices)


def _labelled(field: str, labels: dict[str, str]):
    """``field``'s Chinese label in SQL (an unknown code stays as it is)."""
    return Case(*[When(**{field: code}, then=Value(label)) for code, label in labels.items()],
                default=F(field), output_field=CharField())


def _moment(value: str, *, end: bool) -> dt.datetime:
    day = parse_date(value)  # a bare date means the whole day, both as since and as until
    if day is not None:
        moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time())
    else:
        moment = parse_datetime(value)
        if moment is None:
            raise ValueError(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def events(*, actor=None, action=None, since=None, until=None, document=None) -> QuerySet:
    """History rows as flat dicts, oldest first. ``until`` given as a date includes that day."""
    qs = History.objects.order_by("seq")
    try:
        if since:
            qs = qs.filter(at__gte=_moment(since, end=False))
        if until:
            qs = qs.filter(at__lt=_moment(until, end=True))
    except (ValueError, OverflowError):
        raise InvalidInput("since/until 须为日期（YYYY-MM-DD）或时间（ISO 8601）")
    if actor:
        qs = qs.filter(actor__username=actor)
    if action:
        qs = qs.filter(action=action)
    if document:
        qs = qs.filter(document_id=document)
    return qs.values(
        "seq", "at", "document_id", "action", "from_state", "to_state", "opinion", "hash",
        document_number=F("document__number"), document_title=F("document__title"),
        actor_name=F("actor__username"), version_number=F("version__number"),
    )


def _row(event, tz=None, actions=None, states=None) -> list:
    local = event["at"].astimezone(tz or timezone.get_current_timezone()).isoformat(timespec="seconds")
    actions = action_labels() if actions is None else actions
    states = state_labels() if states is None else states
    action, before, after = event["action"], event["from_state"], event["to_state"]
    return [event["seq"], local, event["document_id"], event["document_number"] or "", event["document_title"],
            actions.get(action, action), states.get(before, before), states.get(after, after),
            event["actor_name"] or "系统", event["opinion"], event["version_number"] or "", event["hash"],
            action, before, after]


def csv_stream(queryset, chunk_size=2000):
    """UTF-8 with a BOM, so that Excel opens the Chinese text correctly. Rows are written a chunk
    at a time into a small buffer: memory stays flat however many rows there are. On PostgreSQL
    the database writes the CSV itself (COPY), several times faster than formatting it here; on the
    database the router chose for this read (the replica inside a view's opt-in, core.replica)."""
    if connections[queryset.db].vendor == "postgresql":
        yield from _pg_csv_stream(queryset)
        return
    tz, actions, states = timezone.get_current_timezone(), action_labels(), state_labels()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in COLUMNS])
    yield "\ufeff" + buffer.getvalue()
    rows = []
    for event in queryset.iterator(chunk_size=chunk_size):
        rows.append(neutralise_row(_row(event, tz, actions, states)))  # a title "=HYPERLINK(…)" stays text
        if len(rows) == chunk_size:
            yield _flush(buffer, writer, rows)
    if rows:
        yield _flush(buffer, writer, rows)


def _pg_csv_stream(queryset):
    """The same columns as ``_row``, formatted by PostgreSQL: local time with its offset (the
    session time zone is set for this transaction), '系统' for the system's acts."""
    header = io.StringIO()
    csv.writer(header).writerow([label for _, label in COLUMNS])
    yield ("\ufeff" + header.getvalue()).encode()
    def inert(expression):  # core.exports.neutralise, in SQL
        if isinstance(expression, str):
            expression = F(expression)
        return Func(expression, template=SQL_NEUTRALISE_TEMPLATE, output_field=CharField())

    rows = queryset.values_list(
        "seq",
        Func(F("at"), Value('YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'), function="to_char", output_field=CharField()),
        "document_id", inert(Coalesce(F("document__number"), Value(""))), inert("document__title"),
        inert(_labelled("action", action_labels())), inert(_labelled("from_state", state_labels())),
        inert(_labelled("to_state", state_labels())),
        inert(Coalesce(F("actor__username"), Value("系统"))), inert("opinion"),
        Coalesce(Cast(F("version__number"), CharField()), Value("")), inert("hash"),
        inert("action"), inert("from_state"), inert("to_state"),
    )
    sql, params = rows.query.sql_with_params()
    using = rows.db  # the replica when the view reads from it (core.replica), else the primary
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        # Django reads timestamps assuming the session's UTC: inside a caller's transaction the
        # local setting would outlive this block and shift every later read by eight hours.
        cursor.execute("SELECT current_setting('TimeZone'), set_config('TimeZone', %s, true)",
                       [timezone.get_current_timezone_name()])
        session_zone = cursor.fetchone()[0]
        try:
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for block in copy:
                    yield bytes(block)  # already UTF-8: the response passes it on as it is
        finally:
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [session_zone])


def _flush(buffer, writer, rows) -> str:
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(rows)
    rows.clear()
    return buffer.getvalue()


def xlsx_file(queryset, chunk_size=2000):
    """An .xlsx written row by row (openpyxl write-only) into a spooled temporary file. Every
    string is a text cell (core.exports): an opinion "@SUM(…)" is never a formula."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("操作记录")
    sheet.append([label for _, label in COLUMNS])
    tz, actions, states = timezone.get_current_timezone(), action_labels(), state_labels()
    for event in queryset.iterator(chunk_size=chunk_size):
        sheet.append(xlsx_row(sheet, _row(event, tz, actions, states)))
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(out)
    out.seek(0)
    return out


def api_row(event, actions=None, states=None) -> dict:
    """One event for the API: the codes under their old keys (clients match on them) and the
    Chinese labels beside them (``*_label``)."""
    row = _row(event, None, actions, states)
    out = dict(zip([c for c, _ in COLUMNS[:12]], row[:12]))
    out.update(action=row[12], from_state=row[13], to_state=row[14],
               action_label=row[5], from_state_label=row[6], to_state_label=row[7])
    return out
