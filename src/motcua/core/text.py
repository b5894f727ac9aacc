"""Text helpers shared by every app: accent-insensitive search keys for Vietnamese, and the
"try again in …" of the throttles."""

from __future__ import annotations

import math
import re
import unicodedata

from django.utils.translation import ngettext

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


def try_again_in(seconds: float) -> str:
    """ "Vui lòng thử lại sau N giây." under a minute, else "… N phút." (whole minutes, rounded
    up) — plural in the languages that have one."""
    if seconds < 60:
        n = max(1, math.ceil(seconds))
        text = ngettext("Vui lòng thử lại sau %(n)d giây.", "Vui lòng thử lại sau %(n)d giây.", n)
    else:
        n = math.ceil(seconds / 60)
        text = ngettext("Vui lòng thử lại sau %(n)d phút.", "Vui lòng thử lại sau %(n)d phút.", n)
    return text % {"n": n}
