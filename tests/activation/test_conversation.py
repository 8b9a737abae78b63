"""End to end through the fake Bot API: /start, the activation deep link and /daftar."""

from __future__ import annotations

from datetime import timedelta

from kinerja_bot.activation.handlers import TEXTS
from kinerja_bot.activation.service import MAX_FAILURES, Outcome, issue_codes
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import ActivationFailure, Employee, Unit, utcnow
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import placeholders
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import RunningBot, running_bot
from tests.factories import add_employee, add_unit

USER = 5550001


def first_line(key: str) -> str:
    """The fixed opening of a text (before its first placeholder), to recognise it."""
    text = TEXTS.get(key, **{name: "\x00" for name in placeholders(TEXTS._load()[key])})
    return text.split("\x00")[0].split("<")[0].strip()


async def staff(database: Database) -> tuple[Unit, Employee, Employee]:
    unit = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    kepala = await add_employee(database, unit, nama="Hendra Gunawan", jabatan="Kepala Dinas")
    siti = await add_employee(
        database, unit, nama="Siti Rahmawati", jabatan="Analis Kependudukan", atasan=kepala
    )
    return unit, kepala, siti


async def code_for(database: Database, employee: Employee, *, days: int = 14) -> str:
    async with database.session() as session:
        (issued,) = await issue_codes(session, [employee], utcnow(), days)
    return issued.kode


async def linked_id(database: Database, employee: Employee) -> int | None:
    async with database.session() as session:
        fresh = await session.get(Employee, employee.id)
    assert fresh is not None
    return fresh.telegram_id


async def test_start_greets_a_citizen_with_what_they_can_do(bot: RunningBot) -> None:
    bot.api.user(USER, "Rudi")
    (reply,) = await bot.say(USER, "/start")
    assert "Halo, Rudi!" in reply.plain_text
    assert "/daftar" in reply.plain_text and "/bantuan" in reply.plain_text


async def test_deep_link_activates_and_greets_by_name(bot: RunningBot, database: Database) -> None:
    _, kepala, siti = await staff(database)
    code = await code_for(database, siti)
    (reply,) = await bot.say(USER, f"/start aktivasi-{code}")
    assert "Selamat datang, Siti Rahmawati!" in reply.plain_text
    assert "Analis Kependudukan, Dinas Kependudukan dan Pencatatan Sipil" in reply.plain_text
    assert "/daftar" not in reply.plain_text  # already linked: no need to register
    assert await linked_id(database, siti) == USER

    # The atasan's greeting is the same journey; they are told the same, by name.
    (reply,) = await bot.say(USER + 1, f"/start aktivasi-{await code_for(database, kepala)}")
    assert "Selamat datang, Hendra Gunawan!" in reply.plain_text


async def test_each_refusal_has_its_own_message(bot: RunningBot, database: Database) -> None:
    _, kepala, siti = await staff(database)
    expired = await code_for(database, kepala, days=-1)
    (reply,) = await bot.say(USER, f"/start aktivasi-{expired}")
    assert reply.plain_text == TEXTS.get(Outcome.EXPIRED_CODE)

    replaced = await code_for(database, siti)
    current = await code_for(database, siti)
    (reply,) = await bot.say(USER, f"/start aktivasi-{replaced}")
    assert reply.plain_text == TEXTS.get(Outcome.REPLACED_CODE)

    await bot.say(USER, f"/start aktivasi-{current}")
    (reply,) = await bot.say(USER + 2, f"/start aktivasi-{current}")
    assert reply.plain_text == TEXTS.get(Outcome.USED_CODE)

    (reply,) = await bot.say(USER, f"/start aktivasi-{await code_for(database, kepala)}")
    assert reply.plain_text.startswith("Akun Telegram ini sudah tertaut dengan NIP")
    assert siti.nip in reply.plain_text

    (reply,) = await bot.say(USER + 3, f"/start aktivasi-{await code_for(database, siti)}")
    assert reply.plain_text.startswith(first_line(Outcome.NIP_LINKED_ELSEWHERE))


async def test_daftar_asks_nip_then_code(bot: RunningBot, database: Database) -> None:
    _, _, siti = await staff(database)
    code = await code_for(database, siti)
    (reply,) = await bot.say(USER, "/daftar")
    assert reply.plain_text.startswith(first_line("minta_nip"))

    (reply,) = await bot.say(USER, "19850412")
    assert reply.plain_text.startswith("NIP tidak valid: NIP harus 18 digit angka.")

    spaced = f"{siti.nip[:8]} {siti.nip[8:14]} {siti.nip[14]} {siti.nip[15:]}"
    (reply,) = await bot.say(USER, spaced)  # the printed form with spaces is accepted
    assert reply.plain_text.startswith(first_line("minta_kode"))

    (reply,) = await bot.say(USER, "AAAA-BBBB")
    assert reply.plain_text.startswith(first_line(Outcome.WRONG_CODE))
    assert f"Sisa percobaan: {MAX_FAILURES - 1}." in reply.plain_text

    (reply,) = await bot.say(USER, f"{code[:4].lower()}-{code[4:]}")
    assert "Selamat datang, Siti Rahmawati!" in reply.plain_text
    assert await linked_id(database, siti) == USER

    (reply,) = await bot.say(USER, "/daftar")
    assert reply.plain_text.startswith("Akun Telegram ini sudah tertaut")


