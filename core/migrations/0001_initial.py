"""core's tables: the holiday schedule (taken over from review, rows kept: review 0009 renamed the
table) and the numbering engine's sequences (filled from the registry's by registry 0003)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("review", "0009_move_holidayoverride_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HolidayOverride",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(unique=True, verbose_name="日期")),
                        ("is_workday", models.BooleanField(verbose_name="是否工作日")),
                        ("name", models.CharField(blank=True, max_length=50, verbose_name="名称")),
                    ],
                    options={"verbose_name": "节假日安排", "verbose_name_plural": "节假日安排", "ordering": ["date"]},
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="NumberSequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scope", models.CharField(max_length=40, verbose_name="编号种类")),
                ("owner_id", models.PositiveBigIntegerField(verbose_name="编号机构")),
                ("year", models.PositiveSmallIntegerField(verbose_name="年度")),
                ("last_seq", models.PositiveIntegerField(default=0, verbose_name="已用序号")),
            ],
            options={
                "verbose_name": "编号序列", "verbose_name_plural": "编号序列",
                "constraints": [models.UniqueConstraint(fields=("scope", "owner_id", "year"),
                                                        name="sequence_scope_owner_year_unique")],
            },
        ),
    ]
