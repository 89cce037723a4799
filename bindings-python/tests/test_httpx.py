"""ssert.httpx against a real uvicorn server on 127.0.0.1 (see _server.py)."""

from __future__ import annotations

import asyncio
import base64
import time
from dataclasses import dataclass
from typing import Any, Optional

import httpx
import httpx_sse
import pytest

import ssert
from _server import SSE_HEAD, scripted_server
from ssert.httpx import SSEResponseError, aconnect_sse, connect_sse


def sent_last_event_id(connection: dict[str, Any]) -> Optional[str]:
    """The Last-Event-ID header a recorded request carried, if any."""
    for name, value in connection["request"]["headers"]:
        if name.lower() == "last-event-id":
            return str(value)
    return None


@dataclass
class Run:
    """What one iteration over a fresh source gave, sync or async alike."""

    data: list[str]
    connections: list[dict[str, Any]]
    last_event_id: str
    error: Optional[BaseException]


def run_source(
    mode: str,
    url: str,
    *,
    headers: Optional[dict[str, str]] = None,
    raises: Optional[type[BaseException]] = None,
    **bounds: Any,
) -> Run:
    """Iterate a source with `bounds` over a client without timeouts of its own, in `mode`
    ("sync" or "async"); an exception of type `raises` is returned in `Run.error`."""
    data: list[str] = []

    def done(source: Any, error: Optional[BaseException]) -> Run:
        assert source.recording is not None
        connections = source.recording.to_dict()["connections"]
        return Run(data, connections, source.last_event_id, error)

    catch: tuple[type[BaseException], ...] = () if raises is None else (raises,)

    if mode == "sync":
        with (
            httpx.Client(timeout=None) as client,
            connect_sse(client, "GET", url, headers=headers) as source,
        ):
            try:
                for event in source.iter_sse(**bounds):
                    data.append(event.data)
            except catch as error:
                return done(source, error)
            return done(source, None)

    async def run() -> Run:
        async with (
            httpx.AsyncClient(timeout=None) as client,
            aconnect_sse(client, "GET", url, headers=headers) as source,
        ):
            try:
                async for event in source.aiter_sse(**bounds):
                    data.append(event.data)
            except catch as error:
                return done(source, error)
            return done(source, None)

    return asyncio.run(run())


def test_events_arrive_as_they_are_sent(server: str) -> None:
    # The server holds "second" back until we have seen "first" and open the gate: a client
    # that buffered the response would never see "first" and would stop at the timeout.
    with httpx.Client() as client, connect_sse(client, "GET", f"{server}/gated/sync") as source:
        events = source.iter_sse(timeout=10)
        assert next(events).data == "first"
        client.post(f"{server}/open/sync")
        assert next(events).data == "second"
        assert list(events) == []


def test_same_events_as_httpx_sse_through_the_same_api(server: str) -> None:
    url = f"{server}/events?count=5"
    with httpx.Client() as client:
        with httpx_sse.connect_sse(client, "GET", url) as theirs:
            expected = [(e.event, e.data, e.id, e.retry) for e in theirs.iter_sse()]
        with connect_sse(client, "GET", url) as ours:
            got = [(e.event, e.data, e.id, e.retry) for e in ours.iter_sse()]
            assert ours.response.status_code == 200
    assert len(got) == 5
    # httpx-sse dispatches the lone "retry: 10" block as an event with empty data; the spec
    # (and ssert) dispatches nothing for an empty data buffer.
    assert expected[0] == ("message", "", "", 10)
    assert got == expected[1:]


def test_reconnects_with_last_event_id_and_stops_at_204(server: str) -> None:
    url = f"{server}/events?count=10&per_connection=3"
    with httpx.Client() as client, connect_sse(client, "GET", url) as source:
        events = list(source.iter_sse(max_reconnects=10, timeout=20))
        assert source.response.status_code == 204
        assert source.reconnects == 4
        assert source.last_event_id == "10"
        recording = source.recording
    assert [e.data for e in events] == [f"event {i}" for i in range(1, 11)]
    assert recording is not None
    connections = recording.to_dict()["connections"]
    assert [sent_last_event_id(c) for c in connections] == [None, "3", "6", "9", "10"]
    assert [c["response"]["status"] for c in connections] == [200, 200, 200, 200, 204]
    assert [c["end"]["kind"] for c in connections] == ["eof"] * 5
    report = ssert.validate(recording)
    assert report.passed, str(report)
    assert report.errors == 0
    assert report.to_dict()["stats"]["reconnects"] == 4