async def test_daftar_says_nothing_about_a_nip_until_nip_and_code_match(
    bot: RunningBot, database: Database
) -> None:
    _, kepala, siti = await staff(database)
    code = await code_for(database, siti)
    replies: list[str] = []
    for user, nip in ((USER, siti.nip), (USER + 1, siti.nip[:-3] + "999")):  # known, unknown
        await bot.say(user, "/daftar")
        (reply,) = await bot.say(user, nip)
        replies.append(reply.plain_text)
    assert replies[0] == replies[1] and replies[0].startswith(first_line("minta_kode"))
    assert "Siti" not in replies[0]

    # Another NIP with this code, or this NIP with a wrong code: the same refusal, no name.
    (wrong_nip,) = await bot.say(USER + 1, code)
    (wrong_code,) = await bot.say(USER, "AAAA-BBBB")
    for reply in (wrong_nip, wrong_code):
        assert reply.plain_text.startswith(first_line(Outcome.WRONG_CODE))
        assert "Siti" not in reply.plain_text and kepala.nama not in reply.plain_text
    (welcome,) = await bot.say(USER, code)
    assert "Selamat datang, Siti Rahmawati!" in welcome.plain_text


async def test_wrong_codes_are_throttled(bot: RunningBot, database: Database) -> None:
    _, _, siti = await staff(database)
    code = await code_for(database, siti)
    await bot.say(USER, "/daftar")
    await bot.say(USER, siti.nip)
    for _ in range(MAX_FAILURES - 1):
        (reply,) = await bot.say(USER, "WRONG111")
        assert reply.plain_text.startswith(first_line(Outcome.WRONG_CODE))
    (reply,) = await bot.say(USER, "WRONG111")
    assert reply.plain_text == TEXTS.get(Outcome.THROTTLED, menit=15)
    # The conversation is over, and a new one is refused while the pause lasts.
    (reply,) = await bot.say(USER, "/daftar")
    assert reply.plain_text == TEXTS.get(Outcome.THROTTLED, menit=15)
    (reply,) = await bot.say(USER, f"/start aktivasi-{code}")
    assert reply.plain_text == TEXTS.get(Outcome.THROTTLED, menit=15)
    assert await linked_id(database, siti) is None


async def test_batal_and_strays_inside_daftar(bot: RunningBot, database: Database) -> None:
    await staff(database)
    await bot.say(USER, "/daftar")
    (reply,) = await bot.say(USER, "/kinerja")
    assert reply.plain_text == TEXTS.get("sedang_mendaftar")
    bot.api.send_photo(USER)
    assert (await bot.api.next_message(USER)).plain_text == TEXTS.get("bukan_teks")
    (reply,) = await bot.say(USER, "/batal")
    assert reply.plain_text == GENERAL.get("batal_selesai")
    (reply,) = await bot.say(USER, "198504122010011001")
    assert reply.plain_text == GENERAL.get("teks_tidak_dipahami")
    (reply,) = await bot.say(USER, "/batal")
    assert reply.plain_text == GENERAL.get("batal_kosong")


async def test_daftar_survives_a_restart(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    _, _, siti = await staff(database)
    code = await code_for(database, siti)
    async with running_bot(settings, database, api) as first:
        await first.say(USER, "/daftar")
        await first.say(USER, siti.nip)
    async with running_bot(settings, database, api) as second:
        (reply,) = await second.say(USER, code)
        assert "Selamat datang, Siti Rahmawati!" in reply.plain_text
    assert first.errors == second.errors == []
    assert await linked_id(database, siti) == USER


async def test_throttle_pause_ends(bot: RunningBot, database: Database) -> None:
    """The wait shown is the real remaining time, counted from the oldest counted failure."""
    _, _, siti = await staff(database)
    async with database.session() as session:
        for minutes_ago in (14, 3, 2, 1, 0):
            session.add(
                ActivationFailure(telegram_id=USER, at=utcnow() - timedelta(minutes=minutes_ago))
            )
    (reply,) = await bot.say(USER, "/daftar")
    assert reply.plain_text == TEXTS.get(Outcome.THROTTLED, menit=1)
    assert siti.telegram_id is None


async def test_two_accounts_using_one_code_at_once_one_is_linked_the_other_told(
    bot: RunningBot, database: Database
) -> None:
    _, _, siti = await staff(database)
    code = await code_for(database, siti)
    for user in (USER, USER + 1):  # both send the deep link before either is answered
        bot.api.send_text(user, f"/start aktivasi-{code}")
    (first,) = await bot.api.wait_for_messages(USER, 1)
    (second,) = await bot.api.wait_for_messages(USER + 1, 1)
    replies = {USER: first.plain_text, USER + 1: second.plain_text}
    winner = await linked_id(database, siti)
    assert winner in replies
    loser = USER + 1 if winner == USER else USER
    assert "Selamat datang, Siti Rahmawati!" in replies[winner]
    assert replies[loser] == TEXTS.get(Outcome.USED_CODE)
