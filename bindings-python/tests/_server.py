"""A real SSE server for the tests: FastAPI on uvicorn, 127.0.0.1, an OS-chosen port, in a thread.

Not httpx's ASGITransport, which buffers whole streaming responses (TOOLCHAIN pitfall 12).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Optional, Union

from fastapi import FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse

from ssert.testing import serve_asgi

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _frame(event_id: int, data: str) -> bytes:
    return f"id: {event_id}\ndata: {data}\n\n".encode()


def make_app() -> FastAPI:
    app = FastAPI()
    gates: dict[str, asyncio.Event] = {}

    def gate(name: str) -> asyncio.Event:
        return gates.setdefault(name, asyncio.Event())

    @app.get("/events")
    async def events(
        count: int = 10,
        per_connection: Optional[int] = None,
        retry: int = 10,
        off_by_one: bool = False,
        one_chunk: bool = False,
        last_event_id: Optional[str] = Header(default=None),
    ) -> Response:
        """Events id 1..count with resume after Last-Event-ID; 204 once everything was sent.

        per_connection closes each connection after that many events (the client reconnects).
        off_by_one is the classic resume bug: it resends the event named by Last-Event-ID.
        one_chunk sends each connection's events in one write (one network read).
        """
        start = int(last_event_id) + 1 if last_event_id else 1
        if off_by_one and last_event_id:
            start -= 1
        if last_event_id and int(last_event_id) >= count:
            return Response(status_code=204)
        end = count if per_connection is None else min(count, start + per_connection - 1)

        async def body() -> AsyncIterator[bytes]:
            frames = [_frame(i, f"event {i}") for i in range(start, end + 1)]
            if one_chunk:
                yield f"retry: {retry}\n\n".encode() + b"".join(frames)
                return
            yield f"retry: {retry}\n\n".encode()
            for frame in frames:
                yield frame

        return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)

    @app.get("/flapping")
    async def flapping(last_event_id: Optional[str] = Header(default=None)) -> StreamingResponse:
        """Asks for no reconnection delay (retry: 0), sends the event after Last-Event-ID and
        closes: an EventSource reconnects at once, again and again."""
        next_id = int(last_event_id) + 1 if last_event_id else 1

        async def body() -> AsyncIterator[bytes]:
            yield b"retry: 0\n\n" + _frame(next_id, f"event {next_id}")

        return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)

    @app.get("/endless")
    async def endless(interval: float = 0.005) -> StreamingResponse:
        async def body() -> AsyncIterator[bytes]:
            i = 0
            while True:
                i += 1
                yield _frame(i, f"tick {i}")
                await asyncio.sleep(interval)

        return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)

    @app.get("/ticker")
    async def ticker(
        interval: float = 0.01,
        off_by_one: bool = False,
        last_event_id: Optional[str] = Header(default=None),
    ) -> StreamingResponse:
        """Endless, resumable: ids continue after Last-Event-ID (or repeat it, off_by_one)."""
        start = int(last_event_id) + (0 if off_by_one else 1) if last_event_id else 1

        async def body() -> AsyncIterator[bytes]:
            yield b"retry: 200\n\n"
            i = start
            while True:
                yield _frame(i, f"tick {i}")
                i += 1
                await asyncio.sleep(interval)

        return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)

    @app.get("/drop-mid-event")
    async def drop_mid_event(last_event_id: Optional[str] = Header(default=None)) -> Response:
        """A server that cuts its first response inside event 3, then resumes correctly."""
        if last_event_id is None:
            parts = [b"retry: 10\n\n", _frame(1, "one"), _frame(2, "two"), b"id: 3\ndata: thr"]
        elif last_event_id == "2":
            parts = [_frame(3, "three"), _frame(4, "four")]
        else:
            return Response(status_code=204)

        async def body() -> AsyncIterator[bytes]:
            for part in parts:
                yield part

        return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)

    @app.get("/silent")
    async def silent() -> StreamingResponse:
        """One event, then nothing at all, forever (only a client-side timeout ends it)."""

        async def body() -> AsyncIterator[bytes]:
            yield _frame(1, "only")
            await asyncio.Event().wait()

        return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)

    @app.get("/gated/{name}")
    async def gated(name: str) -> StreamingResponse:
        """Sends "first", then waits until POST /open/{name} before sending "second"."""

        async def body() -> AsyncIterator[bytes]:
            yield _frame(1, "first")
            await gate(name).wait()
            yield _frame(2, "second")

        return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)

    @app.post("/open/{name}")
    async def open_gate(name: str) -> dict[str, bool]:
        gate(name).set()
        return {"opened": True}

    @app.get("/moved")
    async def moved() -> RedirectResponse:
        """A temporary redirect to a short, valid stream (EventSource follows it)."""
        return RedirectResponse("/events?count=3", status_code=307)

    @app.get("/no-content")
    async def no_content() -> Response:
        return Response(status_code=204)

    @app.get("/json")
    async def json_endpoint() -> JSONResponse:
        return JSONResponse({"not": "a stream"})

    @app.get("/raw")
    async def raw(request: Request) -> StreamingResponse:
        """Echoes the query parameter `body` verbatim, as one chunk per `|`-separated part, with
        the status of the query parameter `status` (default 200) and the Content-Type of
        `content_type` (default text/event-stream; charset=utf-8)."""
        parts = request.query_params.get("body", "").split("|")
        status = int(request.query_params.get("status", "200"))
        headers = dict(SSE_HEADERS)
        if "content_type" in request.query_params:
            headers["Content-Type"] = request.query_params["content_type"]

        async def body() -> AsyncIterator[bytes]:
            for part in parts:
                yield part.encode()
                await asyncio.sleep(0)

        return StreamingResponse(
            body(), status_code=status, media_type="text/event-stream", headers=headers
        )

    return app


@contextmanager
def one_shot_server(body: bytes) -> Iterator[str]:
    """A raw socket server that answers exactly one request with `body` (after an SSE response
    head), then closes its listening socket: every later connection attempt is refused."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def answer_once() -> None:
        connection, _ = listener.accept()
        listener.close()
        with connection:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
                b"connection: close\r\n\r\n" + body
            )

    thread = threading.Thread(target=answer_once, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/once"
    finally:
        thread.join(timeout=10)


SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
    b"x-accel-buffering: no\r\nconnection: close\r\n\r\n"
)
"""A response head for scripted_server(): the body then lasts until the connection closes."""

