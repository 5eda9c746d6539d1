"""Reads from a PostgreSQL streaming replica, where a view opts in (issue 19).

With ``DATABASE_REPLICA_URL`` set there is a ``replica`` database alias. Nothing reads from it
unless a view says so with ``@reads_from_replica`` (public pages and API, the Atom feed, staff
listings and searches, exports): the scope is a context variable, so each thread and each asyncio
task has its own, and ``core.db_router.ReplicaRouter`` asks ``replica_alias()`` for every read.
Inside a scope a read still goes to the primary when

- the request is not a safe one (GET, HEAD, OPTIONS), or the primary is inside a transaction;
- the client wrote less than ``REPLICA_READ_YOUR_WRITES_SECONDS`` ago (read-your-own-writes):
  ``ReadYourWritesMiddleware`` marks a successful POST/PUT/PATCH/DELETE (log-ins included) with a
  short signed cookie, which follows a browser or anonymous commenter whatever process answers,
  and with a cache entry for the user, which follows a token client that keeps no cookies (the
  cache is Redis in production, shared by every process);
- the replica is unreachable, not a standby, or further behind than ``REPLICA_MAX_LAG_SECONDS``
  (checked at most once per ``REPLICA_HEALTH_SECONDS`` per process, see ``_probe``);
- the model is one the log-in path reads (sessions, tokens, users, axes): a token issued a moment
  ago on the primary must authenticate at once, whatever the replica has replayed.

A replica that fails in the middle of a request is marked down and the view runs again on the
primary (its reads are repeatable: it is a safe request); a streamed export is started again on
the primary when it fails before its first rows went out (``streamed``).
"""
from __future__ import annotations

import contextvars
import functools
import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

ALIAS = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
COOKIE = "rw"  # "1", signed with the moment of the client's last write (read back with max_age)
_COOKIE_SALT = "core.replica.read-your-writes"
# Read by authentication on every request: always the primary (a fresh token must work at once).
PRIMARY_ONLY_APPS = frozenset({"sessions", "authtoken", "axes", "auth", "admin"})
PRIMARY_ONLY_MODELS = frozenset({"accounts.user"})


def configured() -> bool:
    return ALIAS in settings.DATABASES


# --- the scope -----------------------------------------------------------------------------------
@dataclass
class Scope:
    """One view's opt-in. ``allowed`` is decided at the first routed read and kept for the request,
    so that a listing's count and its page come from the same database."""

    request: object = None
    allowed: bool | None = None
    used: bool = field(default=False)


_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("replica_scope", default=None)


def replica_alias(model=None) -> str | None:
    """``"replica"`` when this read may go to the replica now, else ``None`` (the primary)."""
    scope = _scope.get()
    if scope is None or not configured():
        return None
    if model is not None and (model._meta.app_label in PRIMARY_ONLY_APPS
                              or model._meta.label_lower in PRIMARY_ONLY_MODELS):
        return None
    if connections["default"].in_atomic_block:
        return None
    if scope.allowed is None:
        scope.allowed = False  # while deciding: the decision's own reads (the user) go to the primary
        scope.allowed = _may_use_replica(scope.request)
    if scope.allowed:
        scope.used = True
        return ALIAS
    return None


def _may_use_replica(request) -> bool:
    if request is not None:
        if getattr(request, "method", "GET") not in SAFE_METHODS or wrote_recently(request):
            return False
    return healthy()


class _Activated:
    """``with replica_reads(request):`` the same opt-in as the decorator, for a block."""

    def __init__(self, scope: Scope):
        self.scope, self.token = scope, None

    def __enter__(self):
        self.token = _scope.set(self.scope)
        return self.scope

    def __exit__(self, *exc):
        _scope.reset(self.token)
        return False


def replica_reads(request=None) -> _Activated:
    return _Activated(Scope(request=request))


def _request_in(args):
    for arg in args[:2]:
        if hasattr(arg, "method") and hasattr(arg, "COOKIES"):
            return arg
    return None


