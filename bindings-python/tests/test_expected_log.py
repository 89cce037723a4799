"""The expected log as every binding reads it (audit W #5, #7, C3), and the bound on the
report's not-checked notes (#4): the core decides, the binding passes it through."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest

import ssert

HEAD = [
    ["content-type", "text/event-stream"],
    ["cache-control", "no-cache"],
    ["x-accel-buffering", "no"],
]


def recording(expected: Optional[list[dict[str, str]]]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": "ssert-recording",
        "version": 1,
        "connections": [
            {
                "request": {"t": 0, "headers": [["accept", "text/event-stream"]]},
                "response": {"status": 200, "t": 1, "headers": HEAD},
                "chunks": [{"t": 2, "text": "id: c\ndata: x\n\n"}],
                "end": {"kind": "eof", "t": 3},
            }
        ],
    }
    if expected is not None:
        document["expected"] = expected
    return document


def test_an_empty_expected_log_says_nothing_was_published() -> None:
    report = ssert.validate(recording([]))
    assert report.codes == ["SSE407"]
    assert not report.passed
    assert ssert.validate(recording(None)).codes == []


def test_a_log_that_repeats_an_id_is_a_recording_error() -> None:
    with pytest.raises(ssert.RecordingError, match='entry 2 repeats the id "a" of entry 0'):
        ssert.validate(recording([{"id": "a"}, {"id": "b"}, {"id": "a"}]))


def test_expected_lines_after_the_first_request_are_a_recording_error() -> None:
    lines = [
        {"type": "header", "format": "ssert-recording", "version": 1},
        {"type": "request", "t": 0},
        {"type": "expected", "event": {"id": "1"}},
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    message = "line 3: an `expected` record after the first connection"
    with pytest.raises(ssert.RecordingError, match=message):
        ssert.validate(text)


def test_the_recorder_writes_no_log_unless_given_one() -> None:
    recorder = ssert.Recorder()
    assert "expected" not in recorder.to_dict()
    recorder.expect("1")
    assert recorder.to_dict()["expected"] == [{"id": "1"}]


def test_not_checked_notes_past_the_window_are_counted() -> None:
    # Request headers not recorded: SSE106 on each connection, SSE401 on each reconnect.
    document = recording(None)
    connection = document["connections"][0]
    connection["request"]["headers"] = None
    document["connections"] = [connection] * 20
    report = ssert.validate(document, window={"findings": 4})
    notes = report.to_dict()["not_checked"]
    assert len([note for note in notes if note["connection"] is not None]) == 4
    assert report.to_dict()["not_checked_dropped"] == 39 - 4
    assert "... 35 more not-checked notes not kept (window.findings)" in str(report)
