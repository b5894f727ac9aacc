# The catalogue field of a PAKN (Open311's service_code, kept instead of dropped); existing
# rows take their procedure's field.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fields_from_procedures(apps, schema_editor):
    Feedback = apps.get_model("feedback", "Feedback")
    Procedure = apps.get_model("catalogue", "Procedure")
    field_of = Procedure.objects.filter(pk=OuterRef("procedure_id")).values("field_id")[:1]
    Feedback.objects.filter(procedure__isnull=False).update(field_id=Subquery(field_of))


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("feedback", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="field",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="catalogue.field",
                verbose_name="lĩnh vực",
            ),
        ),
        migrations.RunPython(fields_from_procedures, migrations.RunPython.noop),
    ]