HOLD = (60.0, None)
"""A scripted_server() answer: accept the request and never answer it (until the server stops)."""

Answer = Union[bytes, tuple[float, Optional[bytes]]]
Step = Union[bytes, float]
"""What a scripted_server() script does next: send bytes, or wait that many seconds."""


@dataclass
class Scripted:
    url: str
    origin: str = ""
    """The server's ``http://127.0.0.1:PORT``, for scripts by path."""
    requests: list[bytes] = field(default_factory=list)
    """The request heads received, in connection order."""

    def header(self, index: int, name: str) -> Optional[bytes]:
        """The raw value of a header of the index-th request, if it was sent."""
        for line in self.requests[index].split(b"\r\n")[1:]:
            key, _, value = line.partition(b":")
            if key.strip().lower() == name.lower().encode():
                return value.strip()
        return None


def _steps(reply: Answer) -> list[Step]:
    delay, body = (0.0, reply) if isinstance(reply, bytes) else reply
    return [delay] if body is None else [delay, body]


@contextmanager
def scripted_server(
    *answers: Answer, by_path: Optional[Mapping[str, Sequence[Step]]] = None
) -> Iterator[Scripted]:
    """A raw HTTP/1.1 server on 127.0.0.1 for what an ASGI app cannot do (a response head that
    never comes, raw header bytes, a body without chunked encoding). The n-th connection gets
    answers[n]: the bytes of a whole response (then the connection is closed), or (delay, bytes)
    to send them after delay seconds, or (delay, None) to close without answering (HOLD: never
    answer). Later connections are held unanswered. With ``by_path``, a request for a path gets
    that path's steps instead (bytes to send, or seconds to wait), then the connection is
    closed. Everything stops, at once, when the block ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    origin = f"http://127.0.0.1:{listener.getsockname()[1]}"
    scripted = Scripted(f"{origin}/scripted", origin)
    stop = threading.Event()
    connections: list[socket.socket] = []
    threads: list[threading.Thread] = []

    def answer(connection: socket.socket, index: int) -> None:
        with connection:
            try:
                head = b""
                while b"\r\n\r\n" not in head:
                    data = connection.recv(65536)
                    if not data:
                        return
                    head += data
                scripted.requests[index] = head.partition(b"\r\n\r\n")[0]
                if by_path is not None:
                    steps: Sequence[Step] = by_path[head.split(b" ")[1].decode()]
                else:
                    steps = _steps(answers[index] if index < len(answers) else HOLD)
                for step in steps:
                    if isinstance(step, bytes):
                        connection.sendall(step)
                    elif stop.wait(step):
                        return
            except OSError:
                pass  # the client went away, or the server stops

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue  # the accept timeout: check whether to stop
            connection.settimeout(10)
            connections.append(connection)
            scripted.requests.append(b"")
            thread = threading.Thread(
                target=answer, args=(connection, len(scripted.requests) - 1), daemon=True
            )
            threads.append(thread)
            thread.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield scripted
    finally:
        stop.set()
        acceptor.join(timeout=5)
        listener.close()
        for connection in connections:
            try:
                # Wakes a recv() blocked in another thread, which close() would not.
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout=5)


# The package's own helper: the tests serve apps exactly as users of ssert.testing do.
serve = serve_asgi
