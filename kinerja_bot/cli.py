"""The admin CLI: `kinerja-bot` (also `python -m kinerja_bot`). See `kinerja-bot --help`."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from kinerja_bot.core.cli_common import (
    TEXTS,
    CliError,
    database_folder_exists,
    telegram_failure,
    unwritable,
)
from kinerja_bot.core.db import is_missing_table
from kinerja_bot.core.models import FollowUpStatus, SurveyChannel
from kinerja_bot.core.settings import ConfigError, Settings, get_settings
from kinerja_bot.core.texts import TextBook, TextError

log = logging.getLogger(__name__)

# Where `kinerja-bot web` serves the transparency site unless told otherwise.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_ACTIVATION_FILE = "kode-aktivasi.csv"


def command(module: str, name: str) -> Callable[..., Any]:
    """A subcommand's implementation, imported only when that subcommand runs: importing every
    feature and the whole bot took most of the CLI's start-up. The text books declared by
    what was imported are checked before the command does anything."""
    implementation: Callable[..., Any] = getattr(importlib.import_module(module), name)
    TextBook.validate_all()
    return implementation


class Later(Sequence[str]):
    """Argument choices read from a module only when argparse needs them (to check a value or
    to show a subcommand's help), so that building the parser imports nothing heavy. Give the
    argument a metavar: without one argparse lists the choices while building the parser."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def _values(self) -> list[str]:
        return list(getattr(importlib.import_module(self.module), self.name))

    def __getitem__(self, index: Any) -> Any:
        return self._values()[index]

    def __len__(self) -> int:
        return len(self._values())

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __contains__(self, value: object) -> bool:
        return value in self._values()


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> None:
    database_folder_exists(settings.database_url)
    applied = command("kinerja_bot.core.migrate", "upgrade")(settings.database_url)
    url = _safe_url(settings.database_url)
    if not applied:
        print(TEXTS.get("db_current", url=url))
        return
    print(TEXTS.get("db_upgraded", url=url, jumlah=len(applied)))
    for revision in applied:
        print(TEXTS.get("db_revision", revisi=revision))


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _impor(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.importing", "import_command")(args.jenis, Path(args.file), settings)


def _aktivasi(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.activation", "activation_command")(
        settings, unit=args.unit, nip=args.nip, outputs=args.output or [DEFAULT_ACTIVATION_FILE]
    )


def _analisis(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.analysis.command", "analysis_command")(
        settings, period=args.periode, unit=args.unit
    )


def _ekspor(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.exports.command", "export_command")(
        settings, kind=args.jenis, period=args.periode, unit=args.unit, output=args.output
    )


def _demo(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.demo", "demo_command")(settings)


def _chat(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.terminal_chat", "chat_command")(
        settings, telegram_id=args.telegram_id, name=args.name, folder=args.berkas
    )


def _jalankan(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.scheduling.commands", "run_command")(
        settings, args.tugas, force=args.ulang, preview=args.pratinjau
    )


def _jadwal(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.scheduling.commands", "schedule_command")(settings)


def _ikm(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.ikm.report", "ikm_command")(
        settings, periode=args.periode, unit=args.unit, layanan=args.layanan, kanal=args.kanal
    )


def _qr(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.survey.qr", "qr_command")(
        settings,
        layanan=args.layanan,
        unit=args.unit,
        output=args.output,
        size=args.ukuran,
        packed=args.lembar,
        logo=args.logo,
    )


def _peran(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.complaints.roles", "role_command")(
        settings, action=args.peran, nip=args.nip, unit=args.unit, remove=args.hapus
    )


def _rtl(args: argparse.Namespace, settings: Settings) -> None:
    if args.aksi == "tambah":
        command("kinerja_bot.ikm.followup.command", "add_command")(
            settings,
            unit=args.unit,
            periode=args.periode,
            unsur=args.unsur,
            tindakan=args.tindakan,
            pj=args.pj,
            tenggat=args.tenggat,
        )
    elif args.aksi == "status":
        command("kinerja_bot.ikm.followup.command", "status_command")(
            settings, action_id=args.id, status=args.status
        )
    else:
        command("kinerja_bot.ikm.followup.command", "list_command")(
            settings, unit=args.unit, periode=args.periode
        )


def _predikat_unit(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.evaluation.unit_rating", "unit_rating_command")(
        settings, unit=args.unit, tahun=args.tahun, predikat=args.predikat
    )


def _laporan_skm(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.skm_report.command", "report_command")(
        settings, periode=args.periode, unit=args.unit, output=args.output
    )


def _web(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.transparency.command", "web_command")(
        settings, host=args.host, port=args.port
    )


def _retensi(args: argparse.Namespace, settings: Settings) -> None:
    command("kinerja_bot.privacy.jobs", "retention_command")(settings)


Commands = Any  # argparse's subparsers action (a private type)


def _organisation_commands(commands: Commands) -> None:
    """The database, importing the organisation, activation codes, the demo and the chat."""
    db = commands.add_parser("db", help="basis data: `db upgrade` menerapkan migrasi")
    db.add_argument("aksi", choices=["upgrade"])
    db.set_defaults(run=_db_upgrade)

    impor = commands.add_parser(
        "impor",
        help="impor unit, pegawai, indikator, layanan, skm (kuesioner kertas) atau pelatihan",
    )
    impor.add_argument(
        "jenis",
        metavar="JENIS",
        choices=Later("kinerja_bot.importing", "KINDS"),
        help="%(choices)s",
    )
    impor.add_argument("file", metavar="FILE", help="berkas .csv atau .xlsx")
    impor.set_defaults(run=_impor)

    aktivasi = commands.add_parser("aktivasi", help="terbitkan kode aktivasi akun Telegram")
    aktivasi.add_argument("--unit", metavar="KODE", help="hanya pegawai unit ini (dan sub-unitnya)")
    aktivasi.add_argument("--nip", metavar="NIP", help="hanya pegawai dengan NIP ini")
    aktivasi.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        action="append",
        help=f".csv, .xlsx, .pdf (slip cetak); boleh berulang. Bawaan {DEFAULT_ACTIVATION_FILE}",
    )
    aktivasi.set_defaults(run=_aktivasi)

    demo = commands.add_parser("demo", help="muat data contoh Kota Tangerang Selatan")
    demo.set_defaults(run=_demo)

    chat = commands.add_parser("chat", help="bicara dengan bot di terminal, tanpa Telegram")
    chat.add_argument("--telegram-id", type=int, default=None, help="id pengguna yang diperankan")
    chat.add_argument("--name", default="Warga", help="nama depan pengguna yang diperankan")
    chat.add_argument(
        "--berkas",
        type=Path,
        default=None,
        help="folder untuk berkas yang dikirim bot (bawaan: folder sementara baru)",
    )
    chat.set_defaults(run=_chat)


def _performance_commands(commands: Commands) -> None:
    """Needs analysis, exports, scheduled jobs, a unit's own predikat."""
    analisis = commands.add_parser("analisis", help="analisis kebutuhan organisasi per unit")
    analisis.add_argument(
        "--periode", metavar="P", help="2026, 2026-S1, 2026-Q4, 2026-11 atau 2026-W48"
    )
    analisis.add_argument("--unit", metavar="KODE", help="hanya unit ini (dan sub-unitnya)")
    analisis.set_defaults(run=_analisis)

    ekspor = commands.add_parser("ekspor", help="ekspor data ke .xlsx atau .csv")
    ekspor.add_argument(
        "jenis",
        metavar="JENIS",
        choices=Later("kinerja_bot.exports.command", "KINDS"),
        help="%(choices)s",
    )
    ekspor.add_argument("--periode", metavar="P", required=True, help="mis. 2026-Q4")
    ekspor.add_argument("--unit", metavar="KODE", help="hanya unit ini (dan sub-unitnya)")
    ekspor.add_argument("-o", "--output", metavar="FILE", required=True, help=".xlsx atau .csv")
    ekspor.set_defaults(run=_ekspor)

    jalankan = commands.add_parser("jalankan", help="jalankan satu tugas terjadwal sekarang")
    jalankan.add_argument(
        "tugas",
        metavar="TUGAS",
        choices=Later("kinerja_bot.scheduling.registry", "JOBS_BY_NAME"),
        help="%(choices)s",
    )
    jalankan.add_argument(
        "--ulang", action="store_true", help="kirim ulang walau sudah terkirim pada periode ini"
    )
    jalankan.add_argument(
        "--pratinjau",
        action="store_true",
        help="tampilkan apa yang akan dikirim kepada siapa, tanpa mengirim atau mencatat apa pun",
    )
    jalankan.set_defaults(run=_jalankan)

    jadwal = commands.add_parser("jadwal", help="tampilkan waktu berikutnya setiap tugas terjadwal")
    jadwal.set_defaults(run=_jadwal)

    unit_rating = commands.add_parser(
        "predikat-unit", help="predikat kinerja organisasi satu unit per tahun (catat/lihat)"
    )
    unit_rating.add_argument("unit", metavar="KODE", help="kode unit")
    unit_rating.add_argument("tahun", type=int, metavar="TAHUN")
    unit_rating.add_argument(
        "predikat",
        nargs="?",
        metavar="PREDIKAT",
        help="Istimewa, Baik, Butuh Perbaikan, Kurang atau Sangat Kurang (kosong: lihat saja)",
    )
    unit_rating.set_defaults(run=_predikat_unit)


def _citizen_commands(commands: Commands) -> None:
    """IKM, RTL, the SKM report and site, QR codes, unit roles, retention (docs/citizens.md)."""
    ikm = commands.add_parser("ikm", help="Indeks Kepuasan Masyarakat per layanan dan unit")
    ikm.add_argument("--periode", metavar="P", help="2026, 2026-S1, 2026-Q4, 2026-11 atau 2026-W48")
    ikm.add_argument("--unit", metavar="KODE", help="hanya unit ini (dan sub-unitnya)")
    ikm.add_argument("--layanan", metavar="KODE", help="hanya layanan ini")
    ikm.add_argument(
        "--kanal",
        choices=[channel.value for channel in SurveyChannel],
        help="hanya jawaban dari kanal ini (bawaan: semua kanal digabung)",
    )
    ikm.set_defaults(run=_ikm)

    rtl = commands.add_parser("rtl", help="rencana tindak lanjut (RTL) hasil SKM")
    rtl_actions = rtl.add_subparsers(dest="aksi", required=True, metavar="AKSI")
    rtl_add = rtl_actions.add_parser("tambah", help="catat satu tindakan RTL")
    rtl_add.add_argument("--unit", metavar="KODE", required=True)
    rtl_add.add_argument("--periode", metavar="P", required=True, help="periode SKM, mis. 2026-S1")
    rtl_add.add_argument("--unsur", metavar="U", required=True, help="kode unsur, U1 … U9")
    rtl_add.add_argument("--tindakan", metavar="TEKS", required=True)
    rtl_add.add_argument("--pj", metavar="JABATAN", required=True, help="penanggung jawab")
    rtl_add.add_argument("--tenggat", metavar="TANGGAL", required=True, help="mis. 31-12-2026")
    rtl_status = rtl_actions.add_parser("status", help="ubah status satu tindakan RTL")
    rtl_status.add_argument("id", type=int, metavar="ID")
    rtl_status.add_argument("status", choices=[status.value for status in FollowUpStatus])
    rtl_list = rtl_actions.add_parser("daftar", help="RTL satu unit dan unsur yang perlu RTL")
    rtl_list.add_argument("--unit", metavar="KODE", required=True)
    rtl_list.add_argument("--periode", metavar="P", help="periode SKM (bawaan: tahun ini)")
    rtl.set_defaults(run=_rtl)

    report = commands.add_parser(
        "laporan-skm", help="Laporan Hasil SKM satu unit (PDF, templat KemenPANRB)"
    )
    report.add_argument("--periode", metavar="P", required=True, help="mis. 2026-S1 atau 2026")
    report.add_argument("--unit", metavar="KODE", required=True)
    report.add_argument("-o", "--output", metavar="FILE.pdf", required=True)
    report.set_defaults(run=_laporan_skm)

    web = commands.add_parser("web", help="situs transparansi publik (hasil SKM, RTL, pengaduan)")
    web.add_argument("--host", default=DEFAULT_HOST, help=f"bawaan {DEFAULT_HOST}")
    web.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"bawaan {DEFAULT_PORT}")
    web.set_defaults(run=_web)

    qr = commands.add_parser("qr", help="kartu QR survei untuk loket (PDF vektor, atau PNG)")
    qr.add_argument("layanan", metavar="LAYANAN", nargs="*", help="kode layanan (boleh beberapa)")
    qr.add_argument("--unit", metavar="KODE", help="semua layanan unit ini dan sub-unitnya")
    qr.add_argument("-o", "--output", metavar="FILE", required=True, help=".pdf (atau .png)")
    qr.add_argument("--ukuran", choices=["A6", "A5"], default="A6", help="ukuran kartu (bawaan A6)")
    qr.add_argument(
        "--lembar", action="store_true", help="susun kartu di A4 (4 kartu A6 atau 2 kartu A5)"
    )
    qr.add_argument("--logo", metavar="FILE", help="logo kota di atas kartu (PNG, JPG atau SVG)")
    qr.set_defaults(run=_qr)

    peran = commands.add_parser("peran", help="tetapkan kepala unit atau pengelola pengaduan")
    peran.add_argument("peran", choices=["kepala", "pengelola-pengaduan", "daftar"])
    peran.add_argument("nip", metavar="NIP", nargs="?", help="NIP pegawai")
    peran.add_argument("--unit", metavar="KODE", help="unit tempat peran berlaku")
    peran.add_argument("--hapus", action="store_true", help="cabut peran ini")
    peran.set_defaults(run=_peran)

    retensi = commands.add_parser("retensi", help="hapus data pribadi yang melewati masa simpan")
    retensi.set_defaults(run=_retensi)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinerja-bot", description="Administrasi Kinerja Bot (BKPSDM Kota Tangerang Selatan)."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    _organisation_commands(commands)
    _performance_commands(commands)
    _citizen_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
        args.run(args, settings)
    except ConfigError as error:
        sys.exit(TEXTS.get("config_error", message=str(error)))
    except TextError as error:
        sys.exit(TEXTS.get("texts_error", message=str(error)))
    except CliError as error:
        sys.exit(str(error))
    except DBAPIError as error:
        # One line for the operator; the details (without SQL parameters) for whoever debugs.
        log.debug("database error", exc_info=True)
        key = "db_not_migrated" if is_missing_table(error) else "db_error"
        sys.exit(TEXTS.get(key, detail=str(error.orig).splitlines()[0][:200]))
    except OSError as error:
        # A file that could not be written half-way, or a database server refusing the
        # connection before its driver speaks (asyncpg raises the socket's own error).
        log.debug("operating system error", exc_info=True)
        if error.filename is not None:
            sys.exit(unwritable(error.filename, error))
        sys.exit(TEXTS.get("db_error", detail=error.strerror or str(error)))
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        line = telegram_failure(error)
        if line is None:
            raise
        log.debug("Telegram failed", exc_info=True)
        sys.exit(line)