def test_recording_holds_the_raw_bytes(server: str) -> None:
    with httpx.Client() as client, connect_sse(client, "GET", f"{server}/events?count=3") as source:
        events = list(source.iter_sse())
        assert source.recording is not None
        (connection,) = source.recording.to_dict()["connections"]
    body = b"".join(base64.b64decode(chunk["data"]) for chunk in connection["chunks"])
    assert body == b"retry: 10\n\n" + b"".join(
        b"id: %d\ndata: event %d\n\n" % (i, i) for i in (1, 2, 3)
    )
    assert ssert.parse(body).events == events
    times = [chunk["t"] for chunk in connection["chunks"]]
    assert times == sorted(times)
    assert ("content-type", "text/event-stream; charset=utf-8") in [
        tuple(h) for h in connection["response"]["headers"]
    ]


def test_record_false_records_nothing(server: str) -> None:
    with (
        httpx.Client() as client,
        connect_sse(client, "GET", f"{server}/events?count=1", record=False) as source,
    ):
        assert len(list(source.iter_sse())) == 1
        assert source.recording is None


def test_max_reconnects_bounds_the_reconnects(server: str) -> None:
    url = f"{server}/events?count=10&per_connection=3"
    with httpx.Client() as client, connect_sse(client, "GET", url) as source:
        events = list(source.iter_sse(max_reconnects=1))
        assert source.reconnects == 1
    assert [e.id for e in events] == ["1", "2", "3", "4", "5", "6"]


def test_max_events_stops_an_endless_stream(server: str) -> None:
    with httpx.Client() as client, connect_sse(client, "GET", f"{server}/endless") as source:
        events = list(source.iter_sse(max_events=5))
        assert source.recording is not None
        assert source.recording.to_dict()["connections"][0]["end"]["kind"] == "client_closed"
    assert [e.data for e in events] == [f"tick {i}" for i in range(1, 6)]


def test_timeout_stops_a_silent_stream(server: str) -> None:
    with httpx.Client() as client, connect_sse(client, "GET", f"{server}/silent") as source:
        events = list(source.iter_sse(timeout=0.5, max_reconnects=None))
    assert [e.data for e in events] == ["only"]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("bounds", [{}, {"max_events": 1}])
def test_reconnecting_forever_needs_a_timeout(
    server: str, mode: str, bounds: dict[str, Any]
) -> None:
    # max_events bounds nothing while the server sends no event: a stream of comments alone
    # would be reconnected to forever.
    with pytest.raises(ValueError, match="needs a timeout"):
        run_source(mode, f"{server}/events?count=1", max_reconnects=None, **bounds)


def test_204_means_stop_and_is_never_retried(server: str) -> None:
    with httpx.Client() as client, connect_sse(client, "GET", f"{server}/no-content") as source:
        assert list(source.iter_sse(max_reconnects=5, default_retry=0)) == []
        assert source.reconnects == 0


@pytest.mark.parametrize(
    ("content_type", "accepted"),
    [
        ("TEXT/EVENT-STREAM", True),
        ("Text/Event-Stream; charset=UTF-8", True),
        ("text/event-stream ;charset=utf-8", True),
        ("text/event-stream-x", False),
        ("x-text/event-stream", False),
        ("text/event-streams", False),
        ("text/plain", False),
    ],
)
def test_the_content_type_is_compared_by_its_mime_essence(
    server: str, content_type: str, accepted: bool
) -> None:
    # As EventSource: type/subtype, ASCII case-insensitive, parameters ignored.
    params = {"body": "data: x\n\n", "content_type": content_type}
    with (
        httpx.Client() as client,
        connect_sse(client, "GET", f"{server}/raw", params=params) as source,
    ):
        if accepted:
            assert [e.data for e in source.iter_sse()] == ["x"]
            assert source.response.headers["content-type"] == content_type
        else:
            with pytest.raises(SSEResponseError, match="Content-Type"):
                list(source.iter_sse())


@pytest.mark.parametrize(
    ("lines", "accepted"),
    [
        ((b"text/html", b"text/event-stream"), True),
        ((b"text/event-stream", b"text/html"), False),
        ((b"text/event-stream", b"*/*"), True),
    ],
)
def test_a_content_type_sent_twice_is_read_as_a_browser_reads_it(
    lines: tuple[bytes, bytes], accepted: bool
) -> None:
    # httpx joins the two lines with ", "; a browser uses the last value that is a media type.
    head = b"HTTP/1.1 200 OK\r\n" + b"".join(b"content-type: " + line + b"\r\n" for line in lines)
    answer = head + b"connection: close\r\n\r\ndata: x\n\n"
    with (
        scripted_server(answer) as scripted,
        httpx.Client() as client,
        connect_sse(client, "GET", scripted.url) as source,
    ):
        if accepted:
            assert [e.data for e in source.iter_sse(max_reconnects=0)] == ["x"]
        else:
            with pytest.raises(SSEResponseError, match="Content-Type"):
                list(source.iter_sse(max_reconnects=0))


