"""The survey on the database: finding services, the daily limit, saving anonymous responses.

Anonymity (DESIGN §2, UU 27/2022): a `SurveyResponse` holds no Telegram id or name. The only
link to a person is `respondent_hash`, an HMAC-SHA256 under a server secret of (Telegram id,
service, WIB date): it lets the bot count today's responses of one person for one service,
and the hashes of two different days cannot be linked. The time of a response is stored as
noon of its WIB day, so it cannot be matched to the time of a message, a consent or a ticket.
A response sent in Telegram is also fingerprinted with the update that sent it, under the same
key (`submission_fingerprint`): handled again after a kill, that update stores nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import SurveyResponse
from kinerja_bot.core.rules.skm import SCORE_MIN, UNSUR_BY_CODE
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.survey_tally import record_response

T = TypeVar("T")

PAGE_SIZE = 8
SUGGESTION_MAX_CHARS = 1000
# The hash is hex HMAC-SHA256: 64 characters (the retention job recognises it by that length).
HASH_LENGTH = 64


def respondent_key(settings: Settings) -> bytes:
    """The HMAC key: RESPONDENT_HASH_SECRET, or one derived from the bot token when unset."""
    if settings.respondent_hash_secret is not None:
        return settings.respondent_hash_secret.get_secret_value().encode("utf-8")
    if settings.telegram_bot_token is None:
        raise RuntimeError("RESPONDENT_HASH_SECRET or TELEGRAM_BOT_TOKEN is needed")
    token = settings.telegram_bot_token.get_secret_value().encode("utf-8")
    return hashlib.sha256(b"kinerja-bot/respondent-hash/" + token).digest()


def respondent_hash(key: bytes, telegram_id: int, service_id: int, day: date) -> str:
    """HMAC-SHA256 of (Telegram id, service, WIB date): the same person, service and day only."""
    message = f"{telegram_id}:{service_id}:{day.isoformat()}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def submission_fingerprint(key: bytes, submission: str) -> str:
    """HMAC-SHA256 of the update that sent a response (`telegram_ui.update_key`): it names
    that update once more, and nobody."""
    return hmac.new(key, f"update:{submission}".encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Submission:
    """What became of a finished survey: stored now, stored already by the same update
    (handled again after a kill: `first_time` False), or refused by the daily limit until
    `next_day`."""

    stored: bool
    first_time: bool = True
    next_day: date | None = None


def local_day(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def anonymous_timestamp(day: date, tz: ZoneInfo) -> datetime:
    """The stored time of a response: noon of its day (the same date in WIB and UTC)."""
    return datetime.combine(day, time(12), tzinfo=tz)


async def responses_by(session: AsyncSession, hash_value: str) -> int:
    statement = select(func.count()).where(SurveyResponse.respondent_hash == hash_value)
    return int((await session.exec(statement)).one())


async def next_allowed_day(
    session: AsyncSession, settings: Settings, telegram_id: int, service_id: int, now: datetime
) -> date | None:
    """None if this person may rate this service now; else the day they may rate it again."""
    day = local_day(now, settings.tz)
    hash_value = respondent_hash(respondent_key(settings), telegram_id, service_id, day)
    if await responses_by(session, hash_value) < settings.survey_daily_limit:
        return None
    return day + timedelta(days=1)


def low_unsur(answers: Mapping[str, int]) -> list[str]:
    """Codes of the unsur given the lowest score (1), in code order: they offer a ticket."""
    return sorted(code for code, score in answers.items() if score == SCORE_MIN)


def check_answers(answers: Mapping[str, int]) -> None:
    for code, score in answers.items():
        if code not in UNSUR_BY_CODE or not 1 <= int(score) <= 4:
            raise ValueError(f"bad SKM answer {code}={score}")


async def save_response(
    session: AsyncSession,
    *,
    service_id: int,
    answers: Mapping[str, int],
    profile: Mapping[str, str],
    saran: str | None,
    hash_value: str,
    day: date,
    tz: ZoneInfo,
    fingerprint: str | None = None,
) -> SurveyResponse:
    """Store one anonymous response with its answers keyed by unsur code."""
    check_answers(answers)
    response = SurveyResponse(
        service_id=service_id,
        submitted_at=anonymous_timestamp(day, tz),
        fingerprint=fingerprint,
        respondent_hash=hash_value,
        jenis_kelamin=profile.get("jenis_kelamin"),
        usia=profile.get("usia"),
        pendidikan=profile.get("pendidikan"),
        pekerjaan=profile.get("pekerjaan"),
        saran=saran,
    )
    return await record_response(session, response, answers)


async def submit_response(
    session: AsyncSession,
    settings: Settings,
    *,
    telegram_id: int,
    service_id: int,
    answers: Mapping[str, int],
    profile: Mapping[str, str],
    saran: str | None,
    now: datetime,
    submission: str,
) -> Submission:
    """Save the response unless today's limit is reached, or `submission` (the update that
    sent it) stored it already.

    The limit is checked again here: a second survey of the same service may have been
    finished in between, or the day may have changed since the survey started.
    """
    key = respondent_key(settings)
    fingerprint = submission_fingerprint(key, submission)
    stored = select(SurveyResponse.id).where(SurveyResponse.fingerprint == fingerprint)
    if (await session.exec(stored)).first() is not None:
        return Submission(stored=True, first_time=False)
    refused = await next_allowed_day(session, settings, telegram_id, service_id, now)
    if refused is not None:
        return Submission(stored=False, next_day=refused)
    day = local_day(now, settings.tz)
    await save_response(
        session,
        service_id=service_id,
        answers=answers,
        profile=profile,
        saran=saran,
        hash_value=respondent_hash(key, telegram_id, service_id, day),
        day=day,
        tz=settings.tz,
        fingerprint=fingerprint,
    )
    return Submission(stored=True)
