"""Translations: Vietnamese is the source language (msgid), English is served from the catalogue.

The catalogues live in `src/motcua/locale/<lang>/LC_MESSAGES/django.po`; the compiled `.mo` files
are committed because a fresh machine may lack gettext. These tests read the files themselves (a
tiny `.po` parser below) so that a forgotten `compilemessages`, an untranslated string or a broken
placeholder fails the suite. How to update the catalogues: docs/dev/translations.md.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from motcua.accounts.validators import MinimumLengthValidator
from motcua.dossiers.constants import State

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_EN = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
PO_VI = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"

# printf-style named placeholders (with optional flags/width, e.g. %(party)02d), a literal %%,
# str.format fields and HTML tags: all must survive translation unchanged.
PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdifr]|%%|\{\w*\}|</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def parse_po(path: Path) -> list[Entry]:
    """A minimal reader of GNU `.po` files: enough for what `makemessages` writes."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            if started and target is not None and target[0] == "msgstr":
                finish()
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if started and target is not None and target[0] == "msgstr":
                finish()
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value, key = ast.literal_eval(line), target
        else:
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            started = True
            value = ast.literal_eval(rest)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            key = ("msgstr", int(match.group(1))) if match else (keyword, 0)
            target = key
            if key[0] == "msgstr":
                current.msgstr.setdefault(key[1], "")
            elif key[0] == "msgctxt":
                current.msgctxt = ""
        assert key is not None, f"{path}: text before any keyword: {raw!r}"
        name, index = key
        if name == "msgstr":
            current.msgstr[index] += value
        elif name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif name == "msgid":
            current.msgid += value
        elif name == "msgid_plural":
            current.msgid_plural += value
    finish()
    return [entry for entry in entries if entry.msgid and not entry.obsolete]


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def en_entries() -> list[Entry]:
    return parse_po(PO_EN)


# --- Strings come out in English ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "english"),
    [
        pytest.param("Đăng nhập", "Sign in", id="login-page-title"),
        pytest.param("Tên đăng nhập", "Username", id="login-username-label"),
        pytest.param("Bộ phận Một cửa", "One-stop desk", id="glossary-one-stop-desk"),
        pytest.param("Liên thông", "Transfer", id="glossary-transfer-lien-thong"),
    ],
)
def test_key_strings_are_translated_to_english(source: str, english: str) -> None:
    with translation.override("en"):
        assert translation.gettext(source) == english
    with translation.override("vi"):
        assert translation.gettext(source) == source


@pytest.mark.parametrize(
    ("state", "english"),
    [
        pytest.param(State.RECEIVED, "Received", id="ND61-art18-received"),
        pytest.param(State.RESULT_READY, "Result ready, awaiting return", id="ND61-art20-result"),
        pytest.param(State.INTAKE_REFUSED, "Refused at intake", id="ND61-art17-1c-Mau03"),
    ],
)
def test_dossier_state_labels_in_english(state: State, english: str) -> None:
    with translation.override("en"):
        assert str(state.label) == english
    with translation.override("vi"):
        assert str(state.label) != english


def test_error_message_with_placeholder_in_english() -> None:
    validator = MinimumLengthValidator(min_length=10)
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validator.validate("ngắn")
    assert raised.value.messages == [
        "The password is too short. It must contain at least 10 characters."
    ]
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        validator.validate("ngắn")
    assert raised.value.messages == ["Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 10 ký tự."]


# --- Pages: Vietnamese unless the user chose (cookie); the API negotiates ----------------------


@pytest.mark.django_db
def test_pages_stay_vietnamese_for_a_browser_set_to_english(client: Client) -> None:
    """An officer's or citizen's browser in English still gets the commune's system in
    Vietnamese (core/language.py); the footer switch chooses English."""
    response = client.get("/dang-nhap/", headers={"accept-language": "en-US,en;q=0.9"})
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert "Mật khẩu" in response.content.decode()


@pytest.mark.django_db
def test_pages_follow_the_browser_when_configured(client: Client, settings: Any) -> None:
    settings.MOTCUA_LANGUAGE_FROM_BROWSER = True
    response = client.get("/dang-nhap/", headers={"accept-language": "en"})
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "<title>Sign in" in html
    assert "Password" in html
    assert "Mật khẩu" not in html


