"""Confusable input in the personal identification number (CCCD, DOMAIN.md §10.2; Luật Căn
cước 2023): `motcua.dossiers.services.validate_id_number` is used by the counter intake, the
portal, the API and the importer, so its answer to look-alike input is tested here."""

from __future__ import annotations

import pytest

from motcua.core.errors import DomainError
from motcua.dossiers.services import validate_id_number

VALID = "001090012345"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (VALID, VALID),
        ("００１０９００１２３４５", VALID),  # full-width digits (East-Asian input method)
        ("001090\u200b012345", VALID),  # zero-width space pasted from a chat
        ("\ufeff001090012345", VALID),  # BOM from a spreadsheet export
        ("\u200e001090012345\u200f", VALID),  # direction marks
        ("001 090 012 345", VALID),
        ("001.090.012.345", VALID),
        ("001-090-012345", VALID),
        ("\u00a0001090012345\u00a0", VALID),  # no-break spaces
    ],
    ids=[
        "ascii",
        "full-width",
        "zero-width-space",
        "bom",
        "direction-marks",
        "spaces",
        "dots",
        "dashes",
        "nbsp",
    ],
)
def test_harmless_variants_are_normalised_to_ascii_digits(typed, stored):
    value = validate_id_number(typed)
    assert value == stored
    assert value.isascii() and value.isdigit()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0о1090012345", "chỉ được gồm các chữ số 0–9"),  # Cyrillic о
        ("٠٠١٠٩٠٠١٢٣٤٥", "chỉ được gồm các chữ số 0–9"),  # Arabic-Indic digits
        ("०01090012345", "chỉ được gồm các chữ số 0–9"),  # Devanagari zero
        ("O01090012345", "phải gồm đúng 12 chữ số"),  # Latin O
        ("00109001234", "phải gồm đúng 12 chữ số"),  # 11 digits
        ("0010900123456", "phải gồm đúng 12 chữ số"),  # 13 digits
        ("001090012345\n", VALID),  # a trailing newline is whitespace: accepted
        ("' OR 1=1 --", "phải gồm đúng 12 chữ số"),
        ("<script>alert(1)</script>", "phải gồm đúng 12 chữ số"),
        ("abc\x00def", "phải gồm đúng 12 chữ số"),
        ("9" * 5000, "phải gồm đúng 12 chữ số"),
        ("999090012345", "Mã tỉnh"),  # not a province code
    ],
    ids=[
        "cyrillic-o",
        "arabic-indic",
        "devanagari",
        "latin-O",
        "too-short",
        "too-long",
        "newline",
        "sql",
        "script",
        "nul",
        "huge",
        "bad-province",
    ],
)
def test_look_alikes_are_refused_with_a_vietnamese_message(typed, message):
    if message == VALID:
        assert validate_id_number(typed) == VALID
        return
    with pytest.raises(DomainError) as info:
        validate_id_number(typed)
    assert message in info.value.message


def test_refusal_names_the_strange_character_so_the_officer_can_see_it():
    with pytest.raises(DomainError) as info:
        validate_id_number("0о1090012345")
    assert "о" in info.value.message
