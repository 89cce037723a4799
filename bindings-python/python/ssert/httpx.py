"""httpx integration: the httpx-sse API, parsed by the ssert core, plus reconnect and recording.

Migrating from httpx-sse is an import change::

    from ssert.httpx import connect_sse          # was: from httpx_sse import connect_sse

    with httpx.Client() as client:
        with connect_sse(client, "GET", url) as event_source:
            for sse in event_source.iter_sse():
                print(sse.event, sse.data, sse.id, sse.retry)

On top of that, ``iter_sse()`` / ``aiter_sse()`` take bounds so an endless stream can never hang a
test (``max_events``, ``timeout`` in seconds, which also covers the wait for a reconnect's
response) and can reconnect like an EventSource (``max_reconnects``): after the stream ends or
fails, wait the server's ``retry`` (or ``default_retry`` ms), reconnect with ``Last-Event-ID``
(the last event ID, UTF-8 encoded; none when it is empty), and go on; a 204 response stops for
good. Every connection is recorded (timestamped body chunks, as httpx hands them over: after a
``Content-Encoding`` is decoded) in ``event_source.recording`` unless
``connect_sse(..., record=False)``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Optional, Union

import httpx

from ._errors import SSEError
from ._recording import ConnectionRecorder, Recorder
from ._ssert import Event, Parser, is_event_stream_type

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
    content_type = response.headers.get("content-type", "")
    if response.status_code != 200:
        message = (
            f"Expected response status 200 (or 204 to stop), got {response.status_code} "
            f"(Content-Type {content_type!r})"
        )
    elif not is_event_stream_type(content_type):
        message = f"Expected response header Content-Type 'text/event-stream', got {content_type!r}"
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
        self.build_kwargs, self.send_kwargs = _split_kwargs(kwargs)
        self.parser = Parser()
        # A Last-Event-ID of the caller is the id the client starts out with, as if it had read
        # it earlier (the validator reads a first request's header the same way): every request
        # sends the parser's last event ID, the stream's own ids replace it, and none is sent
        # once the stream reset it to empty (as EventSource).
        seed = headers.get("Last-Event-ID")
        headers.pop("Last-Event-ID", None)
        if seed:
            self.parser.last_event_id = seed
        self.headers = headers
        self.recorder: Optional[Recorder] = Recorder("ssert-py httpx") if record else None
        self.connection: Optional[ConnectionRecorder] = None
        self.reconnects = 0
        # Whether a response is open whose stream the parser is in (it must be ended, in the
        # parser too, before another connection feeds it).
        self.live = False
        # Events parsed but not yielded yet: a max_events bound (or the caller) stopped the
        # iteration inside a network read. The next iteration yields them first.
        self.pending: deque[Event] = deque()
        # The id of the last event yielded: the last event ID the caller knows of while
        # events are pending (the parser is already past them).
        self.delivered_id = ""

    def build_request(
        self, client: Union[httpx.Client, httpx.AsyncClient], remaining: Optional[float]
    ) -> httpx.Request:
        """The next request; with ``remaining`` seconds, none of its timeouts waits longer."""
        headers = self.headers
        last_event_id = self.parser.last_event_id
        if last_event_id:
            # The spec sends the last event ID UTF-8 encoded; httpx sends bytes values as they
            # are (a str value must be ASCII). Without leading and trailing spaces and tabs, as
            # fetch sends it: HTTP carries none (h11 refuses the request otherwise).
            value = last_event_id.strip(" \t").encode("utf-8")
            headers = httpx.Headers([*headers.raw, (b"Last-Event-ID", value)])
        request = client.build_request(self.method, self.url, headers=headers, **self.build_kwargs)
        if remaining is not None:
            # httpx takes each phase's timeout (connect, write, pool, and read: the wait for the
            # response head too) from this extension. A new dict: the caller's may be shared.
            timeouts = request.extensions.get("timeout", {})
            request.extensions = {
                **request.extensions,
                "timeout": {
                    phase: remaining if limit is None else min(limit, remaining)
                    for phase, limit in timeouts.items()
                },
            }
        return request

    def sending(self, request: httpx.Request) -> None:
        if self.recorder is not None:
            self.connection = self.recorder.connection(
                request.method, str(request.url), request.headers.multi_items()
            )

    def opened(self, response: httpx.Response) -> None:
        self.live = True
        if self.connection is not None:
            self.connection.response(response.status_code, response.headers.multi_items())

    def chunk(self, data: bytes) -> None:
        if self.connection is not None:
            self.connection.chunk(data)
        self.pending.extend(self.parser.feed(data))

    def take(self, bounds: _Bounds) -> Optional[Event]:
        """The next pending event, counted as delivered, if the bounds allow one more."""
        if not self.pending or bounds.full():
            return None
        event = self.pending.popleft()
        bounds.events += 1
        self.delivered_id = event.id
        return event

    def ended(self, kind: str, error: Optional[BaseException] = None) -> None:
        """The connection is over: end the stream in the parser (an unterminated tail is lost)."""
        self.live = False
        if self.connection is not None:
            self.connection.end(kind, None if error is None else f"{type(error).__name__}: {error}")
        self.pending.extend(self.parser.close())

    def refused(self, error: BaseException) -> None:
        """The client will not read this response (wrong status or Content-Type)."""
        self.live = False
        if self.connection is not None:
            self.connection.end("client_closed", str(error))

    def failed_to_connect(self, error: BaseException, kind: str = "network_error") -> None:
        if self.connection is not None:
            self.connection.end(kind, f"{type(error).__name__}: {error}")

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
        # max_events is no bound here: a server that sends no event would be reconnected to
        # forever.
        if max_reconnects is None and timeout is None:
            raise ValueError("max_reconnects=None (reconnect forever) needs a timeout")
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


def shut_down(network_stream: Any) -> None:
    """Shuts down the socket of an httpcore network stream (``None``, or a stream without a
    socket, is left alone): a read blocked on it in another thread returns at once, which
    closing it would not make happen."""
    get_extra_info = getattr(network_stream, "get_extra_info", None)
    sock = None if get_extra_info is None else get_extra_info("socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


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
        """The last event ID the caller has seen: the ``id`` of the last event yielded (or set
        since by an ``id:`` field without data). Events a bound kept from being yielded do not
        count until a later iteration yields them; a reconnect happens only after that, so
        this is what a reconnect sends as Last-Event-ID (none when empty)."""
        session = self._session
        return session.delivered_id if session.pending else session.parser.last_event_id

    @property
    def reconnects(self) -> int:
        """How many times this source reconnected."""
        return self._session.reconnects

    def reconnection_delay(self, default_retry: int) -> float:
        """Seconds the next reconnect waits: the server's last valid ``retry``, else
        ``default_retry`` ms."""
        return self._session.delay(default_retry)

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
        # The response whose body no iteration has started to read (the first connection).
        self._unread: Optional[httpx.Response] = None
        self._expired = threading.Event()

    def _connect(self, remaining: Optional[float] = None) -> httpx.Response:
        session = self._session
        # An iteration the caller left has ended its connection; a refused one is still open.
        self._close()
        request = session.build_request(self._client, remaining)
        session.sending(request)
        response = self._client.send(request, stream=True, **session.send_kwargs)
        session.opened(response)
        self._response = response
        return response

    def _close(self) -> None:
        """End the current connection, in the recording and the parser, and close it."""
        if self._session.live:
            self._session.ended("client_closed")
        if self._response is not None:
            self._response.close()

    def _expire(self) -> None:
        # Runs on a timer thread while the iterating thread may be blocked in a socket read.
        # Closing the response from here would not wake that read (it would last until httpx's
        # read timeout); shutting the socket down does, at once, on every platform. A reconnect
        # waiting for its response head has no response yet: its request's timeouts end it.
        self._expired.set()
        response = self._response
        if response is not None:
            shut_down(response.extensions.get("network_stream"))

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
            timeout: stop after this many seconds, even while waiting for bytes or for a
                reconnect's response (the first connection opened in ``connect_sse()``, under
                the client's timeouts).
            max_reconnects: reconnect at most this many times when the stream ends or fails
                (None = no limit, needs a timeout). With 0, the default, it behaves like
                httpx-sse: the iteration ends with the stream, and a stream that fails raises
                its httpx error (after it is recorded).
            default_retry: reconnection delay in ms while the server has sent no ``retry:``.
            force_reconnect_after: drop the connection after this many events on it and
                reconnect (tests the server's Last-Event-ID resume); counts as a reconnect.

        A 204 response ends the iteration and is never retried. Another status than 200, or a
        Content-Type other than ``text/event-stream``, raises ``SSEResponseError`` (on the first
        connection as on a reconnect, as ``EventSource`` fails the connection).

        An iteration that stops (a bound, or the caller leaving the loop) closes the connection.
        Events that came in the same network read and were not yielded are kept: the next
        ``iter_sse()`` yields them first, then reconnects (within its own bounds).
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

        def expired() -> bool:
            # The timer may not have run yet when a request timeout clamped to the bound fires.
            return self._expired.is_set() or bounds.expired()

        response: Optional[httpx.Response] = None
        try:
            event = session.take(bounds)
            while event is not None:
                yield event
                event = session.take(bounds)
            response, self._unread = self._unread, None
            while True:
                if bounds.full():
                    return
                if response is not None:
                    if expired():
                        # The bound ran out while the response head was awaited.
                        response.close()
                        session.ended("timeout")
                        return
                    if response.status_code == 204:
                        session.ended("eof")
                        return
                    _check_response(response, session)
                    on_this_connection = 0
                    reason, error, cut = "eof", None, False
                    try:
                        for chunk in response.iter_bytes():
                            session.chunk(chunk)
                            event = session.take(bounds)
                            while event is not None:
                                on_this_connection += 1
                                yield event
                                event = session.take(bounds)
                            if bounds.full():
                                response.close()
                                session.ended("client_closed")
                                return
                            if (
                                force_reconnect_after is not None
                                and on_this_connection >= force_reconnect_after
                            ):
                                reason = "client_closed"
                                break
                    except (httpx.HTTPError, OSError, RuntimeError) as exc:
                        cut = expired()
                        reason, error = "network_error", exc
                    response.close()
                    # A stream the timer cut may also end without an error.
                    if cut or self._expired.is_set():
                        session.ended("timeout")
                        return
                    session.ended(reason, error)
                    if error is not None and max_reconnects == 0:
                        raise error
                    event = session.take(bounds)
                    while event is not None:
                        yield event
                        event = session.take(bounds)
                delay = session.delay(default_retry)
                if not bounds.may_reconnect(session.reconnects, delay):
                    return
                if self._expired.wait(delay):
                    return
                session.reconnects += 1
                try:
                    response = self._connect(bounds.remaining())
                except httpx.HTTPError as exc:
                    if expired():
                        session.failed_to_connect(exc, "timeout")
                        return
                    session.failed_to_connect(exc)
                    response = None
        finally:
            if timer is not None:
                timer.cancel()
            if session.live and response is not None and response is self._response:
                # The caller left the loop (or an error propagates) inside a connection.
                self._close()


class AsyncEventSource(_SessionView):
    """A (reconnecting, recording) event stream over an ``httpx.AsyncClient``."""

    def __init__(self, client: httpx.AsyncClient, session: _Session) -> None:
        self._client = client
        self._session = session
        self._response: Optional[httpx.Response] = None
        # The response whose body no iteration has started to read (the first connection).
        self._unread: Optional[httpx.Response] = None

    async def _connect(self) -> httpx.Response:
        session = self._session
        # An iteration the caller left ends its connection but cannot await its closing.
        await self._close()
        request = session.build_request(self._client, None)
        session.sending(request)
        response = await self._client.send(request, stream=True, **session.send_kwargs)
        session.opened(response)
        self._response = response
        return response

    async def _close(self) -> None:
        """End the current connection, in the recording and the parser, and close it."""
        if self._session.live:
            self._session.ended("client_closed")
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
        response: Optional[httpx.Response] = None
        try:
            event = session.take(bounds)
            while event is not None:
                yield event
                event = session.take(bounds)
            response, self._unread = self._unread, None
            while True:
                if bounds.full():
                    return
                if response is not None:
                    if bounds.expired():
                        await response.aclose()
                        session.ended("timeout")
                        return
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
                            session.chunk(chunk)
                            event = session.take(bounds)
                            while event is not None:
                                on_this_connection += 1
                                yield event
                                event = session.take(bounds)
                            if bounds.full():
                                await response.aclose()
                                session.ended("client_closed")
                                return
                            if (
                                force_reconnect_after is not None
                                and on_this_connection >= force_reconnect_after
                            ):
                                reason = "client_closed"
                                break
                    except asyncio.TimeoutError:
                        await response.aclose()
                        session.ended("timeout")
                        return
                    except (httpx.HTTPError, OSError) as exc:
                        reason, error = "network_error", exc
                    await response.aclose()
                    session.ended(reason, error)
                    if error is not None and max_reconnects == 0:
                        raise error
                    event = session.take(bounds)
                    while event is not None:
                        yield event
                        event = session.take(bounds)
                delay = session.delay(default_retry)
                if not bounds.may_reconnect(session.reconnects, delay):
                    return
                await asyncio.sleep(delay)
                session.reconnects += 1
                try:
                    # The bound covers the wait for the response head too.
                    response = await asyncio.wait_for(self._connect(), bounds.remaining())
                except asyncio.TimeoutError as exc:
                    session.failed_to_connect(exc, "timeout")
                    return
                except httpx.HTTPError as exc:
                    session.failed_to_connect(exc)
                    response = None
        finally:
            if session.live and response is not None and response is self._response:
                # The caller left the loop (or an error propagates) inside a connection; the
                # response is closed by the next connection or the end of the context.
                session.ended("client_closed")


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
    connection is closed when it ends. A ``Last-Event-ID`` header is the last event ID the
    client starts out with: one with CR, LF or NUL raises ``ValueError`` (as setting
    ``ssert.Parser.last_event_id`` does) before any request is sent.
    """
    source = EventSource(client, _Session(method, url, dict(kwargs), record))
    source._unread = source._connect()
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
    source._unread = await source._connect()
    try:
        yield source
    finally:
        await source._close()
