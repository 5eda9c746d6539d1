"""A pytest plugin (pytest.ini: -p tests.r7_flush): on SQLite, a test database is emptied after
each transactional test with DELETE FROM every table, in no fixed order, which the R7 delete
guards of migration 0014 would refuse (a version deleted while its document still exists).
For the length of a flush only, the guards are dropped and put back."""
import importlib

import pytest


@pytest.fixture(scope="session", autouse=True)
def _r7_guards_lifted_for_flush(django_db_setup):
    from django.db import connection

    if connection.vendor != "sqlite":  # PostgreSQL empties with TRUNCATE, which fires no row trigger
        yield
        return
    DatabaseOperations = type(connection.ops)
    guard = importlib.import_module("review.migrations.0014_r7_delete_insert_guard")
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        sql = original(self, style, tables, **kwargs)
        return [*guard.SQLITE_DROP, *sql, *guard.SQLITE] if sql else sql

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original
