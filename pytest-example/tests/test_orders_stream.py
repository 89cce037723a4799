"""How a pytest suite tests an SSE endpoint with ssert: read with bounds, force reconnects,
validate the recording. The buggy endpoints show what each check catches."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import ssert
from ssert.httpx import connect_sse
from ssert.pytest_plugin import SSEFixture


def test_events_have_increasing_ids_and_json_data(base_url: str, client: httpx.Client) -> None:
    with connect_sse(client, "GET", f"{base_url}/orders/stream") as source:
        events = list(source.iter_sse(max_events=10, timeout=10))
        assert source.response.headers["content-type"].startswith("text/event-stream")
    assert [int(e.id) for e in events] == list(range(1, 11))
    assert {e.event for e in events} == {"order"}
    assert all(set(e.json()) == {"order", "status"} for e in events)


def test_resume_after_reconnects_loses_and_duplicates_nothing(
    base_url: str, client: httpx.Client
) -> None:
    with connect_sse(client, "GET", f"{base_url}/orders/stream") as source:
        events = list(
            source.iter_sse(max_events=12, timeout=15, force_reconnect_after=4, max_reconnects=2)
        )
        assert source.reconnects == 2
        assert source.recording is not None
        report = ssert.validate(
            source.recording,
            ids={"order": "integer", "consecutive": True},
            retry={"required": True},
        )
    assert [int(e.id) for e in events] == list(range(1, 13))
    assert report.passed and report.errors == report.warnings == 0, str(report)


def test_off_by_one_resume_is_caught(base_url: str, client: httpx.Client) -> None:
    with connect_sse(client, "GET", f"{base_url}/buggy/off-by-one") as source:
        ids = [
            e.id
            for e in source.iter_sse(
                max_events=8, timeout=15, force_reconnect_after=4, max_reconnects=1
            )
        ]
        assert source.recording is not None
        report = ssert.validate(source.recording)
        resumed = source.recording.to_dict()["connections"][1]["request"]["headers"]
    # The bug delivers the event named by Last-Event-ID a second time.
    last_event_id = {name.lower(): value for name, value in resumed}["last-event-id"]
    assert [i for i in set(ids) if ids.count(i) > 1] == [last_event_id]
    assert not report.passed
    assert report.codes == ["SSE402"], str(report)  # resume-point; the re-sent event is part of it
    finding = report.to_dict()["findings"][0]
    assert (finding["connection"], finding["event"]) == (1, 0)


def test_missing_blank_line_dispatches_nothing(base_url: str, client: httpx.Client) -> None:
    with connect_sse(client, "GET", f"{base_url}/buggy/missing-blank-line") as source:
        events = list(source.iter_sse(timeout=0.5))
        assert source.recording is not None
        received = source.recording.to_dict()["connections"][0]["chunks"]
        errors = source.errors
    # Bytes arrived, but without blank lines no event is ever dispatched; when the client gives
    # up, the parser reports the event it had to discard.
    assert received and events == []
    assert [e.code for e in errors] == ["INCOMPLETE_EVENT"]
    assert isinstance(errors[0], ssert.IncompleteEventError)


@pytest.mark.parametrize("path", ["/orders/stream", "/buggy/off-by-one"])
def test_cli_check_exit_status(base_url: str, path: str) -> None:
    import subprocess
    import sys
    from pathlib import Path

    ssert_cli = str(Path(sys.executable).parent / "ssert")
    result = subprocess.run(
        [
            ssert_cli,
            "check",
            f"{base_url}{path}",
            "--events",
            "6",
            "--reconnects",
            "1",
            "--json",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    report = json.loads(result.stdout)
    assert result.returncode == (0 if path == "/orders/stream" else 1)
    assert report["passed"] is (path == "/orders/stream")


def test_with_the_sse_fixture(sse: SSEFixture, orders_app: Any) -> None:
    """The same resume check through the `sse` fixture of ssert's pytest plugin."""
    base_url = sse.serve(orders_app)
    events = sse.events(
        f"{base_url}/orders/stream", max_events=9, force_reconnect_after=3, max_reconnects=2
    )
    assert [int(e.id) for e in events] == list(range(1, 10))
    sse.assert_valid(ids={"order": "integer", "consecutive": True})
