"""The issuers' number sequences move to the numbering engine in core (scope "document_number"),
each with the last number it used, before the registry's own table goes."""
from django.db import migrations


def copy_sequences(apps, schema_editor):
    Old = apps.get_model("registry", "NumberSequence")
    New = apps.get_model("core", "NumberSequence")
    New.objects.bulk_create([New(scope="document_number", owner_id=s.issuer_id, year=s.year, last_seq=s.last_seq)
                             for s in Old.objects.all()])


def copy_back(apps, schema_editor):
    Old = apps.get_model("registry", "NumberSequence")
    New = apps.get_model("core", "NumberSequence")
    Old.objects.bulk_create([Old(issuer_id=s.owner_id, year=s.year, last_seq=s.last_seq)
                             for s in New.objects.filter(scope="document_number")])
    New.objects.filter(scope="document_number").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("registry", "0002_registryentry_registration_code_evaluation"),
    ]

    operations = [
        migrations.RunPython(copy_sequences, copy_back),
        migrations.DeleteModel(name="NumberSequence"),
    ]
