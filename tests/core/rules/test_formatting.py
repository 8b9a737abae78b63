"""Indonesian number formatting: what a realisasi, a percentage or an IKM looks like."""

from __future__ import annotations

import pytest

from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id, round_half_up


@pytest.mark.parametrize(
    ("value", "decimals", "trim", "shown"),
    [
        (1250.5, 1, False, "1.250,5"),
        (1250.5, 2, False, "1.250,50"),
        (1250, 0, False, "1.250"),
        (1250.0, 2, True, "1.250"),
        (12.5, 2, True, "12,5"),
        (100.0, 2, True, "100"),
        (1234567.891, 2, False, "1.234.567,89"),
        (999.995, 2, False, "1.000,00"),  # rounding carries into the thousands
        (-1250.5, 1, False, "-1.250,5"),
        (2.675, 2, False, "2,68"),  # half-up on the written digits
        (0.5, 0, False, "1"),
        (-0.001, 2, False, "0,00"),  # never "-0,00"
        (0, 2, False, "0,00"),
        (91.4750957854406, 2, False, "91,48"),  # the SKM worked example
    ],
)
def test_format_number_id(value: float, decimals: int, trim: bool, shown: str) -> None:
    assert format_number_id(value, decimals, trim=trim) == shown


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [(91.475, 2, "91,48%"), (125.0, 1, "125,0%"), (80, 0, "80%"), (133.3333, 2, "133,33%")],
)
def test_format_percent_id(value: float, decimals: int, shown: str) -> None:
    assert format_percent_id(value, decimals) == shown


@pytest.mark.parametrize(
    ("value", "decimals", "rounded"),
    [
        (88.305, 2, 88.31),
        (78.12499999999999, 2, 78.13),  # float noise of a sum of ninths is ignored
        (78.124, 2, 78.12),
        (-2.5, 0, -3.0),
        (76.605, 2, 76.61),
    ],
)
def test_round_half_up(value: float, decimals: int, rounded: float) -> None:
    assert round_half_up(value, decimals) == rounded


def test_round_half_up_rejects_negative_decimals() -> None:
    with pytest.raises(ValueError):
        round_half_up(1.5, -1)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_numbers_are_rejected(value: float) -> None:
    with pytest.raises(ValueError):
        format_number_id(value)


def test_large_numbers() -> None:
    assert format_number_id(1.5e15, 2) == "1.500.000.000.000.000,00"
