"""A local fake Telegram Bot API for tests, the terminal chat and benchmarks.

    api = FakeBotAPI()
    async with FakeBotAPIServer(api) as server:     # HTTP: Bot(base_url=server.base_url, ...)
        ...
    bot = Bot(api.token, request=FakeRequest(api))  # in-process, no sockets

`fake_bot_api` holds the state and the method semantics, `protocol` the method list and
parameter typing (from the official spec, see `tools/make_bot_api_methods.py`),
`formatting` Telegram's HTML parse mode, `transports` the two ways in.
"""

from kinerja_bot.testing.fake_bot_api import (
    DEFAULT_TOKEN,
    TINY_PNG,
    FakeBotAPI,
    FakeUser,
    MethodCall,
    SentMessage,
    StoredFile,
)
from kinerja_bot.testing.formatting import EntityParseError, parse_html, plain_text
from kinerja_bot.testing.protocol import BotAPIError, Reply, Upload
from kinerja_bot.testing.transports import FakeBotAPIServer, FakeRequest

__all__ = [
    "DEFAULT_TOKEN",
    "TINY_PNG",
    "BotAPIError",
    "EntityParseError",
    "FakeBotAPI",
    "FakeBotAPIServer",
    "FakeRequest",
    "FakeUser",
    "MethodCall",
    "Reply",
    "SentMessage",
    "StoredFile",
    "Upload",
    "parse_html",
    "plain_text",
]
