"""Issue 17: R7 at the database against DELETE and INSERT as well as UPDATE — on SQLite and on
PostgreSQL — and verify_audit_log reports a text swapped under a logged version's id."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from review import services
from review.models import Document, ReviewRound, Version, content_hash
from tests.helpers import IS_POSTGRES, postgres_only

pytestmark = pytest.mark.django_db

GUARDS = {"review_version_no_delete", "review_version_insert_guard", "review_round_decided_no_delete",
          "review_round_decided_frozen"}


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


def installed_triggers():
    with connection.cursor() as cur:
        if IS_POSTGRES:
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cur.fetchall()}


def test_the_delete_and_insert_guards_are_installed():
    assert GUARDS <= installed_triggers()


def test_a_published_version_cannot_be_deleted(make_document):
    doc = make_document("published")
    with pytest.raises(IntegrityError):
        raw("DELETE FROM review_version WHERE id = %s", [doc.current_version_id])
    assert Version.objects.filter(pk=doc.current_version_id).exists()


def test_no_version_can_be_deleted_even_a_draft(make_document):
    doc = make_document("drafting")
    with pytest.raises(IntegrityError):
        raw("DELETE FROM review_version WHERE document_id = %s", [doc.pk])


def test_delete_and_reinsert_under_the_same_id_and_hash_is_refused(make_document, users):
    doc = make_document("published")
    v = Version.objects.get(pk=doc.current_version_id)
    with pytest.raises(IntegrityError):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM review_version WHERE id = %s", [v.pk])
            cur.execute("INSERT INTO review_version (id, document_id, number, body, sha256, author_id, created_at) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                        [v.pk, doc.pk, v.number, "偷换的正文", v.sha256, users["drafter"].pk, v.created_at])
    assert Version.objects.get(pk=v.pk).body == v.body


def test_a_version_number_is_never_inserted_twice(make_document, users):
    doc = make_document("published")
    v = Version.objects.get(pk=doc.current_version_id)
    with pytest.raises(IntegrityError):
        raw("INSERT INTO review_version (document_id, number, body, sha256, author_id, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [doc.pk, v.number, "另一文本", content_hash("另一文本"), users["drafter"].pk, v.created_at])


def test_the_approving_round_cannot_be_deleted_or_rewritten(make_document):
    doc = make_document("published")
    lawful = ReviewRound.objects.get(document=doc, outcome="lawful")
    with pytest.raises(IntegrityError):
        raw("DELETE FROM review_reviewround WHERE id = %s", [lawful.pk])
    with pytest.raises(IntegrityError):
        raw("UPDATE review_reviewround SET opinion = '改写的意见' WHERE id = %s", [lawful.pk])
    assert ReviewRound.objects.get(pk=lawful.pk).opinion == lawful.opinion


def test_an_open_round_may_still_be_decided(make_document, users):
    doc = make_document("submitted")
    services.document_return_for_revision(actor=users["reviewer"], document_id=doc.pk, outcome="unlawful",
                                          opinion="不合法")
    assert ReviewRound.objects.get(document=doc).outcome == "unlawful"


@postgres_only
def test_postgres_refuses_a_new_version_whose_hash_is_not_its_text(make_document, users):
    doc = make_document("drafting")
    with pytest.raises(IntegrityError):
        raw("INSERT INTO review_version (document_id, number, body, sha256, author_id, created_at) "
            "VALUES (%s, 50, %s, %s, %s, now())", [doc.pk, "正文", content_hash("别的正文"), users["drafter"].pk])


def test_verify_audit_log_reports_a_swapped_text(make_document):
    doc = make_document("published")
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert out.getvalue().startswith("intact")
    # someone with the database lifts the guards and swaps the text under the same id and hash
    with connection.cursor() as cur:
        if IS_POSTGRES:
            cur.execute("SET session_replication_role = replica")  # a superuser: no user triggers
        else:
            cur.execute("DROP TRIGGER review_version_immutable")
        cur.execute("UPDATE review_version SET body = %s WHERE id = %s", ["偷换的正文", doc.current_version_id])
        if IS_POSTGRES:
            cur.execute("SET session_replication_role = origin")
    with pytest.raises(CommandError, match="哈希不符"):
        call_command("verify_audit_log")


@pytest.mark.django_db(transaction=True)
def test_a_test_database_can_still_be_emptied(make_document):
    """A transactional test leaves published documents behind; the flush after it must work."""
    make_document("published")
    assert Document.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_and_the_next_test_starts_empty_with_the_guards_in_place():
    assert not Document.objects.exists() and not Version.objects.exists()
    assert GUARDS <= installed_triggers()
