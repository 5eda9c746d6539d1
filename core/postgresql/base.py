"""Django's PostgreSQL backend, with the writes prepared (issue 19; settings: DB_PREPARED_STATEMENTS).

PostgreSQL parses, analyses and plans every statement it is sent. An act's INSERTs and UPDATEs
have the same text every time (a history row, the document's row by its id), so each connection
prepares them once and then only binds and runs them: psycopg prepares a statement the fifth
time a connection runs it (``prepare_threshold``), and ``PreparingCursor`` lets it do so only for
INSERT, UPDATE and DELETE. A SELECT is not prepared here (the lock queries ``core.statements``
compiles ask for it themselves): a prepared statement's generic plan suits a row by its key, not
a search pattern whose rows it cannot guess (the two-character search at 1,000,000 documents took
5.6 s instead of 0.19 s). Every value is bound on the server; an unprepared statement is planned
for its own values, as with Django's client-side binding.
"""
from django.db.backends.postgresql import base

_WRITES = ("INSERT", "UPDATE", "DELETE")


class PreparingCursor(base.ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None and not (isinstance(query, str) and query.lstrip()[:6].upper() in _WRITES):
            prepare = False  # a SELECT (or anything else): planned for its values every time
        return super().execute(query, params, prepare=prepare, binary=binary)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        # Django chose its server-binding cursor (OPTIONS: server_side_binding): prepare the writes
        if params.get("cursor_factory") is base.ServerBindingCursor and params.get("prepare_threshold") is not None:
            params["cursor_factory"] = PreparingCursor
        return params