def test_wrong_content_type_raises_like_httpx_sse(server: str) -> None:
    with (
        httpx.Client() as client,
        connect_sse(client, "GET", f"{server}/json") as source,
        pytest.raises(SSEResponseError) as caught,
    ):
        list(source.iter_sse())
    assert isinstance(caught.value, httpx.TransportError)
    assert isinstance(caught.value, ssert.SSEError)
    assert "application/json" in str(caught.value)
    assert caught.value.response.status_code == 200


@pytest.mark.parametrize("status", [500, 503, 201])
def test_a_status_other_than_200_raises_even_with_the_right_content_type(
    server: str, status: int
) -> None:
    # EventSource fails such a connection instead of reading its events (or reconnecting).
    params = {"body": "id: 1\ndata: error page\n\n", "status": str(status)}
    with (
        httpx.Client() as client,
        connect_sse(client, "GET", f"{server}/raw", params=params) as source,
        pytest.raises(SSEResponseError, match=f"got {status}") as caught,
    ):
        list(source.iter_sse(max_reconnects=3, default_retry=0))
    assert caught.value.response.status_code == status
    assert source.reconnects == 0
    assert source.recording is not None
    [connection] = source.recording.to_dict()["connections"]
    assert connection["response"]["status"] == status
    assert connection["end"]["kind"] == "client_closed"
    assert connection["chunks"] == []


def test_crlf_split_across_network_chunks_is_one_line_end(server: str) -> None:
    params = {"body": "data: a\r|\ndata: b\r|\n\r|\n"}
    with (
        httpx.Client() as client,
        connect_sse(client, "GET", f"{server}/raw", params=params) as source,
    ):
        assert [e.data for e in source.iter_sse()] == ["a\nb"]


def test_forced_reconnects_test_the_server_resume(server: str) -> None:
    with httpx.Client() as client, connect_sse(client, "GET", f"{server}/endless") as source:
        events = list(source.iter_sse(force_reconnect_after=2, max_reconnects=2, default_retry=0))
        assert source.reconnects == 2
        assert source.recording is not None
        sent = [sent_last_event_id(c) for c in source.recording.to_dict()["connections"]]
        report = ssert.validate(source.recording)
    # /endless ignores Last-Event-ID: every connection starts again at 1. The recording shows it.
    assert [e.id for e in events][:2] == ["1", "2"]
    assert sent[0] is None and sent[1] == events[1].id
    # ... and so does the validator: the server did not resume after the id it was sent.
    assert not report.passed
    assert "SSE402" in report.codes


def test_buggy_resume_shows_up_as_duplicates(server: str) -> None:
    url = f"{server}/events?count=6&per_connection=3&off_by_one=true"
    with httpx.Client() as client, connect_sse(client, "GET", url) as source:
        ids = [e.id for e in source.iter_sse(max_reconnects=3)]
        assert source.recording is not None
        report = ssert.validate(source.recording)
    assert ids[:4] == ["1", "2", "3", "3"]
    assert not report.passed
    # One finding for the one mistake: the event sent again is part of the resume finding.
    assert "SSE402" in report.codes and "SSE403" not in report.codes, str(report)


def test_async_reconnect_and_bounds(server: str) -> None:
    async def run() -> list[str]:
        async with httpx.AsyncClient() as client:
            url = f"{server}/events?count=7&per_connection=3"
            async with aconnect_sse(client, "GET", url) as source:
                data = [e.data async for e in source.aiter_sse(max_reconnects=5, timeout=20)]
                assert source.reconnects == 3
                assert source.response.status_code == 204
            async with aconnect_sse(client, "GET", f"{server}/endless") as source:
                data += [e.data async for e in source.aiter_sse(max_events=3)]
            async with aconnect_sse(client, "GET", f"{server}/silent") as source:
                data += [e.data async for e in source.aiter_sse(timeout=0.3)]
            async with aconnect_sse(client, "GET", f"{server}/gated/async") as source:
                events = source.aiter_sse(timeout=10)
                data.append((await events.__anext__()).data)
                await client.post(f"{server}/open/async")
                data.append((await events.__anext__()).data)
            return data

    assert asyncio.run(run()) == [f"event {i}" for i in range(1, 8)] + [
        "tick 1",
        "tick 2",
        "tick 3",
        "only",
        "first",
        "second",
    ]


