"""The admin CLI: `kinerja-bot` (also `python -m kinerja_bot`). See `kinerja-bot --help`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url

import kinerja_bot.app  # noqa: F401  (declares the bot's text books, checked at start)
from kinerja_bot.activation import activation_command
from kinerja_bot.cli_common import TEXTS, CliError
from kinerja_bot.config import ConfigError, Settings, get_settings
from kinerja_bot.demo import demo_command
from kinerja_bot.importing import import_command
from kinerja_bot.migrate import upgrade
from kinerja_bot.terminal_chat import chat_command
from kinerja_bot.texts import TextBook, TextError


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> None:
    upgrade(settings.database_url)
    print(TEXTS.get("db_upgraded", url=_safe_url(settings.database_url)))


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _impor(args: argparse.Namespace, settings: Settings) -> None:
    import_command(args.jenis, Path(args.file), settings)


def _aktivasi(args: argparse.Namespace, settings: Settings) -> None:
    activation_command(settings, unit=args.unit, nip=args.nip, output=args.output)


def _demo(args: argparse.Namespace, settings: Settings) -> None:
    demo_command(settings)


def _chat(args: argparse.Namespace, settings: Settings) -> None:
    chat_command(settings, telegram_id=args.telegram_id, name=args.name)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kinerja-bot", description="Administrasi Kinerja Bot (BKPSDM Kota Tangerang Selatan)."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    db = commands.add_parser("db", help="basis data: `db upgrade` menerapkan migrasi")
    db.add_argument("aksi", choices=["upgrade"])
    db.set_defaults(run=_db_upgrade)

    impor = commands.add_parser("impor", help="impor unit, pegawai, indikator atau layanan")
    impor.add_argument("jenis", choices=["unit", "pegawai", "indikator", "layanan"])
    impor.add_argument("file", metavar="FILE", help="berkas .csv atau .xlsx")
    impor.set_defaults(run=_impor)

    aktivasi = commands.add_parser("aktivasi", help="terbitkan kode aktivasi akun Telegram")
    aktivasi.add_argument("--unit", metavar="KODE", help="hanya pegawai unit ini (dan sub-unitnya)")
    aktivasi.add_argument("--nip", metavar="NIP", help="hanya pegawai dengan NIP ini")
    aktivasi.add_argument("-o", "--output", metavar="FILE", default="kode-aktivasi.csv")
    aktivasi.set_defaults(run=_aktivasi)

    demo = commands.add_parser("demo", help="muat data contoh Kota Tangerang Selatan")
    demo.set_defaults(run=_demo)

    chat = commands.add_parser("chat", help="bicara dengan bot di terminal, tanpa Telegram")
    chat.add_argument("--telegram-id", type=int, default=None, help="id pengguna yang diperankan")
    chat.add_argument("--name", default="Warga", help="nama depan pengguna yang diperankan")
    chat.set_defaults(run=_chat)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
        TextBook.validate_all()
        args.run(args, settings)
    except ConfigError as error:
        sys.exit(TEXTS.get("config_error", message=str(error)))
    except TextError as error:
        sys.exit(TEXTS.get("texts_error", message=str(error)))
    except CliError as error:
        sys.exit(str(error))
    except KeyboardInterrupt:
        sys.exit(130)
