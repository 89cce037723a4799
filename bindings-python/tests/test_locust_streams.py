"""ssert.locust against a raw scripted server: what each kind of stream reports to Locust.

One Locust run (a subprocess, as in test_locust.py) opens every stream of STREAMS once, in order;
its locustfile logs each request event and each StreamResult, which the tests below read.
"""

from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from _server import Step, scripted_server

LOCUST = str(pathlib.Path(sys.executable).parent / "locust")
LOCUSTFILE = str(pathlib.Path(__file__).parent / "locust" / "streams_locustfile.py")

GAP = 0.4
"""Seconds between the events of /close."""
UTF8_DATA = "é€😀"
BAD_STREAM = b"retry: 1000\n\nid: 1\ndata: a\n\nid: 2\nData: wrong case\n\n"


def head(content_type: bytes = b"text/event-stream") -> bytes:
    # No Content-Length and no chunked encoding: the body lasts until the connection closes.
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type + b"\r\nCache-Control: no-cache\r\n"
        b"X-Accel-Buffering: no\r\nConnection: close\r\n\r\n"
    )


def frame(event_id: int, data: str) -> bytes:
    return f"id: {event_id}\ndata: {data}\n\n".encode()


def spaced(frames: Iterable[bytes]) -> list[Step]:
    """Each frame GAP seconds after the previous step."""
    return [step for data in frames for step in (GAP, data)]


SCRIPTS: dict[str, list[Step]] = {
    "/close": [
        head(),
        b"retry: 1000\n\n",
        frame(1, "1"),
        *spaced(frame(i, str(i)) for i in (2, 3, 4)),
    ],
    "/hang": [60.0],
    "/upper": [head(b"Text/Event-Stream; Charset=UTF-8"), b"retry: 1000\n\n", frame(1, "a")],
    "/bogus": [head(b"text/event-streaming"), frame(1, "a")],
    "/utf8": [head(), b"retry: 1000\n\n", frame(1, UTF8_DATA), frame(2, UTF8_DATA * 2)],
    "/no-event": [head(), b"retry: 1000\n\n: nothing to say\n\n"],
    "/bad": [head(), BAD_STREAM],
}


def refused_url() -> str:
    """A URL on a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/refused"


class Run:
    def __init__(self, result: subprocess.CompletedProcess[str], log: list[dict[str, Any]]) -> None:
        self.result = result
        self.log = log
        self.failures = [e for e in log if "failure" in e]
        """The rows of Locust's failure table."""

    def requests(self, name: str) -> list[dict[str, Any]]:
        """The request events of the stream `name`, in the order they were fired."""
        return [e for e in self.log if "request" in e and e["request"].split(" ")[1] == name]

    def names(self, name: str) -> list[str]:
        return [e["request"] for e in self.requests(name)]

    def result_of(self, name: str) -> dict[str, Any]:
        (result,) = [e for e in self.log if e.get("result") == name]
        return result


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    with scripted_server(by_path=SCRIPTS) as server:
        yield from _run_locust(server.origin, tmp_path_factory)


