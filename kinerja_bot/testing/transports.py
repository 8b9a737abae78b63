"""Two ways for a bot to reach a `FakeBotAPI`: real HTTP on 127.0.0.1, or in-process.

`FakeBotAPIServer` is a tornado HTTP server with Telegram's URL layout
(`/bot<token>/<method>`, `/file/bot<token>/<file_path>`): point `TELEGRAM_BASE_URL` (or
`Bot(base_url=..., base_file_url=...)`) at it and the bot runs unchanged, HTTP stack and all.
It accepts JSON, url-encoded and multipart bodies, as Telegram does.

`FakeRequest` is a `telegram.request.BaseRequest` that hands the bot's calls straight to the
fake: no sockets, for the terminal chat and fast tests. It decodes PTB's `RequestData` the
same way the server decodes a form post, so both transports exercise the same checks.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import unquote, urlsplit

import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from kinerja_bot.testing.protocol import NOT_FOUND, UNAUTHORIZED, Reply, Upload, bad_request

_API_PATH = re.compile(r"/(file/)?bot([^/]+)/(.*)$")


async def serve_file(api: FakeBotAPI, token: str, file_path: str) -> Reply:
    """The bytes of a stored file, as the file URL serves them."""
    if token != api.token:
        return UNAUTHORIZED
    stored = api.file_at(file_path)
    if stored is None:
        return NOT_FOUND
    return Reply(200, stored.content, stored.mime_type or "application/octet-stream")


class _MethodHandler(tornado.web.RequestHandler):
    """`/bot<token>/<method>`: decode the body, run the call, write Telegram's reply."""

    def initialize(self, server: FakeBotAPIServer) -> None:
        self.server = server
        self.task: asyncio.Task[Reply] | None = None

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        if token != self.server.api.token:
            return self._write(UNAUTHORIZED)
        try:
            params, files = self._decode()
        except ValueError:
            return self._write(bad_request("can't parse JSON object").reply())
        self.task = asyncio.ensure_future(self.server.api.call(method, params, files))
        self.server.tasks.add(self.task)
        try:
            reply = await self.task
        except asyncio.CancelledError:
            return None  # the client went away or the server is stopping
        finally:
            self.server.tasks.discard(self.task)
        self._write(reply)

    def on_connection_close(self) -> None:
        """A client that hangs up ends its long poll at once."""
        if self.task is not None:
            self.task.cancel()

    def _decode(self) -> tuple[dict[str, Any], dict[str, Upload]]:
        """Parameters from the query string and a JSON, url-encoded or multipart body."""
        request = self.request
        params: dict[str, Any] = {k: v[-1].decode() for k, v in request.query_arguments.items()}
        content_type = request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and request.body:
            body = json.loads(request.body)
            if not isinstance(body, dict):
                raise ValueError("a JSON body must be an object")
            params.update(body)
        else:
            params.update({k: v[-1].decode() for k, v in request.body_arguments.items()})
        files = {
            name: Upload(parts[-1].body, parts[-1].filename or None, parts[-1].content_type)
            for name, parts in request.files.items()
        }
        return params, files

    def _write(self, reply: Reply) -> None:
        self.set_status(reply.status)
        self.set_header("Content-Type", reply.content_type)
        self.finish(reply.body)


class _FileHandler(tornado.web.RequestHandler):
    """`/file/bot<token>/<file_path>`: download a stored file."""

    def initialize(self, server: FakeBotAPIServer) -> None:
        self.server = server

    async def get(self, token: str, file_path: str) -> None:
        reply = await serve_file(self.server.api, token, file_path)
        self.set_status(reply.status)
        self.set_header("Content-Type", reply.content_type)
        self.finish(reply.body)


class FakeBotAPIServer:
    """The fake Bot API over HTTP on 127.0.0.1 and a free port: `async with` starts it."""

    def __init__(self, api: FakeBotAPI, *, host: str = "127.0.0.1", port: int = 0):
        self.api = api
        self.host = host
        self.port = port
        self.tasks: set[asyncio.Task[Reply]] = set()
        self._http: tornado.httpserver.HTTPServer | None = None

    @property
    def base_url(self) -> str:
        """The value for TELEGRAM_BASE_URL / `Bot(base_url=...)`."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """The value for `Bot(base_file_url=...)`."""
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        """Listen and serve on the running event loop."""
        app = tornado.web.Application(
            [
                (r"/file/bot([^/]+)/(.+)", _FileHandler, {"server": self}),
                (r"/bot([^/]+)/([^/]*)", _MethodHandler, {"server": self}),
            ],
            log_function=lambda handler: None,
        )
        sockets = tornado.netutil.bind_sockets(self.port, self.host)
        self.port = sockets[0].getsockname()[1]
        self._http = tornado.httpserver.HTTPServer(app)
        self._http.add_sockets(sockets)

    async def stop(self) -> None:
        """Stop listening, end pending long polls and close every connection."""
        if self._http is None:
            return
        self._http.stop()
        for task in list(self.tasks):
            task.cancel()
        await self._http.close_all_connections()
        self._http = None

    async def __aenter__(self) -> FakeBotAPIServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()


class FakeRequest(BaseRequest):
    """A PTB request object that calls the fake in-process: `Bot(token, request=...)`."""

    def __init__(self, api: FakeBotAPI, *, read_timeout: float | None = 5.0):
        self.api = api
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout; PTB adds the long-poll timeout for getUpdates."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route `{base_url}{token}/{method}` to the fake and file URLs to its files."""
        match = _API_PATH.search(unquote(urlsplit(url).path))  # PTB quotes ":" in file URLs
        if match is None:
            return NOT_FOUND.status, NOT_FOUND.body
        is_file, token, rest = match.groups()
        if is_file:
            reply = await serve_file(self.api, token, rest)
        elif token != self.api.token:
            reply = UNAUTHORIZED
        else:
            try:
                async with asyncio.timeout(self._timeout(read_timeout)):
                    reply = await self._call(rest, request_data)
            except TimeoutError:
                raise TimedOut from None
        return reply.status, reply.body

    async def _call(self, method: str, request_data: RequestData | None) -> Reply:
        """Decode the RequestData like a form post and run the call."""
        params: dict[str, Any] = dict(request_data.json_parameters) if request_data else {}
        files = {
            name: Upload(content if isinstance(content, bytes) else content.read(), filename, mime)
            for name, (filename, content, mime) in (
                request_data.multipart_data.items() if request_data else ()
            )
        }
        return await self.api.call(method, params, files)

    def _timeout(self, read_timeout: object) -> float | None:
        if isinstance(read_timeout, int | float):
            return float(read_timeout)
        return self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else None
