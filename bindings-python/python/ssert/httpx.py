"""httpx integration: the httpx-sse API, parsed by the ssert core, plus reconnect and recording.

Migrating from httpx-sse is an import change::

    from ssert.httpx import connect_sse          # was: from httpx_sse import connect_sse

    with httpx.Client() as client:
        with connect_sse(client, "GET", url) as event_source:
            for sse in event_source.iter_sse():
                print(sse.event, sse.data, sse.id, sse.retry)

On top of that, ``iter_sse()`` / ``aiter_sse()`` take bounds so an endless stream can never hang a
test (``max_events``, ``timeout`` in seconds) and can reconnect like an EventSource
(``max_reconnects``): after the stream ends or fails, wait the server's ``retry`` (or
``default_retry`` ms), reconnect with ``Last-Event-ID``, and go on; a 204 response stops for good.
Every connection is recorded (raw timestamped chunks) in ``event_source.recording`` unless
``connect_sse(..., record=False)``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Optional, Union

import httpx

from ._errors import SSEError
from ._recording import ConnectionRecorder, Recorder
from ._ssert import Event, Parser

__all__ = [
    "EventSource",
    "AsyncEventSource",
    "connect_sse",
    "aconnect_sse",
    "ServerSentEvent",
    "SSEError",
    "SSEResponseError",
]

ServerSentEvent = Event
"""Alias so code written for httpx-sse's ``ServerSentEvent`` keeps working."""

# Keyword arguments of Client.stream() that belong to Client.send(), not Client.build_request().
_SEND_KWARGS = ("auth", "follow_redirects")


class SSEResponseError(SSEError, httpx.TransportError):
    """The response cannot carry an event stream: a status other than 200 (204 ends the stream
    without an error) or a Content-Type other than ``text/event-stream``, as ``EventSource``
    decides.

    It is both an ``ssert.SSEError`` and an ``httpx.TransportError`` (like httpx-sse's
    ``SSEError``), so existing ``except`` clauses keep working.
    """

    response: httpx.Response

    def __init__(self, message: str, response: httpx.Response) -> None:
        SSEError.__init__(self, message, "RESPONSE", 0)
        self.response = response
        self._request = response.request


def _check_response(response: httpx.Response, session: _Session) -> None:
    """Raises ``SSEResponseError`` for a response ``EventSource`` would fail, after recording
    that the client gave up on it."""
    content_type = response.headers.get("content-type", "").partition(";")[0]
    if response.status_code != 200:
        message = (
            f"Expected response status 200 (or 204 to stop), got {response.status_code} "
            f"(Content-Type {content_type!r})"
        )
    elif "text/event-stream" not in content_type:
        message = (
            "Expected response header Content-Type to contain 'text/event-stream', "
            f"got {content_type!r}"
        )
    else:
        return
    error = SSEResponseError(message, response)
    session.refused(error)
    raise error


