"""The needs analysis on a data set whose answer is known (tests/analysis/factories.py)."""

from __future__ import annotations

from datetime import date

from kinerja_bot.analysis.needs import (
    IndicatorEvidence,
    Level,
    NeedKind,
    NeedsReport,
    ObstacleEvidence,
    SkmEvidence,
    SupportEvidence,
    build_needs_report,
    build_needs_report_for_units,
)
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import id_of
from kinerja_bot.core.rules.periods import parse_period
from kinerja_bot.core.rules.skm import Mutu
from tests.analysis.factories import PERIOD, TODAY, known_needs_data


async def report_for(database: Database, unit_id: int | None) -> NeedsReport:
    async with database.session() as session:
        return await build_needs_report(session, unit_id, parse_period(PERIOD), today=TODAY)


def summary(report: NeedsReport, kode: str) -> list[tuple[NeedKind, str, Level, int, int]]:
    (unit,) = [u for u in report.units if u.unit.kode == kode]
    return [(n.kind, n.subject, n.level, n.count, n.base) for n in unit.needs]


async def test_needs_of_a_unit_are_ranked_as_known(database: Database) -> None:
    await known_needs_data(database)
    report = await report_for(database, None)

    assert summary(report, "BIDANG") == [
        (NeedKind.SKM, "U6", Level.TINGGI, 10, 10),
        (NeedKind.INDICATOR, "Jumlah dokumen", Level.TINGGI, 3, 4),
        (NeedKind.OBSTACLE, "sdm", Level.TINGGI, 3, 4),
        (NeedKind.SUPPORT, "pelatihan", Level.TINGGI, 2, 4),
        (NeedKind.OBSTACLE, "anggaran", Level.SEDANG, 1, 4),
        (NeedKind.SKM, "U3", Level.SEDANG, 2, 10),
        (NeedKind.INDICATOR, "Waktu layanan", Level.RENDAH, 1, 4),
        (NeedKind.SUPPORT, "sarana", Level.RENDAH, 1, 4),
    ]
    assert summary(report, "SEKSI") == [
        (NeedKind.OBSTACLE, "teknologi-informasi", Level.SEDANG, 1, 1)
    ]
    # Units with the most urgent needs first; units without needs last, by code.
    assert [u.unit.kode for u in report.units] == ["BIDANG", "SEKSI", "DINAS", "LAIN", "TENANG"]
    assert [u.unit.kode for u in report.without_needs] == ["DINAS", "LAIN", "TENANG"]
    assert report.as_of == TODAY and report.roots == ()


async def test_each_need_carries_its_evidence(database: Database) -> None:
    await known_needs_data(database)
    report = await report_for(database, None)
    bidang = next(u for u in report.units if u.unit.kode == "BIDANG")
    assert (bidang.staff, bidang.reporting_staff, bidang.respondents) == (4, 4, 10)
    needs = {(n.kind, n.subject): n for n in bidang.needs}

    dokumen = needs[NeedKind.INDICATOR, "Jumlah dokumen"]
    assert isinstance(dokumen.evidence, IndicatorEvidence)
    assert dokumen.evidence.holders == 4 and dokumen.evidence.lagging == 3
    # Lowest achievement first; Budi's March report counts for his achievement (510 of 1810).
    names = [name for name, _ in dokumen.evidence.behind]
    assert names == ["Citra Dewi", "Budi Santoso", "Dodi Saputra"]
    assert [round(pct, 2) for _, pct in dokumen.evidence.behind] == [22.1, 28.18, 33.15]
    # Of the three behind, two named sdm this quarter and one anggaran (twice).
    assert dokumen.evidence.top_obstacle == "sdm"
    assert dokumen.action == "aksi_indikator_kendala"

    sdm = needs[NeedKind.OBSTACLE, "sdm"]
    assert isinstance(sdm.evidence, ObstacleEvidence)
    assert sdm.evidence.people == ("Ani Lestari", "Budi Santoso", "Citra Dewi")
    assert (sdm.evidence.reports, sdm.evidence.weeks) == (3, 2)
    assert sdm.evidence.examples == ("Loket kurang", "Petugas cuti bersamaan")
    assert sdm.action == "aksi_kendala_sdm"

    pelatihan = needs[NeedKind.SUPPORT, "pelatihan"]
    assert isinstance(pelatihan.evidence, SupportEvidence)
    assert pelatihan.evidence.people == ("Ani Lestari", "Budi Santoso")
    assert pelatihan.evidence.details == (("Pelatihan pelayanan prima", 2),)
    assert pelatihan.action == "aksi_dukungan_pelatihan"

    u6 = needs[NeedKind.SKM, "U6"]
    assert isinstance(u6.evidence, SkmEvidence)
    assert (u6.evidence.nrr, u6.evidence.grade, u6.evidence.respondents) == (2.0, Mutu.D, 10)
    assert u6.evidence.services == ("Layanan Satu",)
    assert u6.action == "aksi_skm_U6"  # weak Kompetensi Pelaksana → technical training
    u3 = needs[NeedKind.SKM, "U3"]
    assert isinstance(u3.evidence, SkmEvidence)
    assert (u3.evidence.nrr, u3.evidence.grade, u3.evidence.low_answers) == (2.6, Mutu.C, 2)
    assert u3.action == "aksi_skm_U3"
    # A single person's single-week obstacle is not a recurring need.
    assert (NeedKind.OBSTACLE, "koordinasi") not in needs


async def test_scope_is_the_unit_tree(database: Database) -> None:
    data = await known_needs_data(database)
    report = await report_for(database, id_of(data.dinas))
    assert [u.unit.kode for u in report.units] == ["BIDANG", "SEKSI", "DINAS", "TENANG"]
    assert report.roots == (data.dinas,)

    async with database.session() as session:
        several = await build_needs_report_for_units(
            session, [id_of(data.seksi), id_of(data.lain)], parse_period(PERIOD), today=TODAY
        )
    assert [u.unit.kode for u in several.units] == ["SEKSI", "LAIN"]
    assert {u.kode for u in several.roots} == {"SEKSI", "LAIN"}


async def test_top_needs_across_units(database: Database) -> None:
    await known_needs_data(database)
    report = await report_for(database, None)
    top = [(unit.unit.kode, need.subject) for unit, need in report.top(6)]
    assert top == [
        ("BIDANG", "U6"),
        ("BIDANG", "Jumlah dokumen"),
        ("BIDANG", "sdm"),
        ("BIDANG", "pelatihan"),
        ("SEKSI", "teknologi-informasi"),  # Sedang, 100 % of the seksi's one reporter
        ("BIDANG", "anggaran"),
    ]


async def test_a_period_without_data_has_no_needs(database: Database) -> None:
    await known_needs_data(database)
    async with database.session() as session:
        report = await build_needs_report(
            session, None, parse_period("2025-Q4"), today=date(2025, 12, 31)
        )
    assert report.with_needs == []
    assert len(report.without_needs) == 5


async def test_too_few_survey_responses_give_no_skm_need(database: Database) -> None:
    data = await known_needs_data(database)
    async with database.session() as session:
        # ISO week 18 (27 April – 3 May 2026) holds 3 of the 10 responses: below the floor of 5.
        week = await build_needs_report(
            session, id_of(data.bidang), parse_period("2026-W18"), today=TODAY
        )
    bidang = next(u for u in week.units if u.unit.kode == "BIDANG")
    assert bidang.respondents == 3
    assert [n for n in bidang.needs if n.kind is NeedKind.SKM] == []
