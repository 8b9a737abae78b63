"""/analisis in the bot (heads of units and admins) and `kinerja-bot analisis` in the terminal."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from kinerja_bot.analysis import browse
from kinerja_bot.analysis.needs import (
    NeedsReport,
    build_needs_report,
    build_needs_report_for_units,
)
from kinerja_bot.analysis.render import TEXTS, need_texts, plain, render_needs_report
from kinerja_bot.cli import main
from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Unit, UnitRole, UnitRoleKind, id_of
from kinerja_bot.core.rules.periods import PeriodError, parse_period
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.core.texts import Markup
from kinerja_bot.exports.datasets import needs_table
from kinerja_bot.exports.handlers import TEXTS as FILES
from kinerja_bot.testing.records import is_image
from tests.analysis.factories import PERIOD, TODAY, known_needs_data
from tests.conftest import RunningBot
from tests.factories import add_employee
from tests.survey.conftest import tap

KEPALA, KASI, STAFF, ADMIN = 7100001, 7100002, 7100003, 900001


async def make_head(database: Database, unit: Unit, telegram_id: int, nama: str) -> Employee:
    head = await add_employee(database, unit, nama=nama, telegram_id=telegram_id)
    async with database.session() as session:
        session.add(UnitRole(unit_id=id_of(unit), employee_id=id_of(head), role=UnitRoleKind.HEAD))
    return head


async def expected(database: Database, unit_ids: list[int] | None) -> NeedsReport:
    async with database.session() as session:
        period = parse_period(PERIOD)
        if unit_ids is None:
            return await build_needs_report(session, None, period, today=TODAY)
        return await build_needs_report_for_units(session, unit_ids, period, today=TODAY)


async def test_a_head_gets_the_chart_and_one_screen_to_drill_into(
    bot: RunningBot, database: Database
) -> None:
    data = await known_needs_data(database)
    await make_head(database, data.dinas, KEPALA, "Hendra Kepala")
    report = await expected(database, [id_of(data.dinas)])

    bot.api.send_text(KEPALA, f"/analisis {PERIOD}")
    chart, summary = await bot.api.wait_for_messages(KEPALA, 2, timeout=60)
    assert chart.kind == "photo"
    assert chart.plain_text == TEXTS.get("grafik_keterangan", periode=parse_period(PERIOD).title)
    assert chart.file_id is not None and is_image(bot.api.files[chart.file_id].content)
    # One message, not the whole list split over several; never a command-line hint.
    await bot.handled.wait(bot.api.last_update_id)
    assert bot.api.sent_to(KEPALA) == [chart, summary]
    text, markup = browse.summary_view(report, 0)
    assert summary.text == text and len(summary.text) < 1500
    assert "kinerja-bot" not in summary.plain_text
    assert "Dinas Lain" not in summary.plain_text
    assert TEXTS.get("cakupan_unit", unit="Dinas Percontohan") in summary.plain_text
    assert summary.button_labels == [b.text for row in markup.inline_keyboard for b in row]
    assert TEXTS.get("tombol_xlsx") in summary.button_labels

    # A unit, one of its needs, and back up again, all on the same message.
    first = report.with_needs[0]
    unit_label = TEXTS.get("tombol_unit", nomor=1, unit=first.unit.nama)
    unit_page = await tap(bot, KEPALA, summary, unit_label)
    assert unit_page is summary
    assert summary.text == browse.unit_view(report, 0, first)[0]
    need = first.needs[0]
    words = need_texts(need)
    need_label = TEXTS.get(
        "tombol_kebutuhan", nomor=1, ikon=Markup(words.ikon), subjek=Markup(words.subjek)
    )
    await tap(bot, KEPALA, summary, need_label)
    assert summary.text == browse.need_view(report, 0, first, need)[0]
    assert words.bukti in summary.text
    await tap(bot, KEPALA, summary, "◀ " + TEXTS.get("kembali_unit", unit=first.unit.nama))
    assert summary.text == browse.unit_view(report, 0, first)[0]
    await tap(bot, KEPALA, summary, "◀ " + TEXTS.get("kembali_daftar"))
    assert summary.text == text
    await tap(bot, KEPALA, summary, TEXTS.get("tombol_apresiasi"))
    assert summary.text == browse.appreciation_view(report, 0)[0]
    await tap(bot, KEPALA, summary, "◀ " + TEXTS.get("kembali_daftar"))

    # The full list: the spreadsheet `kinerja-bot ekspor analisis` writes, as an attachment.
    bot.api.mark_read(KEPALA)
    sheet = await tap(bot, KEPALA, summary, TEXTS.get("tombol_xlsx"))
    assert sheet.kind == "document" and sheet.file_id is not None
    stored = bot.api.files[sheet.file_id]
    assert stored.file_name == f"analisis-{PERIOD}.xlsx"
    workbook = load_workbook(io.BytesIO(stored.content))
    rows = list(workbook.active.iter_rows(min_row=2, values_only=True))
    assert (
        len(rows) == sum(len(unit.needs) for unit in report.units) == len(needs_table(report).rows)
    )


async def test_scope_is_checked(bot: RunningBot, database: Database) -> None:
    data = await known_needs_data(database)
    await make_head(database, data.seksi, KASI, "Kasi Data")
    await add_employee(database, data.bidang, nama="Staf Biasa", telegram_id=STAFF)

    (reply,) = await bot.say(STAFF, f"/analisis {PERIOD}")
    assert reply.plain_text == TEXTS.get("bukan_kepala")
    (reply,) = await bot.say(KASI, f"/analisis {PERIOD} BIDANG")  # the seksi's parent
    assert reply.plain_text == TEXTS.get("unit_di_luar", kode="BIDANG")
    (reply,) = await bot.say(KASI, "/analisis 2026-13")
    assert reply.plain_text == TEXTS.get("periode_salah", pesan=str(PeriodError("2026-13")))

    report = await expected(database, [id_of(data.seksi)])
    bot.api.send_text(KASI, f"/analisis seksi {PERIOD}")  # any order, any case
    _, summary = await bot.api.wait_for_messages(KASI, 2, timeout=60)
    assert summary.text == browse.summary_view(report, id_of(data.seksi))[0]

    # Forged presses for the parent unit: refused, in the browse and for the spreadsheet.
    for data_ in (
        f"ana:l:{PERIOD}:{id_of(data.bidang)}:0",
        f"ana:u:{PERIOD}:{id_of(data.bidang)}:{id_of(data.bidang)}",
        f"xlsx:ana:{PERIOD}:{id_of(data.bidang)}",
        f"xlsx:ikm:{PERIOD}:{id_of(data.bidang)}",
    ):
        query = bot.api.press_button(KASI, summary, data_, check=False)
        answer = await bot.api.wait_until(lambda q=query: bot.api.callback_answer(q["id"]))
        assert answer["text"] in (
            TEXTS.get("peringatan_bukan_kepala"),
            FILES.get("peringatan_bukan_kepala"),
        )
    assert bot.api.unread(KASI) == []


async def test_an_admin_sees_the_whole_city_or_one_unit(
    bot: RunningBot, database: Database
) -> None:
    data = await known_needs_data(database)
    report = await expected(database, None)
    bot.api.send_text(ADMIN, f"/analisis {PERIOD}")
    _, summary = await bot.api.wait_for_messages(ADMIN, 2, timeout=60)
    assert summary.text == browse.summary_view(report, 0)[0]
    assert TEXTS.get("cakupan_kota") in summary.plain_text

    lain = await expected(database, [id_of(data.lain)])
    (reply,) = await bot.say(ADMIN, f"/analisis {PERIOD} LAIN")  # no needs: no chart
    assert reply.kind == "text" and reply.text == browse.summary_view(lain, id_of(data.lain))[0]
    assert TEXTS.get("tidak_ada_kebutuhan") in reply.plain_text


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_cli_prints_every_need(
    database: Database, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data = await known_needs_data(database)
    await asyncio.to_thread(main, ["analisis", "--periode", PERIOD, "--unit", "BIDANG"])
    out = capsys.readouterr().out
    async with database.session() as session:
        report = await build_needs_report(
            session, id_of(data.bidang), parse_period(PERIOD), today=TODAY
        )
    # The analysis is measured on the day the CLI runs; the quarter is over, so it matches.
    assert out.strip() == "\n\n".join(plain(m) for m in render_needs_report(report, per_unit=None))
    assert "<b>" not in out

    with pytest.raises(SystemExit) as exit_info:
        await asyncio.to_thread(main, ["analisis", "--periode", PERIOD, "--unit", "TIDAKADA"])
    assert str(exit_info.value) == CLI_TEXTS.get("unknown_unit", kode="TIDAKADA")
    with pytest.raises(SystemExit) as exit_info:
        await asyncio.to_thread(main, ["analisis", "--periode", "2026-Q5"])
    assert str(exit_info.value) == str(PeriodError("2026-Q5"))