def _split_kwargs(kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    build = {k: v for k, v in kwargs.items() if k not in _SEND_KWARGS}
    send = {k: v for k, v in kwargs.items() if k in _SEND_KWARGS}
    return build, send


class _Session:
    """The reconnect and recording state shared by the sync and async event sources."""

    def __init__(
        self,
        method: str,
        url: Union[str, httpx.URL],
        kwargs: dict[str, Any],
        record: bool,
    ) -> None:
        self.method = method
        self.url = url
        headers = httpx.Headers(kwargs.pop("headers", None))
        headers["Accept"] = "text/event-stream"
        headers["Cache-Control"] = "no-store"
        self.headers = headers
        self.build_kwargs, self.send_kwargs = _split_kwargs(kwargs)
        self.parser = Parser()
        self.recorder: Optional[Recorder] = Recorder("ssert-py httpx") if record else None
        self.connection: Optional[ConnectionRecorder] = None
        self.reconnects = 0
        self.events_seen = 0

    def request_headers(self) -> httpx.Headers:
        headers = self.headers.copy()
        last_event_id = self.parser.last_event_id
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        return headers

    def sending(self, request: httpx.Request) -> None:
        if self.recorder is not None:
            self.connection = self.recorder.connection(
                request.method, str(request.url), request.headers.multi_items()
            )

    def opened(self, response: httpx.Response) -> None:
        if self.connection is not None:
            self.connection.response(response.status_code, response.headers.multi_items())

    def chunk(self, data: bytes) -> list[Event]:
        if self.connection is not None:
            self.connection.chunk(data)
        return self.parser.feed(data)

    def ended(self, kind: str, error: Optional[BaseException] = None) -> list[Event]:
        """The connection is over: end the stream in the parser (an unterminated tail is lost)."""
        if self.connection is not None:
            self.connection.end(kind, None if error is None else f"{type(error).__name__}: {error}")
        return self.parser.close()

    def refused(self, error: BaseException) -> None:
        """The client will not read this response (wrong status or Content-Type)."""
        if self.connection is not None:
            self.connection.end("client_closed", str(error))

    def failed_to_connect(self, error: BaseException) -> None:
        if self.connection is not None:
            self.connection.end("network_error", f"{type(error).__name__}: {error}")

    def delay(self, default_retry: int) -> float:
        retry = self.parser.retry
        return (default_retry if retry is None else retry) / 1000.0


class _Bounds:
    """Limits of one ``iter_sse()`` call."""

    def __init__(
        self,
        max_events: Optional[int],
        timeout: Optional[float],
        max_reconnects: Optional[int],
        force_reconnect_after: Optional[int],
    ) -> None:
        if max_reconnects is None and timeout is None and max_events is None:
            raise ValueError(
                "max_reconnects=None (reconnect forever) needs a timeout or max_events bound"
            )
        if force_reconnect_after is not None and force_reconnect_after < 1:
            raise ValueError("force_reconnect_after must be >= 1")
        self.max_events = max_events
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.max_reconnects = max_reconnects
        self.force_reconnect_after = force_reconnect_after
        self.events = 0

    def remaining(self) -> Optional[float]:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def full(self) -> bool:
        return self.max_events is not None and self.events >= self.max_events

    def may_reconnect(self, reconnects: int, delay: float) -> bool:
        if self.full() or (self.max_reconnects is not None and reconnects >= self.max_reconnects):
            return False
        remaining = self.remaining()
        return remaining is None or delay < remaining


class _SessionView:
    """What the sync and async event sources both expose about their session."""

    _session: _Session
    _response: Optional[httpx.Response]

    @property
    def response(self) -> httpx.Response:
        """The response of the current (latest) connection."""
        assert self._response is not None, "the first connection opens on entering the context"
        return self._response

    @property
    def recording(self) -> Optional[Recorder]:
        """Every connection so far, in the shared recording format (None with record=False)."""
        return self._session.recorder

    @property
    def last_event_id(self) -> str:
        """The last event ID seen: what the next reconnect sends as Last-Event-ID."""
        return self._session.parser.last_event_id

    @property
    def reconnects(self) -> int:
        """How many times this source reconnected."""
        return self._session.reconnects

    @property
    def errors(self) -> list[SSEError]:
        """Parse errors over all connections so far (e.g. ``IncompleteEventError`` when a
        connection ended inside an event), as ``ssert.Parser.errors``."""
        return self._session.parser.errors


class EventSource(_SessionView):
    """A (reconnecting, recording) event stream over an ``httpx.Client``."""

    def __init__(self, client: httpx.Client, session: _Session) -> None:
        self._client = client
        self._session = session
        self._response: Optional[httpx.Response] = None
        self._expired = threading.Event()

    def _connect(self) -> httpx.Response:
        session = self._session
        request = self._client.build_request(
            session.method, session.url, headers=session.request_headers(), **session.build_kwargs
        )
        session.sending(request)
        response = self._client.send(request, stream=True, **session.send_kwargs)
        session.opened(response)
        self._response = response
        return response

    def _close(self) -> None:
        if self._response is not None:
            self._response.close()

    def _expire(self) -> None:
        # Runs on a timer thread while the iterating thread may be blocked in a socket read.
        # Closing the response from here would not wake that read (it would last until httpx's
        # read timeout); shutting the socket down does, at once, on every platform.
        self._expired.set()
        response = self._response
        stream = None if response is None else response.extensions.get("network_stream")
        sock = None if stream is None else stream.get_extra_info("socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def iter_sse(
        self,
        *,
        max_events: Optional[int] = None,
        timeout: Optional[float] = None,
        max_reconnects: Optional[int] = 0,
        default_retry: int = 3000,
        force_reconnect_after: Optional[int] = None,
    ) -> Iterator[Event]:
        """Yield events as they arrive.

        Args:
            max_events: stop after this many events (over all connections).
            timeout: stop after this many seconds, even while waiting for bytes.
            max_reconnects: reconnect at most this many times when the stream ends or fails
                (0, the default, behaves like httpx-sse; None = no limit, needs another bound).
            default_retry: reconnection delay in ms while the server has sent no ``retry:``.
            force_reconnect_after: drop the connection after this many events on it and
                reconnect (tests the server's Last-Event-ID resume); counts as a reconnect.

        A 204 response ends the iteration and is never retried. Another status than 200, or a
        Content-Type other than ``text/event-stream``, raises ``SSEResponseError`` (on the first
        connection as on a reconnect, as ``EventSource`` fails the connection).
        """
        bounds = _Bounds(max_events, timeout, max_reconnects, force_reconnect_after)
        session = self._session
        self._expired.clear()
        timer: Optional[threading.Timer] = None
        remaining = bounds.remaining()
        if remaining is not None:
            timer = threading.Timer(remaining, self._expire)
            timer.daemon = True
            timer.start()
        try:
            response: Optional[httpx.Response] = self._response
            while True:
                if response is not None:
                    if response.status_code == 204:
                        session.ended("eof")
                        return
                    _check_response(response, session)
                    on_this_connection = 0
                    reason, error = "eof", None
                    try:
                        for chunk in response.iter_bytes():
                            for event in session.chunk(chunk):
                                bounds.events += 1
                                on_this_connection += 1
                                yield event
                                if bounds.full():
                                    session.ended("client_closed")
                                    return
                            if (
                                force_reconnect_after is not None
                                and on_this_connection >= force_reconnect_after
                            ):
                                reason = "client_closed"
                                break
                    except (httpx.HTTPError, OSError, RuntimeError) as exc:
                        if self._expired.is_set():
                            session.ended("timeout")
                            return
                        reason, error = "network_error", exc
                    if self._expired.is_set():
                        session.ended("timeout")
                        return
                    response.close()
                    for event in session.ended(reason, error):
                        bounds.events += 1
                        yield event
                delay = session.delay(default_retry)
                if not bounds.may_reconnect(session.reconnects, delay):
                    return
                if self._expired.wait(delay):
                    return
                session.reconnects += 1
                try:
                    response = self._connect()
                except httpx.HTTPError as exc:
                    session.failed_to_connect(exc)
                    response = None
        finally:
            if timer is not None:
                timer.cancel()
            if session.connection is not None:
                session.connection.end("client_closed")


class AsyncEventSource(_SessionView):
    """A (reconnecting, recording) event stream over an ``httpx.AsyncClient``."""

    def __init__(self, client: httpx.AsyncClient, session: _Session) -> None:
        self._client = client
        self._session = session
        self._response: Optional[httpx.Response] = None

    async def _connect(self) -> httpx.Response:
        session = self._session
        request = self._client.build_request(
            session.method, session.url, headers=session.request_headers(), **session.build_kwargs
        )
        session.sending(request)
        response = await self._client.send(request, stream=True, **session.send_kwargs)
        session.opened(response)
        self._response = response
        return response

    async def _close(self) -> None:
        if self._response is not None:
            await self._response.aclose()

    async def aiter_sse(
        self,
        *,
        max_events: Optional[int] = None,
        timeout: Optional[float] = None,
        max_reconnects: Optional[int] = 0,
        default_retry: int = 3000,
        force_reconnect_after: Optional[int] = None,
    ) -> AsyncIterator[Event]:
        """Async version of :meth:`EventSource.iter_sse`, with the same arguments."""
        bounds = _Bounds(max_events, timeout, max_reconnects, force_reconnect_after)
        session = self._session
        try:
            response: Optional[httpx.Response] = self._response
            while True:
                if response is not None:
                    if response.status_code == 204:
                        session.ended("eof")
                        return
                    _check_response(response, session)
                    on_this_connection = 0
                    reason, error = "eof", None
                    chunks = response.aiter_bytes()
                    try:
                        while True:
                            try:
                                chunk = await asyncio.wait_for(
                                    chunks.__anext__(), bounds.remaining()
                                )
                            except StopAsyncIteration:
                                break
                            for event in session.chunk(chunk):
                                bounds.events += 1
                                on_this_connection += 1
                                yield event
                                if bounds.full():
                                    session.ended("client_closed")
                                    return
                            if (
                                force_reconnect_after is not None
                                and on_this_connection >= force_reconnect_after
                            ):
                                reason = "client_closed"
                                break
                    except asyncio.TimeoutError:
                        session.ended("timeout")
                        return
                    except (httpx.HTTPError, OSError) as exc:
                        reason, error = "network_error", exc
                    await response.aclose()
                    for event in session.ended(reason, error):
                        bounds.events += 1
                        yield event
                delay = session.delay(default_retry)
                if not bounds.may_reconnect(session.reconnects, delay):
                    return
                await asyncio.sleep(delay)
                session.reconnects += 1
                try:
                    response = await self._connect()
                except httpx.HTTPError as exc:
                    session.failed_to_connect(exc)
                    response = None
        finally:
            if session.connection is not None:
                session.connection.end("client_closed")


@contextmanager
def connect_sse(
    client: httpx.Client,
    method: str,
    url: Union[str, httpx.URL],
    *,
    record: bool = True,
    **kwargs: Any,
) -> Iterator[EventSource]:
    """Open an event stream (same signature as httpx-sse's ``connect_sse``).

    ``kwargs`` go to httpx as with ``client.stream()``. ``record=False`` turns the recording off
    (for very long streams). The first connection is open when the ``with`` block starts; every
    connection is closed when it ends.
    """
    source = EventSource(client, _Session(method, url, dict(kwargs), record))
    source._connect()
    try:
        yield source
    finally:
        source._close()


@asynccontextmanager
async def aconnect_sse(
    client: httpx.AsyncClient,
    method: str,
    url: Union[str, httpx.URL],
    *,
    record: bool = True,
    **kwargs: Any,
) -> AsyncIterator[AsyncEventSource]:
    """Async version of :func:`connect_sse` (same signature as httpx-sse's ``aconnect_sse``)."""
    source = AsyncEventSource(client, _Session(method, url, dict(kwargs), record))
    await source._connect()
    try:
        yield source
    finally:
        await source._close()
