"""Import benchmark: a city-sized data set through `read_table` + `import_rows`, twice.

Generates CSV files like an Indonesian Excel export (`;`, BOM, Indonesian numbers) for about
30 units, 15,000 staff in atasan chains (rows shuffled, so an atasan often comes later in the
file) and 45,000 indicators; imports them into a fresh SQLite file and a fresh PostgreSQL
database (created and dropped here), schema applied with `kinerja_bot.core.migrate.upgrade`; then
imports the same files again (everything unchanged). Prints seconds per file and backend.

    .venv/bin/python benchmarks/import_bench.py [POSTGRES_SERVER_URL] [--staff N] [--no-postgres]

POSTGRES_SERVER_URL defaults to postgresql://postgres@127.0.0.1:5432; the database name in
it, if any, is replaced by a temporary `kinerja_bench_<pid>`. Goal: under 30 s per backend.
In `make bench` (`run`): `import_s`, the first import on SQLite, and `import_s_postgres` on
BENCH_DATABASE_URL when set.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Figures, fresh_postgres, fresh_sqlite, postgres_url
from kinerja_bot.core.db import Database
from kinerja_bot.core.migrate import upgrade
from kinerja_bot.importing import import_rows, read_table

KINDS = ("unit", "pegawai", "indikator", "layanan")
OPD = [
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("DINKES", "Dinas Kesehatan"),
    ("DINDIKBUD", "Dinas Pendidikan dan Kebudayaan"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika"),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"),
    ("DLH", "Dinas Lingkungan Hidup"),
    ("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang"),
]
FIRST = ["Ahmad", "Siti", "Budi", "Dewi", "Rina", "Agus", "Nur", "Eko", "Fitri", "Hendra"]
LAST = ["Saputra", "Lestari", "Hidayat", "Wulandari", "Pratama", "Sari", "Gunawan", "Putri"]


def make_units() -> list[dict[str, str]]:
    """PEMKOT, 9 OPD, 2 bidang each, 2 UPTD: 30 units."""
    units = [{"kode": "PEMKOT", "nama": "Pemerintah Kota Tangerang Selatan", "induk_kode": ""}]
    for kode, nama in OPD:
        units.append({"kode": kode, "nama": nama, "induk_kode": "PEMKOT"})
        for number in (1, 2):
            units.append(
                {"kode": f"{kode}-B{number}", "nama": f"Bidang {number} {nama}", "induk_kode": kode}
            )
    units.append(
        {"kode": "DINKES-PKM-SERPONG", "nama": "UPTD Puskesmas Serpong", "induk_kode": "DINKES"}
    )
    units.append(
        {"kode": "DINKES-PKM-PAMULANG", "nama": "UPTD Puskesmas Pamulang", "induk_kode": "DINKES"}
    )
    return units


def make_nips(count: int, rng: random.Random) -> list[str]:
    nips: set[str] = set()
    while len(nips) < count:
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(35 * 365))
        appointed = max(born.year + 20, 1990) + rng.randrange(10)
        month = f"{rng.randrange(1, 13):02d}" if rng.random() < 0.8 else "21"  # PNS or PPPK
        nips.add(f"{born:%Y%m%d}{appointed}{month}{rng.choice('12')}{rng.randrange(1, 1000):03d}")
    return sorted(nips)


def make_staff(units: list[dict[str, str]], count: int, rng: random.Random) -> list[dict[str, str]]:
    """Heads of every unit in a chain (sekda → kepala OPD → kepala bidang), team leads, staff."""
    nips = iter(make_nips(count, rng))
    staff: list[dict[str, str]] = []
    head: dict[str, str] = {}

    def person(unit_kode: str, jabatan: str, atasan: str) -> str:
        nip = next(nips)
        nama = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        staff.append(
            {
                "nip": nip,
                "nama": nama,
                "jabatan": jabatan,
                "unit_kode": unit_kode,
                "atasan_nip": atasan,
            }
        )
        return nip

    for unit in units:  # parents come first in `units`
        atasan = head.get(unit["induk_kode"], "")
        head[unit["kode"]] = person(unit["kode"], f"Kepala {unit['nama']}", atasan)
    per_unit = (count - len(staff)) // len(units)
    for unit in units:
        leads = [
            person(unit["kode"], "Koordinator Substansi", head[unit["kode"]]) for _ in range(10)
        ]
        for number in range(per_unit - len(leads)):
            person(unit["kode"], "Pelaksana", leads[number % len(leads)])
    while len(staff) < count:
        person("PEMKOT", "Pelaksana", head["PEMKOT"])
    rng.shuffle(staff)
    return staff


def make_indicators(
    staff: list[dict[str, str]], year: int, rng: random.Random
) -> list[dict[str, str]]:
    targets = ["12", "1.250", "95", "12,5", "4", "100", "2.500.000", "0,75", "30"]
    rows: list[dict[str, str]] = []
    for index, person in enumerate(staff):
        for number in (1, 2, 3):
            rows.append(
                {
                    "kode": f"IKI-{index:05d}-{number}",
                    "nip": person["nip"],
                    "tahun": str(year),
                    "rhk": "Meningkatnya kualitas pelayanan publik di lingkungan unit kerja",
                    "nama": f"Persentase layanan yang diselesaikan tepat waktu ({number})",
                    "aspek": rng.choice(["kuantitas", "kualitas", "waktu", "biaya"]),
                    "satuan": rng.choice(["dokumen", "%", "hari", "kegiatan", "rupiah"]),
                    "target": rng.choice(targets),
                    "arah": "turun" if number == 3 else "naik",
                    "cara_hitung": "terakhir" if number == 2 else "kumulatif",
                    "jenis": "utama" if number < 3 else "tambahan",
                    "iku_unit": "IKU 1: Indeks Kepuasan Masyarakat" if number == 1 else "",
                }
            )
    return rows


def make_services(units: list[dict[str, str]]) -> list[dict[str, str]]:
    return [
        {
            "kode": f"L-{unit['kode']}-{number}",
            "nama": f"Layanan {number} {unit['nama']}",
            "unit_kode": unit["kode"],
        }
        for unit in units
        for number in (1, 2)
    ]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """Like Excel's "CSV UTF-8" with Indonesian settings: BOM, `;`, CRLF."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def generate(folder: Path, staff_count: int) -> dict[str, Path]:
    rng = random.Random(2026)
    units = make_units()
    staff = make_staff(units, staff_count, rng)
    data = {
        "unit": units,
        "pegawai": staff,
        "indikator": make_indicators(staff, 2026, rng),
        "layanan": make_services(units),
    }
    return {kind: write_csv(folder / f"{kind}.csv", rows) for kind, rows in data.items()}


