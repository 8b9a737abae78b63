"""The retention job: personal data kept past PERSONAL_DATA_RETENTION_DAYS goes, the rest stays."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select

from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    ActivationFailure,
    Complaint,
    ComplaintStatus,
    Consent,
    ConversationState,
    Delivery,
    SurveyResponse,
    UserData,
    utcnow,
)
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.privacy.jobs import RETENTION_TEXTS as CLI_BOOK
from kinerja_bot.privacy.service import (
    PURPOSE_COMPLAINT_CONTACT,
    Purge,
    purge_expired_personal_data,
)
from tests.survey.conftest import City

DAYS = 90
HASH = "a" * 64


async def seed(database: Database, city: City, now: datetime) -> None:
    old, recent = now - timedelta(days=DAYS + 1), now - timedelta(days=DAYS - 1)
    yesterday = now - timedelta(days=1)
    async with database.session() as session:
        consents = [
            Consent(telegram_id=1, purpose=PURPOSE_COMPLAINT_CONTACT, text_version="v1"),
            Consent(telegram_id=2, purpose=PURPOSE_COMPLAINT_CONTACT, text_version="v1"),
            Consent(telegram_id=3, purpose=PURPOSE_COMPLAINT_CONTACT, text_version="v1"),
        ]
        session.add_all(consents)
        await session.flush()
        for number, (status, closed_at, consent) in enumerate(
            [
                (ComplaintStatus.CLOSED, old, consents[0]),  # contact (and photo) go
                (ComplaintStatus.CLOSED, recent, consents[1]),  # closed too recently
                (ComplaintStatus.ANSWERED, None, consents[2]),  # still open
                (ComplaintStatus.CLOSED, old, None),  # anonymous: its photo goes
            ]
        ):
            session.add(
                Complaint(
                    nomor=f"ADU-2601-000{number}",
                    service_id=city.ktp.id,
                    unit_id=city.disdukcapil.id,
                    text="x",
                    status=status,
                    chat_id=consent.telegram_id if consent else None,
                    consent_id=consent.id if consent else None,
                    photo_file_id=f"PHO-{number}",
                    created_at=old - timedelta(days=30),
                    closed_at=closed_at,
                    due_date=old.date(),
                )
            )
        session.add_all(
            [
                UserData(user_id=1, data={"survei": {}}, updated_at=old),
                UserData(user_id=2, data={"survei": {}}, updated_at=recent),
                ConversationState(name="survei", key="[1, 1]", state=2, updated_at=old),
                ConversationState(name="survei", key="[2, 2]", state=2, updated_at=recent),
                ActivationFailure(telegram_id=1, at=old),
                ActivationFailure(telegram_id=2, at=recent),
                Delivery(job="pengingat", period="2026-W01", chat_id=1, created_at=old),
                Delivery(job="pengingat", period="2026-W40", chat_id=2, created_at=recent),
                SurveyResponse(
                    service_id=city.ktp.id, submitted_at=yesterday, respondent_hash=HASH
                ),
                SurveyResponse(service_id=city.ktp.id, submitted_at=now, respondent_hash=HASH),
                SurveyResponse(service_id=city.ktp.id, submitted_at=old, respondent_hash="demo-1"),
            ]
        )


async def test_expired_personal_data_goes_and_a_rerun_removes_nothing(
    database: Database, city: City
) -> None:
    now = utcnow()
    await seed(database, city, now)
    async with database.session() as session:
        first = await purge_expired_personal_data(session, now=now, days=DAYS, tz=WIB)
    assert first == Purge(
        ticket_contacts=2,
        consents=1,
        drafts=1,
        conversation_states=1,
        activation_failures=1,
        deliveries=1,
        respondent_hashes=1,
        draft_user_ids=[1],
    )
    async with database.session() as session:
        chats = (await session.exec(select(Complaint.chat_id).order_by(col(Complaint.nomor)))).all()
        assert chats == [None, 2, 3, None]
        photos = (
            await session.exec(select(Complaint.photo_file_id).order_by(col(Complaint.nomor)))
        ).all()
        assert photos == [None, "PHO-1", "PHO-2", None]
        assert sorted((await session.exec(select(Consent.telegram_id))).all()) == [2, 3]
        assert (await session.exec(select(UserData.user_id))).all() == [2]
        hashes = (
            await session.exec(
                select(SurveyResponse.respondent_hash).order_by(col(SurveyResponse.id))
            )
        ).all()
        assert hashes == [None, HASH, "demo-1"]
    async with database.session() as session:
        again = await purge_expired_personal_data(session, now=now, days=DAYS, tz=WIB)
    assert again == Purge()


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PERSONAL_DATA_RETENTION_DAYS", str(DAYS))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_retensi_runs_it_from_the_cli(
    database: Database, city: City, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed(database, city, utcnow())
    await asyncio.to_thread(main, ["retensi"])
    assert capsys.readouterr().out.strip() == CLI_BOOK.get(
        "retention_done",
        hari=DAYS,
        kontak=2,
        persetujuan=1,
        draf=1,
        status=1,
        gagal=1,
        kiriman=1,
        hash=1,
    )
