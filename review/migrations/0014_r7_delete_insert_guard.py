"""R7 at the database against DELETE and INSERT as well as UPDATE (issue 17).

Migration 0002 refuses UPDATEs that would swap the reviewed text. With database access one could
still delete the approving review round, or delete a published version and insert another text
under the same id and hash. These triggers refuse, on PostgreSQL and SQLite alike:

- deleting a text version (of a document that still exists);
- inserting a version under an existing (document, number); on PostgreSQL also a version whose
  sha256 is not the hash of its body (SQLite has no SHA-256: verify_audit_log recomputes it);
- deleting a decided review round (of a document that still exists), and changing a decided
  round's opinion, reviewer or decision time (0002 already guards outcome, version, document).

"Of a document that still exists": deleting a document with everything it has is refused
elsewhere (its history rows are protected); the condition lets a test database be emptied
(on SQLite a flush is DELETE FROM each table, in any order: tests/r7_flush.py lifts these
triggers for the length of a flush). As 0002 notes, a migration that rebuilds review_version or
review_reviewround on SQLite must re-run ``install`` below.
"""
from django.db import migrations

DOCUMENT_EXISTS = "EXISTS (SELECT 1 FROM review_document d WHERE d.id = OLD.document_id)"
NUMBER_TAKEN = "EXISTS (SELECT 1 FROM review_version v WHERE v.document_id = NEW.document_id AND v.number = NEW.number)"
DECIDED_ROUND_EDITED = ("OLD.outcome <> '' AND (NEW.opinion IS NOT OLD.opinion OR NEW.reviewer_id IS NOT OLD.reviewer_id "
                        "OR NEW.decided_at IS NOT OLD.decided_at)")

POSTGRES = [
    f"""
    CREATE OR REPLACE FUNCTION review_version_no_delete() RETURNS trigger AS $$
    BEGIN
      IF {DOCUMENT_EXISTS} THEN
        RAISE EXCEPTION 'R7: text versions are never deleted (version %)', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN OLD;
    END $$ LANGUAGE plpgsql;
    """,
    """CREATE TRIGGER review_version_no_delete BEFORE DELETE ON review_version
       FOR EACH ROW EXECUTE FUNCTION review_version_no_delete();""",
    f"""
    CREATE OR REPLACE FUNCTION review_version_insert_guard() RETURNS trigger AS $$
    BEGIN
      IF {NUMBER_TAKEN} THEN
        RAISE EXCEPTION 'R7: version number % of document % exists', NEW.number, NEW.document_id
          USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.sha256 IS DISTINCT FROM encode(sha256(convert_to(NEW.body, 'UTF8')), 'hex') THEN
        RAISE EXCEPTION 'R7: the hash of a new version is not the hash of its text' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """CREATE TRIGGER review_version_insert_guard BEFORE INSERT ON review_version
       FOR EACH ROW EXECUTE FUNCTION review_version_insert_guard();""",
    f"""
    CREATE OR REPLACE FUNCTION review_round_decided_no_delete() RETURNS trigger AS $$
    BEGIN
      IF OLD.outcome <> '' AND {DOCUMENT_EXISTS} THEN
        RAISE EXCEPTION 'R7: a decided review round is never deleted' USING ERRCODE = 'check_violation';
      END IF;
      RETURN OLD;
    END $$ LANGUAGE plpgsql;
    """,
    """CREATE TRIGGER review_round_decided_no_delete BEFORE DELETE ON review_reviewround
       FOR EACH ROW EXECUTE FUNCTION review_round_decided_no_delete();""",
    f"""
    CREATE OR REPLACE FUNCTION review_round_decided_frozen() RETURNS trigger AS $$
    BEGIN
      IF {DECIDED_ROUND_EDITED.replace(' IS NOT ', ' IS DISTINCT FROM ')} THEN
        RAISE EXCEPTION 'a decided review round is immutable' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """CREATE TRIGGER review_round_decided_frozen BEFORE UPDATE ON review_reviewround
       FOR EACH ROW EXECUTE FUNCTION review_round_decided_frozen();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS review_version_no_delete ON review_version",
    "DROP TRIGGER IF EXISTS review_version_insert_guard ON review_version",
    "DROP TRIGGER IF EXISTS review_round_decided_no_delete ON review_reviewround",
    "DROP TRIGGER IF EXISTS review_round_decided_frozen ON review_reviewround",
    "DROP FUNCTION IF EXISTS review_version_no_delete()",
    "DROP FUNCTION IF EXISTS review_version_insert_guard()",
    "DROP FUNCTION IF EXISTS review_round_decided_no_delete()",
    "DROP FUNCTION IF EXISTS review_round_decided_frozen()",
]

SQLITE = [
    f"""CREATE TRIGGER review_version_no_delete BEFORE DELETE ON review_version
        WHEN {DOCUMENT_EXISTS}
        BEGIN SELECT RAISE(ABORT, 'R7: text versions are never deleted'); END;""",
    f"""CREATE TRIGGER review_version_insert_guard BEFORE INSERT ON review_version
        WHEN {NUMBER_TAKEN}
        BEGIN SELECT RAISE(ABORT, 'R7: this version number of the document exists'); END;""",
    f"""CREATE TRIGGER review_round_decided_no_delete BEFORE DELETE ON review_reviewround
        WHEN OLD.outcome <> '' AND {DOCUMENT_EXISTS}
        BEGIN SELECT RAISE(ABORT, 'R7: a decided review round is never deleted'); END;""",
    f"""CREATE TRIGGER review_round_decided_frozen BEFORE UPDATE ON review_reviewround
        WHEN {DECIDED_ROUND_EDITED}
        BEGIN SELECT RAISE(ABORT, 'a decided review round is immutable'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS review_version_no_delete",
    "DROP TRIGGER IF EXISTS review_version_insert_guard",
    "DROP TRIGGER IF EXISTS review_round_decided_no_delete",
    "DROP TRIGGER IF EXISTS review_round_decided_frozen",
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


class Migration(migrations.Migration):
    dependencies = [("review", "0013_publiccomment_signature")]

    operations = [migrations.RunPython(install, uninstall)]
