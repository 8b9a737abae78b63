"""Telegram's HTML parse mode, as the Bot API server applies it to `text` and `caption`.

`parse_html(text)` returns the text the user sees and its message entities, or raises
`EntityParseError` with Telegram's wording ("Unsupported start tag "br" at byte offset 5", …).
The rules follow tdlib's `parse_html`: the supported tags and attributes of the Bot API's
"HTML style" formatting, tag names case-insensitive, `</>` closes the innermost tag, offsets
in error messages are UTF-8 byte offsets, entity offsets are UTF-16 code units.

One rule is stricter than the server: a bare `&` that does not start an HTML entity is an
error here (Telegram keeps it as text), because the documentation requires it escaped and a
bot that forgets to escape `&` also forgets `<`, which Telegram does reject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_SPACE = " \t\r\n\f\v"
# Plain text runs up to the next entity or tag; emitted as one piece, not char by char.
_MARKUP = re.compile("[&<]")


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's description."""


@dataclass
class _OpenTag:
    """A start tag waiting for its end tag."""

    name: str
    offset: int
    argument: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def html_entity_at(text: str, index: int) -> tuple[str, int] | None:
    """The character of an HTML entity starting at `index` and the index after it, if any."""
    match = _ENTITY.match(text, index)
    if not match:
        return None
    decimal, hexadecimal, name = match.groups()
    if name:
        return NAMED_ENTITIES[name], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def plain_text(html_text: str) -> str:
    """What the user sees of an HTML text; raises `EntityParseError` when Telegram would."""
    return parse_html(html_text)[0]


def parse_html(html_text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into plain text and message entities."""
    return _HtmlParser(html_text).parse()


class _HtmlParser:
    """One pass over the source, keeping a stack of open tags."""

    def __init__(self, source: str):
        self.source = source
        self.pos = 0
        self.out: list[str] = []
        self.utf16_offset = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        """Run the parser; entities come out sorted by offset like Telegram's."""
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if char == "&":
                self._entity()
            elif char == "<":
                self._tag()
            else:
                end = _MARKUP.search(self.source, self.pos)
                stop = len(self.source) if end is None else end.start()
                self._emit(self.source[self.pos : stop])
                self.pos = stop
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16_offset += utf16_length(text)

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode("utf-8"))

    def _char(self, index: int) -> str:
        return self.source[index] if index < len(self.source) else ""

    def _entity(self) -> None:
        decoded = html_entity_at(self.source, self.pos)
        if decoded is None:
            raise EntityParseError(
                f'Unescaped "&" at byte offset {self._byte_offset(self.pos)}: write "&amp;"'
            )
        char, self.pos = decoded
        self._emit(char)

    def _tag(self) -> None:
        if self._char(self.pos + 1) == "/":
            self._end_tag()
        else:
            self._start_tag()

    def _skip_spaces(self) -> None:
        while self._char(self.pos) and self._char(self.pos) in _SPACE:
            self.pos += 1

    def _start_tag(self) -> None:
        begin = self.pos
        self.pos += 1
        while self._char(self.pos) and self._char(self.pos) not in _SPACE + ">":
            self.pos += 1
        if not self._char(self.pos):
            raise EntityParseError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        name = self.source[begin + 1 : self.pos].lower()
        if name not in ENTITY_TYPES:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {self._byte_offset(begin)}'
            )
        tag = _OpenTag(name, self.utf16_offset, attributes=self._attributes(name, begin))
        self.pos += 1  # the ">"
        self._check_start_tag(tag, begin)
        self.stack.append(tag)

    def _attributes(self, tag_name: str, begin: int) -> dict[str, str]:
        """Read `name=value` pairs up to the closing `>` of a start tag."""
        attributes: dict[str, str] = {}
        while True:
            self._skip_spaces()
            char = self._char(self.pos)
            if char == ">":
                return attributes
            if not char:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {self._byte_offset(begin)}"
                )
            name_begin = self.pos
            while self._char(self.pos) and self._char(self.pos) not in _SPACE + "=>":
                self.pos += 1
            name = self.source[name_begin : self.pos].lower()
            if not name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag_name}" at byte offset '
                    f"{self._byte_offset(begin)}"
                )
            self._skip_spaces()
            if self._char(self.pos) != "=":
                if tag_name == "blockquote" and name == "expandable":
                    attributes[name] = ""
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag_name}" at byte offset {self._byte_offset(begin)}'
                )
            self.pos += 1
            self._skip_spaces()
            attributes[name] = self._attribute_value(begin)

    def _attribute_value(self, begin: int) -> str:
        """A quoted string (entities decoded) or an unquoted name token."""
        quote = self._char(self.pos)
        if not quote:
            raise EntityParseError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        if quote not in "'\"":
            token_begin = self.pos
            while self._char(self.pos).isalnum() or self._char(self.pos) in (".", "-"):
                self.pos += 1
            end = self._char(self.pos)
            if not end or end not in _SPACE + ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {self._byte_offset(token_begin)}"
                )
            return self.source[token_begin : self.pos].lower()
        self.pos += 1
        value: list[str] = []
        while self._char(self.pos) and self._char(self.pos) != quote:
            decoded = html_entity_at(self.source, self.pos)
            if decoded:
                value.append(decoded[0])
                self.pos = decoded[1]
            else:
                value.append(self._char(self.pos))
                self.pos += 1
        if not self._char(self.pos):
            raise EntityParseError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        self.pos += 1
        return "".join(value)

    def _check_start_tag(self, tag: _OpenTag, begin: int) -> None:
        """Apply the per-tag attribute rules and keep the entity argument."""
        attributes = tag.attributes
        if tag.name == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset(begin)}'
            )
        if tag.name == "tg-emoji" and not attributes.get("emoji-id"):
            raise EntityParseError(
                f'Custom emoji entity must have "emoji-id" attribute at byte offset '
                f"{self._byte_offset(begin)}"
            )
        if tag.name == "a":
            tag.argument = attributes.get("href", "")
        elif tag.name == "code" and attributes.get("class", "").startswith("language-"):
            tag.argument = attributes["class"].removeprefix("language-")
        elif tag.name == "tg-emoji":
            tag.argument = attributes["emoji-id"]
        elif tag.name == "blockquote" and "expandable" in attributes:
            tag.argument = "expandable"

    def _end_tag(self) -> None:
        begin = self.pos
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        self.pos += 2
        while self._char(self.pos) and self._char(self.pos) not in _SPACE + ">":
            self.pos += 1
        name = self.source[begin + 2 : self.pos].lower()
        self._skip_spaces()
        if self._char(self.pos) != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        self.pos += 1
        tag = self.stack.pop()
        if name and name != tag.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {self._byte_offset(begin)}, expected "</'
                f'{tag.name}>", found "</{name}>"'
            )
        self._close(tag)

    def _close(self, tag: _OpenTag) -> None:
        """Turn a closed tag into an entity (empty ones are dropped, like Telegram does)."""
        length = self.utf16_offset - tag.offset
        if length == 0:
            return
        entity: dict[str, Any] = {
            "type": ENTITY_TYPES[tag.name],
            "offset": tag.offset,
            "length": length,
        }
        if tag.name == "a" and tag.argument:
            entity["url"] = tag.argument
        elif tag.name == "a":
            entity["type"] = "url"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "blockquote" and tag.argument:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "pre" and tag.argument:
            entity["language"] = tag.argument
        elif tag.name == "code" and tag.argument and self.stack and self.stack[-1].name == "pre":
            self.stack[-1].argument = tag.argument  # <pre><code class="language-x">: one entity
            return
        self.entities.append(entity)
