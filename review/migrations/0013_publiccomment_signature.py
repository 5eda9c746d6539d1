"""Issue 17: near-duplicate grouping of public comments stored on each comment (computed once on
arrival by review.comments.file_comment), and filled here for the comments already received.

Both columns are nullable without a default: SQLite adds them with ALTER TABLE (no rebuild of
the table; the R7 triggers of 0002 are on other tables and stay in place)."""
from django.db import migrations, models


def fill(apps, schema_editor):
    from review.comments import Grouper

    PublicComment = apps.get_model("review", "PublicComment")
    documents = PublicComment.objects.values_list("document_id", flat=True).distinct()
    for document_id in list(documents):
        grouper = Grouper()
        rows = PublicComment.objects.filter(document_id=document_id).order_by("created_at", "id")
        changed = []
        for comment in rows.only("id", "body").iterator(chunk_size=2000):
            comment.group_key, comment.signature = grouper.place(comment.pk, comment.body)
            changed.append(comment)
        PublicComment.objects.bulk_update(changed, ["group_key", "signature"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0012_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="publiccomment",
            name="group_key",
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True, verbose_name="相同或相近意见组"),
        ),
        migrations.AddField(
            model_name="publiccomment",
            name="signature",
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name="文本特征"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
