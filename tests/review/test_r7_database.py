"""R7 three times: the FSM condition, the service, and the database (even a raw UPDATE)."""
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_fsm import can_proceed

from review import rules, services
from core.errors import RuleViolation
from review.models import Document, Version, content_hash
from tests.helpers import IS_POSTGRES

pytestmark = pytest.mark.django_db

TRIGGERS = {"review_document_r7", "review_version_immutable", "review_round_decided_immutable"} if IS_POSTGRES else {
    "review_document_r7_insert", "review_document_r7_update", "review_version_immutable",
    "review_round_decided_immutable"}


def installed_triggers():
    with connection.cursor() as cur:
        if IS_POSTGRES:
            cur.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cur.fetchall()}


def raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params)


def test_the_guard_triggers_are_installed():
    assert TRIGGERS <= installed_triggers()


def test_raw_update_to_published_without_review_fails(make_document):
    doc = make_document("drafting")
    with pytest.raises(IntegrityError):
        raw("UPDATE review_document SET state = 'published', number = 'X', published_on = '2026-01-01', "
            "approved_version_id = current_version_id WHERE id = %s", [doc.pk])
    assert Document.objects.get(pk=doc.pk).state == "drafting"


def test_raw_update_to_registration_without_review_fails(make_document):
    doc = make_document("submitted")
    with pytest.raises(IntegrityError):
        raw("UPDATE review_document SET state = 'registration', approved_version_id = current_version_id "
            "WHERE id = %s", [doc.pk])


def test_raw_swap_of_the_text_after_review_fails(users, make_document):
    doc = make_document("published")
    new = Version.objects.create(document=doc, number=99, body="偷换的正文", sha256=content_hash("偷换的正文"),
                                 author=users["drafter"])
    with pytest.raises(IntegrityError):  # both pointers moved: the check passes, the trigger does not
        raw("UPDATE review_document SET current_version_id = %s, approved_version_id = %s WHERE id = %s",
            [new.pk, new.pk, doc.pk])
    assert Document.objects.get(pk=doc.pk).current_version_id == doc.current_version_id


def test_reviewed_text_cannot_be_edited_in_place(make_document):
    doc = make_document("published")
    with pytest.raises(IntegrityError):
        raw("UPDATE review_version SET body = '改过的', sha256 = 'x' WHERE id = %s", [doc.current_version_id])


def test_a_lawful_review_cannot_be_rewritten(make_document):
    doc = make_document("submitted")
    services.document_return_for_revision(actor=doc.created_by.__class__.objects.get(username="reviewer"),
                                          document_id=doc.pk, outcome="unlawful", opinion="不合法")
    with pytest.raises(IntegrityError):
        raw("UPDATE review_reviewround SET outcome = 'lawful' WHERE document_id = %s", [doc.pk])


def test_the_fsm_condition_refuses_a_changed_text(users, make_document):
    doc = make_document("registered")
    doc.publication_channel, doc.published_on = "website", timezone.localdate(doc.registered_at)
    assert can_proceed(doc.publish) and rules.reviewed_text_is_current(doc)
    doc.current_version = Version(document=doc, number=2, body="新", sha256=content_hash("新"), author=users["drafter"])
    assert not can_proceed(doc.publish)
    assert rules.reviewed_text_is_current.why(doc).code == "text_changed_since_review"


def test_the_service_refuses_a_changed_text(users, make_document, monkeypatch):
    """Even if the text changed under the service's feet (the database guard bypassed), it says so."""
    doc = make_document("registered")
    from review import permissions

    real_access = permissions.access_document

    def lock_and_swap(actor, document_id, *, lock=False, facts=()):
        locked = real_access(actor, document_id, lock=lock, facts=facts)
        locked.current_version = Version.objects.create(document=locked, number=2, body="新", sha256=content_hash("新"),
                                                        author=users["drafter"])
        return locked

    monkeypatch.setattr("review.permissions.access_document", lock_and_swap)
    from registry import services as registry
    with pytest.raises(RuleViolation) as err:
        registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="website")
    assert err.value.code == "text_changed_since_review"


def test_the_service_refuses_without_review_even_with_the_triggers_dropped(users, make_document, client_for):
    doc = make_document("approved")
    with connection.cursor() as cur:
        for name in TRIGGERS:
            cur.execute(f"DROP TRIGGER {name}" + (f" ON {'review_document' if 'document' in name else 'review_version' if 'version' in name else 'review_reviewround'}" if IS_POSTGRES else ""))
    new = Version.objects.create(document=doc, number=2, body="未审核的正文", sha256=content_hash("未审核的正文"),
                                 author=users["drafter"])
    Document.objects.filter(pk=doc.pk).update(current_version=new, approved_version=new)
    r = client_for("registrar").post(f"/api/documents/{doc.pk}/register/",
                                     {"meeting": "常务会议", "deliberated_on": "2026-01-05"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "review_required"
