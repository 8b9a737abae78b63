"""The weekly summaries of many atasan, read together for all teams, say to each atasan exactly
what that atasan's summary alone says: nothing of one team leaks into another's; and the cycle
collector rests while they are built (docs/performance.md)."""

from __future__ import annotations

import gc
from datetime import date
from typing import Any

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


async def test_the_cycle_collector_is_paused_while_summaries_are_built_and_on_again_after(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await load_demo(database, TODAY)
    seen: list[bool] = []
    read_teams = weekly.teams_of

    async def teams_of(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return await read_teams(*args)

    monkeypatch.setattr(weekly, "teams_of", teams_of)
    async with database.session() as session:
        atasan = list((await session.exec(select(Employee))).all())
        assert gc.isenabled()
        assert await build_summaries(session, atasan, TODAY)
        assert seen == [False] and gc.isenabled()
        monkeypatch.setattr(weekly, "obstacles_of", None)  # fails inside the build
        with pytest.raises(TypeError):
            await build_summaries(session, atasan, TODAY)
        assert gc.isenabled()
