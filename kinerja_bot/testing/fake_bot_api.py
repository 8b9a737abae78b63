"""The state of a fake Telegram Bot API server, independent of any transport.

`FakeBotAPI` plays Telegram for one bot: it knows the bot's own user, the users who talk to
it, every message the bot sent (and its edits), answered callback queries, registered
commands, uploaded files, and a queue of incoming updates served by `getUpdates` with
long-poll semantics. Every call goes through `await api.call(method, params, files)`, which

1. resolves the method against the official list (unknown → 404 like Telegram),
2. checks and types the parameters against the spec (`protocol.BotApiSpec`),
3. applies injected faults (429 / 502 / 403) and the optional rate limit,
4. runs the method: validation the spec cannot express (text length after entity parsing,
   HTML that Telegram's parser rejects, callback_data size, one action per button, "message
   is not modified", "chat not found", …), then the state change and the result.

A call refused at any step changes nothing, so a test can prove exactly-once delivery.
Transports (`transports.FakeBotAPIServer` over HTTP, `transports.FakeRequest` in-process)
only translate requests into `call()` and `Reply` objects back into responses.

Tests play the users with `send_text`, `send_command`, `press_button`, `send_photo`,
`send_document`, then read what the bot said with `await next_message(chat_id)`; waits wake
on every state change (no sleeping), and fail with a `TimeoutError` that shows what arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import mimetypes
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from kinerja_bot.testing.flood import FAULT_KINDS, LATE_ANSWER_SECONDS, Fault, FloodControl
from kinerja_bot.testing.formatting import EntityParseError, parse_html, utf16_length
from kinerja_bot.testing.protocol import (
    NOT_FOUND,
    BotAPIError,
    Reply,
    Upload,
    bad_request,
    load_spec,
)
from kinerja_bot.testing.records import (
    TINY_PNG,
    FakeUser,
    MethodCall,
    SentMessage,
    StoredFile,
    is_image,
)

T = TypeVar("T")

DEFAULT_TOKEN = "123456:TEST-TOKEN"
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200
CALLBACK_DATA_LIMIT = 64
COMMAND_PATTERN = re.compile(r"[a-z0-9_]{1,32}")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


class FakeBotAPI:
    """A fake Telegram Bot API for one bot; see the module docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "KinerjaTangselBot",
        first_name: str = "Kinerja Bot",
        clock: Callable[[], float] = time.monotonic,
    ):
        self.spec = load_spec()
        self.token = token
        bot_id = int(token.split(":")[0])
        self.bot = FakeUser(bot_id, first_name, username=username, language_code=None, is_bot=True)
        self.users: dict[int, FakeUser] = {}
        self.group_chats: dict[int, dict[str, Any]] = {}
        self.method_calls: list[MethodCall] = []
        self.answered_callbacks: list[dict[str, Any]] = []
        # Every text and caption the users sent, in any update (tests check escaping with it).
        self.typed: list[str] = []
        self.files: dict[str, StoredFile] = {}
        self.webhook_url = ""
        self.too_many_requests = 0
        self.pollers = 0
        self._clock = clock
        self._sent: dict[int, list[SentMessage]] = {}
        self._read: dict[int, int] = {}
        self._last_message_id: dict[int, int] = {}
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self._answers: dict[str, dict[str, Any]] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._faults: list[Fault] = []
        self._flood: FloodControl | None = None
        self._change = asyncio.Event()
        self._send_methods = frozenset(
            name
            for name in self.spec.methods
            if (name.startswith("send") and name != "sendChatAction")
            or name.startswith(("copyMessage", "forwardMessage"))
        )
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendPhoto": lambda values: self._send_media(values, "photo"),
            "sendDocument": lambda values: self._send_media(values, "document"),
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda values: self.my_commands(**self._scope_args(values)),
            "deleteMyCommands": self._delete_my_commands,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendChatAction": self._send_chat_action,
            "close": lambda _: True,
            "logOut": lambda _: True,
        }

    # ---- the entry point of every transport -------------------------------------------------

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, Upload] | None = None,
    ) -> Reply:
        """Run one Bot API call and return the server's reply; refused calls change nothing."""
        name = self.spec.canonical(method)
        values: dict[str, Any] = dict(params or {}) | dict(files or {})
        if name is None:
            self._record(method, values, NOT_FOUND)
            return NOT_FOUND
        late = False
        try:
            values = self.spec.check(name, params or {}, files)
            late = self._apply_faults(name, values)
            self._apply_rate_limit(name, values)
            reply = Reply.ok(await self._run(name, values))
        except BotAPIError as error:
            reply = error.reply()
            if reply.status == 429:
                self.too_many_requests += 1
        self._record(name, values, reply)
        if late:
            await asyncio.sleep(LATE_ANSWER_SECONDS)
        return reply

    async def _run(self, method: str, values: dict[str, Any]) -> Any:
        """The method's result; methods without their own handler answer `true`."""
        handler = self._handlers.get(method)
        result = handler(values) if handler else True
        return await result if inspect.isawaitable(result) else result

    def _record(self, method: str, values: dict[str, Any], reply: Reply) -> None:
        description = None if reply.status == 200 else _description(reply)
        self.method_calls.append(MethodCall(method, values, reply.status, description))
        self._notify()

    def _notify(self) -> None:
        """Wake every waiter; they re-check their condition."""
        self._change.set()
        self._change = asyncio.Event()

    # ---- assertions and waits for tests ------------------------------------------------------

    def calls(self, method: str) -> list[MethodCall]:
        """The logged calls of one method, in order."""
        return [call for call in self.method_calls if call.method == method]

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent to a chat (current state, edits applied)."""
        return list(self._sent.get(chat_id, []))

    def shown(self) -> list[str]:
        """Everything users read: message texts and captions, button labels, pop-up answers."""
        messages = [message for sent in self._sent.values() for message in sent]
        return (
            [message.plain_text for message in messages]
            + [label for message in messages for label in message.button_labels]
            + [str(answer["text"]) for answer in self.answered_callbacks if answer.get("text")]
        )

    def unread(self, chat_id: int) -> list[SentMessage]:
        """Messages to a chat not yet returned by `next_message` / `wait_for_messages`."""
        return self._sent.get(chat_id, [])[self._read.get(chat_id, 0) :]

    def mark_read(self, chat_id: int) -> None:
        """Skip the unread messages of a chat."""
        self._read[chat_id] = len(self._sent.get(chat_id, []))

    # The waits take `timeout` like asyncio.wait_for: tests read better than with a wrapper.
    async def wait_until(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> T:
        """Wait until `predicate()` is truthy (re-checked on every change) and return it."""
        result = await self._wait_for(predicate, timeout)
        if not result:
            raise TimeoutError(f"condition not met within {timeout} s")
        return result

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait for `count` unread messages to a chat, mark them read and return them."""
        messages = await self._wait_for(lambda: len(self.unread(chat_id)) >= count, timeout)
        unread = self.unread(chat_id)
        if not messages:
            texts = [m.plain_text for m in unread]
            raise TimeoutError(
                f"chat {chat_id}: expected {count} new message(s) within {timeout} s, "
                f"got {len(unread)}: {texts}"
            )
        self._read[chat_id] = self._read.get(chat_id, 0) + count
        return unread[:count]

    async def next_message(
        self,
        chat_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> SentMessage:
        """Wait for the next unread message to a chat and return it."""
        return (await self.wait_for_messages(chat_id, 1, timeout))[0]

    async def _wait_for(self, predicate: Callable[[], T], within: float) -> T | None:
        """`predicate()` once truthy, re-checked on every change; None after `within` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            change = self._change
            result = predicate()
            remaining = deadline - loop.time()
            if result or remaining <= 0:
                return result or None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(change.wait(), remaining)

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """How the bot answered a callback query, or None if it has not."""
        return self._answers.get(query_id)

    def my_commands(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """The command menu registered for a scope and language (default: all private chats)."""
        return list(self._commands.get(_scope_key(scope, language_code), []))

    def file_at(self, file_path: str) -> StoredFile | None:
        """The stored file served under a file path, if any."""
        return next((f for f in self.files.values() if f.file_path == file_path), None)

    def number_updates_from(self, first: int) -> None:
        """Give the next updates ids from `first` on (Telegram's ids only grow: a bot that
        remembers ids it has handled must not see one again as new)."""
        self._next_update_id = max(self._next_update_id, first)

    @property
    def last_update_id(self) -> int:
        """The id of the update queued last (0 before the first)."""
        return self._next_update_id - 1

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    # ---- playing the users ---------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> FakeUser:
        """The user with this id, created (or updated with the given names) on the way."""
        user = self.users.get(user_id)
        if user is None:
            user = FakeUser(
                user_id, first_name or f"Pengguna {user_id}", language_code=language_code
            )
            self.users[user_id] = user
        elif first_name:
            user.first_name = first_name
        user.last_name = last_name or user.last_name
        user.username = username or user.username
        return user

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        """Queue a raw update for getUpdates (an update_id is assigned)."""
        queued = {"update_id": self._next_update_id, **update}
        for content in update.values():
            if isinstance(content, Mapping):
                self.typed += [
                    content[key] for key in ("text", "caption") if isinstance(content.get(key), str)
                ]
        self._next_update_id += 1
        self._updates.append(queued)
        self._notify()
        return queued

    def send_text(self, user_id: int, text: str) -> dict[str, Any]:
        """The user writes to the bot; a leading `/command` gets its bot_command entity."""
        return self._user_message(user_id, self._text_content(text))

    def send_command(
        self, user_id: int, command: str, payload: str | None = None
    ) -> dict[str, Any]:
        """The user sends `/command [payload]` (a deep link opens as `/start <payload>`)."""
        text = f"/{command.lstrip('/')}" + (f" {payload}" if payload else "")
        return self.send_text(user_id, text)

    def press_button(
        self,
        user_id: int,
        message: SentMessage | int,
        callback_data: str | None = None,
        *,
        label: str | None = None,
        check: bool = True,
    ) -> dict[str, Any]:
        """The user presses an inline button (by data or label); returns the callback query.

        With `check`, the button must be on the message as it is now, as in a real client.
        """
        sent = message if isinstance(message, SentMessage) else self._message(user_id, message)
        if label is not None:
            callback_data = sent.button(label)["callback_data"]
        if callback_data is None:
            raise ValueError("press_button needs callback_data or label")
        if check and callback_data not in sent.callback_data:
            raise LookupError(
                f"no button with callback_data {callback_data!r} on message "
                f"{sent.message_id}: {sent.callback_data}"
            )
        query_id = str(1_000_000 + len(self._callback_queries) + 1)
        query = {
            "id": query_id,
            "from": self.user(user_id).to_dict(),
            "chat_instance": str(-sent.chat_id),
            "message": self.message_dict(sent),
            "data": callback_data,
        }
        self._callback_queries[query_id] = query
        self.push_update({"callback_query": query})
        return query

    def send_photo(
        self, user_id: int, content: bytes = TINY_PNG, *, caption: str | None = None
    ) -> dict[str, Any]:
        """The user sends a photo; the bot can getFile and download it."""
        stored = self._store_file(content, "photos", None, "image/jpeg")
        return self._user_message(user_id, _with_caption({"photo": stored.photo_sizes()}, caption))

    def send_sticker(self, user_id: int, emoji: str = "👍") -> dict[str, Any]:
        """The user sends a sticker (no text, no caption)."""
        number = len(self.files) + 1
        sticker = {
            "file_id": f"STK-{number:05d}",
            "file_unique_id": f"S{number:05d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message(user_id, {"sticker": sticker})

    def send_document(
        self,
        user_id: int,
        content: bytes,
        *,
        file_name: str = "dokumen.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """The user sends a file; the bot can getFile and download it."""
        mime_type = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        stored = self._store_file(content, "documents", file_name, mime_type)
        content_dict = {"document": stored.document_dict()}
        return self._user_message(user_id, _with_caption(content_dict, caption))

    def group(self, chat_id: int, title: str = "Grup", *, kind: str = "group") -> dict[str, Any]:
        """A group, supergroup or channel the bot is in (ids are negative, as in Telegram)."""
        if kind not in ("group", "supergroup", "channel") or chat_id >= 0:
            raise ValueError("a group chat has a negative id and kind group/supergroup/channel")
        return self.group_chats.setdefault(chat_id, {"id": chat_id, "type": kind, "title": title})

    def send_group_text(self, chat_id: int, user_id: int, text: str) -> dict[str, Any]:
        """A member writes in a group the bot is in (commands as `/cmd` or `/cmd@BotName`)."""
        return self._user_message(user_id, self._text_content(text), chat=self.group(chat_id))

    def send_channel_post(self, chat_id: int, text: str) -> dict[str, Any]:
        """A post in a channel the bot is in: no sender, only the channel."""
        chat = self.group(chat_id, kind="channel")
        post = {
            "message_id": self._next_message_id(chat_id),
            "sender_chat": chat,
            "chat": chat,
            "date": int(time.time()),
            **self._text_content(text),
        }
        self.push_update({"channel_post": post})
        return post

    def edit_text(self, message: Mapping[str, Any], text: str) -> dict[str, Any]:
        """The user edits a message they sent earlier (from `send_text` and friends)."""
        kept = {key: value for key, value in message.items() if key != "entities"}
        edited = kept | self._text_content(text) | {"edit_date": int(time.time())}
        self.push_update({"edited_message": edited})
        return edited

    @staticmethod
    def _text_content(text: str) -> dict[str, Any]:
        """A text message's fields; a leading `/command` gets its bot_command entity."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0] if text.split() else text
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
            ]
        return content

    def _user_message(
        self, user_id: int, content: dict[str, Any], *, chat: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        user = self.user(user_id)
        chat = chat or user.chat_dict()
        message = {
            "message_id": self._next_message_id(chat["id"]),
            "from": user.to_dict(),
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        self.push_update({"message": message})
        return message

    # ---- faults and rate limits -------------------------------------------------------------

    def inject_fault(
        self,
        method: str,
        kind: int | str,
        *,
        chat_id: int | None = None,
        times: int | None = 1,
        retry_after: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` ("*" = any; None = forever) fail.

        Kinds: 429 (Too Many Requests, retry_after), 502 (Bad Gateway, nginx HTML body),
        403 (Forbidden: bot was blocked by the user), "timeout" (the call is carried out but
        answered LATE_ANSWER_SECONDS later, when the client has given up). `chat_id` narrows
        it to one chat.
        """
        code = kind if kind == "timeout" else int(kind)
        if code not in FAULT_KINDS:
            raise ValueError(f"fault kind must be 429, 502, 403 or 'timeout', not {kind!r}")
        name = method if method == "*" else self.spec.canonical(method)
        if name is None:
            raise ValueError(f"{method!r} is not a Bot API method")
        self._faults.append(Fault(name, code, chat_id, times, retry_after))

    def clear_faults(self) -> None:
        """Drop every injected fault that has not fired yet."""
        self._faults.clear()

    def enforce_rate_limits(
        self, per_second: int | None = 30, per_chat_per_second: int | None = 1
    ) -> None:
        """Answer 429 to sends beyond these counts in any sliding second (None = no limit).

        Sends are the send* methods except sendChatAction, plus copy/forwardMessage(s).
        """
        if any(cap is not None and cap < 1 for cap in (per_second, per_chat_per_second)):
            raise ValueError("rate limits are counts of at least 1, or None")
        self._flood = FloodControl(per_second, per_chat_per_second, self._clock)

    def disable_rate_limits(self) -> None:
        """Stop enforcing rate limits."""
        self._flood = None

    def _apply_faults(self, method: str, values: Mapping[str, Any]) -> bool:
        """Raise the error of a matching fault; True when the answer is to come late."""
        fault = next((f for f in self._faults if f.matches(method, values)), None)
        if fault is None:
            return False
        error = fault.fire()
        if fault.spent:
            self._faults.remove(fault)
        if error is None:
            return True
        raise error

    def _apply_rate_limit(self, method: str, values: Mapping[str, Any]) -> None:
        if self._flood is not None and method in self._send_methods:
            self._flood.admit(values.get("chat_id"))

    # ---- method handlers ------------------------------------------------------------------------

    def _get_me(self, _: dict[str, Any]) -> dict[str, Any]:
        return self.bot.to_dict() | {
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, values: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise BotAPIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        self._confirm(values.get("offset", 0))
        limit = min(max(values.get("limit", 100), 1), 100)
        timeout = max(values.get("timeout", 0), 0)
        if not self._updates and timeout > 0:
            self.pollers += 1
            self._notify()
            try:
                await self._wait_for(lambda: self._updates, timeout)
            finally:
                self.pollers -= 1
                self._notify()
        return self._updates[:limit]

    def _confirm(self, offset: int) -> None:
        """Forget updates below a positive offset; keep the last -offset for a negative one."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _send_message(self, values: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(values["chat_id"])
        plain, entities = _formatted(values["text"], values.get("parse_mode"), MESSAGE_LIMIT)
        if not plain.strip():
            raise bad_request("message text is empty")
        markup = self._reply_markup(values.get("reply_markup"))
        message = self._store_message(chat_id, "text", values, markup, plain, entities)
        return self.message_dict(message)

    def _send_media(self, values: dict[str, Any], kind: str) -> dict[str, Any]:
        chat_id = self._chat_id(values["chat_id"])
        caption = values.get("caption", "")
        plain, entities = _formatted(caption, values.get("parse_mode"), CAPTION_LIMIT, "caption")
        markup = self._reply_markup(values.get("reply_markup"))
        stored = self._media_file(values[kind], kind)
        message = self._store_message(chat_id, kind, values, markup, plain, entities)
        message.text = caption or None
        message.file_id = stored.file_id
        return self.message_dict(message)

    def _edit_message_text(self, values: dict[str, Any]) -> Any:
        message = self._message_to_edit(values)
        if message is None:
            return True
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        plain, entities = _formatted(values["text"], values.get("parse_mode"), MESSAGE_LIMIT)
        if not plain.strip():
            raise bad_request("message text is empty")
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        return self._apply_edit(message, values, plain, entities, values.get("reply_markup"))

    def _edit_message_caption(self, values: dict[str, Any]) -> Any:
        message = self._message_to_edit(values)
        if message is None:
            return True
        if message.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        caption = values.get("caption", "")
        plain, entities = _formatted(caption, values.get("parse_mode"), CAPTION_LIMIT, "caption")
        values = values | {"text": caption or None}
        return self._apply_edit(message, values, plain, entities, values.get("reply_markup"))

    def _edit_message_reply_markup(self, values: dict[str, Any]) -> Any:
        message = self._message_to_edit(values)
        if message is None:
            return True
        keep = {"text": message.text, "parse_mode": message.parse_mode}
        return self._apply_edit(
            message, keep, message.plain_text, message.entities, values.get("reply_markup")
        )

    def _apply_edit(
        self,
        message: SentMessage,
        values: Mapping[str, Any],
        plain: str,
        entities: list[dict[str, Any]],
        markup: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """Store an edit unless it changes nothing, which Telegram refuses."""
        markup = self._reply_markup(markup)
        if (plain, entities, markup) == (
            message.plain_text,
            message.entities,
            message.reply_markup,
        ):
            raise bad_request(NOT_MODIFIED)
        message.text = values.get("text")
        message.parse_mode = values.get("parse_mode")
        message.plain_text, message.entities, message.reply_markup = plain, entities, markup
        message.edit_count += 1
        message.edit_date = int(time.time())
        return self.message_dict(message)

    def _message_to_edit(self, values: Mapping[str, Any]) -> SentMessage | None:
        """The bot's message named by chat_id + message_id; None for an inline message."""
        if "inline_message_id" in values:
            return None
        if "chat_id" not in values or "message_id" not in values:
            raise bad_request("message identifier is not specified")
        chat_id = self._chat_id(values["chat_id"])
        message = self._find(chat_id, values["message_id"])
        if message is None:
            raise bad_request("message to edit not found")
        return message

    def _delete_message(self, values: dict[str, Any]) -> bool:
        message = self._find(self._chat_id(values["chat_id"]), values["message_id"])
        if message is None:
            raise bad_request("message to delete not found")
        message.deleted = True
        return True

    def _answer_callback_query(self, values: dict[str, Any]) -> bool:
        query_id = values["callback_query_id"]
        if query_id not in self._callback_queries or query_id in self._answers:
            raise bad_request(QUERY_INVALID)
        if len(values.get("text", "")) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
        self._answers[query_id] = values
        self.answered_callbacks.append(values)
        return True

    def _get_file(self, values: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(values["file_id"])
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_dict()

    def _set_my_commands(self, values: dict[str, Any]) -> bool:
        commands = values["commands"]
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not COMMAND_PATTERN.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = _scope_key(**self._scope_args(values))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _delete_my_commands(self, values: dict[str, Any]) -> bool:
        self._commands.pop(_scope_key(**self._scope_args(values)), None)
        return True

    @staticmethod
    def _scope_args(values: Mapping[str, Any]) -> dict[str, Any]:
        return {"scope": values.get("scope"), "language_code": values.get("language_code", "")}

    def _set_webhook(self, values: dict[str, Any]) -> bool:
        if values.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook_url = values["url"]
        return True

    def _delete_webhook(self, values: dict[str, Any]) -> bool:
        if values.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook_url = ""
        return True

    def _get_webhook_info(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _send_chat_action(self, values: dict[str, Any]) -> bool:
        self._chat_id(values["chat_id"])
        if values["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # ---- helpers of the handlers -----------------------------------------------------------------

    def _chat_id(self, chat: int | str) -> int:
        """The id of a chat the bot can write to: a known user or group, by id or @username."""
        if isinstance(chat, int) and (chat in self.users or chat in self.group_chats):
            return chat
        if isinstance(chat, str) and chat.startswith("@"):
            for user in self.users.values():
                if user.username and user.username.lower() == chat[1:].lower():
                    return user.id
        raise bad_request("chat not found")

    def _next_message_id(self, chat_id: int) -> int:
        """Message ids count up per chat, shared by the user's and the bot's messages."""
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _store_message(
        self,
        chat_id: int,
        kind: str,
        values: Mapping[str, Any],
        markup: dict[str, Any] | None,
        plain: str,
        entities: list[dict[str, Any]],
    ) -> SentMessage:
        message = SentMessage(
            chat_id=chat_id,
            message_id=self._next_message_id(chat_id),
            kind=kind,
            text=values.get("text"),
            parse_mode=values.get("parse_mode"),
            reply_markup=markup,
            date=int(time.time()),
            plain_text=plain,
            entities=entities,
        )
        self._sent.setdefault(chat_id, []).append(message)
        return message

    def _find(self, chat_id: int, message_id: int) -> SentMessage | None:
        sent = self._sent.get(chat_id, [])
        return next((m for m in sent if m.message_id == message_id and not m.deleted), None)

    def _message(self, chat_id: int, message_id: int) -> SentMessage:
        message = self._find(chat_id, message_id)
        if message is None:
            raise LookupError(f"the bot sent no message {message_id} to chat {chat_id}")
        return message

    def _reply_markup(self, markup: dict[str, Any] | None) -> dict[str, Any] | None:
        """Validate a reply_markup the way Telegram does; return it unchanged."""
        if markup is None:
            return None
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of '
                    "Arrays"
                )
            for button in (button for row in rows for button in row):
                self._check_button(button)
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad_request(
                    'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
                )
        elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup

    def _check_button(self, button: Any) -> None:
        """One inline button: a text and exactly one action; callback_data of 1-64 bytes."""
        prefix = "can't parse inline keyboard button: "
        if not isinstance(button, dict):
            raise bad_request(prefix + "InlineKeyboardButton must be an Object")
        if not isinstance(button.get("text"), str):
            raise bad_request(prefix + 'Field "text" must be of type String')
        actions = [name for name in self.spec.button_actions if name in button]
        if not actions:
            raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:
            raise bad_request(prefix + f"exactly one action field must be used, got {actions}")
        data = button.get("callback_data")
        if "callback_data" in button and (
            not isinstance(data, str) or not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT
        ):
            raise bad_request("BUTTON_DATA_INVALID")

    def _media_file(self, value: Upload | str, kind: str) -> StoredFile:
        """The file of a sendPhoto / sendDocument: a new upload, a known file_id or a URL."""
        folder = "photos" if kind == "photo" else "documents"
        if isinstance(value, Upload):
            if not value.content:
                raise bad_request("file must be non-empty")
            if kind == "photo" and not is_image(value.content):
                raise bad_request("IMAGE_PROCESS_FAILED")
            return self._store_file(value.content, folder, value.filename, value.mime_type)
        if value in self.files:
            return self.files[value]
        if value.startswith(("http://", "https://")):
            return self._store_file(b"", folder, value.rsplit("/", 1)[-1] or None, None)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _store_file(
        self, content: bytes, folder: str, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        number = len(self.files) + 1
        suffix = ".jpg" if folder == "photos" else _suffix(file_name, mime_type)  # re-encoded
        stored = StoredFile(
            file_id=f"{folder[:3].upper()}-{number:05d}-{self.bot.id}",
            file_unique_id=f"U{number:05d}",
            content=content,
            file_path=f"{folder}/file_{number}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def message_dict(self, message: SentMessage) -> dict[str, Any]:
        """The Bot API `Message` object of a message the bot sent."""
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self.bot.to_dict(),
            "chat": self.group_chats.get(message.chat_id) or self.user(message.chat_id).chat_dict(),
            "date": message.date,
        }
        if message.edit_date:
            data["edit_date"] = message.edit_date
        text_field = "text" if message.kind == "text" else "caption"
        if message.plain_text:
            data[text_field] = message.plain_text
        if message.entities:
            data["entities" if message.kind == "text" else "caption_entities"] = message.entities
        if message.file_id:
            stored = self.files[message.file_id]
            media = stored.photo_sizes() if message.kind == "photo" else stored.document_dict()
            data[message.kind] = media
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data


def _formatted(
    text: str, parse_mode: str | None, limit: int, what: str = "message"
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities after Telegram's entity parsing, within the length limit."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            plain, entities = parse_html(text)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode in ("", "markdown", "markdownv2"):
        plain, entities = text, []  # Markdown is not parsed: the bot uses HTML
    else:
        raise bad_request("unsupported parse_mode")
    if len(plain) > limit:
        raise bad_request(
            "message is too long" if what == "message" else "message caption is too long"
        )
    return plain, entities


def _scope_key(scope: Mapping[str, Any] | None = None, language_code: str = "") -> tuple[str, str]:
    return json.dumps(dict(scope or {"type": "default"}), sort_keys=True), language_code


def _description(reply: Reply) -> str | None:
    try:
        return str(reply.json().get("description"))
    except ValueError:
        return reply.body.decode(errors="replace")


def _with_caption(content: dict[str, Any], caption: str | None) -> dict[str, Any]:
    return content | ({"caption": caption} if caption else {})


def _suffix(file_name: str | None, mime_type: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[-1].lower()
    return (mimetypes.guess_extension(mime_type) if mime_type else None) or ""