@pytest.mark.django_db
def test_the_api_negotiates_by_accept_language(client: Client) -> None:
    """Machine clients have no cookie: the API's problem details follow Accept-Language."""
    english = client.get("/api/v1/dossiers", headers={"accept-language": "en"})
    vietnamese = client.get("/api/v1/dossiers")
    assert english.status_code == vietnamese.status_code == 401
    assert english["Content-Language"] == "en" and vietnamese["Content-Language"] == "vi"
    assert english.json()["detail"] != vietnamese.json()["detail"]


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_vietnamese(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = client.get("/dang-nhap/", headers={"accept-language": "en"})
    assert response["Content-Language"] == "vi"


@pytest.mark.django_db
def test_login_page_in_english_with_language_cookie(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/dang-nhap/", headers={"accept-language": "vi"}).content.decode()
    assert "Sign in" in html
    assert "Tên đăng nhập" not in html


@pytest.mark.django_db
def test_login_page_defaults_to_vietnamese(client: Client) -> None:
    response = client.get("/dang-nhap/")
    assert response["Content-Language"] == "vi"
    assert "Mật khẩu" in response.content.decode()


@pytest.mark.django_db
def test_language_switch_sets_the_cookie(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Sign in" in client.get("/dang-nhap/").content.decode()


# --- The catalogues themselves -----------------------------------------------------------------


def test_po_parser_reads_what_makemessages_writes(tmp_path: Path) -> None:
    sample = tmp_path / "django.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        "#: a.py:1\n#, python-format\n"
        'msgid ""\n"Còn %(n)s ngày "\n"làm việc"\nmsgstr "%(n)s working days left"\n\n'
        '#, fuzzy\nmsgctxt "tháng"\nmsgid "Năm"\nmsgstr "Five"\n\n'
        'msgid "một tệp"\nmsgid_plural "%(n)s tệp"\nmsgstr[0] "one file"\n'
        'msgstr[1] "%(n)s files"\n\n'
        '#~ msgid "cũ"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    entries = parse_po(sample)
    assert [e.msgid for e in entries] == ["Còn %(n)s ngày làm việc", "Năm", "một tệp"]
    assert entries[0].msgstr == {0: "%(n)s working days left"}
    assert entries[1].msgctxt == "tháng" and "fuzzy" in entries[1].flags
    assert entries[2].msgid_plural == "%(n)s tệp" and entries[2].msgstr[1] == "%(n)s files"


def test_every_english_entry_is_translated_and_not_fuzzy(en_entries: list[Entry]) -> None:
    assert len(en_entries) > 100
    untranslated = [e.msgid for e in en_entries if not e.translated]
    fuzzy = [e.msgid for e in en_entries if "fuzzy" in e.flags]
    assert untranslated == [], "translate these in locale/en (docs/dev/translations.md)"
    assert fuzzy == [], "review these fuzzy translations and drop the flag"


def test_english_translations_keep_every_placeholder(en_entries: list[Entry]) -> None:
    broken = []
    for entry in en_entries:
        for index, text in entry.msgstr.items():
            source = entry.msgid_plural if index > 0 and entry.msgid_plural else entry.msgid
            if text and placeholders(text) != placeholders(source):
                broken.append((entry.msgid, text))
    assert broken == []


def test_both_catalogues_list_the_same_messages(en_entries: list[Entry]) -> None:
    vi_entries = parse_po(PO_VI)
    assert {(e.msgctxt, e.msgid) for e in vi_entries} == {(e.msgctxt, e.msgid) for e in en_entries}
    # Vietnamese is the source language: msgstr stays empty and gettext returns the msgid.
    assert [e.msgid for e in vi_entries if e.translated] == []


@pytest.mark.parametrize("language", ["en", "vi"])
def test_compiled_catalogue_is_current(language: str) -> None:
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), "run `make messages` (compilemessages) and commit the .mo"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in parse_po(po_path):
        if not entry.translated or "fuzzy" in entry.flags:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            got = [compiled.ngettext(key, entry.msgid_plural, n) for n in (1, 2)]
            want = [entry.msgstr[0], entry.msgstr.get(1, entry.msgstr[0])]
        else:
            got, want = [compiled.gettext(key)], [entry.msgstr[0]]
        if got != want:
            stale.append(entry.msgid)
    assert stale == [], "the .mo is out of date: run `make messages` and commit the .mo"
    assert compiled.info().get("content-type", "").endswith("charset=UTF-8")


# --- Every message in the Python code reaches the catalogue ----------------------------------

SOURCE = Path(settings.BASE_DIR)
#: The names xgettext extracts in Python as Django's makemessages runs it (first argument).
EXTRACTED = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}


def _code_files() -> list[Path]:
    return [
        p
        for p in sorted(SOURCE.rglob("*.py"))
        if not {"tests", "migrations"} & set(p.relative_to(SOURCE).parts)
    ]


def _gettext_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in EXTRACTED
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def test_every_message_of_the_code_is_in_the_catalogue(en_entries: list[Entry]) -> None:
    """xgettext misses a message inside an f-string or behind an alias of gettext_lazy (such
    labels stayed Vietnamese in the English pages): none of those, and every message marked in
    the code is in the catalogue (`make messages` was run)."""
    catalogue = {e.msgid for e in en_entries}
    hidden, aliased, absent = [], [], []
    for path in _code_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SOURCE)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                aliased += [
                    f"{where}: {a.name} as {a.asname}"
                    for a in node.names
                    if a.asname and a.asname not in EXTRACTED
                ]
            if isinstance(node, ast.JoinedStr):
                hidden += [
                    f"{where}:{n.lineno}"
                    for part in node.values
                    for n in ast.walk(part)
                    if _gettext_call(n)
                ]
            if _gettext_call(node):
                assert isinstance(node, ast.Call) and isinstance(node.args[0], ast.Constant)
                if node.args[0].value and node.args[0].value not in catalogue:
                    absent.append(f"{where}:{node.lineno}: {node.args[0].value[:60]}")
    assert hidden == [], "gettext inside an f-string is not extracted: use a variable"
    assert aliased == [], "xgettext does not know this alias: import the name itself"
    assert absent == [], "run `make messages` and translate (docs/dev/translations.md)"
