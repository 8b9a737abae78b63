"""The jobs booked in PTB's JobQueue at start, and the start-up catch-up running cleanly."""

from __future__ import annotations

from kinerja_bot.core.models import utcnow
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.timetable import next_run
from kinerja_bot.scheduling.registry import JOBS, schedule_all
from tests.conftest import RunningBot


async def test_every_job_is_booked_from_the_settings(bot: RunningBot, settings: Settings) -> None:
    queue = bot.application.job_queue
    assert queue is not None
    schedule_all(bot.application, settings)
    names = {job.name for job in queue.jobs()}
    assert {job.name for job in JOBS} | {"pemeliharaan", "pengingat-tunda", "habis-waktu"} <= names
    for scheduled in JOBS:
        (booked,) = queue.get_jobs_by_name(scheduled.name)
        expected = next_run(scheduled.schedule(settings), utcnow(), settings.tz)
        assert booked.next_t == expected
        assert booked.job.misfire_grace_time == 3600 and booked.job.coalesce
    # The catch-up runs at once; the fixture fails the test if it raised anything.
    await bot.api.wait_until(lambda: not queue.get_jobs_by_name("susulan"), timeout=15)
    # The minute's check for idle conversations (tests/core/test_idle_conversations.py) runs.
    (idle_check,) = queue.get_jobs_by_name("habis-waktu")
    await idle_check.run(bot.application)
    for job in queue.jobs():
        job.schedule_removal()
