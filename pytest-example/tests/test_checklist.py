"""The rest of the common SSE test checklist, one test each: headers, event types and multi-line
data, a 204 that ends the subscription, heartbeats, bounds on endless streams, the async client."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

import ssert
from ssert.httpx import aconnect_sse, connect_sse

SILENCE_BUDGET = {"max_silence_ms": 400}


def test_headers_keep_caches_and_proxies_out_of_the_way(
    base_url: str, client: httpx.Client
) -> None:
    with connect_sse(client, "GET", f"{base_url}/orders/stream") as source:
        events = list(source.iter_sse(max_events=2, timeout=10))
        headers = source.response.headers
        assert source.recording is not None
        report = ssert.validate(source.recording)
    assert len(events) == 2
    assert headers["content-type"].startswith("text/event-stream")
    assert headers["cache-control"] == "no-cache"
    assert headers["x-accel-buffering"] == "no"
    # The same checks as rules: status, content-type, cache-control, content-encoding, buffering.
    assert not [code for code in report.codes if code.startswith("SSE1")], str(report)


def test_event_types_and_multi_line_data(base_url: str, client: httpx.Client) -> None:
    with connect_sse(client, "GET", f"{base_url}/notifications/stream") as source:
        events = list(source.iter_sse(max_reconnects=1, timeout=10))
    by_type: dict[str, list[Any]] = {}
    for event in events:
        by_type.setdefault(event.event, []).append(event)
    assert [event.json()["status"] for event in by_type["order"]] == [
        "paid",
        "packed",
        "paid",
        "shipped",
    ]
    # Two `data:` lines are one event whose data joins them with a newline.
    assert [event.data for event in by_type["alert"]] == [
        "Warehouse 2 is running late\nExpect a delay of 30 minutes",
        "Carrier pickup moved\nNew time: 16:00",
    ]


def test_204_ends_the_subscription(base_url: str, client: httpx.Client) -> None:
    with connect_sse(client, "GET", f"{base_url}/notifications/stream") as source:
        # No event limit and room for many reconnects: only the server's 204 ends this.
        events = list(source.iter_sse(max_reconnects=5, timeout=10))
        assert source.recording is not None
        connections = source.recording.to_dict()["connections"]
        report = ssert.validate(source.recording, ids={"order": "integer", "consecutive": True})
    assert [int(event.id) for event in events] == [1, 2, 3, 4, 5, 6]
    assert [connection["response"]["status"] for connection in connections] == [200, 204]
    assert source.reconnects == 1
    assert report.passed, str(report)


def test_heartbeats_keep_an_idle_stream_within_budget(base_url: str, client: httpx.Client) -> None:
    with connect_sse(client, "GET", f"{base_url}/notifications/stream") as source:
        list(source.iter_sse(max_reconnects=1, timeout=10))
        assert source.recording is not None
        report = ssert.validate(source.recording, heartbeat=SILENCE_BUDGET)
    assert "SSE305" not in report.codes, str(report)
    # A pass only counts if the rule ran (it cannot when every event arrived at once).
    assert report.to_dict()["not_checked"] == []


def test_an_idle_stream_without_heartbeats_is_caught(base_url: str, client: httpx.Client) -> None:
    with connect_sse(client, "GET", f"{base_url}/notifications/stream?heartbeat=0") as source:
        list(source.iter_sse(max_reconnects=1, timeout=10))
        assert source.recording is not None
        report = ssert.validate(source.recording, heartbeat=SILENCE_BUDGET)
    assert "SSE305" in report.codes, str(report)  # heartbeat


def test_an_endless_stream_cannot_hang_the_suite(base_url: str, client: httpx.Client) -> None:
    started = time.monotonic()
    with connect_sse(client, "GET", f"{base_url}/orders/stream") as source:
        events = list(source.iter_sse(timeout=0.5))
    # /orders/stream never ends; the timeout stops reading even while waiting for bytes.
    assert events and time.monotonic() - started < 5


@pytest.mark.anyio
async def test_async_client_resumes_too(base_url: str) -> None:
    timeout = httpx.Timeout(10.0, read=None)
    async with (
        httpx.AsyncClient(timeout=timeout) as client,
        aconnect_sse(client, "GET", f"{base_url}/orders/stream") as source,
    ):
        events = [
            event
            async for event in source.aiter_sse(
                max_events=8, timeout=15, force_reconnect_after=4, max_reconnects=1
            )
        ]
        assert source.recording is not None
        report = ssert.validate(source.recording, ids={"order": "integer", "consecutive": True})
    assert [int(event.id) for event in events] == list(range(1, 9))
    assert report.passed, str(report)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
