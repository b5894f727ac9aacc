"""Personal-data helpers shared by every app (DOMAIN.md §10; Nghị định 13/2023/NĐ-CP).

One implementation of identity-number masking: the back office, the access log and its
export all call `mask_id_number`.
"""

from __future__ import annotations

MASK_CHAR = "•"


def mask_id_number(value: str, *, mask_char: str = MASK_CHAR) -> str:
    """`001203004567` → `••••••••4567`: only the last 4 digits stay readable
    (DOMAIN.md §10.1: "masking CCCD in lists and logs")."""
    value = (value or "").strip()
    if not value:
        return ""
    return mask_char * max(len(value) - 4, 0) + value[-4:]