async def import_all(url: str, files: dict[str, Path]) -> list[tuple[str, int, float, str]]:
    """Read and import every file in order; (kind, rows, seconds, summary) for each."""
    database = Database(url)
    timings = []
    try:
        for kind in KINDS:
            started = time.perf_counter()
            table = await asyncio.to_thread(read_table, files[kind], progress=False)
            result = await import_rows(
                database, kind, table.rows, columns=table.columns, progress=False
            )
            timings.append((kind, len(table.rows), time.perf_counter() - started, result.summary()))
    finally:
        await database.dispose()
    return timings


async def postgres(server_url: str, sql: str) -> None:
    import asyncpg

    url = make_url(server_url).set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def run_backend(name: str, url: str, files: dict[str, Path]) -> float:
    upgrade(url)
    total = 0.0
    for attempt in ("impor pertama", "impor ulang (tanpa perubahan)"):
        timings = asyncio.run(import_all(url, files))
        print(f"\n{name}: {attempt}")
        for kind, rows, seconds, summary in timings:
            print(f"  {kind:<10} {rows:>7} baris  {seconds:7.2f} s   {summary}")
        seconds = sum(timing[2] for timing in timings)
        print(f"  {'total':<10} {'':>7}        {seconds:7.2f} s")
        if attempt == "impor pertama":
            total = seconds
    return total


def first_import(url: str, files: dict[str, Path]) -> float:
    """Seconds to import every file into the (migrated, empty) database at `url`."""
    return sum(timing[2] for timing in asyncio.run(import_all(url, files)))


def run(quick: bool = False) -> Figures:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as folder:
        files = generate(Path(folder), 3_000 if quick else 15_000)
        figures: Figures = {
            "import_s": round(first_import(fresh_sqlite(Path(folder), "import"), files), 2)
        }
        database_url = postgres_url()
        if database_url is not None:
            seconds = first_import(fresh_postgres(database_url), files)
            figures["import_s_postgres"] = round(seconds, 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("postgres", nargs="?", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--staff", type=int, default=15_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as folder:
        started = time.perf_counter()
        files = generate(Path(folder), args.staff)
        sizes = ", ".join(
            f"{kind} {path.stat().st_size / 1e6:.1f} MB" for kind, path in files.items()
        )
        print(f"Berkas dibuat dalam {time.perf_counter() - started:.1f} s ({sizes})")

        results = {"SQLite": run_backend("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}", files)}
        if not args.no_postgres:
            name = f"kinerja_bench_{os.getpid()}"
            url = make_url(args.postgres).set(drivername="postgresql", database=name)
            url_text = url.render_as_string(hide_password=False)
            asyncio.run(postgres(args.postgres, f'CREATE DATABASE "{name}"'))
            try:
                results["PostgreSQL"] = run_backend("PostgreSQL", url_text, files)
            finally:
                asyncio.run(
                    postgres(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                )
        print()
        for backend, seconds in results.items():
            verdict = "OK" if seconds < 30 else "LEBIH DARI 30 s"
            print(f"{backend}: impor pertama {seconds:.2f} s ({verdict})")


if __name__ == "__main__":
    main()
