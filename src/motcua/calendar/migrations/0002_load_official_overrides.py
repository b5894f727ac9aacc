"""Load the official civil-service off days and make-up Saturdays 2023–2026 (DOMAIN.md §6.3)
as national calendar overrides. Idempotent; reversing leaves the rows in place."""

from django.db import migrations


def load(apps, schema_editor):
    from motcua.calendar.official import DEFAULT_FILE, apply_official_rows, read_official_file

    model = apps.get_model("calendar", "CalendarOverride")
    apply_official_rows(model, read_official_file(DEFAULT_FILE))


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
