"""Benchmark: the bot's memory with 15,000 linked users and 2,000 open conversations.

In a child process (so nothing else counts): a SQLite database with 15,000 linked ASN, the
whole bot on the in-process fake Bot API, then 2,000 of them start /lapor and choose their
indicator, leaving the conversation open (state, draft, the time of its last step). Figures:
`peak_rss_mb` (goal < 300) and `rss_kb_per_conversation`, what each open conversation added.

    .venv/bin/python -m benchmarks.memory_bench [--quick]
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import (
    FIRST_USER,
    TOKEN,
    Figures,
    LatentRequest,
    add_staff,
    bench_settings,
    fresh_sqlite,
    main,
)

ROOT = Path(__file__).resolve().parent.parent


def rss_kb() -> int:
    """The resident set size now (Linux), in KB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() // 1024


def peak_rss_kb() -> int:
    """This process's peak resident set size since it started its program (Linux), in KB.

    Not `getrusage`'s `ru_maxrss`: Linux keeps in it the peak of the memory the process had
    before `exec`, i.e. of the parent it was forked from; under `make bench` that was the
    benchmark runner's own 277 MB, not the bot's (188 MB measured alone)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise LookupError("no VmHWM in /proc/self/status")


async def open_conversations(url: str, staff: int, conversations: int) -> Figures:
    from benchmarks.conv_bench import Feed
    from kinerja_bot.app import build_application
    from kinerja_bot.core.collector import settle_after_start
    from kinerja_bot.core.db import Database
    from kinerja_bot.testing.fake_bot_api import FakeBotAPI

    settings = bench_settings(url)
    database = Database(url, settings.database_timeouts)
    await add_staff(database, staff)
    api = FakeBotAPI(token=TOKEN)
    application = build_application(
        settings, request=LatentRequest(api), database=database, rate_limit=False
    )
    settle_after_start()  # as post_init does once the bot has started (not run here)
    feed = Feed(api)
    feed.watch(application)
    users = range(FIRST_USER, FIRST_USER + conversations)

    async def start(user: int) -> None:
        choose = await feed.send(user, lambda: api.send_text(user, "/lapor"))
        assert choose is not None and choose.buttons, choose
        await feed.send(user, lambda: api.press_button(user, choose, label=choose.button_labels[0]))

    for user in users:
        api.user(user)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        before = rss_kb()
        await asyncio.gather(*(start(user) for user in users))
        after = rss_kb()
        await application.updater.stop()
        await application.stop()
    return {
        "peak_rss_mb": round(peak_rss_kb() / 1024, 1),
        "rss_kb_per_conversation": round((after - before) / conversations, 2),
    }


def child(staff: int, conversations: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kinerja-memory-") as folder:
        url = fresh_sqlite(Path(folder), "memory")
        figures = asyncio.run(open_conversations(url, staff, conversations))
    print(json.dumps(figures))


def run(quick: bool = False) -> Figures:
    staff, conversations = (3_000, 400) if quick else (15_000, 2_000)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.memory_bench",
            "--child",
            str(staff),
            str(conversations),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures: Figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]), int(sys.argv[3]))
    else:
        main(run)
