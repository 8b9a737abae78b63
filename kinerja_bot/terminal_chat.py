"""`kinerja-bot chat`: talk to the bot in a terminal, as a chosen Telegram user.

The real application runs with the same handlers and database; only Telegram is replaced by
the in-process fake Bot API (no token, no network). Buttons are shown as numbered choices.
A bare number presses a button only when the bot's latest message has buttons: when the bot
waits for typed text (the latest message has none), "12" is the text 12, as on a phone. A
reply to typed text that leaves the buttons in front of it waiting ("pilih salah satu tombol")
does not count as the latest message: the number after it still presses those buttons.
`#3` always presses button 3 of the latest message with buttons, `:teks ISI` always sends ISI
as text. `:foto` and `:berkas PATH` send a photo or a file, `:keluar` (or Ctrl-D) ends the
chat. Pop-up answers of buttons are printed, files the bot sends are saved to a folder, and a
failure the bot only logs (a notice to a chat this fake does not know) is one line, never a
traceback in the conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from kinerja_bot.app import build_application
from kinerja_bot.core.context import INBOX_KEY
from kinerja_bot.core.inbox import Inbox
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.core.update_processing import PerUserOrderedProcessor
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from kinerja_bot.testing.transports import FakeRequest

TEXTS = TextBook(
    "chat",
    {
        "sambutan": ("id", "nama", "folder"),
        "tidak_ada_tombol": (),
        "berkas_tidak_ada": ("path",),
        "lampiran_photo": (),
        "lampiran_document": (),
        "disimpan": ("path",),
        "popup": ("teks",),
        "peringatan": ("teks",),
        "catatan": ("teks",),
        "selesai": (),
    },
    html=False,
)

CITIZEN_ID = 424242
# How long the bot may stay quiet, once it has handled the input, before we ask for the next
# (notices it queued for delivery may still come).
SETTLE_SECONDS = 0.4
REPLY_TIMEOUT = 15.0
POLL_SECONDS = 0.05
PRESS_PREFIX = "#"
TEXT_PREFIXES = (":teks ", ":t ")


def render(message: SentMessage, number_from: int) -> str:
    """A bot message as terminal text, with its buttons numbered."""
    body = message.plain_text
    if message.kind in ("photo", "document"):
        body = f"{TEXTS.get('lampiran_' + message.kind)} {body}".strip()
    lines = ["", f"🤖 {body}"]
    for offset, label in enumerate(message.button_labels):
        lines.append(f"   [{number_from + offset}] {label}")
    return "\n".join(lines)


def render_answer(answer: dict[str, Any]) -> str | None:
    """A button's pop-up (a toast, or an alert the user must close) as one terminal line."""
    if not answer.get("text"):
        return None
    key = "peringatan" if answer.get("show_alert") else "popup"
    return TEXTS.get(key, teks=answer["text"])


class OneLineNotes(logging.Handler):
    """Warnings of the bot as one line in the conversation: what failed, never a traceback."""

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text = f"{text} ({record.exc_info[1]})"
        print(TEXTS.get("catatan", teks=text))


class Action(Enum):
    SENT = "sent"  # the bot got something and will answer
    LOCAL = "local"  # handled here (a mistake in the input); nothing to wait for
    QUIT = "quit"


