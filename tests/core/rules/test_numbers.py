"""parse_number: Indonesian number formats, table-driven."""

from __future__ import annotations

import pytest

from kinerja_bot.core.rules.numbers import REASONS, NumberFormatError, parse_number, parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain
        ("1250", 1250.0),
        ("0", 0.0),
        ("007", 7.0),
        ("  42  ", 42.0),
        # decimal comma
        ("12,5", 12.5),
        ("0,75", 0.75),
        ("3,14159", 3.14159),
        ("100,00", 100.0),
        # thousands dots, with and without decimals
        ("1.250", 1250.0),
        ("1.250,5", 1250.5),
        ("1.250.000", 1250000.0),
        ("1.250.000,75", 1250000.75),
        ("12.345.678,9", 12345678.9),
        ("999.999", 999999.0),
        # a single dot that is a decimal point (English-style exports)
        ("12.5", 12.5),
        ("0.75", 0.75),
        ("99.99", 99.99),
        ("0.750", 0.75),
        ("1234.567", 1234.567),
        ("3.14159", 3.14159),
        # signs
        ("-3", -3.0),
        ("+3", 3.0),
        ("\u22123", -3.0),
        ("-1.250,5", -1250.5),
        ("- 12,5", -12.5),
        # spaces between thousands groups
        ("1 250 000", 1250000.0),
        ("1\u00a0250,5", 1250.5),
        ("1\u202f250", 1250.0),
        # percent and rupiah
        ("75%", 75.0),
        ("75 %", 75.0),
        ("12,5%", 12.5),
        ("Rp 1.500.000", 1500000.0),
        ("Rp1.500.000", 1500000.0),
        ("rp. 2.500", 2500.0),
        ("-Rp 5.000", -5000.0),
    ],
)
def test_reads(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected, rel=0, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "kosong"),
        ("   ", "kosong"),
        ("%", "kosong"),
        ("Rp", "kosong"),
        ("-", "kosong"),
        ("abc", "bukan_angka"),
        ("12a", "bukan_angka"),
        ("nan", "bukan_angka"),
        ("inf", "bukan_angka"),
        ("--3", "bukan_angka"),
        ("12 5", "bukan_angka"),
        ("1 25", "bukan_angka"),
        ("\u0661\u0662", "bukan_angka"),
        ("1/2", "bukan_angka"),
        ("1,2,3", "koma_ganda"),
        ("1,250,000", "koma_ganda"),
        ("1.25.0", "pemisah_ribuan"),
        ("12.34,5", "pemisah_ribuan"),
        ("1.2345.678", "pemisah_ribuan"),
        ("1,250.5", "format_campuran"),
        ("1,5E+17", "notasi_ilmiah"),
        ("1.98503E+17", "notasi_ilmiah"),
        ("2e3", "notasi_ilmiah"),
        ("5,", "tidak_lengkap"),
        (",5", "tidak_lengkap"),
        (".5", "tidak_lengkap"),
        ("5.", "tidak_lengkap"),
        ("1..250", "tidak_lengkap"),
        ("1.250.", "tidak_lengkap"),
        ("9" * 400, "terlalu_besar"),
    ],
)
def test_rejects(text: str, code: str) -> None:
    with pytest.raises(NumberFormatError) as caught:
        parse_number(text)
    assert caught.value.code == code
    assert caught.value.text == text
    assert str(caught.value) == REASONS[code]


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="bukan angka"):
        parse_number("abc")


def test_every_reason_is_reachable() -> None:
    """Each code has an Indonesian reason and is used by at least one rejection above."""
    assert set(REASONS) == {
        "kosong",
        "bukan_angka",
        "tidak_lengkap",
        "koma_ganda",
        "pemisah_ribuan",
        "format_campuran",
        "notasi_ilmiah",
        "terlalu_besar",
        "satuan_lain",  # parse_quantity, below
    }


def test_round_trip_with_the_formatter() -> None:
    """What the bot shows (`format_number_id`) it reads back unchanged."""
    from kinerja_bot.core.rules.formatting import format_number_id

    for value in (0.75, 12.5, 1250.0, 1250.5, 1250000.0, -3.25, 999999.99):
        shown = format_number_id(value, 2, trim=True)
        assert parse_number(shown) == pytest.approx(value), shown


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("48 dokumen", "dokumen", 48.0),
        ("48 Dokumen", "dokumen", 48.0),
        ("24,5 menit", "menit", 24.5),
        ("1.250,5 dokumen", "dokumen KTP-el", 1250.5),
        ("1.250 dokumen ktp-el", "dokumen KTP-el", 1250.0),
        ("85 %", "%", 85.0),
        ("85%", "persen", 85.0),
        ("85 persen", "%", 85.0),
        ("12", "dokumen", 12.0),
        ("Rp 1.500.000", "rupiah", 1500000.0),
    ],
)
def test_quantity_with_the_unit_after_the_number(text: str, unit: str, expected: float) -> None:
    assert parse_quantity(text, unit) == expected


@pytest.mark.parametrize(
    ("text", "unit", "code"),
    [
        ("1,5 juta", "dokumen", "satuan_lain"),  # never 1.5
        ("12 orang", "dokumen", "satuan_lain"),
        ("12 persen", "dokumen", "satuan_lain"),
        ("dua belas", "dokumen", "bukan_angka"),
        ("dokumen", "dokumen", "bukan_angka"),
        ("1,2,3 dokumen", "dokumen", "koma_ganda"),
    ],
)
def test_quantity_refuses_other_words(text: str, unit: str, code: str) -> None:
    with pytest.raises(NumberFormatError) as caught:
        parse_quantity(text, unit)
    assert caught.value.code == code
