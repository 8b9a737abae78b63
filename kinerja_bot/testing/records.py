"""What the fake Bot API remembers: users, the bot's messages, files and the call log.

Plain dataclasses with `to_dict()` methods that give the Bot API's JSON objects, so the
state a test asserts on and what PTB receives come from the same record.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


def png(width: int = 1, height: int = 1) -> bytes:
    """A valid white PNG image of the given size."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(tag + data))
        return struct.pack(">I", len(data)) + tag + data + crc

    rows = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


TINY_PNG = png()


def is_image(content: bytes) -> bool:
    """Whether the bytes start like an image Telegram accepts as a photo."""
    webp = content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    return content.startswith(IMAGE_SIGNATURES) or webp


def image_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG; a plausible default for other images."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    return 800, 600


def _set_fields(data: dict[str, Any], source: object, names: tuple[str, ...]) -> dict[str, Any]:
    """Add the optional attributes that are set, as Telegram omits empty fields."""
    return data | {name: getattr(source, name) for name in names if getattr(source, name)}


@dataclass
class FakeUser:
    """A Telegram user; a private chat with the bot has the same id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "id"
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The Bot API `User` object."""
        data = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        return _set_fields(data, self, ("last_name", "username", "language_code"))

    def chat_dict(self) -> dict[str, Any]:
        """The Bot API `Chat` object of this user's private chat."""
        data = {"id": self.id, "type": "private", "first_name": self.first_name}
        return _set_fields(data, self, ("last_name", "username"))


@dataclass
class SentMessage:
    """A message the bot sent: `text` as sent (HTML source), `plain_text` as the user sees it.

    For a photo or document, `text` and `plain_text` hold the caption.
    """

    chat_id: int
    message_id: int
    kind: str  # "text", "photo" or "document"
    text: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    date: int
    plain_text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    file_id: str | None = None
    edit_count: int = 0
    edit_date: int | None = None
    deleted: bool = False

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard buttons, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def button_labels(self) -> list[str]:
        """The labels of the inline keyboard buttons."""
        return [button["text"] for button in self.buttons]

    @property
    def callback_data(self) -> list[str]:
        """The callback_data of every inline button that has one."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def button(self, label: str) -> dict[str, Any]:
        """The inline button with this exact label."""
        for button in self.buttons:
            if button["text"] == label:
                return button
        raise LookupError(f"no button {label!r} on message {self.message_id}: {self.button_labels}")


@dataclass
class StoredFile:
    """A file Telegram keeps: uploaded by the bot or sent by a user."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The Bot API `File` object (what getFile returns)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }

    def document_dict(self) -> dict[str, Any]:
        """The Bot API `Document` object."""
        data = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        return _set_fields(data, self, ("file_name", "mime_type"))

    def photo_sizes(self) -> list[dict[str, Any]]:
        """The Bot API `PhotoSize` list (one size: the fake does not resize)."""
        width, height = image_size(self.content)
        size = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": width,
            "height": height,
            "file_size": len(self.content),
        }
        return [size]


@dataclass(frozen=True)
class MethodCall:
    """One call the bot made: method, typed parameters, HTTP status and error description."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200
