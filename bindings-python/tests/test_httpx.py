"""ssert.httpx against a real uvicorn server on 127.0.0.1 (see _server.py)."""

from __future__ import annotations

import asyncio
import base64
from typing import Any, Optional

import httpx
import httpx_sse
import pytest

import ssert
from ssert.httpx import SSEResponseError, aconnect_sse, connect_sse


def sent_last_event_id(connection: dict[str, Any]) -> Optional[str]:
    """The Last-Event-ID header a recorded request carried, if any."""
    for name, value in connection["request"]["headers"]:
        if name.lower() == "last-event-id":
            return str(value)
    return None


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


def test_reconnecting_forever_needs_a_bound(server: str) -> None:
    with (
        httpx.Client() as client,
        connect_sse(client, "GET", f"{server}/events?count=1") as source,
        pytest.raises(ValueError, match="needs a timeout or max_events"),
    ):
        list(source.iter_sse(max_reconnects=None))


def test_204_means_stop_and_is_never_retried(server: str) -> None:
    with httpx.Client() as client, connect_sse(client, "GET", f"{server}/no-content") as source:
        assert list(source.iter_sse(max_reconnects=5, default_retry=0)) == []
        assert source.reconnects == 0


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
    assert {"SSE402", "SSE403"} <= set(report.codes), str(report)


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
