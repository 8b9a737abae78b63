"""User-facing texts from `percakapan/<book>.yaml`, checked against what the code supplies.

Each feature declares its book: the keys it uses and the placeholders it fills in. At start
`validate_all()` loads every declared book and stops with the file and key named when a key is
missing, a text uses a placeholder the code does not supply, a text is over Telegram's limits,
or callback data is over 64 bytes.

Escaping has one rule: a value is HTML-escaped exactly once, when it is filled into a text.
Messages are HTML (parse mode), so `get` escapes the values and returns `Markup`; a rendered
text used as a value of another text is therefore not escaped again. Button labels (`tombol_…`)
and pop-up alerts (`peringatan_…`) are shown by Telegram as plain text: nothing is escaped.
Handlers pass user text as it was typed, never pre-escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from string import Formatter
from typing import Any, ClassVar

import yaml

MESSAGE_LIMIT = 4096
BUTTON_LABEL_LIMIT = 64
ALERT_LIMIT = 200  # answerCallbackQuery text
CALLBACK_DATA_LIMIT = 64


def percakapan_dir() -> Path:
    """The `percakapan/` folder: inside the installed wheel, or beside the package in a checkout."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "percakapan"
    return packaged if packaged.is_dir() else package.parent / "percakapan"


class TextError(Exception):
    """A text file does not fit the code; the message names the file and key."""


class Markup(str):
    """A value that is already HTML and must not be escaped again."""


def placeholders(template: str) -> set[str]:
    return {
        field.split(".")[0].split("[")[0] for _, field, _, _ in Formatter().parse(template) if field
    }


def is_plain_text(key: str) -> bool:
    """Button labels and pop-up alerts: Telegram does not parse HTML in them."""
    return key.startswith(("tombol_", "peringatan_"))


def limit_for(key: str) -> int:
    """Keys say what a text is: `tombol_…` a button label, `peringatan_…` a pop-up alert."""
    if key.startswith("tombol_"):
        return BUTTON_LABEL_LIMIT
    if key.startswith("peringatan_"):
        return ALERT_LIMIT
    return MESSAGE_LIMIT


class TextBook:
    """The texts of one conversation: `book.get("key", name=value)` renders one.

    `html=False` is for terminal output (the admin CLI), where nothing is escaped.
    """

    _registry: ClassVar[dict[str, TextBook]] = {}

    def __init__(
        self,
        name: str,
        keys: Mapping[str, tuple[str, ...]],
        *,
        data: tuple[str, ...] = (),
        html: bool = True,
    ):
        self.name = name
        self.keys = dict(keys)
        self.data_keys = data
        self.html = html
        self._loaded: dict[str, Any] | None = None
        TextBook._registry[name] = self

    @property
    def path(self) -> Path:
        return percakapan_dir() / f"{self.name}.yaml"

    def _load(self) -> dict[str, Any]:
        if self._loaded is None:
            self._loaded = self._read_and_check()
        return self._loaded

    def _read_and_check(self) -> dict[str, Any]:
        where = f"percakapan/{self.name}.yaml"
        try:
            content = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise TextError(f"{where}: berkas tidak ada") from None
        except yaml.YAMLError as error:
            raise TextError(f"{where}: YAML tidak valid: {error}") from None
        if not isinstance(content, dict):
            raise TextError(f"{where}: isi harus berupa pasangan kunci: teks")
        for key, allowed in self.keys.items():
            if key not in content:
                raise TextError(f"{where}: kunci '{key}' tidak ada")
            text = content[key]
            if not isinstance(text, str):
                raise TextError(f"{where}: kunci '{key}' harus berupa teks")
            unknown = placeholders(text) - set(allowed)
            if unknown:
                names = ", ".join("{" + name + "}" for name in sorted(unknown))
                raise TextError(f"{where}: kunci '{key}': placeholder tidak dikenal {names}")
            limit = limit_for(key)
            if len(text) > limit:
                raise TextError(f"{where}: kunci '{key}': {len(text)} karakter, batas {limit}")
        for key in self.data_keys:
            if key not in content:
                raise TextError(f"{where}: kunci '{key}' tidak ada")
            _check_data(content[key], f"{where}: kunci '{key}'")
        return content

    def get(self, key: str, /, **values: Any) -> str:
        """Render a text; in a message, every value that is not Markup is escaped (once)."""
        if key not in self.keys:
            raise KeyError(f"{self.name}.{key} is not declared")
        template: str = self._load()[key]
        if not self.html or is_plain_text(key):
            return template.format(**values).strip()
        escaped = {
            name: value if isinstance(value, Markup) else html.escape(str(value), quote=False)
            for name, value in values.items()
        }
        return Markup(template.format(**escaped).strip())

    def data(self, key: str) -> Any:
        """Structured data (a questionnaire, a list of options) declared with `data=`."""
        if key not in self.data_keys:
            raise KeyError(f"{self.name}.{key} is not declared as data")
        return self._load()[key]

    @classmethod
    def validate_all(cls) -> list[str]:
        """Load and check every declared book; returns their names, raises TextError."""
        for book in cls._registry.values():
            book._loaded = None
            book._load()
        return sorted(cls._registry)


def _check_data(value: Any, where: str) -> None:
    """Walk structured data: `data` entries are callback data, `label` entries are buttons."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "data" and len(str(item).encode("utf-8")) > CALLBACK_DATA_LIMIT:
                raise TextError(f"{where}: callback data '{item}' lebih dari 64 byte")
            if key == "label" and len(str(item)) > BUTTON_LABEL_LIMIT:
                raise TextError(f"{where}: label '{item}' lebih dari {BUTTON_LABEL_LIMIT} karakter")
            if isinstance(item, str) and len(item) > MESSAGE_LIMIT:
                raise TextError(f"{where}.{key}: lebih dari {MESSAGE_LIMIT} karakter")
            _check_data(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_data(item, f"{where}[{index}]")
