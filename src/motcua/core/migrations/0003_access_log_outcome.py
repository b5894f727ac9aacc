"""Refused reads are recorded too (outcome granted/denied, reason).

SQLite rebuilds the table to add a NOT NULL column, which drops its triggers: the append-only
guard is installed again afterwards (idempotent on PostgreSQL, where ADD COLUMN keeps it)."""

from django.db import migrations, models

from motcua.core.db import append_only_operation

_install = append_only_operation("core_accesslog").code


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_access_log_append_only'),
    ]

    operations = [
        # Backwards, the table is rebuilt again when the columns go: re-install the guard last.
        migrations.RunPython(migrations.RunPython.noop, _install, elidable=False),
        migrations.AddField(
            model_name='accesslog',
            name='outcome',
            field=models.CharField(choices=[('granted', 'được phép'), ('denied', 'bị từ chối')], db_index=True, default='granted', max_length=8, verbose_name='kết quả'),
        ),
        migrations.AddField(
            model_name='accesslog',
            name='reason',
            field=models.CharField(blank=True, max_length=200, verbose_name='lý do từ chối'),
        ),
        migrations.RunPython(_install, migrations.RunPython.noop, elidable=False),
    ]
