"""Chart images: valid PNG of a sensible size, Indonesian numbers, refusals."""

from __future__ import annotations

import struct

import pytest

from kinerja_bot.core.charts import (
    GREEN,
    MAX_BARS,
    RED,
    STATUS_COLORS,
    Bar,
    bar_chart_png,
    bar_note,
    render_bar_chart,
)
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.testing.records import is_image


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG header."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_a_horizontal_chart_is_a_png_that_grows_with_its_bars() -> None:
    few = bar_chart_png(
        [Bar("Siti Rahmawati", 82.5, RED), Bar("Budi Santoso", 104.0, GREEN)],
        title="Capaian tim",
        value_label="Capaian (%)",
        reference=100,
        reference_label="Target",
        legend=[(RED, "Tertinggal"), (GREEN, "Sesuai jadwal")],
        suffix="%",
    )
    many = bar_chart_png(
        [Bar(f"Pegawai {n} dengan nama yang cukup panjang untuk dibungkus", n) for n in range(20)],
        title="Banyak",
    )
    assert is_image(few) and is_image(many)
    assert size(few)[0] == size(many)[0] == 1000
    assert size(many)[1] > size(few)[1] >= 300


def test_a_vertical_chart() -> None:
    png = bar_chart_png([Bar("Senin", 3), Bar("Selasa", 0)], title="Laporan", horizontal=False)
    assert size(png) == (1000, 550)


def test_values_are_written_the_indonesian_way() -> None:
    assert bar_note(Bar("x", 1250.5), 1, "%") == "1.250,5%"
    assert bar_note(Bar("x", 1250.0), 2) == "1.250"
    assert bar_note(Bar("x", 7, note="7 orang")) == "7 orang"


def test_every_status_has_a_colour() -> None:
    assert set(STATUS_COLORS) == {*OnTrackStatus, None}


@pytest.mark.parametrize("count", [0, MAX_BARS + 1])
def test_no_bars_or_too_many_are_refused(count: int) -> None:
    with pytest.raises(ValueError):
        bar_chart_png([Bar(str(n), n) for n in range(count)], title="x")


async def test_rendering_off_the_event_loop() -> None:
    png = await render_bar_chart([Bar("A", 1)], title="Uji", value_label="Jumlah")
    assert is_image(png)
