"""The history is append-only and hash-chained: any raw edit is found (DESIGN §7)."""
import pytest
from django.db import connection

from review.history import verify_chain
from review.models import History

pytestmark = pytest.mark.django_db


def test_chain_is_intact_after_a_lifecycle(make_document):
    make_document("published")
    report = verify_chain()
    assert report.intact and report.rows == History.objects.count() == 5


def test_a_raw_edit_names_the_row(make_document):
    make_document("published")
    make_document("submitted")
    target = History.objects.order_by("seq")[3]
    with connection.cursor() as cur:
        cur.execute("UPDATE review_history SET opinion = %s WHERE id = %s", ["篡改的意见", target.pk])
    report = verify_chain()
    assert not report.intact and report.broken_seq == target.seq


def test_a_deleted_row_is_found(make_document):
    make_document("published")
    target = History.objects.order_by("seq")[2]
    with connection.cursor() as cur:
        cur.execute("DELETE FROM review_history WHERE id = %s", [target.pk])
    report = verify_chain()
    assert not report.intact and report.broken_seq == target.seq + 1
