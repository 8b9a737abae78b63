"""`make soak`: the real bot.py under two minutes of load and failure (issue 10, item 15).

    SOAK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kinerja_soak make soak

What runs, all on 127.0.0.1:
- the fake Bot API over HTTP (`FakeBotAPIServer`), failing ~10 % of the bot's calls at random:
  502 from the proxy, and timeouts (the call is carried out, the answer comes too late for the
  client); a few users have blocked the bot (403 on everything to them). 429 comes only as
  Telegram sends it: when the bot goes beyond Telegram's limits (the fake's flood control:
  30 sends in any second overall, BURST_PER_CHAT to one chat);
- a TCP proxy in front of PostgreSQL that cuts every connection and refuses new ones for 10 s,
  once;
- `python bot.py` polling the fake API through the proxy, killed with SIGKILL and restarted at
  three random moments (restarted as well if it exits by itself);
- simulated users (ASN, atasan, citizens) going through /lapor, /cuti, /kinerja, /tim,
  /survei, /datasaya, /bantuan, each waiting for the bot's answer like a person would, and
  retrying a step whose answer was an error message.

It prints `name: value` lines; the database (SOAK_DATABASE_URL) is wiped first. The run is
seeded (`--seed`): the same faults and kill moments each time, not the same interleaving.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import text
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kinerja_bot.core import models  # noqa: E402
from kinerja_bot.core.db import Database  # noqa: E402
from kinerja_bot.core.flood_control import TEXTS as FLOOD_TEXTS  # noqa: E402
from kinerja_bot.core.migrate import upgrade  # noqa: E402
from kinerja_bot.core.rules.periods import wib_today  # noqa: E402
from kinerja_bot.core.telegram_ui import COMMON_TEXTS  # noqa: E402
from kinerja_bot.development.texts import TEXTS as DEVELOPMENT_TEXTS  # noqa: E402
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage  # noqa: E402
from kinerja_bot.testing.flood import BAD_GATEWAY_HTML, LATE_ANSWER_SECONDS  # noqa: E402
from kinerja_bot.testing.protocol import BotAPIError, Reply, Upload  # noqa: E402
from kinerja_bot.testing.transports import FakeBotAPIServer  # noqa: E402

TOKEN = "987654:SOAK-TOKEN"
# Calls the bot makes only while starting: failing them tests the supervisor, not the bot.
STARTUP_METHODS = frozenset({"getMe", "setMyCommands", "deleteWebhook", "getMyCommands"})
# Telegram asks for "about one message a second" to one chat on average and tolerates a short
# burst in a private chat (a reply and the question after it); the soak refuses a fourth send
# to one chat within a second.
BURST_PER_CHAT = 3
ANSWER_WAIT = 30.0  # how long a simulated user waits for any answer before giving up
GALAT = str(COMMON_TEXTS.get("galat"))
GANGGUAN = str(COMMON_TEXTS.get("gangguan"))
SLOW = str(COMMON_TEXTS.get("koneksi_lambat"))
# "Busy, your answer follows": a notice, not the answer a person waits for.
BUSY = str(FLOOD_TEXTS.get("sedang_ramai"))
NOT_A_STEP = (GALAT, GANGGUAN, SLOW, BUSY)
# "Press one of the buttons on the message above": a person scrolls up to the newest buttons.
PRESS_ABOVE = str(COMMON_TEXTS.get("pilih_tombol"))
# The scheduled nudge towards /pengembangan (caught up when the bot starts): not a step of
# anything the user is doing, and a person reads past it.
NUDGE_BUTTON = str(DEVELOPMENT_TEXTS.get("tombol_buka"))
WAIT = "wait"  # what a walk's next move is when the screen shows nothing to act on yet


class FaultyBotAPI(FakeBotAPI):
    """The fake Bot API failing a share of calls at random (seeded), blocked users, and
    Telegram's flood control (429 only when the bot sends too fast)."""

    def __init__(self, rate: float, rng: random.Random, **kwargs: Any) -> None:
        super().__init__(TOKEN, **kwargs)
        self.enforce_rate_limits(per_second=30, per_chat_per_second=BURST_PER_CHAT)
        self.rate, self.rng = rate, rng
        self.failing = False
        self.faults: Counter[str] = Counter()
        self.blocked: set[int] = set()
        self.updates_sent = 0
        self.chat_calls: dict[int, list[tuple[float, str]]] = {}  # for the transcripts

    def push_update(self, update: Mapping[str, Any]) -> dict[str, Any]:
        self.updates_sent += 1
        return super().push_update(update)

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        files: Mapping[str, Upload] | None = None,
    ) -> Reply:
        chat = (params or {}).get("chat_id")
        if isinstance(chat, str) and chat.lstrip("-").isdigit():
            chat = int(chat)
        if chat in self.blocked:
            self.faults["403"] += 1
            return BotAPIError(403, "Forbidden: bot was blocked by the user").reply()
        calls = self.chat_calls.setdefault(chat, []) if isinstance(chat, int) else []
        if not self.failing or method in STARTUP_METHODS or self.rng.random() >= self.rate:
            calls.append((time.monotonic(), method))
            return await super().call(method, params, files)
        kind = self.rng.choice(("502", "timeout"))
        self.faults[kind] += 1
        calls.append((time.monotonic(), f"{method} {kind}"))
        if kind == "502":
            return BotAPIError(502, "Bad Gateway", raw_body=BAD_GATEWAY_HTML).reply()
        reply = await super().call(method, params, files)
        await asyncio.sleep(LATE_ANSWER_SECONDS)
        return reply


