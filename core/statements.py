"""Querysets compiled once and bound many times (issue 19), as SQLAlchemy's baked queries.

Building and compiling a queryset costs more Python than its database round trip: the lock
query of every act (visibility, row lock, related rows, the act's facts) took about 6 ms to
build and compile and 2–3 ms to run. An act's lock query has the same shape every time; only
its values (the document's id, the issuers a reviewer's body serves) change. So:

    document = statements.first(("access_document", role, facts), build, pk, issuer_ids)

``build(*values)`` returns the queryset for those values, each an ``int``, a ``str``, a
``datetime.date`` or a list of ints. ``rows(key, build, *values)`` does the same for a
``values_list`` queryset and answers every row, as tuples (the public catalogue: every row of
an issuer's, read on every request).
The first call of a shape compiles ``build`` twice, with two sets of distinct sentinel values,
and keeps the SQL and, for each parameter, either the constant both compilations share or the
value it stands for. Later calls bind the values into that SQL, run it, and make the instances
as Django's ``ModelIterable`` does (select_related rows, annotations, converters). A shape whose
two compilations differ in anything but the sentinels is not kept: it runs as a plain queryset
every time. Lists are padded to a power of two with their last value (``IN (a, b, b, b)`` means
``IN (a, b)``), so a province of list lengths makes a handful of shapes.

Compiled statements are kept per thread and database alias (a compiler belongs to its
connection). Results are never cached: every call runs its SQL. On PostgreSQL the SQL of
``first`` (one row, by its key), the same text every time, is then prepared and planned once per
connection (settings: DB_PREPARED_STATEMENTS); nothing else is: a generic plan suits a row by
its key, not a range of dates whose rows it cannot guess.
"""
from __future__ import annotations

import datetime as dt
import threading
from typing import Callable, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models.query import ValuesListIterable, get_related_populators
from django.db.transaction import TransactionManagementError

_BASE_A = -(2**62)            # int sentinels: far below any id, distinct per slot and per compilation
_BASE_B = -(2**62) - 2**40
_DAY_A = dt.date(1, 1, 1)     # date sentinels: the first years of the calendar (no document's dates)
_DAY_B = dt.date(2, 1, 1)
_MAX_SHAPES = 256              # per thread; cleared when full (shapes are few: see the padding)

_local = threading.local()
_EMPTY = object()              # the shape can match nothing (an empty IN list)
_PLAIN = object()              # the shape is not kept: run the queryset as built


class _Rows(NamedTuple):
    sql: str
    slots: tuple
    compiler: object
    converters: dict


class _Prepared(NamedTuple):
    sql: str
    slots: tuple               # per parameter: ("v", flat index) or ("c", constant)
    compiler: object           # compiled: its select, converters and where the model's columns are
    for_update: bool
    init_list: list
    start: int
    end: int
    populators: list
    converters: dict           # the compiler's, worked out once (a hundred columns' lookups a call)


def _pad(value):
    if isinstance(value, (list, tuple)):
        values = list(value)
        if values:
            size = 1
            while size < len(values):
                size *= 2
            values += [values[-1]] * (size - len(values))
        return values
    return value


def _kind(value):
    """A value's part of the shape: a list's length, or the type its sentinel takes."""
    if isinstance(value, list):
        return len(value)
    if isinstance(value, str):
        return "str"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return "date"
    if isinstance(value, int) and not isinstance(value, bool):
        return "int"
    raise TypeError(f"statements bind ints, strs, dates and lists of ints, not {type(value).__name__}")


def _sentinel(kind, flat, second):
    if kind == "str":
        return f"\ufdd0{'ab'[second]}{flat}"  # a noncharacter: no constant of a query's is one
    if kind == "date":
        return (_DAY_B if second else _DAY_A) + dt.timedelta(days=flat)
    return (_BASE_B if second else _BASE_A) - flat


def _sentinel_args(shape, second):
    args, flat = [], 0
    for kind in shape:
        if isinstance(kind, int):
            args.append([_sentinel("int", flat + i, second) for i in range(kind)])
            flat += kind
        else:
            args.append(_sentinel(kind, flat, second))
            flat += 1
    return args, flat


def _flatten(args):
    flat = []
    for value in args:
        if isinstance(value, list):
            flat.extend(value)
        else:
            flat.append(value)
    return flat


def _compile(build, args, using):
    queryset = build(*args)
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    return queryset, compiler, sql, tuple(params)