def _run_locust(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    streams = [
        {"path": "/close", "name": "close", "duration": 10, "validate": {}},
        {"path": "/hang", "name": "hang", "duration": 1, "validate": {}},
        {"path": refused_url(), "name": "refused", "duration": 5, "validate": {}},
        {"path": "/upper", "name": "upper", "duration": 5, "validate": {}},
        {"path": "/bogus", "name": "bogus", "duration": 5, "validate": {}},
        {"path": "/utf8", "name": "utf8", "duration": 5},
        {"path": "/no-event", "name": "no-event", "duration": 5, "validate": {}},
        {"path": "/bad", "name": "bad", "duration": 5, "validate": {}},
        {"path": "/bad", "name": "bad", "duration": 5, "validate": {}},
    ]
    log = tmp_path_factory.mktemp("locust-streams") / "log.jsonl"
    env = {**os.environ, "SSERT_LOG": str(log), "SSERT_STREAMS": json.dumps(streams)}
    # The user stops the run once done; -t only bounds a run that hangs.
    result = subprocess.run(
        [LOCUST, "-f", LOCUSTFILE, "--headless", "-u", "1", "-r", "1", "-t", "20s"]
        + ["--only-summary", "--host", base_url],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )
    lines = log.read_text().splitlines() if log.exists() else []
    yield Run(result, [json.loads(line) for line in lines])


def test_the_run_ends_once_every_stream_was_read(run: Run) -> None:
    assert [e["result"] for e in run.log if "result" in e] == [
        "close",
        "hang",
        "refused",
        "upper",
        "bogus",
        "utf8",
        "no-event",
        "bad",
        "bad",
    ], run.result.stderr[-3000:]
    # Locust exits 1 when any request failed, as several of these must.
    assert run.result.returncode == 1, run.result.stderr[-3000:]


def test_a_close_delimited_body_is_read_as_it_arrives(run: Run) -> None:
    def times(request: str) -> list[float]:
        return [r["response_time"] for r in run.requests("close") if r["request"] == request]

    # The first event is sent with the head; reading until the close would take 3 gaps.
    (first,) = times("SSE close first-event")
    assert first < GAP * 1000
    # One `event` per event after the first (whose time is `first-event`): the gaps.
    gaps = times("SSE close event")
    assert len(gaps) == 3 and all(GAP * 500 < gap < GAP * 2500 for gap in gaps), gaps
    # The connect request is reported when the head arrives, before the events.
    assert run.names("close") == [
        "GET close connect",
        "SSE close first-event",
        "SSE close event",
        "SSE close event",
        "SSE close event",
        "SSE close validate",
    ]
    assert all(r["exception"] is None for r in run.requests("close"))
    result = run.result_of("close")
    assert result["events"] == ["1", "2", "3", "4"]
    (connection,) = result["connections"]
    assert connection["end"]["kind"] == "eof"
    assert len(connection["chunks"]) >= 4
    # No SSE311 buffered-transport: the recording shows the events as they were sent.
    assert result["report"]["passed"] and result["report"]["findings"] == []


def test_a_response_head_that_never_comes_is_bounded_by_duration(run: Run) -> None:
    assert run.names("hang") == ["GET hang connect", "SSE hang first-event"]
    for request in run.requests("hang"):
        assert request["exception"] == "AssertionError('no response head within 1s')"
        assert 900 <= request["response_time"] < 10_000
    (connection,) = run.result_of("hang")["connections"]
    assert "response" not in connection
    assert connection["end"]["kind"] == "timeout"


def test_a_connection_error_fails_connect_with_the_error_and_records_no_response(
    run: Run,
) -> None:
    # Nothing else is reported for a stream that did not open: no first-event, no validate.
    assert run.names("refused") == ["GET refused connect"]
    (connect,) = run.requests("refused")
    assert "ConnectionRefusedError" in connect["exception"]
    result = run.result_of("refused")
    (connection,) = result["connections"]
    assert "response" not in connection
    assert connection["end"]["kind"] == "network_error"
    assert "ConnectionError" in connection["end"]["message"]
    assert result["report"] is not None  # with validate=, in the result only


def test_the_content_type_is_checked_by_its_mime_essence(run: Run) -> None:
    assert [r["exception"] for r in run.requests("upper")] == [None, None, None]
    assert run.result_of("upper")["events"] == ["a"]
    assert run.names("bogus") == ["GET bogus connect"]
    (connect,) = run.requests("bogus")
    assert "not an event stream: 200 'text/event-streaming'" in connect["exception"]
    (connection,) = run.result_of("bogus")["connections"]
    assert connection["end"]["kind"] == "client_closed"


def test_event_lengths_are_utf8_bytes(run: Run) -> None:
    assert run.names("utf8") == ["GET utf8 connect", "SSE utf8 first-event", "SSE utf8 event"]
    _, first, event = run.requests("utf8")
    assert first["response_length"] == len(UTF8_DATA.encode()) == 9
    assert event["response_length"] == 2 * len(UTF8_DATA.encode())


def test_a_stream_that_ends_before_any_event_says_so(run: Run) -> None:
    assert run.names("no-event") == [
        "GET no-event connect",
        "SSE no-event first-event",
        "SSE no-event validate",
    ]
    first = run.requests("no-event")[1]
    assert first["exception"] == "AssertionError('the stream ended before any event')"


def test_a_validation_failure_has_one_message_for_the_same_problem(run: Run) -> None:
    validations = [r for r in run.requests("bad") if r["request"] == "SSE bad validate"]
    message = "AssertionError('validation failed: error[SSE208 field-name-case]')"
    assert [v["exception"] for v in validations] == [message, message]
    # One row in Locust's failure table for both streams.
    rows = [row for row in run.failures if row["failure"] == "bad validate"]
    assert [row["occurrences"] for row in rows] == [2]


def test_the_request_headers_sent_are_recorded(run: Run) -> None:
    # The recording says which headers were sent (a list), not "not observed" (null).
    (connection,) = run.result_of("close")["connections"]
    sent = {name.lower(): value for name, value in connection["request"]["headers"]}
    assert sent["accept"] == "text/event-stream"
    assert "last-event-id" not in sent
