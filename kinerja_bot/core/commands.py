"""Every bot command in one list: who sees it in /bantuan, and the menu registered with Telegram.

Each feature adds its commands here; descriptions live in `percakapan/perintah.yaml`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import BotCommand

from kinerja_bot.core.people import Person
from kinerja_bot.core.texts import TextBook


@dataclass(frozen=True)
class Command:
    name: str
    visible_to: Callable[[Person], bool]


def everyone(_: Person) -> bool:
    return True


def not_linked(person: Person) -> bool:
    return not person.is_employee


def employee(person: Person) -> bool:
    return person.is_employee


def supervisor(person: Person) -> bool:
    return person.has_subordinates or bool(person.head_of_units)


def atasan(person: Person) -> bool:
    return person.has_subordinates


def head(person: Person) -> bool:
    return bool(person.head_of_units)


def head_or_admin(person: Person) -> bool:
    return bool(person.head_of_units) or person.is_admin


COMMANDS: tuple[Command, ...] = (
    Command("start", everyone),
    Command("daftar", not_linked),
    Command("lapor", employee),
    Command("kinerja", employee),
    Command("tim", supervisor),
    Command("cuti", employee),
    # Evaluation, needs analysis and personal files (evaluation/, analysis/).
    Command("nilai", atasan),
    Command("kompetensi", atasan),
    Command("evaluasi", employee),
    Command("laporansaya", employee),
    Command("analisis", head_or_admin),
    # Competency development (development/).
    Command("pengembangan", employee),
    # Citizens: survey, complaint tickets, privacy (survey/, complaints/, privacy/).
    Command("survei", everyone),
    Command("adu", everyone),
    Command("tiket", everyone),
    Command("ikm", head_or_admin),
    Command("rtl", head),
    Command("privasi", everyone),
    Command("datasaya", everyone),
    Command("hapusdata", everyone),
    Command("bantuan", everyone),
    Command("batal", everyone),
)

TEXTS = TextBook("perintah", {command.name: () for command in COMMANDS})


def menu() -> list[BotCommand]:
    """The command menu registered with Telegram (descriptions are plain text there)."""
    return [BotCommand(command.name, TEXTS.get(command.name)) for command in COMMANDS]


def command_list(person: Person) -> str:
    """The commands this person can use, one per line, for /start and /bantuan."""
    return "\n".join(
        f"/{command.name} — {TEXTS.get(command.name)}"
        for command in COMMANDS
        if command.visible_to(person)
    )
