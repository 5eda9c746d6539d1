"""The holiday schedule moves to core (the bottom layer): the table is renamed, its rows kept;
core's 0001 takes the model over in the migration state without touching the database."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("review", "0008_list_order_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("HolidayOverride", "core_holidayoverride")],
            state_operations=[migrations.DeleteModel("HolidayOverride")],
        ),
    ]
