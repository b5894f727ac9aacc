"""Hostile values and the generic helpers of the suite (parameter names harvested from the code,
forms harvested from the pages), so that the walk covers URLs and fields added later."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "motcua"

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
XSS_ATTR = '"><img src=x onerror=alert(2)>'

#: Query-string and form values; each request sends one of them in every parameter.
HOSTILE: dict[str, str] = {
    "xss": XSS,
    "xss-attr": XSS_ATTR,
    "sql": "' OR 1=1 --",
    "sql-union": "1 UNION SELECT username, password FROM accounts_user --",
    "like-percent": "%",
    "like-underscore": "_",
    "json-operator": '{"$gt":""}',
    "long": "A" * 5000,
    "nul": "abc\x00def",
    "date-feb31": "31/02/2025",
    "date-month13": "2025-13-01",
    "year-0001": "01/01/0001",
    "year-9999": "9999-12-31T23:59:59+14:00",
    "negative": "-1",
    "huge-int": "9" * 40,
    "fullwidth-digits": "００１０９００１２３４５",
    "cyrillic-o": "0о1090012345",
    "zero-width": "001090\u200b012345",
    "path": "../../etc/passwd",
    "crlf": "x\r\nSet-Cookie: pwned=1",
    "unicode-bidi": "\u202egnp.exe",
}
#: A smaller set for outsiders (they mostly get 302/403/404 before any parsing).
OUTSIDER_VALUES = ("xss", "sql", "nul", "long", "date-feb31", "huge-int")

_NAME = re.compile(r"""(?:GET|POST|query_params|data)\.(?:get|getlist)\(\s*["'](\w+)["']""")
_PARAM = re.compile(r"""_(?:int_)?param\(\s*request\s*,\s*["'](\w+)["']""")


@cache
def harvested_parameter_names() -> tuple[str, ...]:
    """Every query/form parameter name the code reads by hand, plus every field of every
    Django form and every query parameter of the API schema (read once per test run)."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "/tests/" in str(path) or "/migrations/" in str(path):
            continue
        text = path.read_text(encoding="utf-8")
        names.update(_NAME.findall(text))
        names.update(_PARAM.findall(text))
    names.update(_form_field_names())
    names.update(_api_query_names())
    names.discard("csrfmiddlewaretoken")
    return tuple(sorted(names))


def _form_field_names() -> set[str]:
    from django import forms

    found: set[str] = set()
    seen: set[type] = set()
    stack: list[type] = [forms.Form, forms.ModelForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            stack.append(sub)
            module = getattr(sub, "__module__", "")
            if module.startswith("motcua."):
                found.update(getattr(sub, "base_fields", {}).keys())
    return found


def _api_query_names() -> set[str]:
    try:
        from motcua.api.views import api
    except ImportError:  # pragma: no cover - no API
        return set()
    schema = api.get_openapi_schema()
    names = set()
    for operations in schema.get("paths", {}).values():
        for op in operations.values():
            for param in op.get("parameters", []) if isinstance(op, dict) else []:
                if param.get("in") == "query":
                    names.add(param["name"])
    return names


class FormHarvester(HTMLParser):
    """The forms of a page: (action, method, {field name: sample value})."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict[str, str], set[str]]] = []
        self._current: tuple[str, str, dict[str, str], set[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = (a.get("action", ""), a.get("method", "get").lower(), {}, set())
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select"):
            name = a.get("name")
            if not name:
                return
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._current[3].add(name)
                return
            self._current[2].setdefault(name, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def page_forms(html: str) -> list[tuple[str, str, dict[str, str], set[str]]]:
    parser = FormHarvester()
    parser.feed(html)
    return parser.forms


def unescaped_markup(body: str) -> list[str]:
    """Hostile markup that reached the page unescaped."""
    found = []
    if XSS in body:
        found.append(XSS)
    if "<img src=x onerror" in body:
        found.append("<img src=x onerror…>")
    return found
