"""An act: one transaction in which each slow-changing fact is read once (issue 19).

A service that changes state runs as ``@act`` (or ``with act():``) instead of a bare
``transaction.atomic``: the same transaction, plus a scope in which ``once(key, load)`` answers
from the first load. The organisation tree (accounts.jurisdiction) and the holiday schedule
(core.calendar) are read through it, so an approval that asks five questions of jurisdiction
and two of the calendar reads each table once. Outside any act (a page, a task, a shell),
``once`` simply loads: nothing is kept across transactions, so an organisation or holiday
changed by someone else is seen by the next act.

Scopes nest (an act that calls another act's service shares the outer scope), and are
contextvar-based, so threads and async tasks each have their own.
"""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")

_scope: contextvars.ContextVar[dict | None] = contextvars.ContextVar("act_scope", default=None)


@contextlib.contextmanager
def shared():
    """A scope in which ``once`` keeps its answers; nested scopes share the outer one."""
    if _scope.get() is not None:
        yield
        return
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def once(key: str, load: Callable[[], T]) -> T:
    """``load()``, at most once per scope (every time outside one)."""
    answers = _scope.get()
    if answers is None:
        return load()
    if key not in answers:
        answers[key] = load()
    return answers[key]


def forget(key: str) -> None:
    """Drop an answer kept in the current scope (an act that changed what it read)."""
    answers = _scope.get()
    if answers is not None:
        answers.pop(key, None)


class act(contextlib.ContextDecorator):
    """``transaction.atomic()`` and a ``shared()`` scope, as a decorator or a context manager."""

    def __enter__(self):
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(shared())
        self._stack.enter_context(transaction.atomic())
        return self

    def __exit__(self, *exc):
        return self._stack.__exit__(*exc)

    def _recreate_cm(self):  # a fresh instance per call, so that recursion and threads are safe
        return act()


class SharedScopeMiddleware:
    """One scope per request: a page or an API call that asks jurisdiction several questions
    (visibility, offered acts, forms) reads the organisation tree once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with shared():
            return self.get_response(request)
