"""R7 at the database: no row may be past legality review without an approved (lawful) review
of its current text version, whatever writes it (ORM, admin, raw SQL). Text versions and
decided review rounds are immutable, so the reviewed text cannot be swapped under the number.

Note for SQLite: Django rebuilds a table to alter it, which drops its triggers. A migration
that alters review_document, review_version or review_reviewround must re-run ``install``
below (tests/review/test_r7_database.py fails if a trigger is missing).
"""
from django.db import migrations

REVIEWED = "('registration', 'published', 'reviewed', 'repealed', 'expired')"
NO_LAWFUL_REVIEW = (
    "NOT EXISTS (SELECT 1 FROM review_reviewround r WHERE r.document_id = NEW.id "
    "AND r.version_id = NEW.current_version_id AND r.outcome = 'lawful')"
)
VERSION_CHANGED = ("(NEW.body IS NOT OLD.body OR NEW.sha256 IS NOT OLD.sha256 "
                   "OR NEW.document_id IS NOT OLD.document_id OR NEW.number IS NOT OLD.number)")
ROUND_CHANGED = ("OLD.outcome <> '' AND (NEW.outcome IS NOT OLD.outcome "
                 "OR NEW.version_id IS NOT OLD.version_id OR NEW.document_id IS NOT OLD.document_id)")

POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION review_r7_guard() RETURNS trigger AS $$
    BEGIN
      IF NEW.state IN {REVIEWED} AND {NO_LAWFUL_REVIEW} THEN
        RAISE EXCEPTION 'R7: document % has no approved legality review of its current text', NEW.id
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """CREATE TRIGGER review_document_r7 BEFORE INSERT OR UPDATE ON review_document
       FOR EACH ROW EXECUTE FUNCTION review_r7_guard();""",
    f"""
    CREATE OR REPLACE FUNCTION review_version_immutable() RETURNS trigger AS $$
    BEGIN
      IF {VERSION_CHANGED.replace(' IS NOT ', ' IS DISTINCT FROM ')} THEN
        RAISE EXCEPTION 'text versions are immutable' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """CREATE TRIGGER review_version_immutable BEFORE UPDATE ON review_version
       FOR EACH ROW EXECUTE FUNCTION review_version_immutable();""",
    f"""
    CREATE OR REPLACE FUNCTION review_round_decided_immutable() RETURNS trigger AS $$
    BEGIN
      IF {ROUND_CHANGED.replace(' IS NOT ', ' IS DISTINCT FROM ')} THEN
        RAISE EXCEPTION 'a decided review round is immutable' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """CREATE TRIGGER review_round_decided_immutable BEFORE UPDATE ON review_reviewround
       FOR EACH ROW EXECUTE FUNCTION review_round_decided_immutable();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS review_document_r7 ON review_document",
    "DROP TRIGGER IF EXISTS review_version_immutable ON review_version",
    "DROP TRIGGER IF EXISTS review_round_decided_immutable ON review_reviewround",
    "DROP FUNCTION IF EXISTS review_r7_guard()",
    "DROP FUNCTION IF EXISTS review_version_immutable()",
    "DROP FUNCTION IF EXISTS review_round_decided_immutable()",
]

SQLITE = [
    f"""CREATE TRIGGER review_document_r7_insert AFTER INSERT ON review_document
        WHEN NEW.state IN {REVIEWED} AND {NO_LAWFUL_REVIEW}
        BEGIN SELECT RAISE(ABORT, 'R7: no approved legality review of the current text'); END;""",
    f"""CREATE TRIGGER review_document_r7_update BEFORE UPDATE ON review_document
        WHEN NEW.state IN {REVIEWED} AND {NO_LAWFUL_REVIEW}
        BEGIN SELECT RAISE(ABORT, 'R7: no approved legality review of the current text'); END;""",
    f"""CREATE TRIGGER review_version_immutable BEFORE UPDATE ON review_version
        WHEN {VERSION_CHANGED}
        BEGIN SELECT RAISE(ABORT, 'text versions are immutable'); END;""",
    f"""CREATE TRIGGER review_round_decided_immutable BEFORE UPDATE ON review_reviewround
        WHEN {ROUND_CHANGED}
        BEGIN SELECT RAISE(ABORT, 'a decided review round is immutable'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS review_document_r7_insert",
    "DROP TRIGGER IF EXISTS review_document_r7_update",
    "DROP TRIGGER IF EXISTS review_version_immutable",
    "DROP TRIGGER IF EXISTS review_round_decided_immutable",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor, []))


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(vendor, []))


def create_history_head(apps, schema_editor):
    apps.get_model("review", "HistoryHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]

    operations = [
        migrations.RunPython(install, uninstall),
        migrations.RunPython(create_history_head, migrations.RunPython.noop),
    ]
