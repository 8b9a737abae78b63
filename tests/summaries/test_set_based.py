"""The weekly summaries of many atasan, read together for all teams, say to each atasan exactly
what that atasan's summary alone says: nothing of one team leaks into another's."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee
from kinerja_bot.demo import load_demo
from kinerja_bot.summaries import weekly
from kinerja_bot.summaries.weekly import build_summaries, build_summary, buttons, render

TODAY = date(2026, 11, 27)  # a Friday in the fourth quarter: the JP nudge is on


@pytest.mark.parametrize("per_batch", [3, 250])
async def test_summaries_of_all_teams_equal_each_atasan_alone(
    database: Database, monkeypatch: pytest.MonkeyPatch, per_batch: int
) -> None:
    monkeypatch.setattr(weekly, "ATASAN_PER_BATCH", per_batch)
    await load_demo(database, TODAY)
    async with database.session() as session:
        atasan = list(
            (
                await session.exec(
                    select(Employee)
                    .where(col(Employee.id).in_(select(Employee.atasan_id)))
                    .order_by(col(Employee.id))
                )
            ).all()
        )
        together = await build_summaries(session, atasan, TODAY)
        alone = [s for a in atasan if (s := await build_summary(session, a, TODAY)) is not None]
    assert len(atasan) > 2 * 3 and len(together) == len(alone)
    assert any(s.obstacles for s in alone) and any(s.training for s in alone)
    assert any(s.ikm is not None and s.ikm.respondents for s in alone)
    for batch, single in zip(together, alone, strict=True):
        assert batch.atasan.id == single.atasan.id
        assert render(batch) == render(single)
        assert buttons(batch) == buttons(single)
