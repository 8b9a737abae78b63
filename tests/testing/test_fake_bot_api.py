"""The fake Bot API behaves like Telegram for a real PTB `Bot`, over HTTP and in-process."""

from __future__ import annotations

import asyncio
import html
import importlib.util
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from kinerja_bot.testing import (
    TINY_PNG,
    EntityParseError,
    FakeBotAPI,
    FakeBotAPIServer,
    FakeRequest,
    parse_html,
)
from kinerja_bot.testing.protocol import METHODS_FILE
from tests.conftest import escaped_twice

SITI = 70001
BUDI = 70002
REPO = Path(__file__).resolve().parents[2]
SPEC_FILE = REPO.parent / "shared" / "telegram" / "bot-api-spec.json"


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta periods: RetryAfter warns about the int form otherwise."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> FakeBotAPI:
    """A fake Bot API that knows two users."""
    api = FakeBotAPI(clock=clock)
    api.user(SITI, "Siti", username="siti_asn")
    api.user(BUDI, "Budi")
    return api


@pytest.fixture
async def server(api: FakeBotAPI) -> AsyncIterator[FakeBotAPIServer]:
    async with FakeBotAPIServer(api) as server:
        yield server


def in_process_bot(api: FakeBotAPI) -> Bot:
    """A Bot whose calls, long polls included, go straight into the fake."""
    return Bot(api.token, request=FakeRequest(api), get_updates_request=FakeRequest(api))


@pytest.fixture(params=["http", "in-process"])
async def bot(request: pytest.FixtureRequest, api: FakeBotAPI) -> AsyncIterator[Bot]:
    """A real PTB Bot talking to the fake over HTTP, then again through FakeRequest."""
    if request.param == "http":
        async with (
            FakeBotAPIServer(api) as server,
            Bot(api.token, base_url=server.base_url, base_file_url=server.base_file_url) as bot,
        ):
            yield bot
    else:
        async with in_process_bot(api) as bot:
            yield bot


@pytest.fixture
async def local_bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    """A real PTB Bot through FakeRequest only, for checks that do not depend on the transport."""
    async with in_process_bot(api) as bot:
        yield bot


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"Tombol {d}", callback_data=d)] for d in data]
    )


async def raw_post(server: FakeBotAPIServer, method: str, **kwargs: Any) -> httpx.Response:
    """A request outside PTB, to see status codes and bodies as they are."""
    async with httpx.AsyncClient() as client:
        return await client.post(f"{server.base_url}{server.api.token}/{method}", **kwargs)


# ---- basics -----------------------------------------------------------------------------------


async def test_get_me_answers_the_bot_user(bot: Bot, api: FakeBotAPI) -> None:
    me = await bot.get_me()
    assert me.username == "KinerjaTangselBot"
    assert me.id == api.bot.id == 123456
    assert me.is_bot


async def test_send_message_is_stored_with_text_mode_and_markup(bot: Bot, api: FakeBotAPI) -> None:
    sent = await bot.send_message(
        SITI, "<b>Halo</b> Siti", parse_mode=ParseMode.HTML, reply_markup=keyboard("a", "b")
    )
    message = await api.next_message(SITI)
    assert message.message_id == sent.message_id
    assert (message.text, message.plain_text, message.parse_mode) == (
        "<b>Halo</b> Siti",
        "Halo Siti",
        "HTML",
    )
    assert message.kind == "text"
    assert message.callback_data == ["a", "b"]
    assert sent.text == "Halo Siti"
    assert sent.entities[0].type == "bold"
    assert api.sent_to(SITI) == [message]
    assert api.calls("sendMessage")[0].params["chat_id"] == SITI


async def test_message_ids_count_up_per_chat_across_both_sides(
    local_bot: Bot, api: FakeBotAPI
) -> None:
    incoming = api.send_text(SITI, "halo")
    reply = await local_bot.send_message(SITI, "hai")
    assert reply.message_id == incoming["message_id"] + 1