def test_a_cut_event_is_reported_and_the_resume_completes_it(server: str) -> None:
    with httpx.Client() as client, connect_sse(client, "GET", f"{server}/drop-mid-event") as source:
        events = list(source.iter_sse(max_reconnects=3, timeout=10))
        assert [(e.code, e.offset) for e in source.errors] == [("INCOMPLETE_EVENT", 45)]
        assert source.recording is not None
        report = ssert.validate(source.recording)
    assert [e.data for e in events] == ["one", "two", "three", "four"]
    assert "SSE203" in report.codes  # unterminated-event: the server cut an event
    assert not report.passed


def test_refused_reconnects_are_recorded_and_bounded() -> None:
    from _server import one_shot_server

    with (
        one_shot_server(b"retry: 10\n\nid: 1\ndata: only\n\n") as url,
        httpx.Client() as client,
        connect_sse(client, "GET", url) as source,
    ):
        events = list(source.iter_sse(max_reconnects=2, timeout=10))
        assert source.reconnects == 2
        assert source.recording is not None
        connections = source.recording.to_dict()["connections"]
    assert [e.data for e in events] == ["only"]
    assert [c["end"]["kind"] for c in connections] == ["eof", "network_error", "network_error"]
    assert "response" in connections[0] and all("response" not in c for c in connections[1:])
    assert [sent_last_event_id(c) for c in connections] == [None, "1", "1"]


FIRST = SSE_HEAD + b"retry: 10\n\nid: 1\ndata: first\n\n"


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(
    "reconnect",
    [(5.0, SSE_HEAD + b"id: 2\ndata: too late\n\n"), (6.0, None)],
    ids=["answered-after-the-bound", "never-answered"],
)
def test_the_timeout_covers_the_wait_for_a_reconnect_response(
    mode: str, reconnect: tuple[float, Optional[bytes]]
) -> None:
    # The client has no timeouts of its own: only the 1 s bound can end the wait for the
    # reconnect's response head, which comes 5 s later or never.
    with scripted_server(FIRST, reconnect) as server:
        started = time.monotonic()
        run = run_source(mode, server.url, timeout=1, max_reconnects=1)
        elapsed = time.monotonic() - started
    assert run.data == ["first"]
    assert elapsed < 3, elapsed
    assert [c["end"]["kind"] for c in run.connections] == ["eof", "timeout"]
    assert "response" not in run.connections[1]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_events_of_a_read_beyond_max_events_are_kept_for_the_next_iteration(
    server: str, mode: str
) -> None:
    # Events 1-5 arrive in one network read; the first iteration stops after 2 of them.
    url = f"{server}/events?count=7&per_connection=5&one_chunk=true"

    async def iterate_async() -> tuple[list[str], str, list[str], dict[str, Any]]:
        async with httpx.AsyncClient() as client, aconnect_sse(client, "GET", url) as source:
            first = [e.id async for e in source.aiter_sse(max_events=2)]
            last_event_id = source.last_event_id
            second = [e.id async for e in source.aiter_sse(max_reconnects=1, timeout=10)]
            assert source.last_event_id == "7" and source.recording is not None
            return first, last_event_id, second, source.recording.to_dict()

    if mode == "sync":
        with httpx.Client() as client, connect_sse(client, "GET", url) as source:
            first = [e.id for e in source.iter_sse(max_events=2)]
            last_event_id = source.last_event_id
            second = [e.id for e in source.iter_sse(max_reconnects=1, timeout=10)]
            assert source.last_event_id == "7" and source.recording is not None
            recording = source.recording.to_dict()
    else:
        first, last_event_id, second, recording = asyncio.run(iterate_async())
    assert first == ["1", "2"]
    assert last_event_id == "2"  # the last event the caller got, not the last one parsed
    assert second == ["3", "4", "5", "6", "7"]  # 3-5 first, then the reconnect after 5
    connections = recording["connections"]
    assert [sent_last_event_id(c) for c in connections] == [None, "5"]
    assert [c["end"]["kind"] for c in connections] == ["client_closed", "eof"]
    report = ssert.validate(recording)
    assert report.errors == 0, str(report)


