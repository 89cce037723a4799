"""The shared validator cases (testdata/recordings/manifest.json) through ssert.validate(), and
the recordings this package writes checked against testdata/recording.schema.json."""

from __future__ import annotations

import base64
import json
import pathlib
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped]
import pytest

import ssert
from _support import TESTDATA
from ssert.httpx import connect_sse

RECORDINGS = TESTDATA / "recordings"
CASES: list[dict[str, Any]] = json.loads((RECORDINGS / "manifest.json").read_text())["cases"]
SCHEMA = json.loads((TESTDATA / "recording.schema.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_manifest_case_reports_exactly_its_expected_codes(case: dict[str, Any]) -> None:
    report = ssert.validate(pathlib.Path(RECORDINGS / case["recording"]), **case["options"])
    assert report.codes == sorted(set(case["expect"])), str(report)
    details = report.to_dict()
    if "not_checked" in case:
        assert sorted({n["code"] for n in details["not_checked"]}) == sorted(case["not_checked"])
    errors = [f for f in details["findings"] if f["severity"] == "error"]
    assert report.passed == (not errors)
    assert report.errors == len(errors)


def test_report_json_is_the_shared_report_format() -> None:
    case = next(c for c in CASES if c["expect"])
    details = ssert.validate(
        pathlib.Path(RECORDINGS / case["recording"]), **case["options"]
    ).to_dict()
    assert details["format"] == "ssert-report" and details["version"] == 1
    finding = details["findings"][0]
    assert {"code", "name", "severity", "message"} <= set(finding)


def test_recording_text_bytes_dict_and_path_give_the_same_report() -> None:
    case = next(c for c in CASES if c["name"] == "good-session")
    path = RECORDINGS / case["recording"]
    text = path.read_text()
    reports = [
        ssert.validate(source, **case["options"]).to_json()
        for source in (path, text, text.encode(), json.loads(text))
    ]
    assert len(set(reports)) == 1


def test_bad_recordings_and_options_raise_typed_errors() -> None:
    with pytest.raises(ssert.RecordingError, match="format"):
        ssert.validate({"format": "nope", "version": 1})
    with pytest.raises(ssert.RecordingError):
        ssert.validate("{not json")
    with pytest.raises(ssert.OptionsError, match="no_such_rule_option"):
        ssert.validate({"format": "ssert-recording", "version": 1}, no_such_rule_option=True)


def test_hand_built_recorder_matches_the_schema() -> None:
    recorder = ssert.Recorder("test")
    connection = recorder.connection(
        "GET", "http://127.0.0.1:1/x", [("accept", "text/event-stream")]
    )
    connection.response(200, [("content-type", "text/event-stream")])
    connection.chunk(b"id: 1\ndata: a\n\n")
    connection.end("network_error", "reset")
    recorder.connection("GET", "http://127.0.0.1:1/x", None).end("timeout")
    recorder.expect("1", type="message", data="a")
    jsonschema.validate(recorder.to_dict(), SCHEMA)
    with pytest.raises(ValueError, match="end kind"):
        connection.end("closed")


def test_httpx_recordings_match_the_schema(server: str, tmp_path: pathlib.Path) -> None:
    with (
        httpx.Client() as client,
        connect_sse(client, "GET", f"{server}/events?count=7&per_connection=3") as source,
    ):
        events = list(source.iter_sse(max_reconnects=5))
        assert source.recording is not None
        source.recording.save(tmp_path / "session.json")
    saved = json.loads((tmp_path / "session.json").read_text())
    jsonschema.validate(saved, SCHEMA)
    body = b"".join(
        base64.b64decode(c["data"]) for conn in saved["connections"] for c in conn["chunks"]
    )
    assert body.count(b"data: event ") == len(events) == 7
    assert ssert.validate(tmp_path / "session.json").passed


def _session_with_ids(ids: list[str]) -> ssert.Recorder:
    recorder = ssert.Recorder()
    connection = recorder.connection(
        "GET", "http://127.0.0.1:9/feed", [("accept", "text/event-stream")]
    )
    connection.response(200, [("content-type", "text/event-stream"), ("cache-control", "no-cache")])
    connection.chunk("".join(f"id: {i}\ndata: x\n\n" for i in ids).encode())
    connection.end("eof")
    return recorder


def _by_suffix(a: str, b: str) -> int:
    """Ids like "job-2" and "job-10", ordered by their number."""
    return int(a.split("-")[1]) - int(b.split("-")[1])


QUIET: dict[str, Any] = {"disable": ["x-accel-buffering", "buffered-transport"]}


def test_a_python_id_order_decides_what_increasing_means() -> None:
    in_order = _session_with_ids(["job-2", "job-10", "job-11"])
    # Lexicographically "job-10" < "job-2": the built-in order sees a regression...
    assert "SSE302" in ssert.validate(in_order, ids={"order": "lexicographic"}, **QUIET).codes
    # ...the caller's order does not.
    assert ssert.validate(in_order, id_order=_by_suffix, **QUIET).codes == []
    backwards = _session_with_ids(["job-10", "job-2"])
    assert ssert.validate(backwards, id_order=_by_suffix, **QUIET).codes == ["SSE302"]


def test_an_id_order_contradicting_an_explicit_order_is_an_options_error() -> None:
    with pytest.raises(ssert.OptionsError, match='ids.order is "integer"'):
        ssert.validate(_session_with_ids(["job-2"]), ids={"order": "integer"}, id_order=_by_suffix)
    backwards = _session_with_ids(["job-10", "job-2"])
    custom = ssert.validate(backwards, ids={"order": "custom"}, id_order=_by_suffix, **QUIET)
    assert custom.codes == ["SSE302"]
    # The MCP profile leaves ids unordered; the caller's comparator is the more specific choice.
    assert "SSE302" in ssert.validate(backwards, profile="mcp", id_order=_by_suffix, **QUIET).codes


def test_an_exception_in_the_id_order_propagates() -> None:
    def broken(a: str, b: str) -> int:
        raise KeyError(f"cannot order {a!r}")

    with pytest.raises(KeyError, match="cannot order"):
        ssert.validate(_session_with_ids(["a", "b"]), id_order=broken, **QUIET)


SSE_RESPONSE = [("content-type", "text/event-stream"), ("cache-control", "no-cache")]


def test_a_connection_without_headers_records_them_as_not_observed() -> None:
    # Headers left out are headers not captured (`null`), not "sent no headers" (`[]`): a client
    # that did send Last-Event-ID must not be blamed for a resume it cannot be seen to miss.
    recorder = ssert.Recorder()
    for body in (b"retry: 0\n\nid: 1\ndata: a\n\n", b"id: 2\ndata: b\n\n"):
        connection = recorder.connection("GET", "http://127.0.0.1:9/e")
        connection.response(200, SSE_RESPONSE)
        connection.chunk(body)
        connection.end("eof")
    requests = [c["request"] for c in recorder.to_dict()["connections"]]
    assert [request["headers"] for request in requests] == [None, None]
    jsonschema.validate(recorder.to_dict(), SCHEMA)
    codes = ssert.validate(recorder, disable=["x-accel-buffering", "buffered-transport"]).codes
    assert "SSE401" not in codes and "SSE106" not in codes, codes
    # Headers given are recorded as given, an empty list ("sent none") included.
    assert recorder.connection("GET", "http://x/", []).to_dict()["request"]["headers"] == []
    given = recorder.connection("GET", "http://x/", [("accept", "text/event-stream")])
    assert given.to_dict()["request"]["headers"] == [["accept", "text/event-stream"]]
    assert recorder.connection("GET", "http://x/", None).to_dict()["request"]["headers"] is None


def test_httpx_records_the_request_headers_it_sent(server: str) -> None:
    with (
        httpx.Client() as client,
        connect_sse(client, "GET", f"{server}/events?count=4&per_connection=2") as source,
    ):
        list(source.iter_sse(max_reconnects=1))
        assert source.recording is not None
        connections = source.recording.to_dict()["connections"]
    sent = [{name.lower(): value for name, value in c["request"]["headers"]} for c in connections]
    assert [headers.get("accept") for headers in sent] == ["text/event-stream"] * 2
    assert [headers.get("last-event-id") for headers in sent] == [None, "2"]
