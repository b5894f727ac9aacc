"""The committed OpenAPI document (`src/motcua/api/openapi.json`): generated from the code,
checked by `motcua api-schema --check` and by the test suite."""

from __future__ import annotations

import json
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parent / "openapi.json"


def openapi_text() -> str:
    """The OpenAPI 3 document of `/api/v1/`, as stable text (2-space indent, UTF-8)."""
    from django.utils import translation

    from motcua.api.views import api

    with translation.override("vi"):
        schema = api.get_openapi_schema()
        return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
