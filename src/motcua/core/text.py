"""Text helpers shared by every app: accent-insensitive search keys for Vietnamese."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold Vietnamese text to a lower-case ASCII search key.

    `Đăng ký kết hôn`, `ĐĂNG KÝ KẾT HÔN` and `dang ky ket hon` all fold to `dang ky ket hon`.
    The folded key is stored beside the text, so the same query works on SQLite and PostgreSQL
    without database extensions.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def search_terms(query: str) -> list[str]:
    """Split a user's query into folded words (empty words dropped)."""
    return [word for word in fold(query).split(" ") if word]


def compact_upper(value: str | None) -> str:
    """A code or secret as typed from a paper receipt: no spaces anywhere, upper case."""
    return "".join((value or "").split()).upper()
