"""Injected faults and Telegram's flood control, to test retries, pacing and exactly-once.

A `Fault` fails matching calls a number of times with 429, 502 or 403, or lets them through and
answers too late ("timeout": the call is carried out, the client gives up first). `FloodControl`
answers 429 to sends beyond a count in any sliding second, overall and per chat (Telegram's
documented ~30 messages per second and ~1 per second to one chat). Both run before a method
changes any state, so a refused send is never stored.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kinerja_bot.testing.protocol import BotAPIError

FAULT_KINDS = (429, 502, 403, "timeout")
# A "timeout" answer comes this much later: after PTB's default read timeout of 5 s.
LATE_ANSWER_SECONDS = 6.0
# Sends that land a little under one second apart (timer jitter) still count as a second apart.
WINDOW = 1.0
SLACK = 0.02
BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


def too_many_requests(retry_after: int) -> BotAPIError:
    """Telegram's flood-control answer."""
    return BotAPIError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


@dataclass
class Fault:
    """An injected failure waiting for matching calls; `remaining` None means forever."""

    method: str
    kind: int | str
    chat_id: int | None
    remaining: int | None
    retry_after: int

    def matches(self, method: str, values: Mapping[str, Any]) -> bool:
        """Whether a call of `method` with these parameters triggers this fault."""
        method_ok = self.method in ("*", method)
        return method_ok and (self.chat_id is None or values.get("chat_id") == self.chat_id)

    def fire(self) -> BotAPIError | None:
        """Count one use and return the error to answer with (None: answer late)."""
        if self.remaining is not None:
            self.remaining -= 1
        if self.kind == "timeout":
            return None
        if self.kind == 429:
            return too_many_requests(self.retry_after)
        if self.kind == 403:
            return BotAPIError(403, "Forbidden: bot was blocked by the user")
        return BotAPIError(502, "Bad Gateway", raw_body=BAD_GATEWAY_HTML)

    @property
    def spent(self) -> bool:
        """Whether the fault has fired as many times as asked."""
        return self.remaining is not None and self.remaining <= 0


@dataclass
class FloodControl:
    """Sliding-second limits on sends: overall and per chat (None = unlimited)."""

    per_second: int | None
    per_chat_per_second: int | None
    clock: Callable[[], float]
    sends: deque[float] = field(default_factory=deque)
    chat_sends: dict[Any, deque[float]] = field(default_factory=dict)

    def admit(self, chat_id: Any) -> None:
        """Count a send to `chat_id`, or raise a 429 with the seconds until one is allowed."""
        now = self.clock()
        horizon = now - WINDOW + SLACK
        chat_sends = self.chat_sends.setdefault(chat_id, deque())
        for sends in (self.sends, chat_sends):
            while sends and sends[0] <= horizon:
                sends.popleft()
        for sends, cap in ((self.sends, self.per_second), (chat_sends, self.per_chat_per_second)):
            if cap is not None and len(sends) >= cap:
                raise too_many_requests(max(1, math.ceil(sends[-cap] - horizon)))
        self.sends.append(now)
        chat_sends.append(now)
