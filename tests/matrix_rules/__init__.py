"""Per-app rows of the expected-access table (tests/test_security_matrix.py).

Every module here defines `RULES: dict[str, Rule]` (URL name → roles that may get a 2xx) and may
define `VALUES: dict[str, dict]` (URL name → path parameters when the common ones do not fit).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from tests.matrix_roles import Rule

EXTRA_RULES: dict[str, Rule] = {}
EXTRA_VALUES: dict[str, dict[str, Any]] = {}

for _info in pkgutil.iter_modules(__path__):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _name, _rule in getattr(_module, "RULES", {}).items():
        assert _name not in EXTRA_RULES, f"{_name} has two rows"
        EXTRA_RULES[_name] = _rule
    EXTRA_VALUES.update(getattr(_module, "VALUES", {}))