async def test_unknown_chat_is_not_found(local_bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await local_bot.send_message(999, "halo")


async def test_chat_by_username(local_bot: Bot, api: FakeBotAPI) -> None:
    await local_bot.send_message("@siti_asn", "halo")
    assert [m.text for m in api.sent_to(SITI)] == ["halo"]


async def test_wrong_token_is_unauthorized(api: FakeBotAPI, server: FakeBotAPIServer) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("999:WRONG", base_url=server.base_url):
            pass
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{server.base_url}999:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_method_names_are_case_insensitive(api: FakeBotAPI) -> None:
    reply = await api.call("GETME")
    assert reply.status == 200
    assert api.method_calls[-1].method == "getMe"


# ---- validation -------------------------------------------------------------------------------


async def test_text_over_4096_characters_is_rejected(bot: Bot, api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(SITI, "x" * 4097)
    await bot.send_message(SITI, "x" * 4096)
    assert [len(m.text or "") for m in api.sent_to(SITI)] == [4096]


async def test_length_is_measured_after_html_parsing(local_bot: Bot, api: FakeBotAPI) -> None:
    text = "<b>" + "&amp;" * 4096 + "</b>"
    await local_bot.send_message(SITI, text, parse_mode=ParseMode.HTML)
    assert api.sent_to(SITI)[0].plain_text == "&" * 4096


async def test_empty_text_is_rejected(local_bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await local_bot.send_message(SITI, "<b> </b>", parse_mode=ParseMode.HTML)


async def test_callback_data_over_64_bytes_is_rejected(bot: Bot, api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(SITI, "pilih", reply_markup=keyboard("x" * 65))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(SITI, "pilih", reply_markup=keyboard("é" * 33))  # 66 bytes
    await bot.send_message(SITI, "pilih", reply_markup=keyboard("x" * 64))
    assert len(api.sent_to(SITI)) == 1


async def test_button_needs_exactly_one_action(local_bot: Bot) -> None:
    no_action = InlineKeyboardMarkup([[InlineKeyboardButton("Kosong")]])
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await local_bot.send_message(SITI, "pilih", reply_markup=no_action)
    two = InlineKeyboardButton("Dua", callback_data="a", url="https://tangerangselatankota.go.id")
    with pytest.raises(BadRequest, match=r"(?i)exactly one"):
        await local_bot.send_message(SITI, "pilih", reply_markup=InlineKeyboardMarkup([[two]]))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("a < b", 'unsupported start tag "" at byte offset 2'),
        ("baris<br>baru", 'unsupported start tag "br"'),
        ("<b>tebal", "can't find end tag"),
        ("<b>tebal</i>", "unmatched end tag"),
        ("miring</i>", "unexpected end tag"),
        ("Dinas A & B", 'unescaped "&"'),
        ("<span>rahasia</span>", 'tag "span" must have class'),
    ],
)
async def test_html_telegram_would_reject_is_rejected(
    local_bot: Bot, text: str, error: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as raised:
        await local_bot.send_message(SITI, text, parse_mode=ParseMode.HTML)
    assert error.lower() in str(raised.value).lower()


async def test_escaped_html_is_accepted(bot: Bot, api: FakeBotAPI) -> None:
    name = "Dinas <Kominfo> & \"Humas\" 'Tangsel'"
    text = f'<b>{html.escape(name)}</b> <i>ok</i> <a href="https://x.id/?a=1&amp;b=2">tautan</a>'
    await bot.send_message(SITI, text, parse_mode=ParseMode.HTML)
    assert api.sent_to(SITI)[0].plain_text == f"{name} ok tautan"


async def test_the_escaping_guard_flags_entities_no_user_typed(
    local_bot: Bot, api: FakeBotAPI
) -> None:
    await local_bot.send_message(SITI, "Kendala: A &amp;amp; B", parse_mode=ParseMode.HTML)
    button = InlineKeyboardButton("Sarana &amp; prasarana", callback_data="x")
    await local_bot.send_message(SITI, "Pilih", reply_markup=InlineKeyboardMarkup([[button]]))
    assert escaped_twice(api) == ["Kendala: A &amp; B", "Sarana &amp; prasarana"]
    api.send_text(SITI, "kode &amp; dari sistem")  # now a user typed that entity
    assert escaped_twice(api) == []


async def test_caption_over_1024_characters_is_rejected(local_bot: Bot, api: FakeBotAPI) -> None:
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await local_bot.send_photo(SITI, TINY_PNG, caption="x" * 1025)
    assert api.sent_to(SITI) == []


async def test_photo_must_be_an_image(local_bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await local_bot.send_photo(SITI, b"bukan gambar")


async def test_unknown_method_is_not_found(bot: Bot, api: FakeBotAPI) -> None:
    with pytest.raises(InvalidToken, match="Not Found"):
        await bot._post("notAMethod")
    assert api.method_calls[-1].status == 404


async def test_unknown_method_raw(server: FakeBotAPIServer) -> None:
    response = await raw_post(server, "notAMethod", json={})
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_existing_method_without_handler_answers_true(server: FakeBotAPIServer) -> None:
    response = await raw_post(server, "setChatMenuButton", json={})
    assert response.json() == {"ok": True, "result": True}


async def test_missing_required_parameter_raw(server: FakeBotAPIServer) -> None:
    response = await raw_post(server, "sendMessage", json={"chat_id": SITI})
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: message text is empty"
    response = await raw_post(server, "getFile", data={})
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": 'Bad Request: parameter "file_id" is required',
    }


async def test_wrong_parameter_type_raw(server: FakeBotAPIServer) -> None:
    response = await raw_post(
        server, "editMessageText", data={"chat_id": SITI, "message_id": "satu", "text": "x"}
    )
    assert response.status_code == 400
    assert response.json()["description"] == 'Bad Request: parameter "message_id" must be Integer'
    markup = {"chat_id": SITI, "text": "x", "reply_markup": "{not json"}
    response = await raw_post(server, "sendMessage", data=markup)
    assert "can't parse reply keyboard markup" in response.json()["description"]


async def test_json_and_form_bodies_are_equivalent(
    server: FakeBotAPIServer, api: FakeBotAPI
) -> None:
    markup = {"inline_keyboard": [[{"text": "Ya", "callback_data": "ya"}]]}
    as_json = {"chat_id": SITI, "text": "json", "reply_markup": markup}
    as_form = {"chat_id": str(SITI), "text": "form", "reply_markup": json.dumps(markup)}
    assert (await raw_post(server, "sendMessage", json=as_json)).json()["ok"]
    assert (await raw_post(server, "sendMessage", data=as_form)).json()["ok"]
    assert [(m.text, m.reply_markup) for m in api.sent_to(SITI)] == [
        ("json", markup),
        ("form", markup),
    ]


# ---- edits, buttons, commands -----------------------------------------------------------------


async def test_edit_message_text_updates_the_stored_message(
    local_bot: Bot, api: FakeBotAPI
) -> None:
    sent = await local_bot.send_message(SITI, "langkah 1", reply_markup=keyboard("lanjut"))
    await local_bot.edit_message_text("langkah 2", chat_id=SITI, message_id=sent.message_id)
    message = api.sent_to(SITI)[0]
    assert (message.text, message.edit_count) == ("langkah 2", 1)
    assert message.reply_markup is None  # like Telegram: no reply_markup removes the keyboard
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await local_bot.edit_message_text("langkah 2", chat_id=SITI, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await local_bot.edit_message_text("x", chat_id=SITI, message_id=999)


async def test_edit_reply_markup(local_bot: Bot, api: FakeBotAPI) -> None:
    sent = await local_bot.send_message(SITI, "pilih", reply_markup=keyboard("a"))
    await local_bot.edit_message_reply_markup(SITI, sent.message_id, reply_markup=keyboard("b"))
    assert api.sent_to(SITI)[0].callback_data == ["b"]
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await local_bot.edit_message_reply_markup(SITI, sent.message_id, reply_markup=keyboard("b"))


async def test_press_button_gives_a_callback_query_ptb_parses(bot: Bot, api: FakeBotAPI) -> None:
    await bot.send_message(SITI, "Kirim laporan?", reply_markup=keyboard("kirim", "batal"))
    message = await api.next_message(SITI)
    pressed = api.press_button(SITI, message, label="Tombol kirim")
    updates = await bot.get_updates()
    query = updates[0].callback_query
    assert isinstance(query, CallbackQuery)
    assert query.data == "kirim"
    assert query.from_user.id == SITI
    assert query.message is not None and query.message.message_id == message.message_id
    await query.answer("Terkirim")
    assert api.callback_answer(pressed["id"]) == {
        "callback_query_id": pressed["id"],
        "text": "Terkirim",
    }
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer("lagi")
    with pytest.raises(LookupError):
        api.press_button(SITI, message, "tidak-ada")


async def test_set_my_commands(local_bot: Bot, api: FakeBotAPI) -> None:
    await local_bot.set_my_commands([("lapor", "Lapor kemajuan"), ("batal", "Batalkan")])
    assert [c["command"] for c in api.my_commands()] == ["lapor", "batal"]
    assert [c.command for c in await local_bot.get_my_commands()] == ["lapor", "batal"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await local_bot.set_my_commands([("Lapor", "huruf besar tidak boleh")])
    await local_bot.delete_my_commands()
    assert api.my_commands() == []


async def test_chat_action_and_webhook_methods(local_bot: Bot, api: FakeBotAPI) -> None:
    assert await local_bot.send_chat_action(SITI, "typing")
    await local_bot.set_webhook("https://local_bot.example/hook")
    assert (await local_bot.get_webhook_info()).url == "https://local_bot.example/hook"
    with pytest.raises(Exception, match=r"(?i)webhook is active"):
        await local_bot.get_updates()
    await local_bot.delete_webhook()
    assert await local_bot.get_updates() == ()


# ---- updates ----------------------------------------------------------------------------------


async def test_commands_carry_a_bot_command_entity(local_bot: Bot, api: FakeBotAPI) -> None:
    api.send_command(SITI, "start", "aktivasi-AB12CD")
    (update,) = await local_bot.get_updates()
    assert update.message is not None
    assert update.message.text == "/start aktivasi-AB12CD"
    assert update.message.parse_entities(["bot_command"])
    assert update.message.from_user is not None and update.message.from_user.first_name == "Siti"


async def test_get_updates_confirms_by_offset(local_bot: Bot, api: FakeBotAPI) -> None:
    api.send_text(SITI, "satu")
    api.send_text(BUDI, "dua")
    first = await local_bot.get_updates()
    assert [u.effective_user.id for u in first if u.effective_user] == [SITI, BUDI]
    assert len(await local_bot.get_updates()) == 2  # not confirmed yet
    assert await local_bot.get_updates(offset=first[-1].update_id + 1) == ()
    assert api.pending_updates == []


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, api: FakeBotAPI) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until(lambda: api.pollers == 1, timeout=2)
    api.send_text(SITI, "halo")
    updates = await asyncio.wait_for(poll, timeout=2)
    assert [u.message.text for u in updates if u.message] == ["halo"]
    assert loop.time() - started < 1.5


async def test_long_poll_times_out_empty(local_bot: Bot) -> None:
    assert await local_bot.get_updates(timeout=1) == ()


async def test_user_photo_can_be_downloaded_by_the_bot(bot: Bot, api: FakeBotAPI) -> None:
    api.send_photo(SITI, caption="bukti")
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.caption == "bukti"
    photo = await update.message.photo[-1].get_file()
    assert bytes(await photo.download_as_bytearray()) == TINY_PNG


# ---- files ------------------------------------------------------------------------------------


async def test_send_document_then_get_file_and_download(bot: Bot, api: FakeBotAPI) -> None:
    content = b"nip,nama\n199001012020011001,Siti\n"
    sent = await bot.send_document(SITI, content, filename="rekap.csv", caption="Rekap")
    assert sent.document is not None and sent.document.file_name == "rekap.csv"
    stored = api.sent_to(SITI)[0]
    assert (stored.kind, stored.text, stored.file_id) == (
        "document",
        "Rekap",
        sent.document.file_id,
    )
    telegram_file = await bot.get_file(sent.document.file_id)
    assert telegram_file.file_path is not None and telegram_file.file_path.endswith(".csv")
    assert bytes(await telegram_file.download_as_bytearray()) == content
    resent = await bot.send_document(BUDI, sent.document.file_id)  # by file_id, no upload
    assert resent.document is not None and resent.document.file_id == sent.document.file_id


async def test_file_url_serves_the_bytes(server: FakeBotAPIServer, api: FakeBotAPI) -> None:
    async with Bot(api.token, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        sent = await bot.send_photo(SITI, TINY_PNG)
        file_path = (await bot.get_file(sent.photo[-1].file_id)).file_path
    assert file_path == f"{server.base_file_url}{api.token}/photos/file_1.jpg"
    async with httpx.AsyncClient() as client:
        assert (await client.get(file_path)).content == TINY_PNG
        assert (await client.get(f"{server.base_file_url}{api.token}/x/y")).status_code == 404


async def test_unknown_file_id_is_rejected(local_bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await local_bot.send_photo(SITI, "AgACAgUAAxkBAAI")
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await local_bot.get_file("tidak-ada")


# ---- faults and rate limits -------------------------------------------------------------------


async def test_429_fault_raises_retry_after_and_stores_nothing(bot: Bot, api: FakeBotAPI) -> None:
    api.inject_fault("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 0:00:03"):
        await bot.send_message(SITI, "pengingat")
    assert api.sent_to(SITI) == []
    await bot.send_message(SITI, "pengingat")  # the fault fired once
    assert [m.text for m in api.sent_to(SITI)] == ["pengingat"]
    assert api.too_many_requests == 1


async def test_403_fault_for_one_chat(bot: Bot, api: FakeBotAPI) -> None:
    api.inject_fault("sendMessage", 403, chat_id=BUDI, times=None)
    await bot.send_message(SITI, "halo")
    for _ in range(2):
        with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
            await bot.send_message(BUDI, "halo")
    assert [len(api.sent_to(c)) for c in (SITI, BUDI)] == [1, 0]


async def test_502_fault_is_a_network_error(bot: Bot, api: FakeBotAPI) -> None:
    api.inject_fault("*", 502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(SITI, "halo")
    assert api.sent_to(SITI) == []


async def test_timeout_fault_carries_the_call_out_and_answers_too_late(
    bot: Bot, api: FakeBotAPI
) -> None:
    api.inject_fault("sendMessage", "timeout")
    with pytest.raises(TimedOut):
        await bot.send_message(SITI, "pengingat", read_timeout=0.5)
    assert [m.text for m in api.sent_to(SITI)] == ["pengingat"]  # delivered all the same
    await bot.send_message(SITI, "lagi", read_timeout=0.5)  # the fault fired once
    assert len(api.sent_to(SITI)) == 2


async def test_rate_limits_per_chat_and_overall(
    bot: Bot, api: FakeBotAPI, clock: FakeClock
) -> None:
    api.enforce_rate_limits(per_second=3, per_chat_per_second=1)
    await bot.send_message(SITI, "1")
    with pytest.raises(RetryAfter):
        await bot.send_message(SITI, "2")  # same chat within a second
    await bot.send_message(BUDI, "1")
    api.user(70003)
    await bot.send_message(70003, "1")
    api.user(70004)
    with pytest.raises(RetryAfter):
        await bot.send_message(70004, "1")  # fourth send in the same second
    assert api.too_many_requests == 2
    clock.now += 1.0
    await bot.send_message(SITI, "2")
    await bot.send_message(70004, "1")
    assert [m.text for m in api.sent_to(SITI)] == ["1", "2"]
    assert api.calls("sendMessage")[1].status == 429


# ---- waits and shutdown -----------------------------------------------------------------------


async def test_waits_return_messages_in_order_and_time_out_with_what_arrived(
    local_bot: Bot, api: FakeBotAPI
) -> None:
    for text in ("satu", "dua", "tiga"):
        await local_bot.send_message(SITI, text)
    assert [m.text for m in await api.wait_for_messages(SITI, 2)] == ["satu", "dua"]
    assert (await api.next_message(SITI)).text == "tiga"
    assert api.unread(SITI) == []
    with pytest.raises(TimeoutError, match=r"expected 1 new message\(s\) within 0.05 s, got 0"):
        await api.next_message(SITI, timeout=0.05)


async def test_next_message_wakes_when_the_bot_sends(local_bot: Bot, api: FakeBotAPI) -> None:
    waiting = asyncio.create_task(api.next_message(BUDI, timeout=2))
    await asyncio.sleep(0)
    assert not waiting.done()
    await local_bot.send_message(BUDI, "akhirnya")
    assert (await waiting).text == "akhirnya"


async def test_client_hang_up_ends_the_long_poll(server: FakeBotAPIServer, api: FakeBotAPI) -> None:
    poll = asyncio.create_task(raw_post(server, "getUpdates", json={"timeout": 5}))
    await api.wait_until(lambda: api.pollers == 1, timeout=2)
    poll.cancel()
    await api.wait_until(lambda: api.pollers == 0, timeout=2)


async def test_stopping_the_server_ends_pending_long_polls(api: FakeBotAPI) -> None:
    server = FakeBotAPIServer(api)
    await server.start()
    poll = asyncio.create_task(raw_post(server, "getUpdates", json={"timeout": 5}))
    await api.wait_until(lambda: api.pollers == 1, timeout=2)
    await asyncio.wait_for(server.stop(), timeout=2)
    with pytest.raises(httpx.HTTPError):
        await asyncio.wait_for(poll, timeout=2)
    assert api.pollers == 0


def test_fault_arguments_are_checked(api: FakeBotAPI) -> None:
    with pytest.raises(ValueError, match="not a Bot API method"):
        api.inject_fault("sendMesage", 429)
    with pytest.raises(ValueError, match="429, 502, 403 or 'timeout'"):
        api.inject_fault("sendMessage", 500)


# ---- HTML parser ------------------------------------------------------------------------------


def test_parse_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_html('😀 <b>Capaian</b> <a href="https://x.id">92,5%</a>')
    assert text == "😀 Capaian 92,5%"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 7},
        {"type": "text_link", "offset": 11, "length": 5, "url": "https://x.id"},
    ]


def test_parse_html_supported_tags() -> None:
    source = (
        "<strong>a</strong><em>b</em><ins>c</ins><del>d</del><tg-spoiler>e</tg-spoiler>"
        '<span class="tg-spoiler">f</span><code>g</code><pre><code class="language-python">h'
        '</code></pre><blockquote expandable>i</blockquote><tg-emoji emoji-id="1">j</tg-emoji>'
    )
    text, entities = parse_html(source)
    assert text == "abcdefghij"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "spoiler",
        "code",
        "pre",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert entities[7]["language"] == "python"


@pytest.mark.parametrize("source", ["<b>", "</b>", "<b><i>x</b></i>", "<x>", "<a", "&nbsp;"])
def test_parse_html_rejects(source: str) -> None:
    with pytest.raises(EntityParseError):
        parse_html(source)


# ---- the generated method list ----------------------------------------------------------------


def test_method_list_is_small_and_current() -> None:
    assert METHODS_FILE.stat().st_size < 100_000
    methods = json.loads(METHODS_FILE.read_text())["methods"]
    send_message = {p["name"]: p for p in methods["sendMessage"]}
    assert send_message["text"] == {"name": "text", "types": ["String"], "required": True}
    if not SPEC_FILE.exists():
        pytest.skip("the shared Bot API spec is not beside this checkout")
    tool_spec = importlib.util.spec_from_file_location(
        "make", REPO / "tools/make_bot_api_methods.py"
    )
    assert tool_spec is not None and tool_spec.loader is not None
    tool = importlib.util.module_from_spec(tool_spec)
    tool_spec.loader.exec_module(tool)
    fresh = tool.render(json.loads(SPEC_FILE.read_text()))
    assert fresh == METHODS_FILE.read_text(), "run: python tools/make_bot_api_methods.py"


# ---- a whole Application ----------------------------------------------------------------------


async def test_application_polls_and_replies(api: FakeBotAPI, server: FakeBotAPIServer) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Halo! payload={context.args}")

    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        api.send_command(SITI, "start", "layanan-DUKCAPIL01")
        reply = await api.next_message(SITI)
        await app.updater.stop()
        await app.stop()
    assert reply.text == "Halo! payload=['layanan-DUKCAPIL01']"
    assert api.pending_updates == []  # the updater confirmed the update on stop


async def test_application_in_process_for_the_terminal_chat(api: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Pilih:", reply_markup=keyboard("lapor"))

    app = (
        ApplicationBuilder()
        .token(api.token)
        .request(FakeRequest(api))
        .get_updates_request(FakeRequest(api))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        api.send_command(BUDI, "start")
        await app.process_update(Update.de_json(api.pending_updates[-1], app.bot))
        menu = await api.next_message(BUDI)
        await app.stop()
    assert menu.button_labels == ["Tombol lapor"]
