"""Load the default QĐ 766 indicator maxima and thresholds (DOMAIN.md §4) from
`evaluation/data/qd766.json`. Idempotent: rows edited by an administrator are kept."""

from django.db import migrations


def load(apps, schema_editor):
    from motcua.evaluation.config import load_defaults

    load_defaults(apps.get_model("evaluation", "IndicatorConfig"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
