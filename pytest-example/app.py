"""Example FastAPI app with Server-Sent Events endpoints: one correct, two with real-world bugs.

    uvicorn app:app --host 127.0.0.1 --port 8000      (from this folder)

- ``GET /orders/stream``: a resumable stream of order updates. Every event has an integer id;
  a reconnect's ``Last-Event-ID: N`` resumes at N+1, as the HTML standard's EventSource
  expects. It sends ``retry:``, the anti-buffering headers and a heartbeat comment.
- ``GET /buggy/off-by-one``: the same feed, but the resume code does ``log[last_id:]`` on a
  1-based log, so a reconnect gets the last event it already saw once more (a duplicate).
- ``GET /buggy/missing-blank-line``: the same feed, but events are terminated by one newline
  instead of a blank line, so clients merge every event into one that never completes.
- ``GET /notifications/stream``: a finite log of two event types (``order`` updates, and
  ``alert`` events whose data has two lines), then ``: keep-alive`` comments while it idles
  (``?heartbeat=0`` turns them off), then the end of the response; a reconnect that already has
  everything gets 204, which tells clients to stop for good.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Optional

from fastapi import FastAPI, Header, Response
from fastapi.responses import StreamingResponse

app = FastAPI(title="ssert example: order updates")

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
INTERVAL_SECONDS = 0.05
RETRY_MS = 300
STATUSES = ["placed", "paid", "packed", "shipped", "delivered"]


def order_update(event_id: int) -> str:
    """The event with this id in the (endless, deterministic) log of order updates."""
    return json.dumps({"order": 1000 + event_id // 5, "status": STATUSES[event_id % 5]})


def resume_id(last_event_id: Optional[str]) -> int:
    """The first id to send: 1 on a fresh connection, else the one after Last-Event-ID."""
    if last_event_id is None or not last_event_id.isdigit():
        return 1
    return int(last_event_id) + 1


async def updates(first_id: int, terminator: str = "\n\n") -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n: connected, resuming at {first_id}\n\n"
    event_id = first_id
    while True:
        yield f"id: {event_id}\nevent: order\ndata: {order_update(event_id)}{terminator}"
        event_id += 1
        await asyncio.sleep(INTERVAL_SECONDS)


def sse(body: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(body, media_type="text/event-stream", headers=SSE_HEADERS)


@app.get("/orders/stream")
async def orders_stream(last_event_id: Optional[str] = Header(default=None)) -> StreamingResponse:
    """Correct: resumes right after the Last-Event-ID the client sends."""
    return sse(updates(resume_id(last_event_id)))


@app.get("/buggy/off-by-one")
async def off_by_one(last_event_id: Optional[str] = Header(default=None)) -> StreamingResponse:
    """Bug: resumes AT the Last-Event-ID instead of after it (the client gets a duplicate)."""
    first = int(last_event_id) if last_event_id and last_event_id.isdigit() else 1
    return sse(updates(first))


@app.get("/buggy/missing-blank-line")
async def missing_blank_line(
    last_event_id: Optional[str] = Header(default=None),
) -> StreamingResponse:
    """Bug: one newline after each event instead of a blank line, so nothing is dispatched."""
    return sse(updates(resume_id(last_event_id), terminator="\n"))


NOTIFICATIONS = [
    ("order", json.dumps({"order": 1001, "status": "paid"})),
    ("order", json.dumps({"order": 1001, "status": "packed"})),
    ("alert", "Warehouse 2 is running late\nExpect a delay of 30 minutes"),
    ("order", json.dumps({"order": 1002, "status": "paid"})),
    ("alert", "Carrier pickup moved\nNew time: 16:00"),
    ("order", json.dumps({"order": 1001, "status": "shipped"})),
]
IDLE_SECONDS = 0.6


async def notifications(first_id: int, heartbeat: float) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    for event_id in range(first_id, len(NOTIFICATIONS) + 1):
        kind, data = NOTIFICATIONS[event_id - 1]
        lines = "".join(f"data: {line}\n" for line in data.split("\n"))
        yield f"id: {event_id}\nevent: {kind}\n{lines}\n"
        await asyncio.sleep(INTERVAL_SECONDS)
    idle = 0.0
    while idle < IDLE_SECONDS:
        step = min(heartbeat or IDLE_SECONDS, IDLE_SECONDS - idle)
        await asyncio.sleep(step)
        idle += step
        if heartbeat and idle < IDLE_SECONDS:
            yield ": keep-alive\n\n"


@app.get("/notifications/stream", response_model=None)
async def notifications_stream(
    heartbeat: float = 0.1, last_event_id: Optional[str] = Header(default=None)
) -> Response:
    """A finite stream of two event types with heartbeats; 204 once the client has it all."""
    first = resume_id(last_event_id)
    if first > len(NOTIFICATIONS):
        return Response(status_code=204)
    return sse(notifications(first, heartbeat))
