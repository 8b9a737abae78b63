"""`kinerja-bot chat`: talk to the bot in a terminal, as a chosen Telegram user.

The real application runs with the same handlers and database; only Telegram is replaced by
the in-process fake Bot API (no token, no network). Buttons are shown as numbered choices:
type the number to press one. `:foto` and `:berkas PATH` send a photo or a file, `:keluar`
(or Ctrl-D) ends the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
from enum import Enum
from pathlib import Path

from pydantic import SecretStr

from kinerja_bot.app import build_application
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from kinerja_bot.testing.transports import FakeRequest

TEXTS = TextBook(
    "chat",
    {
        "sambutan": ("id", "nama"),
        "tidak_ada_tombol": (),
        "berkas_tidak_ada": ("path",),
        "lampiran_photo": (),
        "lampiran_document": (),
        "selesai": (),
    },
    html=False,
)

CITIZEN_ID = 424242
# How long the bot may stay quiet after the first reply before we ask for the next input.
SETTLE_SECONDS = 0.4
REPLY_TIMEOUT = 15.0


def render(message: SentMessage, number_from: int) -> str:
    """A bot message as terminal text, with its buttons numbered."""
    body = message.plain_text
    if message.kind in ("photo", "document"):
        body = f"{TEXTS.get('lampiran_' + message.kind)} {body}".strip()
    lines = ["", f"🤖 {body}"]
    for offset, label in enumerate(message.button_labels):
        lines.append(f"   [{number_from + offset}] {label}")
    return "\n".join(lines)


class Action(Enum):
    SENT = "sent"  # the bot got something and will answer
    LOCAL = "local"  # handled here (a mistake in the input); nothing to wait for
    QUIT = "quit"


class TerminalChat:
    """One person's chat with the bot through the fake API."""

    def __init__(self, api: FakeBotAPI, user_id: int) -> None:
        self.api = api
        self.user_id = user_id
        self.choices: list[tuple[SentMessage, str]] = []
        self.shown: dict[int, int] = {}  # message id → edit count when last printed

    def changed(self) -> list[SentMessage]:
        """New messages, and earlier ones the bot has edited since they were printed."""
        return [
            m
            for m in self.api.sent_to(self.user_id)
            if not m.deleted and self.shown.get(m.message_id) != m.edit_count
        ]

    def state(self) -> tuple[int, int]:
        messages = self.api.sent_to(self.user_id)
        return len(messages), sum(m.edit_count for m in messages)

    async def show_replies(self) -> None:
        """Print what the bot sends or edits until it has been quiet for a moment."""
        with contextlib.suppress(TimeoutError):
            await self.api.wait_until(self.changed, timeout=REPLY_TIMEOUT)
        while True:
            before = self.state()
            await asyncio.sleep(SETTLE_SECONDS)
            if self.state() == before:
                break
        for message in self.changed():
            if message.buttons:
                self.choices = [(message, data) for data in message.callback_data]
            print(render(message, 1))
            self.shown[message.message_id] = message.edit_count
        self.api.mark_read(self.user_id)

    def handle(self, line: str) -> Action:
        """Send one line of input to the bot, or act on it here."""
        text = line.strip()
        if text in (":keluar", ":q"):
            return Action.QUIT
        if text == ":foto":
            self.api.send_photo(self.user_id)
        elif text.startswith(":berkas "):
            path = Path(text.removeprefix(":berkas ").strip())
            if not path.is_file():
                print(TEXTS.get("berkas_tidak_ada", path=str(path)))
                return Action.LOCAL
            self.api.send_document(self.user_id, path.read_bytes(), file_name=path.name)
        elif text.isdigit() and self.choices:
            index = int(text) - 1
            if not 0 <= index < len(self.choices):
                print(TEXTS.get("tidak_ada_tombol"))
                return Action.LOCAL
            message, data = self.choices[index]
            self.api.press_button(self.user_id, message, data, check=False)
        elif not text:
            return Action.LOCAL
        else:
            self.api.send_text(self.user_id, text)
        return Action.SENT


async def run_chat(settings: Settings, user_id: int, name: str) -> None:
    api = FakeBotAPI()
    api.user(user_id, name)
    # The chat is a bot like any other, with the fake's token (things keyed on it work too).
    as_bot = settings.model_copy(update={"telegram_bot_token": SecretStr(api.token)})
    application = build_application(
        as_bot, request=FakeRequest(api), token=api.token, rate_limit=False
    )
    chat = TerminalChat(api, user_id)
    print(TEXTS.get("sambutan", id=user_id, nama=name))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            while True:
                try:
                    line = await asyncio.to_thread(input, "\n🙂 ")
                except EOFError:
                    break
                action = chat.handle(line)
                if action is Action.QUIT:
                    break
                if action is Action.SENT:
                    await chat.show_replies()
        finally:
            await application.updater.stop()
            await application.stop()
    print(TEXTS.get("selesai"))


def chat_command(settings: Settings, *, telegram_id: int | None, name: str) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_chat(settings, telegram_id or CITIZEN_ID, name))
