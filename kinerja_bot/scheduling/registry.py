"""Every scheduled job in one table, and its registration in PTB's JobQueue at start.

Schedules are rebuilt from the settings at every start (nothing about them is persisted in
APScheduler). At start, a job whose last scheduled time passed while the bot was down — and
whose period is still current — runs once at once (catch-up); deliveries are recorded per
(job, period, recipient), so it never sends anything twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time

from telegram.ext import Application, ContextTypes

from kinerja_bot.analysis import jobs as analysis_jobs
from kinerja_bot.complaints import jobs as complaint_jobs
from kinerja_bot.core.context import (
    COURIER_KEY,
    DATABASE_KEY,
    INBOX_KEY,
    SETTINGS_KEY,
    BotContext,
)
from kinerja_bot.core.db import Database
from kinerja_bot.core.idle_conversations import IDLE_CHECK_SECONDS, close_idle_conversations
from kinerja_bot.core.inbox import Inbox
from kinerja_bot.core.jobs import ScheduledJob, Upkeep
from kinerja_bot.core.models import utcnow
from kinerja_bot.core.outbox import Courier, DeliveryReport, JobServices, Pacer
from kinerja_bot.core.rules.periods import current_period
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.timetable import last_run, next_run
from kinerja_bot.development import jobs as development_jobs
from kinerja_bot.ikm import jobs as ikm_jobs
from kinerja_bot.ikm.followup import jobs as followup_jobs
from kinerja_bot.privacy import jobs as privacy_jobs
from kinerja_bot.reminders import jobs as reminder_jobs
from kinerja_bot.summaries import jobs as summary_jobs

log = logging.getLogger(__name__)

# A job that fires late (the loop was busy, the machine slept) still runs within an hour.
MISFIRE_GRACE_SECONDS = 3600
SNOOZE_CHECK_SECONDS = 60
NOTICE_CHECK_SECONDS = 60
# Ticket auto-close and data retention run at night, when nobody is waiting for the bot.
UPKEEP_TIME = time(2, 0)
PACER_KEY = "pacer"


# Every feature's declared jobs, in the order `kinerja-bot jadwal` lists them.
JOBS: tuple[ScheduledJob, ...] = (
    *reminder_jobs.JOBS,
    *summary_jobs.JOBS,
    *complaint_jobs.JOBS,
    *analysis_jobs.JOBS,
    *ikm_jobs.JOBS,
    *development_jobs.JOBS,
    *followup_jobs.JOBS,
)
UPKEEP: tuple[Upkeep, ...] = (*complaint_jobs.UPKEEP, *privacy_jobs.UPKEEP)
JOBS_BY_NAME = {job.name: job for job in JOBS}
_running: dict[str, asyncio.Lock] = {}


async def run_job(
    job: ScheduledJob, services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    """Run one job; two runs of the same job never overlap in this process."""
    lock = _running.setdefault(job.name, asyncio.Lock())
    async with lock:
        log.info("job %s starts (force=%s)", job.name, force)
        report = await job.run(services, now, force=force)
        log.info("job %s done: %s", job.name, report)
        return report


def services_of(application: Application) -> JobServices:
    database: Database = application.bot_data[DATABASE_KEY]
    settings: Settings = application.bot_data[SETTINGS_KEY]
    pacer: Pacer = application.bot_data.setdefault(PACER_KEY, Pacer())
    return JobServices(application.bot, database, settings, pacer)


def add_courier(application: Application) -> None:
    """The courier of the notices handlers queue, sharing the jobs' pacer."""
    application.bot_data[COURIER_KEY] = Courier(
        lambda: services_of(application), application.create_task
    )


async def notices_callback(context: ContextTypes.DEFAULT_TYPE) -> None:
    """At start and every minute: send the queued notices left unsent (a kill, a refusal)."""
    courier: Courier = context.application.bot_data[COURIER_KEY]
    courier.wake()


def upcoming(settings: Settings, now: datetime) -> list[tuple[str, datetime | None]]:
    """Each job's next run, for `kinerja-bot jadwal`."""
    return [(job.name, next_run(job.schedule(settings), now, settings.tz)) for job in JOBS]


def missed_and_current(job: ScheduledJob, settings: Settings, now: datetime) -> bool:
    """Whether the job's last scheduled time lies in a period that is still running."""
    occurrence = last_run(job.schedule(settings), now, settings.tz)
    if occurrence is None:
        return False
    today = now.astimezone(settings.tz).date()
    return today in current_period(job.period_kind, occurrence.astimezone(settings.tz).date())


async def catch_up(services: JobServices, now: datetime) -> list[str]:
    """Run, once, every job whose last scheduled time passed in a period still running."""
    missed = [job for job in JOBS if missed_and_current(job, services.settings, now)]
    for job in missed:
        await run_job(job, services, now)
    return [job.name for job in missed]


async def catch_up_callback(context: BotContext) -> None:
    """At start: the runs missed while the bot was down, and today's upkeep."""
    await catch_up(services_of(context.application), utcnow())
    await upkeep(context)


async def upkeep(context: BotContext) -> None:
    """Daily: close answered tickets nobody replied to; remove expired personal data; forget
    the ids of updates handled more than a day ago."""
    for work in UPKEEP:
        await work(context)
    inbox: Inbox = context.application.bot_data[INBOX_KEY]
    await inbox.prune()


async def scheduled_callback(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: run the job named in `data`, then book its next run."""
    assert context.job is not None
    job = JOBS_BY_NAME[str(context.job.data)]
    services = services_of(context.application)
    try:
        await run_job(job, services, utcnow())
    finally:
        book_next(context.application, job, services.settings)


async def snooze_callback(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every minute: send snoozed reminders that are due."""
    await reminder_jobs.run_due_snoozes(services_of(context.application), utcnow())


async def idle_callback(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every minute: close the conversations idle for 30 minutes."""
    await close_idle_conversations(context.application)


def book_next(application: Application, job: ScheduledJob, settings: Settings) -> None:
    assert application.job_queue is not None
    when = next_run(job.schedule(settings), utcnow(), settings.tz)
    if when is None:
        return
    application.job_queue.run_once(
        scheduled_callback,
        when=when,
        data=job.name,
        name=job.name,
        job_kwargs={"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True},
    )


def schedule_all(application: Application, settings: Settings) -> None:
    """Book every job's next run, catch up the missed ones, start the snooze check and the
    closing of idle conversations."""
    queue = application.job_queue
    assert queue is not None
    queue.run_once(catch_up_callback, when=0, name="susulan")
    for job in JOBS:
        book_next(application, job, settings)
    queue.run_daily(
        upkeep,
        time=UPKEEP_TIME.replace(tzinfo=settings.tz),
        name="pemeliharaan",
        job_kwargs={"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True},
    )
    queue.run_repeating(
        notices_callback,
        interval=NOTICE_CHECK_SECONDS,
        first=0,
        name="kabar-antre",
        job_kwargs={"coalesce": True, "max_instances": 1},
    )
    queue.run_repeating(
        snooze_callback,
        interval=SNOOZE_CHECK_SECONDS,
        first=SNOOZE_CHECK_SECONDS,
        name="pengingat-tunda",
        job_kwargs={"coalesce": True, "max_instances": 1},
    )
    queue.run_repeating(
        idle_callback,
        interval=IDLE_CHECK_SECONDS,
        first=IDLE_CHECK_SECONDS,
        name="habis-waktu",
        job_kwargs={"coalesce": True, "max_instances": 1},
    )