def reads_from_replica(view):
    """Let a read-only view read from the replica (see the module's docstring). Works on view
    functions, on view methods (``def get(self, request)``, inside DRF's error handling so that a
    failure is seen here) and on callable view objects (the Atom feed)."""

    @functools.wraps(view, assigned=[a for a in functools.WRAPPER_ASSIGNMENTS if hasattr(view, a)])
    def wrapper(*args, **kwargs):
        request = _request_in(args)
        if not configured() or (request is not None and request.method not in SAFE_METHODS):
            return view(*args, **kwargs)
        scope = Scope(request=request)
        try:
            with _Activated(scope):
                response = view(*args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            if not _replica_erred(scope):
                raise  # the primary's failure: 503 as ever (web.middleware, core.api)
            replica_failed(error)
            response = view(*args, **kwargs)  # no scope: the primary, whose reads are the truth
            scope = None
        if scope is not None and getattr(response, "streaming", False):
            content = response.streaming_content  # a generator still to run: inside the scope too
            response.streaming_content = _in_scope(scope, lambda: content)
        return response

    return wrapper


def _replica_erred(scope: Scope) -> bool:
    return scope.used and connections[ALIAS].errors_occurred


def _in_scope(scope: Scope, make):
    """A stream pulled with the scope active (the view has returned by then)."""
    inner = iter(make())
    while True:
        token = _scope.set(scope)
        try:
            chunk = next(inner)
        except StopIteration:
            return
        finally:
            _scope.reset(token)
        yield chunk


def streamed(make):
    """A streamed export that reads inside the current scope, and starts again on the primary when
    the replica fails before anything but the first chunk (the header) was produced: the first
    chunk is held back until the second exists. ``make()`` returns a fresh iterator each time."""
    scope = _scope.get()
    if scope is None:
        return make()
    return _restartable(scope, make)


def _restartable(scope: Scope, make):
    held, sent = [], False
    try:
        for chunk in _in_scope(scope, make):
            held.append(chunk)
            if len(held) > 1 or sent:
                yield from held
                held.clear()
                sent = True
    except (OperationalError, InterfaceError) as error:
        if sent or not _replica_erred(scope):
            raise  # rows went out already: the download is cut short, as when the primary fails
        replica_failed(error)
        scope.allowed = False  # the rest of this request: the primary
        yield from make()
        return
    yield from held


# --- read-your-own-writes ------------------------------------------------------------------------
def window() -> float:
    return float(settings.REPLICA_READ_YOUR_WRITES_SECONDS)


def _user_key(user_id) -> str:
    return f"replica:wrote:{user_id}"


def wrote_recently(request) -> bool:
    try:
        request.get_signed_cookie(COOKIE, salt=_COOKIE_SALT, max_age=window())
        return True
    except (KeyError, signing.BadSignature):
        pass
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        from django.core.cache import cache

        try:
            at = cache.get(_user_key(user.pk))
        except Exception:  # the cache is down: the primary, which is never stale
            return True
        return at is not None and time.time() - at < window()
    return False


def mark_write(request, response) -> None:
    """After a successful write: this client, and this user anywhere, read from the primary for
    the window."""
    seconds = window()
    response.set_signed_cookie(COOKIE, "1", salt=_COOKIE_SALT, max_age=int(seconds) + 1, httponly=True,
                               samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        from django.core.cache import cache

        try:
            cache.set(_user_key(user.pk), time.time(), timeout=int(seconds) + 1)
        except Exception:  # a cache outage must not fail a write that committed; the cookie remains
            logger.warning("replica: could not record the write of user %s in the cache", user.pk)


class ReadYourWritesMiddleware:
    """Marks each successful non-safe request (API, pages, log-ins), once a replica is configured."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if configured() and request.method not in SAFE_METHODS and response.status_code < 400:
            mark_write(request, response)
        return response


# --- health: reachable, a standby, not too far behind --------------------------------------------
@dataclass
class Health:
    checked_at: float = -1e9
    ok: bool = False
    reason: str = "not checked"
    lag_seconds: float | None = None
    next_after: float = 0.0  # seconds after checked_at
    failures: int = 0  # unreachable probes in a row


_health = Health()
_health_lock = threading.Lock()
_last_warning = {"at": -1e9}
MAX_BACKOFF_SECONDS = 30.0


def healthy() -> bool:
    """The replica's verdict, probed at most once per REPLICA_HEALTH_SECONDS in this process.

    While one thread probes, the others keep the last verdict rather than wait for it. An
    unreachable replica is probed again after 2, 4, 8 … periods (at most 30 s): a replica that
    does not answer (a dropped packet, not a refusal) costs its connect timeout once per backoff,
    not once per second."""
    if time.monotonic() - _health.checked_at < _health.next_after:
        return _health.ok
    if not _health_lock.acquire(blocking=False):
        return _health.ok
    try:
        if time.monotonic() - _health.checked_at >= _health.next_after:
            ok, reason, lag = _probe()
            period = float(settings.REPLICA_HEALTH_SECONDS)
            _health.failures = _health.failures + 1 if reason.startswith("unreachable") else 0
            _health.ok, _health.reason, _health.lag_seconds = ok, reason, lag
            _health.next_after = min(period * 2 ** _health.failures, max(period, MAX_BACKOFF_SECONDS))
            _health.checked_at = time.monotonic()
            if not ok:
                _warn(reason)
    finally:
        _health_lock.release()
    return _health.ok


def health() -> Health:
    healthy()
    return _health


def forget_health() -> None:
    """The next read probes again (tests)."""
    _health.checked_at, _health.failures = -1e9, 0


def _warn(reason: str) -> None:
    """Once per period of REPLICA_WARNING_SECONDS, not once per request."""
    now = time.monotonic()
    if now - _last_warning["at"] >= float(settings.REPLICA_WARNING_SECONDS):
        _last_warning["at"] = now
        logger.warning("replica not used, reads go to the primary: %s", reason)


def replica_failed(error) -> None:
    """The replica failed under a request: down until the next probe, connection dropped."""
    _health.ok, _health.reason = False, f"failed mid-request: {str(error).strip()}"
    _health.next_after, _health.checked_at = float(settings.REPLICA_HEALTH_SECONDS), time.monotonic()
    _warn(_health.reason)
    _close_replica()


def _close_replica() -> None:
    try:
        connections[ALIAS].close()
    except DatabaseError:
        pass


# Lag is measured by WAL position first, time second. ``now() - pg_last_xact_replay_timestamp()``
# alone grows without bound on an idle primary (the last transaction is old although nothing is
# missing), and a replica that is behind by a few bytes of a checkpoint is not stale. So: when the
# replica has replayed at least the WAL position the primary had just before, it is caught up (lag
# 0, whatever the clock says); only when it is behind does the age of its last replayed commit count,
# an upper bound of how old its data may be (every commit before it is there). On an idle primary
# that woke up this overestimates for the moment the replica needs to replay the new commit:
# the request reads from the primary, which is the safe side.
_PROBE = """
SELECT pg_is_in_recovery(),
       pg_last_wal_replay_lsn() >= %s::pg_lsn,
       pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()),
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
"""


def _probe() -> tuple[bool, str, float | None]:
    limit = float(settings.REPLICA_MAX_LAG_SECONDS)
    try:
        if connections[ALIAS].vendor != "postgresql":
            with connections[ALIAS].cursor() as cursor:
                cursor.execute("SELECT 1")
            return True, "ok (not PostgreSQL: reachability only)", None
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            primary_lsn = cursor.fetchone()[0]
    except (OperationalError, InterfaceError) as error:
        return False, f"primary position unknown: {error}", None
    try:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(_PROBE, [primary_lsn, primary_lsn])
            in_recovery, caught_up, behind_bytes, age = cursor.fetchone()
    except (OperationalError, InterfaceError) as error:
        _close_replica()
        return False, f"unreachable: {str(error).strip()}", None
    except DatabaseError as error:
        _close_replica()
        return False, f"probe failed: {str(error).strip()}", None
    if not in_recovery:
        return False, "not a standby (pg_is_in_recovery() is false: promoted?)", None
    if caught_up:
        return True, "caught up", 0.0
    lag = float(age) if age is not None else None
    if lag is None or lag > limit:
        return False, (f"behind by {int(behind_bytes or 0)} bytes of WAL, last replayed commit "
                       f"{'never' if lag is None else f'{lag:.1f} s'} ago (limit {limit:g} s)"), lag
    return True, f"behind by {int(behind_bytes or 0)} bytes, {lag:.1f} s", lag
