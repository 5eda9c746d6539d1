"""A document, round, opinion or filing read from the database saves only the columns that
changed (core.changes, issue 19). What a user relies on: every change reaches the database, a
column someone else changed meanwhile is not written back with the stale value, updated_at moves
as before, and a new or copied instance is saved whole."""
import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from review.models import Document, ReviewRound

pytestmark = pytest.mark.django_db


def _updates(ctx):
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "review_document"')]


def test_only_the_changed_columns_are_written_and_every_change_arrives(make_document):
    doc = Document.objects.get(pk=make_document("drafting").pk)
    before = doc.updated_at
    doc.title = "春城市校外培训机构管理办法（修订）"
    doc.deliberated_on = dt.date(2026, 3, 4)
    with CaptureQueriesContext(connection) as ctx:
        doc.save()
    (sql,) = _updates(ctx)
    assert '"title"' in sql and '"deliberated_on"' in sql and '"updated_at"' in sql
    assert '"issuer_id"' not in sql and '"drafting_notes"' not in sql and '"history_hash"' not in sql
    fresh = Document.objects.get(pk=doc.pk)
    assert (fresh.title, fresh.deliberated_on) == ("春城市校外培训机构管理办法（修订）", dt.date(2026, 3, 4))
    assert fresh.updated_at > before

    # after a save, what was written is the new starting point: the next save writes only what follows
    doc.drafting_notes = "依据《中华人民共和国教育法》"
    with CaptureQueriesContext(connection) as ctx:
        doc.save()
    (sql,) = _updates(ctx)
    assert '"drafting_notes"' in sql and '"title"' not in sql
    assert Document.objects.get(pk=doc.pk).drafting_notes == "依据《中华人民共和国教育法》"


def test_a_column_changed_by_someone_else_meanwhile_is_not_overwritten(make_document):
    mine = Document.objects.get(pk=make_document("drafting").pk)
    Document.objects.filter(pk=mine.pk).update(comment_summary="他人刚写入的采纳情况")
    mine.title = "春城市新标题办法"
    mine.save()
    fresh = Document.objects.get(pk=mine.pk)
    assert fresh.title == "春城市新标题办法" and fresh.comment_summary == "他人刚写入的采纳情况"


def test_a_save_with_nothing_changed_still_moves_updated_at_and_nothing_else(make_document):
    doc = Document.objects.get(pk=make_document("drafting").pk)
    with CaptureQueriesContext(connection) as ctx:
        doc.save()
    (sql,) = _updates(ctx)
    assert sql.startswith('UPDATE "review_document" SET "updated_at"') and '"title"' not in sql
    assert Document.objects.get(pk=doc.pk).updated_at == doc.updated_at


def test_a_json_list_changed_in_place_is_written(make_document):
    doc = make_document("submitted")
    round_ = ReviewRound.objects.get(document=doc)
    round_.findings.append({"text": "第三条表述不清"})  # in place: the same list object as when read
    round_.save()
    assert ReviewRound.objects.get(pk=round_.pk).findings == [{"text": "第三条表述不清"}]


def test_a_field_read_deferred_and_set_later_is_written(make_document):
    doc = Document.objects.defer("comment_summary").get(pk=make_document("drafting").pk)
    doc.comment_summary = "延迟加载后写入"
    doc.title = "春城市延迟字段办法"
    doc.save()
    fresh = Document.objects.get(pk=doc.pk)
    assert (fresh.comment_summary, fresh.title) == ("延迟加载后写入", "春城市延迟字段办法")


def test_new_instances_and_explicit_update_fields_are_saved_as_asked(make_document):
    doc = Document.objects.get(pk=make_document("drafting").pk)
    doc.title, doc.drafting_notes = "春城市甲办法", "不应写入"
    doc.save(update_fields=["title"])  # the caller's own list wins
    fresh = Document.objects.get(pk=doc.pk)
    assert (fresh.title, fresh.drafting_notes) == ("春城市甲办法", "")
    copy = Document.objects.get(pk=doc.pk)  # a copy saved as a new row: every column, under a new key
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.number = None
    with transaction.atomic():
        copy.save()
    assert copy.pk != doc.pk and Document.objects.get(pk=copy.pk).title == "春城市甲办法"


def test_state_fields_found_once_are_the_ones_django_fsm_finds_and_a_stale_state_is_refused(make_document):
    """The models' state fields (found once per model) are django-fsm's own, so its concurrency
    check still refuses a save whose state someone else changed meanwhile."""
    from django_fsm import ConcurrentTransition, ConcurrentTransitionMixin

    from registry.models import Filing

    for model in (Document, Filing):
        assert list(model().state_fields) == list(ConcurrentTransitionMixin.state_fields.fget(model()))
    stale = Document.objects.get(pk=make_document("drafting").pk)
    Document.objects.filter(pk=stale.pk).update(state="withdrawn")
    stale.title = "春城市过时的办法"
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save()
    assert Document.objects.get(pk=stale.pk).title != "春城市过时的办法"
