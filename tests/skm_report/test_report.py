"""`kinerja-bot laporan-skm`: the PDF's text (extracted with pypdf) says what the template asks."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import id_of
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.ikm.followup.service import add_action
from kinerja_bot.skm_report.pdf import TEXTS
from tests.survey.conftest import City
from tests.survey.test_ikm import cli_env, example_responses, run_cli, store  # noqa: F401


def text_of(path: Path) -> tuple[str, PdfReader]:
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), reader


async def test_the_report_follows_the_template(
    database: Database,
    city: City,
    cli_env: None,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await store(database, city.ktp, example_responses(), datetime(2026, 3, 5, 12, tzinfo=WIB))
    async with database.session() as session:
        await add_action(
            session,
            unit_id=id_of(city.disdukcapil),
            period="2026-S1",
            unsur="U3",
            tindakan="Tambah satu loket perekaman pada jam sibuk",
            penanggung_jawab="Kepala Bidang PIAK",
            tenggat=date(2026, 6, 30),
            now=datetime(2026, 3, 10, 9, tzinfo=WIB),
        )
    output = tmp_path / "laporan.pdf"
    await run_cli("laporan-skm", "--periode", "2026-S1", "--unit", "DISDUKCAPIL", "-o", str(output))
    assert "ditulis ke" in capsys.readouterr().out
    text, reader = text_of(output)
    for key in ("judul", "bab1", "bab2", "bab3", "bab4", "bab5", "lampiran"):
        assert TEXTS.get(key) in text, key
    assert "Dinas Kependudukan dan Pencatatan Sipil" in text
    assert "Semester I 2026" in text
    assert "1 Januari 2026 sampai dengan 30 Juni 2026" in text
    assert "Jumlah responden 29 orang" in text
    # L-KK has no yearly number of users: the large-population minimum applies.
    assert "sampel minimal adalah 384 responden; jumlah responden belum mencukupi" in text
    assert "= 91,48, mutu pelayanan A (Sangat Baik)" in text
    assert "3,621" in text and "3,448" in text  # NRR U1 and U3, three decimals
    assert "Perekaman KTP-el (L-KTP)" in text
    assert "Tambah satu loket perekaman pada jam sibuk" in text
    assert "Belum ada IKM pembanding pada Semester II 2025" in text
    assert "3,5324 – 4,00" in text and "88,31 – 100,00" in text  # the conversion table
    assert "Jumlah nilai 105 101 100 116 102 105 106 105 115" in text  # the matrix's sums
    # The signature block: the unit head's name and NIP.
    assert city.head.nama in text
    assert TEXTS.get("ttd_nip", nip=city.head.nip) in text
    # Text is text and the chart is vector graphics: no raster image on any page.
    assert all(not page.images for page in reader.pages)


async def test_bad_input_is_refused(
    database: Database,
    city: City,
    cli_env: None,  # noqa: F811
    tmp_path: Path,
) -> None:
    with pytest.raises(SystemExit, match=r"harus berakhiran \.pdf"):
        await run_cli("laporan-skm", "--periode", "2026", "--unit", "DISDUKCAPIL", "-o", "x.png")
    with pytest.raises(SystemExit, match="Unit dengan kode 'NOPE' tidak ditemukan"):
        out = str(tmp_path / "x.pdf")
        await run_cli("laporan-skm", "--periode", "2026", "--unit", "NOPE", "-o", out)
    with pytest.raises(SystemExit, match="Periode '2026-S3' tidak dikenal"):
        out = str(tmp_path / "x.pdf")
        await run_cli("laporan-skm", "--periode", "2026-S3", "--unit", "DISDUKCAPIL", "-o", out)
