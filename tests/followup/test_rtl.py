"""`kinerja-bot rtl`: actions on weak unsur with owner and deadline, status, the share done."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import FollowUpAction, FollowUpStatus
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.ikm.followup.command import TEXTS
from tests.survey.conftest import City
from tests.survey.test_ikm import cli_env, run_cli, store  # noqa: F401  (cli_env: a fixture)


def slow_service(count: int) -> list[dict[str, int]]:
    """Responses where Waktu Penyelesaian (U3) scores 2 (mutu D) and the rest 4."""
    return [{**{f"U{n}": 4 for n in range(1, 10)}, "U3": 2} for _ in range(count)]


async def actions(database: Database) -> list[FollowUpAction]:
    async with database.session() as session:
        return list((await session.exec(select(FollowUpAction))).all())


async def test_record_update_and_list_a_units_plan(
    database: Database,
    city: City,
    cli_env: None,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    await store(database, city.ktp, slow_service(10), datetime(2026, 3, 5, 12, tzinfo=WIB))

    await run_cli("rtl", "daftar", "--unit", "DISDUKCAPIL", "--periode", "2026-S1")
    out = capsys.readouterr().out
    assert TEXTS.get("unsur_lemah", daftar="U3") in out
    assert TEXTS.get("perlu_rtl", daftar="U3") in out
    assert TEXTS.get("kosong") in out

    await run_cli(
        "rtl",
        "tambah",
        "--unit",
        "DISDUKCAPIL",
        "--periode",
        "2026-s1",
        "--unsur",
        "u3",
        "--tindakan",
        "Tambah satu loket perekaman pada jam sibuk",
        "--pj",
        "Kepala Bidang PIAK",
        "--tenggat",
        "30 Juni 2026",
    )
    (action,) = await actions(database)
    assert (action.period, action.unsur, action.status) == ("2026-S1", "U3", "direncanakan")
    assert capsys.readouterr().out.strip() == TEXTS.get(
        "ditambah",
        id=action.id,
        unsur="U3",
        tindakan="Tambah satu loket perekaman pada jam sibuk",
        pj="Kepala Bidang PIAK",
        tenggat="30 Juni 2026",
    )

    await run_cli("rtl", "status", str(action.id), "selesai")
    assert capsys.readouterr().out.strip() == TEXTS.get(
        "status_diubah", id=action.id, status="selesai"
    )
    (action,) = await actions(database)
    assert action.status == FollowUpStatus.DONE and action.done_at is not None

    await run_cli("rtl", "daftar", "--unit", "DISDUKCAPIL", "--periode", "2026-S1")
    out = capsys.readouterr().out
    assert TEXTS.get("perlu_rtl", daftar="U3") not in out
    assert "[selesai] U3 Waktu Penyelesaian: Tambah satu loket" in out
    assert TEXTS.get("kemajuan", tahun=2026, selesai=1, jumlah=1, persen="100%") in out


async def test_bad_input_is_refused(
    database: Database,
    city: City,
    cli_env: None,  # noqa: F811
) -> None:
    base = ["rtl", "tambah", "--unit", "DISDUKCAPIL", "--periode", "2026-S1", "--pj", "Kabid"]
    with pytest.raises(SystemExit, match="Unsur 'U10' tidak dikenal"):
        await run_cli(*base, "--unsur", "U10", "--tindakan", "x", "--tenggat", "1-7-2026")
    with pytest.raises(SystemExit, match="Tanggal '31-6-2026' tidak dikenal"):
        await run_cli(*base, "--unsur", "U3", "--tindakan", "x", "--tenggat", "31-6-2026")
    with pytest.raises(SystemExit, match="Periode '2026-S3' tidak dikenal"):
        await run_cli("rtl", "daftar", "--unit", "DISDUKCAPIL", "--periode", "2026-S3")
    with pytest.raises(SystemExit, match="RTL #99 tidak ditemukan"):
        await run_cli("rtl", "status", "99", "selesai")
    assert await actions(database) == []
