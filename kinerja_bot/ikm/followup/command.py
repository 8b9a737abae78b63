"""`kinerja-bot rtl tambah|status|daftar`: record RTL actions, update them, list a unit's plan
next to the unsur its IKM says need one."""

from __future__ import annotations

import asyncio
from datetime import date

from kinerja_bot.core.cli_common import TEXTS as COMMON_CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, with_database
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import FollowUpAction, FollowUpStatus, id_of, utcnow
from kinerja_bot.core.organisation import unit_by_kode, unit_tree_ids
from kinerja_bot.core.rules.formatting import format_percent_id
from kinerja_bot.core.rules.periods import (
    DateError,
    Period,
    PeriodError,
    format_date_id,
    parse_date_id,
    parse_period,
    wib_today,
)
from kinerja_bot.core.rules.skm import UNSUR_BY_CODE
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.ikm import ikm_for_unit_tree
from kinerja_bot.ikm.followup.service import (
    TINDAKAN_MAX_CHARS,
    UnknownUnsur,
    actions_of,
    add_action,
    progress_of,
    set_status,
)

TEXTS = TextBook(
    "rtl_cli",
    {
        "ditambah": ("id", "unsur", "tindakan", "pj", "tenggat"),
        "status_diubah": ("id", "status"),
        "tidak_ada": ("id",),
        "unsur_salah": ("unsur",),
        "isian_kosong": (),
        "terlalu_panjang": ("batas",),
        "salah": ("pesan",),
        "judul": ("unit", "periode"),
        "unsur_lemah": ("daftar",),
        "tanpa_unsur_lemah": ("unsur",),
        "ikm_belum": (),
        "perlu_rtl": ("daftar",),
        "baris": ("id", "status", "unsur", "nama", "tindakan", "pj", "tenggat", "terlambat"),
        "terlambat": (),
        "kosong": (),
        "kemajuan": ("tahun", "selesai", "jumlah", "persen"),
    },
    html=False,
)


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except PeriodError as error:
        raise CliError(str(error)) from None


def _deadline(text: str) -> date:
    try:
        return parse_date_id(text)
    except DateError as error:
        raise CliError(TEXTS.get("salah", pesan=str(error))) from None


def action_line(action: FollowUpAction, today: date) -> str:
    late = action.status != FollowUpStatus.DONE and action.tenggat < today
    return TEXTS.get(
        "baris",
        id=id_of(action),
        status=action.status,
        unsur=action.unsur,
        nama=UNSUR_BY_CODE[action.unsur].name,
        tindakan=action.tindakan,
        pj=action.penanggung_jawab,
        tenggat=format_date_id(action.tenggat),
        terlambat=TEXTS.get("terlambat") if late else "",
    )


def add_command(
    settings: Settings,
    *,
    unit: str,
    periode: str,
    unsur: str,
    tindakan: str,
    pj: str,
    tenggat: str,
) -> None:
    """`kinerja-bot rtl tambah --unit KODE --periode P --unsur U3 --tindakan T --pj J
    --tenggat TANGGAL`."""
    period = _period(periode)
    deadline = _deadline(tenggat)
    if not tindakan.strip() or not pj.strip():
        raise CliError(TEXTS.get("isian_kosong"))
    if len(tindakan.strip()) > TINDAKAN_MAX_CHARS:
        raise CliError(TEXTS.get("terlalu_panjang", batas=TINDAKAN_MAX_CHARS))

    async def work(database: Database) -> FollowUpAction:
        async with database.session() as session:
            found = await unit_by_kode(session, unit)
            if found is None:
                raise CliError(COMMON_CLI_TEXTS.get("unknown_unit", kode=unit))
            try:
                return await add_action(
                    session,
                    unit_id=id_of(found),
                    period=period.label,
                    unsur=unsur,
                    tindakan=tindakan,
                    penanggung_jawab=pj,
                    tenggat=deadline,
                    now=utcnow(),
                )
            except UnknownUnsur:
                raise CliError(TEXTS.get("unsur_salah", unsur=unsur)) from None

    action = asyncio.run(with_database(settings, work))
    print(
        TEXTS.get(
            "ditambah",
            id=id_of(action),
            unsur=action.unsur,
            tindakan=action.tindakan,
            pj=action.penanggung_jawab,
            tenggat=format_date_id(action.tenggat),
        )
    )


def status_command(settings: Settings, *, action_id: int, status: str) -> None:
    """`kinerja-bot rtl status ID direncanakan|berjalan|selesai`."""

    async def work(database: Database) -> FollowUpAction | None:
        async with database.session() as session:
            return await set_status(session, action_id, FollowUpStatus(status), utcnow())

    action = asyncio.run(with_database(settings, work))
    if action is None:
        raise CliError(TEXTS.get("tidak_ada", id=action_id))
    print(TEXTS.get("status_diubah", id=action_id, status=action.status))


def list_command(settings: Settings, *, unit: str, periode: str | None) -> None:
    """`kinerja-bot rtl daftar --unit KODE [--periode P]`: the unsur below B of the period's IKM
    (or its weakest), the actions, which weak unsur still lack one, and the share done."""
    today = wib_today()
    period = _period(periode) if periode else _period(str(today.year))

    async def work(database: Database) -> list[str]:
        async with database.session() as session:
            root = await unit_by_kode(session, unit)
            if root is None:
                raise CliError(COMMON_CLI_TEXTS.get("unknown_unit", kode=unit))
            tree = await unit_tree_ids(session, id_of(root))
            rating = await ikm_for_unit_tree(session, period, id_of(root), settings.tz)
            actions = await actions_of(session, tree, period.label)
            progress = await progress_of(session, tree, period.start.year)
        lines = [TEXTS.get("judul", unit=root.nama, periode=period.title)]
        result = rating.result if rating is not None else None
        if result is None or not result.enough_data:
            lines.append(TEXTS.get("ikm_belum"))
        elif result.unsur_below_b:
            weak = result.unsur_below_b
            lines.append(TEXTS.get("unsur_lemah", daftar=", ".join(weak)))
            missing = [code for code in weak if code not in {a.unsur for a in actions}]
            if missing:
                lines.append(TEXTS.get("perlu_rtl", daftar=", ".join(missing)))
        else:
            lines.append(TEXTS.get("tanpa_unsur_lemah", unsur=result.weakest_unsur or "-"))
        lines += [action_line(action, today) for action in actions] or [TEXTS.get("kosong")]
        if progress.share is not None:
            lines.append(
                TEXTS.get(
                    "kemajuan",
                    tahun=period.start.year,
                    selesai=progress.done,
                    jumlah=progress.total,
                    persen=format_percent_id(progress.share * 100, 0),
                )
            )
        return lines

    print("\n".join(asyncio.run(with_database(settings, work))))
