"""Issue 19: the history is chained per document (head on the document's row) and sealed in
batches over the global order, instead of one chain whose single head row every act in the
province waited for. Existing rows are re-chained in place: each document's rows, in their old
order, get positions 1…n and new hashes; the document rows get their heads; one seal covers
them all. Backwards, the one global chain and its head row are rebuilt.

The digest functions are copied here, not imported: this migration must keep computing what it
computed when it was written, whatever review.history becomes.

SQLite rebuilds review_document to add the head's columns, which drops the R7 triggers of
migrations 0012 and 0014: they are put back around the change (both ways)."""
import datetime as dt
import hashlib
import importlib
import json

from django.db import migrations, models

GENESIS = "0" * 64
_kinds = importlib.import_module("review.migrations.0012_kinds")
_deletes = importlib.import_module("review.migrations.0014_r7_delete_insert_guard")


def _sqlite_guards_off(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _deletes.uninstall(apps, schema_editor)
        _kinds.uninstall(apps, schema_editor)


def _sqlite_guards_on(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _kinds.install_v2(apps, schema_editor)
        _deletes.install(apps, schema_editor)


def _at(at):
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def _digest_v2(prev_hash, document_id, position, action, from_state, to_state, actor_id, at, opinion, version_id):
    content = json.dumps([document_id, position, action, from_state, to_state, actor_id, _at(at), opinion, version_id],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{content}".encode()).hexdigest()


def _digest_v1(prev_hash, seq, document_id, action, from_state, to_state, actor_id, at, opinion, version_id):
    content = json.dumps([seq, document_id, action, from_state, to_state, actor_id, _at(at), opinion, version_id],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}|{content}".encode()).hexdigest()


FIELDS = ("id", "seq", "document_id", "action", "from_state", "to_state", "actor_id", "at", "opinion", "version_id")


def rechain(apps, schema_editor):
    History = apps.get_model("review", "History")
    Document = apps.get_model("review", "Document")
    AuditSeal = apps.get_model("review", "AuditSeal")
    rows, heads = [], []
    current, prev, position = None, GENESIS, 0

    def flush():
        History.objects.bulk_update(rows, ["position", "prev_hash", "hash"], batch_size=2000)
        rows.clear()

    for row in History.objects.order_by("document_id", "seq").only(*FIELDS).iterator(chunk_size=2000):
        if row.document_id != current:
            if current is not None:
                heads.append((current, position, prev))
            current, prev, position = row.document_id, GENESIS, 0
        position += 1
        row.position, row.prev_hash = position, prev
        row.hash = prev = _digest_v2(prev, row.document_id, position, row.action, row.from_state, row.to_state,
                                     row.actor_id, row.at, row.opinion, row.version_id)
        rows.append(row)
        if len(rows) >= 2000:
            flush()
    flush()
    if current is not None:
        heads.append((current, position, prev))
    for document_id, count, head in heads:
        Document.objects.filter(pk=document_id).update(history_position=count, history_hash=head)
    digest, count, first, last = hashlib.sha256(GENESIS.encode()), 0, None, None
    for seq, row_hash in History.objects.order_by("seq").values_list("seq", "hash").iterator(chunk_size=5000):
        digest.update(f"|{seq}:{row_hash}".encode())
        count, first, last = count + 1, first if first is not None else seq, seq
    if count:
        AuditSeal.objects.create(last_seq=last, first_seq=first, rows=count, prev_hash=GENESIS,
                                 hash=digest.hexdigest())


def unchain(apps, schema_editor):
    History = apps.get_model("review", "History")
    HistoryHead = apps.get_model("review", "HistoryHead")
    rows, prev, seq = [], GENESIS, 0
    for row in History.objects.order_by("seq").only(*FIELDS).iterator(chunk_size=2000):
        seq += 1  # the old chain numbered its rows 1, 2, … without gaps
        row.seq, row.prev_hash = seq, prev
        row.hash = prev = _digest_v1(prev, seq, row.document_id, row.action, row.from_state, row.to_state,
                                     row.actor_id, row.at, row.opinion, row.version_id)
        rows.append(row)
    History.objects.bulk_update(rows, ["seq", "prev_hash", "hash"], batch_size=2000)
    HistoryHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev})


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0017_words_of_findings'),
    ]

    operations = [
        migrations.RunPython(_sqlite_guards_off, _sqlite_guards_on),
        migrations.AddField(
            model_name='document',
            name='history_hash',
            field=models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', editable=False, max_length=64, verbose_name='操作记录链尾哈希'),
        ),
        migrations.AddField(
            model_name='document',
            name='history_position',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='操作记录条数'),
        ),
        migrations.RunPython(_sqlite_guards_on, _sqlite_guards_off),
        migrations.AddField(
            model_name='history',
            name='position',
            field=models.PositiveIntegerField(default=0, verbose_name='文件内序号'),
        ),
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_seq', models.BigIntegerField(unique=True, verbose_name='封存至序号')),
                ('first_seq', models.BigIntegerField(verbose_name='封存起始序号')),
                ('rows', models.PositiveIntegerField(verbose_name='记录条数')),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('sealed_at', models.DateTimeField(auto_now_add=True, verbose_name='封存时间')),
            ],
            options={
                'verbose_name': '操作记录封存',
                'verbose_name_plural': '操作记录封存',
                'ordering': ['last_seq'],
            },
        ),
        migrations.RunPython(rechain, unchain),
        migrations.DeleteModel(
            name='HistoryHead',
        ),
        migrations.RemoveField(
            model_name='history',
            name='id',
        ),
        migrations.AlterField(
            model_name='history',
            name='seq',
            field=models.BigAutoField(primary_key=True, serialize=False, verbose_name='序号'),
        ),
        migrations.AddConstraint(
            model_name='history',
            constraint=models.UniqueConstraint(fields=('document', 'position'), name='history_one_row_per_position'),
        ),
    ]
