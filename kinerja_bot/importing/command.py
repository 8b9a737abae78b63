"""`kinerja-bot impor unit|pegawai|indikator|layanan FILE`: read, check, save, report."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy.exc import DBAPIError, IntegrityError

from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings
from kinerja_bot.importing.messages import TEXTS, ImportFileError, ImportRejected, ImportResult
from kinerja_bot.importing.reading import Cell, read_table
from kinerja_bot.importing.writing import import_rows


def import_command(kind: str, path: Path, settings: Settings) -> None:
    """Import one file and print the summary; any problem becomes a CliError (exit status 1).

    The file is read before the event loop starts (openpyxl is CPU-bound and blocking).
    """
    from kinerja_bot.core.cli_common import CliError

    try:
        table = read_table(path)
        result = asyncio.run(_import(settings, kind, table.columns, table.rows))
    except (ImportFileError, ImportRejected) as error:
        raise CliError(str(error)) from None
    except IntegrityError:
        # Another import of the same data ran at the same time; nothing of this one was kept.
        raise CliError(TEXTS.get("bentrok", jenis=kind)) from None
    except (DBAPIError, OSError) as error:
        raise CliError(TEXTS.get("basis_data_gagal", alasan=_first_line(error))) from None
    print(result.summary())


async def _import(
    settings: Settings, kind: str, columns: list[str], rows: list[dict[str, Cell]]
) -> ImportResult:
    database = Database(settings.database_url)
    try:
        return await import_rows(database, kind, rows, columns=columns)
    finally:
        await database.dispose()


def _first_line(error: Exception) -> str:
    cause = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    text = str(cause).strip() or type(cause).__name__
    return text.splitlines()[0]
