"""Found by `make soak` (docs/reliability.md, "Soak"): after an update, the database must
hold the conversation's new state *and* its new draft, because a SIGKILL can come at any
moment and the restarted bot reads both from there.

PTB marks an update's user data for persistence only after every handler group has run, and
clears the marks at every write. So `persist_now` (the last group) wrote the new
conversation state, but the user's new draft only if nobody else's update had been persisted
since the user's previous one (under any load: almost never) — until the next update or the
60-s interval. A kill in between restarted /lapor at the number question with a draft that
knew no indicator (`KeyError: 'target'`, "galat" for every number typed).
"""

from __future__ import annotations

from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import ConversationState, UserData
from kinerja_bot.core.telegram_ui import COMMON_TEXTS
from kinerja_bot.reporting.drafts import REPORT_DRAFT
from tests.conftest import RunningBot
from tests.factories import add_employee, add_indicator, add_unit

ASN, OTHER = 7100051, 7100052


async def on_disk(database: Database) -> tuple[list[object], dict[str, object]]:
    """What a restarted bot would read: the /lapor conversation's states and Siti's draft."""
    async with database.session() as session:
        states = (
            await session.exec(select(ConversationState).where(ConversationState.name == "lapor"))
        ).all()
        row = await session.get(UserData, ASN)
    return [state.state for state in states], (row.data if row else {}).get(REPORT_DRAFT.key, {})


async def test_after_every_update_the_state_and_the_draft_on_disk_agree(
    bot: RunningBot, database: Database
) -> None:
    unit = await add_unit(database, "DISDUKCAPIL")
    siti = await add_employee(database, unit, telegram_id=ASN)
    await add_indicator(database, siti, nama="Jumlah KTP-el dicetak", target=1200)
    (choose,) = await bot.say(ASN, "/lapor")
    await bot.handled.wait(bot.api.last_update_id)
    await bot.say(OTHER, "/bantuan")  # someone else's update runs the persistence in between
    await bot.handled.wait(bot.api.last_update_id)
    bot.api.press_button(ASN, choose, label=choose.button_labels[0])
    await bot.handled.wait(bot.api.last_update_id)  # handled and persisted; nothing follows

    states, draft = await on_disk(database)
    assert states == [draft.get("step")]  # the number question, in both
    assert draft.get("target") == 1200
    assert draft.get("indicator_name") == "Jumlah KTP-el dicetak"


async def test_a_draft_that_does_not_fit_its_step_ends_the_conversation_plainly(
    bot: RunningBot, database: Database
) -> None:
    unit = await add_unit(database, "DISDUKCAPIL")
    siti = await add_employee(database, unit, telegram_id=ASN)
    await add_indicator(database, siti, nama="Jumlah KTP-el dicetak", target=1200)
    (choose,) = await bot.say(ASN, "/lapor")
    bot.api.press_button(ASN, choose, label=choose.button_labels[0])
    await bot.handled.wait(bot.api.last_update_id)
    # What a kill between the two writes can leave: the number question, a draft without
    # the indicator it asks about.
    draft = bot.application.user_data[ASN][REPORT_DRAFT.key]
    for key in ("indicator_id", "indicator_name", "satuan", "target", "target_text"):
        draft.pop(key)
    bot.api.mark_read(ASN)

    (told,) = await bot.say(ASN, "17")
    assert told.plain_text == COMMON_TEXTS.get("sesi_terputus")
    assert REPORT_DRAFT.key not in bot.application.user_data.get(ASN, {})
    (stray,) = await bot.say(ASN, "17")  # the conversation ended: no longer an answer
    assert stray.plain_text == COMMON_TEXTS.get("teks_tidak_dipahami")
    (again,) = await bot.say(ASN, "/lapor")
    assert again.button_labels[0].startswith("Jumlah KTP-el dicetak")  # starts afresh
    assert bot.errors == []