class TerminalChat:
    """One person's chat with the bot through the fake API."""

    def __init__(
        self, api: FakeBotAPI, user_id: int, folder: Path, busy: Callable[[], bool]
    ) -> None:
        self.api = api
        self.busy = busy  # whether the bot still has this user's input to fetch or handle
        self.user_id = user_id
        self.folder = folder
        self.shown: dict[int, int] = {}  # message id → edit count when last printed
        self.texts: dict[int, str] = {}  # message id → its text when last printed
        self.query_id: str | None = None  # the last button press, until its answer is shown
        # Replies to typed text that left the buttons before them waiting (a hint, not a
        # question), and the buttons the latest input was typed in front of.
        self.hints: set[int] = set()
        self.typed_at: SentMessage | None = None

    def current(self) -> list[SentMessage]:
        return [m for m in self.api.sent_to(self.user_id) if not m.deleted]

    def changed(self) -> list[SentMessage]:
        """New messages, and earlier ones the bot has edited since they were printed."""
        return [m for m in self.current() if self.shown.get(m.message_id) != m.edit_count]

    def answer(self) -> dict[str, Any] | None:
        return self.api.callback_answer(self.query_id) if self.query_id else None

    def state(self) -> tuple[int, int, bool]:
        messages = self.api.sent_to(self.user_id)
        return len(messages), sum(m.edit_count for m in messages), self.answer() is not None

    async def show_replies(self) -> None:
        """Print what the bot sends, edits or pops up, once it has handled the input and been
        quiet for a moment: a reply in two steps (a button's keyboard removed, then a new
        message) is shown whole, so the next number presses the right buttons; input the bot
        does not answer costs no wait."""
        deadline = asyncio.get_running_loop().time() + REPLY_TIMEOUT
        idle_checks = 0
        # Twice idle in a row: an update just taken from the queue is not yet marked busy.
        while idle_checks < 2 and asyncio.get_running_loop().time() < deadline:
            idle_checks = 0 if self.busy() else idle_checks + 1
            await asyncio.sleep(POLL_SECONDS)
        while True:
            before = self.state()
            await asyncio.sleep(SETTLE_SECONDS)
            if self.state() == before:
                break
        answer = self.answer()
        if answer is not None and (line := render_answer(answer)):
            print(line)
        self.query_id = None
        new = [m for m in self.changed() if m.message_id not in self.shown]
        waiting = self.typed_at is not None and bool(self.typed_at.callback_data)
        if waiting and new and not any(m.callback_data for m in new):
            self.hints.update(m.message_id for m in new)
        self.typed_at = None
        for message in self.changed():
            if message.plain_text != self.texts.get(message.message_id) or message.buttons:
                print(render(message, 1))  # not again when only its keyboard was removed
            if message.file_id and message.message_id not in self.shown:
                print(TEXTS.get("disimpan", path=str(self.save(message))))
            self.shown[message.message_id] = message.edit_count
            self.texts[message.message_id] = message.plain_text
        self.api.mark_read(self.user_id)

    def save(self, message: SentMessage) -> Path:
        """The file of a photo or document the bot sent, written to the chat's folder."""
        assert message.file_id is not None
        stored = self.api.files[message.file_id]
        # A photo is re-encoded by Telegram: its upload name means nothing any more.
        name = Path(stored.file_path).name if message.kind == "photo" else stored.file_name
        name = name or Path(stored.file_path).name
        path = self.folder / f"{message.message_id}-{name}"
        path.write_bytes(stored.content)
        return path

    def buttons(self, *, latest_only: bool) -> list[tuple[SentMessage, str]]:
        """The buttons a number presses: of the latest message (hints aside), or the latest
        that has any."""
        for message in reversed(self.current()):
            if message.message_id in self.hints:
                continue
            if message.callback_data or latest_only:
                return [(message, data) for data in message.callback_data]
        return []

    def press(self, number: str, choices: list[tuple[SentMessage, str]]) -> Action:
        index = int(number) - 1
        if not 0 <= index < len(choices):
            print(TEXTS.get("tidak_ada_tombol"))
            return Action.LOCAL
        message, data = choices[index]
        self.query_id = self.api.press_button(self.user_id, message, data, check=False)["id"]
        return Action.SENT

    def handle(self, line: str) -> Action:
        """Send one line of input to the bot, or act on it here."""
        text = line.strip()
        latest = self.buttons(latest_only=True)
        self.typed_at = latest[0][0] if latest else None
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
        elif text.startswith(PRESS_PREFIX) and text[1:].strip().isdigit():
            self.typed_at = None
            return self.press(text[1:].strip(), self.buttons(latest_only=False))
        elif text.startswith(TEXT_PREFIXES):
            self.api.send_text(self.user_id, text.split(" ", 1)[1].strip())
        elif text.isdigit() and latest:
            self.typed_at = None
            return self.press(text, latest)
        elif not text:
            return Action.LOCAL
        else:
            self.api.send_text(self.user_id, text)
        return Action.SENT


async def run_chat(settings: Settings, user_id: int, name: str, folder: Path | None = None) -> None:
    api = FakeBotAPI()
    api.user(user_id, name)
    # The chat is a bot like any other, with the fake's token (things keyed on it work too).
    as_bot = settings.model_copy(update={"telegram_bot_token": SecretStr(api.token)})
    application = build_application(
        as_bot, request=FakeRequest(api), token=api.token, rate_limit=False
    )
    folder = folder or Path(tempfile.mkdtemp(prefix="kinerja-chat-"))
    folder.mkdir(parents=True, exist_ok=True)
    processor = application.update_processor
    assert isinstance(processor, PerUserOrderedProcessor)

    def busy() -> bool:
        return bool(
            api.pending_updates
            or not application.update_queue.empty()
            or processor.is_busy(user_id)
        )

    chat = TerminalChat(api, user_id, folder, busy)
    notes = OneLineNotes(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(notes)
    print(TEXTS.get("sambutan", id=user_id, nama=name, folder=str(folder)))
    try:
        async with application:
            # The fake counts updates from 1 at every start; the inbox remembers the ids of
            # the last chat for a day and would take the new ones for repeats.
            inbox: Inbox = application.bot_data[INBOX_KEY]
            api.number_updates_from(await inbox.next_update_id())
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
    finally:
        root.removeHandler(notes)
    print(TEXTS.get("selesai"))


def chat_command(
    settings: Settings, *, telegram_id: int | None, name: str, folder: Path | None = None
) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_chat(settings, telegram_id or CITIZEN_ID, name, folder))
