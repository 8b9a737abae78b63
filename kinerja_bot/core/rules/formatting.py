"""Indonesian number formatting and display rounding (`1.250,5`, `91,48%`).

Indonesian writes `.` between thousands and `,` before decimals (KBBI / PUEBI usage). Rounding
for display is half-up on the number as written (what Excel's ROUND and a reader with a pencil
do), not Python's round-half-even on the binary value, so 2.675 shows as 2,68.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

__all__ = ["format_number_id", "format_percent_id", "round_half_up"]

# Digits beyond the shown ones that are first rounded away as float noise.
_GUARD_DIGITS = 6


def round_half_up(value: float, decimals: int = 2) -> float:
    """Round half away from zero on the decimal digits of `value` (display rounding).

    Binary noise far below the shown precision is ignored first, so 78.12499999999999 (a sum
    of ninths that is 78.125 on paper) shows as 78.13. Source: ordinary arithmetic rounding
    as used in the SKM worked example of PermenPANRB 14/2017 (IKM shown with 2 decimals).
    """
    return float(_to_decimal(value, decimals))


def _to_decimal(value: float, decimals: int) -> Decimal:
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    if not math.isfinite(value):
        raise ValueError(f"cannot round {value!r}")
    with localcontext() as context:
        context.prec = 400  # enough digits for any finite float at any sensible precision
        exact = Decimal(repr(float(value)))
        guard = Decimal(1).scaleb(-(decimals + _GUARD_DIGITS))
        denoised = exact.quantize(guard, rounding=ROUND_HALF_EVEN)
        rounded = denoised.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # never "-0"


def format_number_id(value: float, decimals: int = 2, *, trim: bool = False) -> str:
    """Format a number the Indonesian way: `1250.5` → `"1.250,50"` (or `"1.250,5"` trimmed).

    `decimals` is the number of decimals shown (rounded half-up); `trim=True` drops trailing
    zeros and a bare decimal comma, so `format_number_id(1250.0, 2, trim=True)` is `"1.250"`.
    Source: Indonesian spelling conventions (PUEBI: thousands with a dot, decimals with a comma).
    """
    rounded = _to_decimal(value, decimals)
    text = f"{rounded:,.{decimals}f}"  # e.g. "-1,250.50"
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def format_percent_id(value: float, decimals: int = 2, *, trim: bool = False) -> str:
    """Format a percentage the Indonesian way: `91.475` → `"91,48%"`.

    Same rounding and separators as `format_number_id`; the sign follows without a space,
    as in Indonesian government reports (LKjIP, SKM publications).
    """
    return f"{format_number_id(value, decimals, trim=trim)}%"
