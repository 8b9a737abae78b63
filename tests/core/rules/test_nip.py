"""NIP checks: 18 digits, a real birth date, the sex digit."""

from __future__ import annotations

from datetime import date

import pytest

from kinerja_bot.core.rules.nip import NipError, normalize_nip, parse_nip

VALID = "198503122010011002"


@pytest.mark.parametrize(
    ("text", "nip"),
    [
        (VALID, VALID),
        (f"  {VALID}  ", VALID),
        ("19850312 201001 1 002", VALID),
        (f"'{VALID}", VALID),
        ("199001012022212001", "199001012022212001"),  # PPPK: `21` where the month would be
        ("200002292023012003", "200002292023012003"),  # 29 February of a leap year
    ],
)
def test_accepts(text: str, nip: str) -> None:
    assert normalize_nip(text) == nip


def test_parts() -> None:
    parts = parse_nip(VALID)
    assert parts.birth_date == date(1985, 3, 12)
    assert parts.appointment == "201001"
    assert parts.sex == 1
    assert parts.sequence == "002"


@pytest.mark.parametrize(
    ("text", "code", "digits"),
    [
        ("", "kosong", 0),
        ("   ", "kosong", 0),
        ("19850312201001100", "panjang", 17),
        ("1985031220100110021", "panjang", 19),
        ("123", "panjang", 3),
        ("19850312-201001-1-002", "bukan_angka", 0),
        ("1985031220100110O2", "bukan_angka", 0),
        ("1.98503E+17", "bukan_angka", 0),
        ("\u0661" * 18, "bukan_angka", 0),
        ("198513122010011002", "tanggal_lahir", 0),  # month 13
        ("198502302010011002", "tanggal_lahir", 0),  # 30 February
        ("190002292010011002", "tanggal_lahir", 0),  # 1900 is not a leap year
        ("185001012010011002", "tanggal_lahir", 0),  # before 1900
        ("000000002010011002", "tanggal_lahir", 0),
        ("198503122010003002", "bulan_pengangkatan", 0),  # appointment month 00
        ("198503122010131002", "bulan_pengangkatan", 0),  # appointment month 13
        ("198503122010991002", "bulan_pengangkatan", 0),
        ("209901012010011002", "tanggal_lahir_akan_datang", 0),  # born in 2099
        ("198503122010013002", "jenis_kelamin", 0),
        ("198503122010010002", "jenis_kelamin", 0),
    ],
)
def test_rejects(text: str, code: str, digits: int) -> None:
    with pytest.raises(NipError) as caught:
        normalize_nip(text)
    assert caught.value.code == code
    assert caught.value.digits == digits
    assert isinstance(caught.value, ValueError)


def test_birth_date_is_checked_against_today() -> None:
    born_tomorrow = "202606022026061001"
    with pytest.raises(NipError) as caught:
        parse_nip(born_tomorrow, today=date(2026, 6, 1))
    assert caught.value.code == "tanggal_lahir_akan_datang"
    assert parse_nip(born_tomorrow, today=date(2026, 6, 2)).birth_date == date(2026, 6, 2)