class DatabaseProxy:
    """A TCP proxy in front of PostgreSQL that can cut every connection for a while."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.cut = False
        self.connections: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut_for(self, seconds: float) -> None:
        self.cut = True
        for writer in list(self.connections):
            writer.close()
        await asyncio.sleep(seconds)
        self.cut = False

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.connections |= {writer, up_writer}
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            self.connections -= {writer, up_writer}
            writer.close()
            up_writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


class BotProcess:
    """`python bot.py`, restarted whenever it ends; its output appended to one log file."""

    def __init__(self, env: dict[str, str], log_path: Path, cwd: Path) -> None:
        self.env, self.log_path, self.cwd = env, log_path, cwd
        self.process: asyncio.subprocess.Process | None = None
        self.kills = 0
        self.exits = 0
        self.running = True

    async def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "bot.py"),
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

    async def supervise(self) -> None:
        """Restart the bot whenever it ends (a kill, or an exit of its own)."""
        while self.running:
            assert self.process is not None
            process = self.process
            await process.wait()
            if not self.running:
                return
            if process.returncode != -signal.SIGKILL:
                self.exits += 1
                await asyncio.sleep(1)
            await self.start()

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.kills += 1
            self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        self.running = False
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()


# --- the simulated users -------------------------------------------------------------------


@dataclass
class Figures:
    latencies: list[float] = field(default_factory=list)
    unanswered: set[int] = field(default_factory=set)
    unanswered_actions: Counter[str] = field(default_factory=Counter)  # what, when
    journeys: Counter[str] = field(default_factory=Counter)
    finished: Counter[str] = field(default_factory=Counter)
    stuck: Counter[str] = field(default_factory=Counter)  # where unfinished journeys stopped
    kill_moments: list[float] = field(default_factory=list)  # seconds into the soak
    cut_moment: float = 0.0
    reports: set[tuple[int, int]] = field(default_factory=set)  # (telegram id, indicator id)
    surveys: set[tuple[int, str]] = field(default_factory=set)  # (telegram id, service)
    leaves: set[tuple[int, date]] = field(default_factory=set)  # (telegram id, first day)
    transcripts: list[str] = field(default_factory=list)  # unanswered actions, stuck walks


@dataclass
class User:
    telegram_id: int
    role: str  # asn, atasan, citizen
    indicators: dict[str, int] = field(default_factory=dict)  # name → id, not yet reported
    all_indicators: dict[str, int] = field(default_factory=dict)  # name → id
    services: list[str] = field(default_factory=list)  # not yet rated
    leaves: int = 0


class Simulation:
    def __init__(
        self, api: FaultyBotAPI, figures: Figures, rng: random.Random, started: float, until: float
    ) -> None:
        self.api, self.figures, self.rng = api, figures, rng
        self.started, self.until = started, until
        self.actions: dict[int, list[str]] = {}  # what each user did, for the transcripts

    def _state(self, user: int, query: str | None) -> tuple[int, int, bool]:
        sent = [m for m in self.api.sent_to(user) if m.plain_text != BUSY]
        answered = query is not None and self.api.callback_answer(query) is not None
        return len(sent), sum(m.edit_count for m in sent), answered

    async def act(self, user: int, do: Callable[[], str | None], what: str) -> bool:
        """Do one thing and wait for any answer; False (counted) if none comes."""
        if time.monotonic() > self.until + 15:
            return False  # the soak is over: nothing new is started
        before = self._state(user, None)
        started = time.monotonic()
        query = do()
        self.actions.setdefault(user, []).append(f"{started - self.started:.1f}s {what}")
        try:
            await self.api.wait_until(lambda: self._state(user, query) != before, ANSWER_WAIT)
        except TimeoutError:
            self.actions[user][-1] += " (no answer)"
            self.figures.transcripts.append(self.transcript(user, f"no answer to {what}"))
            self.figures.unanswered.add(user)
            second = int(started - self.started) // 10 * 10
            self.figures.unanswered_actions[f"{what} at {second}s"] += 1
            return False
        self.figures.latencies.append(time.monotonic() - started)
        return True

    async def say(self, user: int, text: str) -> bool:
        what = text.split()[0] if text.startswith("/") else "text"
        return await self.act(user, lambda: self.api.send_text(user, text) and None, what)

    async def press(self, user: int, message: SentMessage, data: str) -> bool:
        before = self._state(user, None)
        answered = await self.act(
            user,
            lambda: str(self.api.press_button(user, message, data, check=False)["id"]),
            data.rsplit(":", 1)[0],
        )
        if answered and self._state(user, None) == before:
            # The spinner stopped; the screen follows a moment later (the keyboard goes, the
            # next step comes): a person looks for a moment before pressing again.
            await self.next_change(user, 2.0)
        return answered

    def newest(self, user: int) -> SentMessage | None:
        """The message a person acts on: the newest step (not an error notice, not the
        scheduled nudge); after "press a button on the message above", the newest message
        with buttons."""
        shown = [
            m
            for m in self.api.sent_to(user)
            if not m.deleted
            and m.plain_text not in NOT_A_STEP
            and NUDGE_BUTTON not in m.button_labels
        ]
        latest = max(shown, key=lambda m: m.message_id, default=None)
        if latest is not None and latest.plain_text == PRESS_ABOVE:
            with_buttons = [m for m in shown if m.callback_data]
            return max(with_buttons, key=lambda m: m.message_id, default=latest)
        return latest

    async def settle(self, user: int) -> None:
        """A moment for late answers (a restart, a late reply) before reading the screen."""
        await asyncio.sleep(0.2)

    async def walk(
        self,
        user: int,
        start: str,
        next_move: Callable[[SentMessage], Awaitable[bool] | str | None],
    ) -> bool:
        """Start a journey and follow what the bot shows until `next_move` says done.

        Like a person: after acting, wait for the answer; while the screen shows nothing to
        act on (a pressed question whose next one has not come yet), keep waiting, up to
        ANSWER_WAIT since the last step acted on; then type the command again once, as the
        bot's "koneksi lambat" notice asks (/lapor then offers to continue the draft)."""
        if not await self.say(user, "/batal") or not await self.say(user, start):
            return False
        acted_at = time.monotonic()
        retyped = False
        for _ in range(40):
            if time.monotonic() > self.until + 15:
                return False
            await self.settle(user)
            message = self.newest(user)
            move = next_move(message) if message is not None else WAIT
            if move is None:
                return True
            if not isinstance(move, str):
                if not await move:  # no answer at all within ANSWER_WAIT (counted)
                    return self.stuck(user, start, message)
                acted_at = time.monotonic()
                continue
            waited = time.monotonic() - acted_at
            if waited < ANSWER_WAIT and await self.next_change(user, ANSWER_WAIT - waited):
                continue
            if retyped or not await self.say(user, start):
                return self.stuck(user, start, message)
            retyped, acted_at = True, time.monotonic()
        return self.stuck(user, start, self.newest(user))

    def stuck(self, user: int, start: str, message: SentMessage | None) -> bool:
        """Count where an unfinished walk stopped; False."""
        where = message.plain_text[:50] if message else None
        self.figures.stuck[f"{start.split()[0]}: {where!r}"] += 1
        self.figures.transcripts.append(self.transcript(user, start))
        return False

    def transcript(self, user: int, start: str) -> str:
        """The user's last actions and the last messages on their screen (a stuck walk)."""
        now = time.monotonic() - self.started
        lines = [f"user {user} {start} stuck at {now:.1f}s; did: {self.actions[user][-8:]}"]
        calls = self.api.chat_calls.get(user, [])[-10:]
        lines.append(f"  calls: {[f'{t - self.started:.1f} {c}' for t, c in calls]}")
        for m in self.api.sent_to(user)[-7:]:
            lines.append(
                f"  #{m.message_id} {m.plain_text[:45]!r} buttons={m.callback_data[:3]}"
                f" edits={m.edit_count}{' deleted' if m.deleted else ''}"
            )
        return "\n".join(lines)

    async def next_change(self, user: int, within: float) -> bool:
        before = self._state(user, None)
        try:
            await self.api.wait_until(lambda: self._state(user, None) != before, within)
        except TimeoutError:
            return False
        return True

    async def lapor(self, person: User) -> None:
        user = person.telegram_id
        name = self.rng.choice(sorted(person.indicators))

        def next_move(message: SentMessage) -> Awaitable[bool] | str | None:
            data = message.callback_data
            if message.plain_text.startswith("✅ Laporan tersimpan"):
                # The summary names the indicator: the one this walk meant, or one an earlier,
                # interrupted walk had chosen.
                named = [n for n in person.all_indicators if n in message.plain_text]
                saved = named[0] if len(named) == 1 else name
                self.figures.reports.add((user, person.all_indicators[saved]))
                person.indicators.pop(saved, None)
                return None
            for wanted in ("lapor:kirim", "lapor:lewati", "lapor:lanjut"):
                if wanted in data:
                    return self.press(user, message, wanted)
            if any(d.startswith(("lapor:kendala:", "lapor:dukungan:")) for d in data):
                return self.press(user, message, message.button("Tidak ada")["callback_data"])
            if any(d.startswith("lapor:ind:") for d in data):
                label = next((x for x in message.button_labels if x.startswith(f"{name} ·")), None)
                if label is None:  # reported in an earlier walk whose answer was lost
                    person.indicators.pop(name, None)
                    return WAIT
                return self.press(user, message, message.button(label)["callback_data"])
            if "Ketik angka" in message.plain_text or "realisasi" in message.plain_text.lower():
                return self.say(user, str(self.rng.randint(1, 40)))
            return WAIT

        await self.journey("lapor", self.walk(user, "/lapor", next_move))

    async def survei(self, person: User) -> None:
        user = person.telegram_id
        service = person.services[0]

        def next_move(message: SentMessage) -> Awaitable[bool] | str | None:
            text, data = message.plain_text, message.callback_data
            if text.startswith("Terima kasih! Penilaian Anda"):
                self.figures.surveys.add((user, service))
                person.services.remove(service)
                return None
            if "sudah menilai layanan" in text:
                person.services.remove(service)
                return None
            answers = [d for d in data if d.startswith("svy:a:") and d.endswith(":4")]
            if answers:
                return self.press(user, message, answers[0])
            for wanted in ("svy:p:lewati", "svy:x:lewati", "svy:t:tidak", "svy:c:tidak"):
                if wanted in data:
                    return self.press(user, message, wanted)
            return WAIT

        await self.journey("survei", self.walk(user, f"/start layanan-{service}", next_move))

    async def cuti(self, person: User) -> None:
        user = person.telegram_id
        first = date(2099, 1, 1) + timedelta(days=10 * person.leaves)
        person.leaves += 1

        def next_move(message: SentMessage) -> Awaitable[bool] | str | None:
            text = message.plain_text
            if text.startswith("✅ Tercatat:"):
                # The dates as the bot confirmed them (an interrupted walk may have left its
                # first day in the conversation): "✅ Tercatat: <kind>, 1 Januari 2099 – …".
                first_day = re.findall(r"(\d+) (\w+) (\d{4})", text)[0]
                self.figures.leaves.add((user, _indonesian_date(list(first_day))))
                return None
            kinds = [d for d in message.callback_data if d.startswith("cuti:jenis:")]
            if kinds:
                return self.press(user, message, kinds[0])
            if "Mulai" in text:  # the first day is known: the last day is asked
                return self.say(user, f"{first + timedelta(days=2):%d-%m-%Y}")
            if "tanggal mulai" in text or "Untuk mencatat cuti" in text:
                return self.say(user, f"{first:%d-%m-%Y}")
            return WAIT

        await self.journey("cuti", self.walk(user, "/cuti", next_move))

    async def once(self, person: User, command: str) -> None:
        await self.journey(command, self.say(person.telegram_id, command))

    async def journey(self, name: str, walk: Awaitable[bool]) -> None:
        self.figures.journeys[name] += 1
        if await walk:
            self.figures.finished[name] += 1

    async def live(self, person: User, until: float) -> None:
        """One user's two minutes: journeys with a pause to think between them."""
        await asyncio.sleep(self.rng.uniform(0, 5))
        while time.monotonic() < until:
            choices: list[Callable[[], Awaitable[None]]] = [lambda: self.once(person, "/bantuan")]
            if person.role == "asn":
                choices += [lambda: self.once(person, "/kinerja"), lambda: self.cuti(person)]
                if person.indicators:
                    choices += [lambda: self.lapor(person)] * 3
            elif person.role == "atasan":
                choices += [lambda: self.once(person, "/tim")] * 2
            else:
                choices += [lambda: self.once(person, "/datasaya")]
                if person.services:
                    choices += [lambda: self.survei(person)] * 3
            await self.rng.choice(choices)()
            await asyncio.sleep(self.rng.uniform(1.0, 3.0))


MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"


def _indonesian_date(words: list[str]) -> date:
    day, month, year = words
    return date(int(year), MONTHS.split().index(month) + 1, int(day))


# --- seeding and counting ------------------------------------------------------------------


SERVICES = ("SOAK-KTP", "SOAK-KK", "SOAK-AKTA")


async def seed(database: Database, users: int) -> list[User]:
    """Units with atasan and ASN (four indicators each), services, and citizens."""
    people: list[User] = []
    atasan_count = max(1, users // 20)
    asn_count = users // 2
    async with database.session() as session:
        unit = models.Unit(kode="SOAK", nama="Unit Soak")
        session.add(unit)
        await session.flush()
        for kode in SERVICES:
            session.add(models.Service(kode=kode, nama=f"Layanan {kode}", unit_id=unit.id or 0))
        leaders = []
        for number in range(atasan_count):
            leader = models.Employee(
                nip=_nip(number),
                nama=f"Atasan {number}",
                jabatan="Kepala Seksi",
                unit_id=unit.id or 0,
                telegram_id=8_000_000 + number,
            )
            session.add(leader)
            leaders.append(leader)
            people.append(User(leader.telegram_id or 0, "atasan"))
        await session.flush()
        year = wib_today().year
        for number in range(asn_count):
            asn = models.Employee(
                nip=_nip(1000 + number),
                nama=f"Pegawai {number}",
                jabatan="Analis",
                unit_id=unit.id or 0,
                atasan_id=leaders[number % atasan_count].id,
                telegram_id=8_100_000 + number,
            )
            session.add(asn)
            await session.flush()
            person = User(asn.telegram_id or 0, "asn")
            for kind in range(4):
                indicator = models.Indicator(
                    kode=f"IKI-{number}-{kind}",
                    employee_id=asn.id or 0,
                    tahun=year,
                    rhk="Layanan prima",
                    nama=f"Indikator {kind} pegawai {number}",
                    aspek="kuantitas",
                    satuan="dokumen",
                    target=100,
                    arah="naik",
                    cara_hitung="kumulatif",
                    jenis="utama",
                )
                session.add(indicator)
                await session.flush()
                person.indicators[indicator.nama] = indicator.id or 0
                person.all_indicators[indicator.nama] = indicator.id or 0
            people.append(person)
    for number in range(users - atasan_count - asn_count):
        people.append(User(8_200_000 + number, "citizen", services=list(SERVICES)))
    return people


def _nip(sequence: int) -> str:
    """A well-formed NIP: birth date, appointment month (one per thousand), sex, sequence."""
    return f"198504122010{sequence // 1000 + 1:02d}1{sequence % 1000:03d}"


async def stored(database: Database) -> dict[str, Counter[Any]]:
    async with database.engine.connect() as session:
        reports = await session.execute(
            text(
                "SELECT e.telegram_id, r.indicator_id, r.week_start FROM progressreport r "
                "JOIN employee e ON e.id = r.employee_id"
            )
        )
        leaves = await session.execute(
            text(
                "SELECT e.telegram_id, l.first_day FROM leave l "
                "JOIN employee e ON e.id = l.employee_id"
            )
        )
        surveys = await session.execute(
            text(
                "SELECT s.kode, r.respondent_hash FROM surveyresponse r "
                "JOIN service s ON s.id = r.service_id"
            )
        )
        return {
            "reports": Counter((row[0], row[1]) for row in reports),
            "leaves": Counter((row[0], _as_date(row[1])) for row in leaves),
            "surveys": Counter((row[0], row[1]) for row in surveys),
        }


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def through_proxy(url: str, port: int) -> str:
    parts = urlsplit(url)
    auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{port}"))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- the run -------------------------------------------------------------------------------


async def soak(args: argparse.Namespace) -> int:
    url = args.database_url
    if not url.startswith("postgresql"):
        sys.exit("SOAK_DATABASE_URL must name a PostgreSQL database (it is wiped)")
    rng = random.Random(args.seed)
    database = Database(url)
    async with database.engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.drop_all)
        await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await asyncio.to_thread(upgrade, url)
    people = await seed(database, args.users)

    api = FaultyBotAPI(args.fault_rate, random.Random(args.seed + 1))
    for person in people:
        api.user(person.telegram_id)
    citizens = [p for p in people if p.role == "citizen"]
    blocked = rng.sample(citizens, k=min(len(citizens), max(1, args.users // 50)))
    api.blocked = {p.telegram_id for p in blocked}
    parts = urlsplit(url)
    proxy = DatabaseProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    figures = Figures()

    async with FakeBotAPIServer(api) as server:
        workdir = Path(tempfile.mkdtemp(prefix="soak-"))
        log_path = workdir / "bot.log"
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": server.base_url,
            "DATABASE_URL": through_proxy(url, proxy.port),
            "BOT_USERNAME": api.bot.username or "KinerjaTangselBot",
        }
        bot = BotProcess(env, log_path, workdir)
        await bot.start()
        await api.wait_until(lambda: api.my_commands(), timeout=120)  # the bot is up
        supervisor = asyncio.create_task(bot.supervise())
        api.failing = True
        started = time.monotonic()
        until = started + args.seconds
        simulation = Simulation(api, figures, rng, started, until)
        kill_moments = sorted(rng.uniform(5, args.seconds - 10) for _ in range(args.kills))
        cut_moment = rng.uniform(20, args.seconds - 30)
        figures.kill_moments, figures.cut_moment = kill_moments, cut_moment

        cuts: list[asyncio.Task[None]] = []

        async def disasters() -> None:
            plan = [(moment, "kill") for moment in kill_moments]
            plan += [(cut_moment, "cut")] if args.cut else []
            for moment, what in sorted(plan):
                await asyncio.sleep(max(0.0, started + moment - time.monotonic()))
                if what == "kill":
                    await bot.kill()
                else:
                    cuts.append(asyncio.create_task(proxy.cut_for(args.cut)))

        active = [p for p in people if p not in blocked]
        lives = [simulation.live(person, until) for person in active]
        for person in blocked:  # they write once, then block the bot: every answer is a 403
            api.send_text(person.telegram_id, "/start")
        await asyncio.gather(disasters(), *lives)
        api.failing = False
        await asyncio.sleep(args.drain)  # late answers and retries land
        await bot.stop()
        supervisor.cancel()

    rows = await stored(database)
    await database.dispose()
    log = log_path.read_text(errors="replace")
    report(args, api, bot, figures, rows, log, blocked, log_path)
    if args.transcripts:
        written = "\n".join(figures.transcripts) + "\n"
        await asyncio.to_thread(Path(args.transcripts).write_text, written)
    return 0


def report(
    args: argparse.Namespace,
    api: FaultyBotAPI,
    bot: BotProcess,
    figures: Figures,
    rows: dict[str, Counter[Any]],
    log: str,
    blocked: list[User],
    log_path: Path,
) -> None:
    reports = rows["reports"]
    leaves = rows["leaves"]
    lost_reports = [key for key in figures.reports if reports[key] == 0]
    unconfirmed = (
        sum(1 for key in reports if key not in figures.reports),
        sum(1 for key in leaves if key not in figures.leaves),
    )
    lost_leaves = [key for key in figures.leaves if leaves[key] == 0]
    doubled = sum(1 for n in reports.values() if n > 1) + sum(1 for n in leaves.values() if n > 1)
    doubled += sum(1 for n in rows["surveys"].values() if n > 1)
    replies = sum(
        len(api.sent_to(p)) + sum(m.edit_count for m in api.sent_to(p)) for p in api.users
    )
    replies += len(api.answered_callbacks)
    errors = re.findall(r"ERROR kinerja_bot\.general: Error while handling", log)
    kinds = Counter(
        re.findall(
            r"^(?:telegram\.error\.|sqlalchemy\.exc\.)?(\w+(?:Error|Exception|TimedOut)): ",
            log,
            re.M,
        )
    )
    tracebacks = log.count("Traceback (most recent call last)")
    lines = {
        "duration_s": args.seconds,
        "users": args.users,
        "users_blocked_the_bot": len(blocked),
        "updates sent": api.updates_sent,
        "replies received": replies,
        "bot api faults injected": dict(api.faults),
        "429 from flood control": api.too_many_requests,
        "bot kills (SIGKILL)": bot.kills,
        "bot exits by itself": bot.exits,
        "database cut_s": args.cut,
        "journeys started": dict(figures.journeys),
        "journeys finished": dict(figures.finished),
        "confirmed reports": len(figures.reports),
        "report rows stored": sum(reports.values()),
        "confirmed leaves": len(figures.leaves),
        "leave rows stored": sum(leaves.values()),
        "confirmed surveys": len(figures.surveys),
        "survey rows stored": sum(rows["surveys"].values()),
        "lost": len(lost_reports) + len(lost_leaves),
        "lost items": lost_reports + lost_leaves,
        "stored but confirmation not seen (reports, leaves)": unconfirmed,
        "doubled": doubled,
        "unfinished journeys stopped at": dict(figures.stuck.most_common(6)),
        "unanswered users": len(figures.unanswered),
        "unanswered actions": sum(figures.unanswered_actions.values()),
        "unanswered actions by kind and time": dict(figures.unanswered_actions.most_common(12)),
        "kills at_s": [round(moment) for moment in figures.kill_moments],
        "database cut at_s": round(figures.cut_moment),
        "errors reaching the error handler": len(errors),
        "tracebacks in the bot log": tracebacks,
        "exception types in the bot log": dict(kinds.most_common(8)),
        "unhandled exceptions": log.count("CRITICAL"),
        "p50 reply latency_s": round(statistics.median(figures.latencies), 3)
        if figures.latencies
        else "nan",
        "p99 reply latency_s": round(percentile(figures.latencies, 0.99), 3),
        "answers measured": len(figures.latencies),
        "bot log": str(log_path),
    }
    for name, value in lines.items():
        print(f"{name}: {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--fault-rate", type=float, default=0.10)
    parser.add_argument("--drain", type=float, default=20, help="seconds for late answers")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs at random moments")
    parser.add_argument("--cut", type=float, default=10, help="seconds the database is cut")
    parser.add_argument("--transcripts", help="write where unfinished journeys stopped here")
    parser.add_argument("--database-url", default=os.environ.get("SOAK_DATABASE_URL", ""))
    sys.exit(asyncio.run(soak(parser.parse_args())))


if __name__ == "__main__":
    main()
