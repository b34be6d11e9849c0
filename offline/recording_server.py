"""A real HTTP server on 127.0.0.1 that records every request and answers as told.

It plays the ticketing API (and any other API an HTTP step calls): the
http:invoke integration sends the state machine's requests here, so a test can
assert exactly what Step Functions would have sent (method, path, query,
headers, body) and can make the API answer 201, 429, 500, hang, or be down.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LOOPBACK = "127.0.0.1"
MAX_HANG_SECONDS = 30.0
"""A hung request is released after this long at the latest, so no thread outlives a test run."""


@dataclass(frozen=True)
class Reply:
    status: int | None
    """None: hang, never answer."""
    body: Any = None
    content_type: str = "application/json"
    """A bytes body is sent as it is; any other body as JSON."""

    @classmethod
    def json(cls, status: int, body: Any) -> Reply:
        return cls(status, body)

    @classmethod
    def hang(cls) -> Reply:
        return cls(None)

    @classmethod
    def binary(cls, status: int, body: bytes, content_type: str = "application/octet-stream") -> Reply:
        return cls(status, body, content_type)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The value of a header, by case-insensitive name; None if absent."""
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[0] if values else None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Script:
    replies: list[Reply] = field(default_factory=list)
    default: Reply = field(default_factory=lambda: Reply(200, {}))

    def next(self) -> Reply:
        return self.replies.pop(0) if self.replies else self.default


class RecordingServer:
    def __init__(self, name: str, default: Reply):
        self.name = name
        self._default = default
        self._script = _Script(default=default)
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self._port}"

    def start(self) -> RecordingServer:
        self._release.clear()
        self._server = ThreadingHTTPServer((LOOPBACK, self._port), self._handler_class())
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None

    @contextmanager
    def down(self) -> Iterator[None]:
        """Nothing listens on the port (connections are refused) until the block ends."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def answer(self, *replies: Reply) -> None:
        """The next requests get these replies, in order; later ones get the default."""
        with self._lock:
            self._script = _Script(replies=list(replies), default=self._default)

    def answer_always(self, reply: Reply) -> None:
        with self._lock:
            self._script = _Script(default=reply)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        """Forgets the requests, goes back to the default reply and releases hung requests."""
        self._release.set()
        with self._lock:
            self._requests.clear()
            self._script = _Script(default=self._default)
        self._release = threading.Event()

    def _take(self, request: RecordedRequest) -> tuple[Reply, threading.Event]:
        with self._lock:
            self._requests.append(request)
            return self._script.next(), self._release

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = RecordedRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query, keep_blank_values=True),
                    headers=list(self.headers.items()),
                    body=self.rfile.read(length),
                )
                reply, release = server._take(request)
                if reply.status is None:
                    release.wait(MAX_HANG_SECONDS)
                    self.close_connection = True
                    return
                payload = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the recorded requests are the log."""

        return Handler
