"""The history is append-only, hash-chained per document and sealed over the global order: any
raw edit, deletion, insertion, reordering or truncation is found (DESIGN §7, issue 19)."""
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from review import services
from review.history import seal_pending, verify_chain
from review.models import AuditSeal, Document, History

pytestmark = pytest.mark.django_db


def raw(sql, params=()):
    with connection.cursor() as cur:
        cur.execute(sql, params)


def test_chain_is_intact_after_a_lifecycle(make_document):
    document = make_document("published")
    report = verify_chain()
    assert report.intact and report.rows == History.objects.count() == 5
    document.refresh_from_db()
    assert document.history_position == 5
    assert document.history_hash == History.objects.filter(document=document).order_by("-position").first().hash
    assert list(History.objects.filter(document=document).order_by("seq").values_list("position", flat=True)) == [
        1, 2, 3, 4, 5]


def test_verify_seals_what_is_pending_first(make_document):
    make_document("submitted")
    assert not AuditSeal.objects.exists()
    report = verify_chain()
    assert report.intact and report.seals == 1
    seal = AuditSeal.objects.get()
    assert (seal.first_seq, seal.last_seq, seal.rows) == (History.objects.order_by("seq").first().seq,
                                                          History.objects.order_by("seq").last().seq, 2)
    make_document("published")
    assert seal_pending().rows == 5  # the next seal starts where the last one ended, chained to it
    assert AuditSeal.objects.order_by("last_seq").last().prev_hash == seal.hash
    assert seal_pending() is None  # nothing new: no empty seal
    assert verify_chain().intact


@pytest.mark.parametrize("sealed", [False, True])
def test_a_raw_edit_names_the_row(make_document, sealed):
    make_document("published")
    make_document("submitted")
    if sealed:
        seal_pending()
    target = History.objects.order_by("seq")[3]
    raw("UPDATE review_history SET opinion = %s WHERE seq = %s", ["篡改的意见", target.seq])
    report = verify_chain()
    assert not report.intact and report.broken_seq == target.seq
    assert "篡改" in report.reason


@pytest.mark.parametrize("sealed", [False, True])
def test_a_deleted_row_is_found(make_document, sealed):
    make_document("published")
    if sealed:
        seal_pending()
    target = History.objects.order_by("seq")[2]
    raw("DELETE FROM review_history WHERE seq = %s", [target.seq])
    report = verify_chain()
    assert not report.intact and report.broken_seq == target.seq + 1
    assert "第3条操作记录缺失" in report.reason


def test_a_truncated_tail_is_found_against_the_documents_head(make_document):
    document = make_document("published")
    last = History.objects.filter(document=document).order_by("-seq")[:2]
    raw("DELETE FROM review_history WHERE seq IN (%s, %s)", [last[0].seq, last[1].seq])
    report = verify_chain()
    assert not report.intact and "最后2条操作记录缺失" in report.reason


def test_truncating_sealed_rows_with_the_head_rewritten_is_found_by_the_seal(make_document):
    document = make_document("published")
    seal_pending()
    keep = History.objects.filter(document=document).order_by("position")[2]
    raw("DELETE FROM review_history WHERE document_id = %s AND position > 3", [document.pk])
    # the attacker also moves the head on the document's row back: the document's chain is consistent
    raw("UPDATE review_document SET history_position = 3, history_hash = %s WHERE id = %s", [keep.hash, document.pk])
    report = verify_chain()
    assert not report.intact and "封存" in report.reason and "删除" in report.reason


def test_reordering_sealed_rows_across_documents_is_found(make_document):
    make_document("submitted")
    make_document("submitted")
    seal_pending()
    a, b = History.objects.order_by("seq")[1], History.objects.order_by("seq")[2]
    assert a.document_id != b.document_id
    # swap the two rows' places in the global order (each document's own chain stays intact)
    raw("UPDATE review_history SET seq = -1 WHERE seq = %s", [a.seq])
    raw("UPDATE review_history SET seq = %s WHERE seq = %s", [a.seq, b.seq])
    raw("UPDATE review_history SET seq = %s WHERE seq = -1", [b.seq])
    report = verify_chain()
    assert not report.intact and "顺序" in report.reason


def test_a_row_inserted_into_a_sealed_batch_is_found(make_document):
    document = make_document("submitted")
    make_document("submitted")
    seal_pending()
    # a forged row that fits its document's chain, slipped into the sealed range
    services.document_withdraw(actor=document.created_by, document_id=document.pk, reason="撤回")
    forged = History.objects.order_by("-seq").first()
    first = History.objects.order_by("seq").first().seq
    raw("UPDATE review_history SET seq = %s WHERE seq = %s", [first + 1000000, forged.seq])
    raw("UPDATE review_history SET seq = %s WHERE seq = %s", [-5, first + 1000000])
    seal_pending()
    report = verify_chain()
    assert not report.intact and "封存" in report.reason


def test_a_deleted_seal_is_found(make_document):
    make_document("submitted")
    seal_pending()
    make_document("submitted")
    seal_pending()
    raw("DELETE FROM review_auditseal WHERE id = (SELECT min(id) FROM review_auditseal)")
    report = verify_chain()
    assert not report.intact and "封存" in report.reason


def test_verify_audit_log_command_seals_then_reports(make_document):
    make_document("published")
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "intact (5 rows" in out.getvalue() and AuditSeal.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks across connections)")
@pytest.mark.django_db(transaction=True)
def test_an_act_on_one_document_does_not_wait_for_an_act_on_another(users, orgs):
    """No city-wide lock: while one act's transaction is open (document A locked, its history row
    written), an act on document B commits without waiting."""
    from tests.conftest import BODY

    a = services.document_create(actor=users["drafter"], title="甲办法", body=BODY, issuer=orgs["city"])
    b = services.document_create(actor=users["drafter"], title="乙办法", body=BODY, issuer=orgs["city"])
    holding, release, finished = threading.Event(), threading.Event(), {}

    def hold_a():
        from django.db import transaction

        try:
            with transaction.atomic():
                services.document_update(actor=users["drafter"], document_id=a.pk, title="甲办法（修改）")
                holding.set()
                release.wait(20)
        finally:
            connections.close_all()

    def act_on_b():
        try:
            services.document_update(actor=users["drafter"], document_id=b.pk, title="乙办法（修改）")
            finished["b"] = True
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_a)
    holder.start()
    assert holding.wait(20)
    other = threading.Thread(target=act_on_b)
    other.start()
    other.join(10)
    done_while_held = finished.get("b", False)
    release.set()
    holder.join(20)
    other.join(20)
    assert done_while_held, "the act on B waited for the open act on A"
    assert Document.objects.get(pk=b.pk).title == "乙办法（修改）"
    assert verify_chain().intact
