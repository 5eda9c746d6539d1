"""Two-character Chinese search (校外, 罚款) by index on PostgreSQL. A pg_trgm index (0007) needs
three characters; Chinese words are mostly two. doc_bigrams(text) is every two-character piece
of UPPER(text) as an array, and a GIN index over it answers "which titles contain this pair"
(review.selectors.search: the bigram's containment finds the candidates, the icontains beside
it keeps the result exactly today's). SQLite has no such index; the search is the same there."""
from django.db import migrations

CREATE = [
    """CREATE OR REPLACE FUNCTION doc_bigrams(value text) RETURNS text[]
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
         SELECT coalesce(array_agg(DISTINCT substr(upper(value), i, 2)), '{}'::text[])
         FROM generate_series(1, length(value) - 1) AS i
       $$""",
    "CREATE INDEX IF NOT EXISTS document_title_bigram ON review_document USING gin (doc_bigrams(title))",
    "CREATE INDEX IF NOT EXISTS document_number_bigram ON review_document USING gin (doc_bigrams(number))",
]
DROP = ["DROP INDEX IF EXISTS document_title_bigram", "DROP INDEX IF EXISTS document_number_bigram",
        "DROP FUNCTION IF EXISTS doc_bigrams(text)"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("review", "0015_after_publication")]
    operations = [migrations.RunPython(forwards, backwards)]
