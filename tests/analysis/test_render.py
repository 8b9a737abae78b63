"""The needs report as messages, plain text and chart."""

from __future__ import annotations

from kinerja_bot.analysis.needs import (
    IndicatorEvidence,
    Level,
    Need,
    NeedKind,
    NeedsReport,
    UnitNeeds,
    build_needs_report,
)
from kinerja_bot.analysis.render import (
    TEXTS,
    chart_bars,
    need_texts,
    needs_chart_png,
    plain,
    render_needs_chart,
    render_needs_report,
)
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Unit
from kinerja_bot.core.rules.formatting import format_percent_id
from kinerja_bot.core.rules.periods import format_date_id, parse_period
from kinerja_bot.core.texts import MESSAGE_LIMIT, Markup
from kinerja_bot.core.vocabulary import category_label
from kinerja_bot.testing.records import is_image
from tests.analysis.factories import PERIOD, TODAY, known_needs_data


async def known_report(database: Database) -> NeedsReport:
    await known_needs_data(database)
    async with database.session() as session:
        return await build_needs_report(session, None, parse_period(PERIOD), today=TODAY)


async def test_messages_list_units_and_needs_in_rank_order(database: Database) -> None:
    report = await known_report(database)
    messages = render_needs_report(report)
    text = "\n\n".join(messages)
    assert all(len(m) <= MESSAGE_LIMIT for m in messages)
    assert text.startswith(
        TEXTS.get(
            "judul",
            periode=parse_period(PERIOD).title,
            cakupan=TEXTS.get("cakupan_kota"),
            tanggal=format_date_id(TODAY),
        )
    )
    bidang = report.units[0]
    first = need_texts(bidang.needs[0])
    assert first.jenis == TEXTS.get("jenis_skm")
    assert first.subjek == TEXTS.get("skm_subjek", kode="U6", nama="Kompetensi Pelaksana")
    assert first.saran == TEXTS.get("aksi_skm_U6")
    # Only the first NEEDS_PER_UNIT needs of a unit are listed, then a count of the rest.
    assert TEXTS.get("lainnya", jumlah=len(bidang.needs) - 5) in text
    positions = [text.index(need_texts(n).bukti) for n in bidang.needs[:5]]
    assert positions == sorted(positions)
    assert TEXTS.get("tanpa_kebutuhan", unit="Dinas Percontohan, Dinas Lain, Bidang Tenang") in text

    everything = "\n\n".join(render_needs_report(report, per_unit=None))
    assert all(need_texts(n).bukti in everything for n in bidang.needs)
    assert TEXTS.get("lainnya", jumlah=3) not in everything


async def test_evidence_and_action_read_as_written(database: Database) -> None:
    report = await known_report(database)
    needs = {(n.kind, n.subject): n for n in report.units[0].needs}
    words = need_texts(needs[NeedKind.INDICATOR, "Jumlah dokumen"])
    label = category_label("kendala", "sdm")
    daftar = ", ".join(
        TEXTS.get("orang_capaian", nama=name, persen=format_percent_id(pct, 1))
        for name, pct in (
            ("Citra Dewi", 22.099),
            ("Budi Santoso", 28.177),
            ("Dodi Saputra", 33.149),
        )
    )
    assert words.bukti == TEXTS.get(
        "bukti_indikator_kendala", jumlah=3, pemegang=4, tertinggal=3, daftar=daftar, kendala=label
    )
    assert words.saran == TEXTS.get("aksi_indikator_kendala", kendala=label)
    assert words.tingkat == TEXTS.get("tingkat_3")


def test_names_and_texts_are_escaped() -> None:
    unit = Unit(id=1, kode="U<1>", nama="Bidang <Uji> & Coba")
    need = Need(
        kind=NeedKind.INDICATOR,
        subject="Dokumen <b>rusak</b>",
        level=Level.SEDANG,
        count=1,
        base=2,
        action="aksi_indikator",
        evidence=IndicatorEvidence("dok", 2, 1, (("Ani <script>", 50.0),), None),
    )
    report = NeedsReport(parse_period(PERIOD), TODAY, (), (UnitNeeds(unit, 2, 2, 0, (need,)),))
    (message,) = render_needs_report(report)
    assert "<script>" not in message and "<Uji>" not in message and "<b>rusak" not in message
    assert "Dokumen <b>rusak</b>" in plain(message)
    assert "Bidang <Uji> & Coba" in plain(message)


async def test_long_reports_are_split_into_messages(database: Database) -> None:
    report = await known_report(database)
    messages = render_needs_report(report, per_unit=None, limit=600)
    assert len(messages) > 2
    assert all(len(m) <= 600 for m in messages)
    whole = "\n".join(render_needs_report(report, per_unit=None)).replace("\n\n", "\n")
    assert "\n".join(messages).replace("\n\n", "\n") == whole


async def test_chart_shows_the_top_needs(database: Database) -> None:
    report = await known_report(database)
    bars = chart_bars(report)
    assert len(bars) == 9  # every need of the data set: fewer than CHART_BARS
    assert len(chart_bars(report, limit=3)) == 3
    first = need_texts(report.units[0].needs[0])
    assert bars[0].value == 100.0
    assert bars[0].label == plain(
        TEXTS.get(
            "grafik_label",
            unit="BIDANG",
            jenis=Markup(first.jenis),
            subjek=Markup(first.subjek),
        )
    )
    png = await render_needs_chart(report)
    assert png is not None and is_image(png)

    empty = NeedsReport(report.period, TODAY, (), ())
    assert needs_chart_png(empty) is None
    (message,) = render_needs_report(empty)
    assert "\n\n" + TEXTS.get("tidak_ada_kebutuhan") + "\n\n" in message
    assert TEXTS.get("apresiasi_kosong") in message
    assert message.endswith(TEXTS.get("efek_kosong"))
