"""/analisis in the bot (heads of units and admins) and `kinerja-bot analisis` in the terminal."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from kinerja_bot.analysis.needs import build_needs_report, build_needs_report_for_units
from kinerja_bot.analysis.render import TEXTS, plain, render_needs_report
from kinerja_bot.cli import main
from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Unit, UnitRole, UnitRoleKind, id_of
from kinerja_bot.core.rules.periods import PeriodError, parse_period
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.testing.records import is_image
from tests.analysis.factories import PERIOD, TODAY, known_needs_data
from tests.conftest import RunningBot
from tests.factories import add_employee

KEPALA, KASI, STAFF, ADMIN = 7100001, 7100002, 7100003, 900001


async def make_head(database: Database, unit: Unit, telegram_id: int, nama: str) -> Employee:
    head = await add_employee(database, unit, nama=nama, telegram_id=telegram_id)
    async with database.session() as session:
        session.add(UnitRole(unit_id=id_of(unit), employee_id=id_of(head), role=UnitRoleKind.HEAD))
    return head


async def expected(database: Database, unit_ids: list[int] | None) -> list[str]:
    async with database.session() as session:
        period = parse_period(PERIOD)
        if unit_ids is None:
            report = await build_needs_report(session, None, period, today=TODAY)
        else:
            report = await build_needs_report_for_units(session, unit_ids, period, today=TODAY)
    return render_needs_report(report)


async def test_a_head_gets_the_chart_then_the_needs_of_their_tree(
    bot: RunningBot, database: Database
) -> None:
    data = await known_needs_data(database)
    await make_head(database, data.dinas, KEPALA, "Hendra Kepala")
    messages = await expected(database, [id_of(data.dinas)])

    bot.api.send_text(KEPALA, f"/analisis {PERIOD}")
    sent = await bot.api.wait_for_messages(KEPALA, 1 + len(messages))
    chart, texts = sent[0], sent[1:]
    assert chart.kind == "photo"
    assert chart.plain_text == TEXTS.get("grafik_keterangan", periode=parse_period(PERIOD).title)
    assert chart.file_id is not None and is_image(bot.api.files[chart.file_id].content)
    assert [m.text for m in texts] == messages
    assert "Dinas Lain" not in "".join(m.plain_text for m in texts)
    assert TEXTS.get("cakupan_unit", unit="Dinas Percontohan") in texts[0].plain_text


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

    messages = await expected(database, [id_of(data.seksi)])
    bot.api.send_text(KASI, f"/analisis seksi {PERIOD}")  # any order, any case
    sent = await bot.api.wait_for_messages(KASI, 1 + len(messages))
    assert [m.text for m in sent[1:]] == messages


async def test_an_admin_sees_the_whole_city_or_one_unit(
    bot: RunningBot, database: Database
) -> None:
    data = await known_needs_data(database)
    messages = await expected(database, None)
    bot.api.send_text(ADMIN, f"/analisis {PERIOD}")
    sent = await bot.api.wait_for_messages(ADMIN, 1 + len(messages))
    assert [m.text for m in sent[1:]] == messages
    assert TEXTS.get("cakupan_kota") in sent[1].plain_text

    lain = await expected(database, [id_of(data.lain)])
    (reply,) = await bot.say(ADMIN, f"/analisis {PERIOD} LAIN")  # no needs: no chart
    assert reply.kind == "text" and [reply.text] == lain


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