def test_events_are_kept_when_the_caller_leaves_the_loop(server: str) -> None:
    url = f"{server}/events?count=5&one_chunk=true"
    with httpx.Client() as client, connect_sse(client, "GET", url) as source:
        for event in source.iter_sse():
            assert event.id == "1"
            break
        assert source.last_event_id == "1"
        assert [e.id for e in source.iter_sse()] == ["2", "3", "4", "5"]
        assert source.last_event_id == "5"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_non_ascii_last_event_id_is_sent_utf8_encoded(mode: str) -> None:
    first = SSE_HEAD + "retry: 10\n\nid: café\ndata: a\n\n".encode()
    with scripted_server(first, SSE_HEAD + b"data: b\n\n") as server:
        run = run_source(mode, server.url, max_reconnects=1)
        assert server.header(1, "Last-Event-ID") == "café".encode()
    assert run.data == ["a", "b"]
    assert run.last_event_id == "café"
    assert [sent_last_event_id(c) for c in run.connections] == [None, "café"]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_id_with_outer_spaces_is_sent_as_http_carries_it(mode: str) -> None:
    # `id:  7\t` is the id " 7\t"; a header value has no outer spaces or tabs (h11 refused the
    # request, and the reconnect failed), so the reconnect sends "7", as fetch does.
    first = SSE_HEAD + b"retry: 10\n\nid:  7\t\ndata: a\n\n"
    with scripted_server(first, SSE_HEAD + b"data: b\n\n") as server:
        run = run_source(mode, server.url, max_reconnects=1)
        assert server.header(1, "Last-Event-ID") == b"7"
    assert run.data == ["a", "b"]
    assert run.last_event_id == " 7\t"
    assert [sent_last_event_id(c) for c in run.connections] == [None, "7"]
    # The server cannot resume at " 7\t": SSE212 says so; the client did its part (no SSE401).
    report = ssert.validate(
        {"format": "ssert-recording", "version": 1, "connections": run.connections}
    )
    assert "SSE401" not in report.codes and "SSE212" in report.codes, str(report)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_callers_last_event_id_is_the_id_the_client_starts_with(mode: str) -> None:
    # The stream resets the last event ID with an empty `id` field: a reconnect sends none.
    first = SSE_HEAD + b"retry: 10\n\nid: 5\ndata: a\n\nid\ndata: b\n\n"
    with scripted_server(first, SSE_HEAD + b"data: c\n\n") as server:
        run = run_source(mode, server.url, headers={"Last-Event-ID": "0"}, max_reconnects=1)
        assert server.header(0, "Last-Event-ID") == b"0"
        assert server.header(1, "Last-Event-ID") is None
    assert run.data == ["a", "b", "c"]
    assert [sent_last_event_id(c) for c in run.connections] == ["0", None]
    # A stream that sets no id leaves the client with the one it started with: sent again, and
    # never merged with another.
    with scripted_server(
        SSE_HEAD + b"retry: 10\n\ndata: a\n\n", SSE_HEAD + b"data: b\n\n"
    ) as server:
        run = run_source(mode, server.url, headers={"last-event-id": "0"}, max_reconnects=1)
        assert server.header(0, "Last-Event-ID") == b"0"
        assert server.header(1, "Last-Event-ID") == b"0"
    assert [sent_last_event_id(c) for c in run.connections] == ["0", "0"]


EVENT = b"id: 1\ndata: one\n\n"
BROKEN = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    + b"%x\r\n%s\r\n" % (len(EVENT), EVENT)  # one chunk, then no last chunk: the body is cut
)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_broken_stream_raises_like_httpx_sse_when_not_reconnecting(mode: str) -> None:
    with scripted_server(BROKEN, BROKEN) as server:
        with (
            httpx.Client() as client,
            httpx_sse.connect_sse(client, "GET", server.url) as theirs,
            pytest.raises(httpx.RemoteProtocolError),
        ):
            list(theirs.iter_sse())
        run = run_source(mode, server.url, raises=httpx.RemoteProtocolError)
    assert isinstance(run.error, httpx.RemoteProtocolError)
    assert run.data == ["one"]
    [connection] = run.connections
    assert connection["end"]["kind"] == "network_error"
    assert "RemoteProtocolError" in connection["end"]["message"]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("bad", ["1\n2", "1\r2", "1\x002"])
def test_a_last_event_id_header_no_request_could_carry_is_refused(mode: str, bad: str) -> None:
    # The header seeds the client's last event ID: refused before any request is sent.
    with scripted_server() as server:
        with pytest.raises(ValueError, match="CR or LF" if "\x00" not in bad else "NUL"):
            run_source(mode, server.url, headers={"Last-Event-ID": bad})
        time.sleep(0.1)  # the acceptor polls every 50 ms
        assert server.requests == []