def _prepare(build, shape, using, *, values_list=False):
    args_a, _ = _sentinel_args(shape, False)
    args_b, _ = _sentinel_args(shape, True)
    try:
        queryset, compiler, sql_a, params_a = _compile(build, args_a, using)
        _, _, sql_b, params_b = _compile(build, args_b, using)
    except EmptyResultSet:
        return _EMPTY
    if sql_a != sql_b or len(params_a) != len(params_b):
        return _PLAIN
    sentinels_a, sentinels_b = {}, []
    for a, b in zip(_flatten(args_a), _flatten(args_b)):
        sentinels_a[a] = len(sentinels_b)
        sentinels_b.append(b)
    slots = []
    for a, b in zip(params_a, params_b):
        if a == b and a not in sentinels_a:
            slots.append(("c", a))
        elif a in sentinels_a and b == sentinels_b[sentinels_a[a]]:
            slots.append(("v", sentinels_a[a]))
        else:
            return _PLAIN
    if values_list:
        query = queryset.query
        # as django.db.models.query.ValuesListIterable when it need not reorder the columns
        if (queryset._iterable_class is not ValuesListIterable
                or list(queryset._fields) != [*query.extra_select, *query.values_select, *query.annotation_select]):
            return _PLAIN
        return _Rows(sql_a, tuple(slots), compiler,
                     compiler.get_converters([s[0] for s in compiler.select[0:compiler.col_count]]))
    # as django.db.models.query.ModelIterable
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Prepared(sql_a, tuple(slots), compiler, bool(queryset.query.select_for_update),
                     [f[0].target.attname for f in select[start:end]], start, end,
                     get_related_populators(klass_info, select, using),
                     compiler.get_converters([s[0] for s in select[0:compiler.col_count]]))


def _cache():
    cache = getattr(_local, "cache", None)
    if cache is None or len(cache) >= _MAX_SHAPES:
        cache = _local.cache = {}
    return cache


def forget() -> None:
    """Drop this thread's compiled statements (tests that change models' SQL)."""
    _local.cache = {}


def _shaped(key, build, values, using, *, values_list=False):
    values = tuple(_pad(v) for v in values)
    shape = tuple(_kind(v) for v in values)
    cache = _cache()
    cache_key = (key, shape, using, values_list)
    prepared = cache.get(cache_key)
    if prepared is None:
        prepared = cache[cache_key] = _prepare(build, shape, using, values_list=values_list)
    return prepared, values


def first(key, build: Callable, *values, model, for_update: bool = False):
    """The first instance ``build(*values)`` yields, or None; compiled once per shape.
    ``model`` and ``for_update`` must be what ``build`` returns (they choose the database)."""
    using = router.db_for_write(model) if for_update else router.db_for_read(model)
    prepared, values = _shaped(key, build, values, using)
    if prepared is _EMPTY:
        return None
    if prepared is _PLAIN:
        return next(iter(build(*values)), None)
    return _run(prepared, values, using)


def rows(key, build: Callable, *values, model) -> list[tuple]:
    """Every row of ``build(*values)``, a ``values_list`` queryset of ``model``, as tuples (what
    iterating it gives); compiled once per shape, run with Django's own cursor (not prepared)."""
    using = router.db_for_read(model)
    prepared, values = _shaped(key, build, values, using, values_list=True)
    if prepared is _EMPTY:
        return []
    if prepared is _PLAIN:
        return list(build(*values))
    with connections[using].cursor() as cursor:
        cursor.execute(prepared.sql, _params(prepared, values))
        found = cursor.fetchall()
    if prepared.converters:
        return list(map(tuple, prepared.compiler.apply_converters(found, prepared.converters)))
    return found


class _Preparing:
    """Django's psycopg cursor, asked to prepare what it runs: the statement is planned once per
    connection (psycopg keeps the names, PostgreSQL the plans)."""

    def __init__(self, cursor):
        self._cursor = cursor

    def execute(self, sql, params=None):
        return self._cursor.execute(sql, params, prepare=True)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        return iter(self._cursor)


def _cursor(connection):
    """Django's cursor (health check, thread check, query log, error translation); on
    PostgreSQL binding values on the server (core.postgresql, DB_PREPARED_STATEMENTS on), the
    psycopg cursor inside it prepares. Otherwise (off, for PgBouncer) nothing is prepared."""
    cursor = connection.cursor()
    if getattr(connection.features, "uses_server_side_binding", False):
        cursor.cursor = _Preparing(cursor.cursor)
    return cursor


def _params(prepared, values) -> list:
    flat = _flatten(values)
    return [flat[x] if kind == "v" else x for kind, x in prepared.slots]


def _run(prepared: _Prepared, values: tuple, using: str):
    connection = connections[using]
    compiler = prepared.compiler
    if prepared.for_update and connection.features.has_select_for_update and connection.get_autocommit():
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    with _cursor(connection) as cursor:
        cursor.execute(prepared.sql, _params(prepared, values))
        rows = cursor.fetchmany(1)
    if not rows:
        return None
    # as django.db.models.query.ModelIterable, for one row
    row = next(iter(compiler.apply_converters(rows, prepared.converters))) if prepared.converters else rows[0]
    obj = compiler.klass_info["model"].from_db(using, prepared.init_list, row[prepared.start:prepared.end])
    for populator in prepared.populators:
        populator.populate(row, obj)
    for name, position in (compiler.annotation_col_map or {}).items():
        setattr(obj, name, row[position])
    return obj
