"""Title and number search (?q=) with trigram indexes on PostgreSQL: a contains-search of three
or more characters uses the index instead of reading every document. (Django's icontains is
UPPER(col) LIKE UPPER(%q%), hence the expression. Two-character Chinese queries still scan.)"""
from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS document_title_trgm ON review_document USING gin (UPPER(title) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS document_number_trgm ON review_document USING gin (UPPER(number) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS document_title_trgm", "DROP INDEX IF EXISTS document_number_trgm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("review", "0006_public_newest_index")]
    operations = [migrations.RunPython(forwards, backwards)]
