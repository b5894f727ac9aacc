"""Default retention schedule (DOMAIN.md §10.1 "retention schedule aligned with archive law").

The periods are placeholders ❓ to verify against the archive law and the sectoral lists of
retention periods (DOMAIN.md §1.11, TT01/2018 art. 10(3)); every rule is loaded *disabled*, so
`motcua privacy apply-retention` changes nothing until the controller confirms a period.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

ARCHIVE = (
    "TT 01/2018/TT-VPCP Điều 10(3): hồ sơ, sổ theo dõi được lưu trữ theo quy định của pháp luật "
    "về lưu trữ. Thời hạn cần đối chiếu (❓)."
)
ND13 = "NĐ 13/2023/NĐ-CP Điều 3(7): chỉ lưu trữ trong thời gian phù hợp với mục đích xử lý."

DEFAULTS = [
    ("dossier_returned", 20, ARCHIVE),
    ("dossier_refused", 5, ARCHIVE + " " + ND13),
    ("dossier_withdrawn", 5, ARCHIVE + " " + ND13),
    ("access_log", 20, "NĐ 13/2023/NĐ-CP Điều 38: lưu nhật ký xử lý; giữ bằng thời hạn hồ sơ (❓)."),
    ("portal_upload", 5, ND13 + " Tệp gốc thuộc hồ sơ lưu theo pháp luật về lưu trữ (❓)."),
]


def load(apps: Any, schema_editor: Any) -> None:
    rule = apps.get_model("privacy", "RetentionRule")
    for record_class, keep_years, basis in DEFAULTS:
        rule.objects.get_or_create(
            record_class=record_class,
            defaults={"keep_years": keep_years, "legal_basis": basis, "enabled": False},
        )


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("privacy", "RetentionRule").objects.filter(
        record_class__in=[d[0] for d in DEFAULTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
