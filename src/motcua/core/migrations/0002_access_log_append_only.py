"""The database refuses UPDATE and DELETE on the access log (NĐ 13/2023 art. 38)."""

from django.db import migrations

from motcua.core.db import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("core", "0001_access_log")]

    operations = [append_only_operation("core_accesslog")]
