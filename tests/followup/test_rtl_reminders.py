"""The weekly RTL reminder (`pengingat-rtl`): late or nearly due actions, to their unit head."""

from __future__ import annotations

from datetime import date, datetime

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import FollowUpStatus, Unit, id_of
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.settings import Settings
from kinerja_bot.ikm.followup.jobs import TEXTS, run_rtl_reminders
from kinerja_bot.ikm.followup.service import add_action, set_status
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import FakeClock, job_services
from tests.survey.conftest import HEAD, City

MONDAY = datetime(2026, 11, 30, 8, tzinfo=WIB)


async def plan(database: Database, unit: Unit, tindakan: str, tenggat: date) -> int:
    async with database.session() as session:
        action = await add_action(
            session,
            unit_id=id_of(unit),
            period="2026",
            unsur="U3",
            tindakan=tindakan,
            penanggung_jawab="Kabid",
            tenggat=tenggat,
            now=MONDAY,
        )
        return id_of(action)


async def test_heads_hear_of_late_and_nearly_due_actions_once_a_week(
    settings: Settings, database: Database, api: FakeBotAPI, city: City
) -> None:
    await plan(database, city.disdukcapil, "Tambah loket", date(2026, 12, 3))
    await plan(database, city.disdukcapil, "Perbaiki papan alur", date(2026, 11, 20))
    await plan(database, city.disdukcapil, "Survei ulang", date(2027, 1, 30))
    done = await plan(database, city.disdukcapil, "Pelatihan", date(2026, 12, 1))
    await plan(database, city.dinkes, "Tambah kursi", date(2026, 12, 1))  # no head on record
    async with database.session() as session:
        await set_status(session, done, FollowUpStatus.DONE, MONDAY)
    api.user(HEAD)
    async with job_services(settings, database, api, FakeClock()) as services:
        first = await run_rtl_reminders(services, MONDAY)
        again = await run_rtl_reminders(services, MONDAY.replace(hour=15))
    (reminder,) = api.sent_to(HEAD)
    assert reminder.plain_text.startswith("⏰ Rencana tindak lanjut SKM")
    assert "Tambah loket" in reminder.plain_text
    assert "Perbaiki papan alur" in reminder.plain_text and "lewat tenggat" in reminder.plain_text
    assert "Survei ulang" not in reminder.plain_text  # two months away
    assert "Pelatihan" not in reminder.plain_text  # done
    assert "Tambah kursi" not in reminder.plain_text  # another unit
    assert TEXTS.get("penutup") in reminder.plain_text
    assert first.sent == 1 and again.sent == 0
