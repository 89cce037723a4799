"""The `ssert` console script, run as a user runs it: a subprocess of the installed entry point."""

from __future__ import annotations

import base64
import io
import json
import pathlib
import signal
import subprocess
import sys
import time
from typing import Any, Union

import pytest

import ssert
from _server import HOLD, SSE_HEAD, scripted_server
from _support import REPO, load_vectors, vector_input
from ssert import cli
from ssert._ssert import StreamingValidator

SSERT = str(pathlib.Path(sys.executable).parent / "ssert")


def run(*args: str, stdin: bytes = b"", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SSERT, *args],
        input=stdin.decode(),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def codes(report_json: str) -> list[str]:
    return sorted({f["code"] for f in json.loads(report_json)["findings"]})


def test_check_a_correct_resumable_endpoint_passes(server: str, tmp_path: pathlib.Path) -> None:
    recording = tmp_path / "session.json"
    result = run(
        "check",
        f"{server}/ticker",
        "--events",
        "9",
        "--reconnects",
        "2",
        "--record",
        str(recording),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Events that share a network read with the 9th are recorded too, so the report may count more.
    assert "PASS" in result.stdout and "3 connection(s), 2 reconnect(s)" in result.stdout
    assert (
        "connecting to" in result.stderr and "reconnected (#1) with Last-Event-ID" in result.stderr
    )
    # The saved recording validates the same way.
    again = run("validate", str(recording), "--json")
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads(again.stdout)["passed"] is True


def test_check_an_off_by_one_resume_fails_with_exit_1(server: str) -> None:
    result = run(
        "check",
        f"{server}/ticker?off_by_one=true",
        "--events",
        "9",
        "--reconnects",
        "2",
        "--json",
        "--quiet",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["passed"] is False
    # One finding for the one mistake: the events sent again are part of the resume finding.
    assert "SSE402" in codes(result.stdout)
    assert "SSE403" not in codes(result.stdout)


def test_check_with_rule_and_fail_on(server: str) -> None:
    # "tick N" is not JSON: enabling data-json turns that into errors.
    result = run(
        "check", f"{server}/ticker", "--events", "3", "--rule", "data-json", "--json", "--quiet"
    )
    assert result.returncode == 1
    assert "SSE308" in codes(result.stdout)


def test_check_unreachable_endpoint_exits_2() -> None:
    result = run("check", "http://127.0.0.1:9/never", "--duration", "2", "--quiet")
    assert result.returncode == 2
    assert "cannot reach" in result.stderr


def test_check_reports_a_wrong_content_type_or_status_as_a_finding(server: str) -> None:
    result = run("check", f"{server}/json", "--json")
    assert result.returncode == 1
    # SSE103 and SSE105 too: a plain JSON endpoint sets no SSE caching headers.
    assert codes(result.stdout) == ["SSE102", "SSE103", "SSE105"]
    assert "text/event-stream" in result.stderr  # the progress line says why it stopped
    params = "status=503&body=data:%20x%0A%0A"
    result = run("check", f"{server}/raw?{params}", "--json", "--quiet")
    assert result.returncode == 1
    assert codes(result.stdout) == ["SSE101"]


def test_check_duration_bounds_a_first_response_that_never_comes() -> None:
    # The server accepts the connection and never answers: the check stops at --duration.
    with scripted_server(HOLD) as server:
        started = time.monotonic()
        result = run("check", server.url, "--duration", "1", "--quiet", timeout=10)
        elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stdout + result.stderr
    assert "sent no response within 1s" in result.stderr
    assert elapsed < 6, elapsed


def test_check_duration_bounds_a_reconnect_response_that_never_comes(
    tmp_path: pathlib.Path,
) -> None:
    recording = tmp_path / "session.json"
    first = SSE_HEAD + b"retry: 10\n\nid: 1\ndata: a\n\n"
    with scripted_server(first, HOLD) as server:
        started = time.monotonic()
        # The stream ends; its reconnect (retry: 10) gets no response head.
        args = ["--duration", "1", "--record", str(recording), "--quiet"]
        result = run("check", server.url, *args, timeout=10)
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert elapsed < 6, elapsed
    connections = json.loads(recording.read_text())["connections"]
    assert [c["end"]["kind"] for c in connections] == ["eof", "timeout"]


def test_check_follows_redirects(server: str) -> None:
    # /moved answers 307 to /events?count=3, as an EventSource follows it.
    result = run("check", f"{server}/moved", "--json", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["stats"]["events"] == 3


def test_check_resumes_with_a_non_ascii_last_event_id() -> None:
    first = SSE_HEAD + "retry: 10\n\nid: café\ndata: a\n\n".encode()
    # The check reconnects after each end of the stream, until the 204.
    with scripted_server(first, SSE_HEAD + b"data: b\n\n", NO_CONTENT) as server:
        result = run("check", server.url, "--json", "--quiet", timeout=30)
        assert server.header(1, "Last-Event-ID") == "café".encode()
        assert server.header(2, "Last-Event-ID") == "café".encode()
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    assert report["stats"]["reconnects"] == 2
    assert report["stats"]["per_connection"][1]["last_event_id_sent"] == "café"
    assert "SSE401" not in codes(result.stdout)


NO_CONTENT = b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n"


def stats(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(json.loads(result.stdout)["stats"])


def test_check_reconnects_after_the_stream_ends_like_an_eventsource(server: str) -> None:
    # Each response ends after 3 events; the next one resumes after Last-Event-ID.
    url = f"{server}/events?count=6&per_connection=3&retry=50"
    result = run("check", url, "--events", "6", "--json")
    assert (stats(result)["events"], stats(result)["connections"]) == (6, 2)
    assert 'reconnected (#1) with Last-Event-ID: "3" (the stream ended)' in result.stderr
    # Without --events: until the server answers 204, long before --duration.
    started = time.monotonic()
    result = run("check", url, "--duration", "20", "--json")
    assert time.monotonic() - started < 15
    assert (stats(result)["events"], stats(result)["connections"]) == (6, 3)
    assert 'reconnected (#2) with Last-Event-ID: "6"' in result.stderr
    assert "204 No Content: the stream is over" in result.stderr


def test_check_no_reconnect_stops_at_the_first_end_of_the_stream(server: str) -> None:
    url = f"{server}/events?count=6&per_connection=3&retry=50"
    result = run("check", url, "--events", "6", "--no-reconnect", "--json")
    assert (stats(result)["events"], stats(result)["connections"]) == (3, 1)
    assert "reconnected" not in result.stderr
    assert "--events 6 not reached" in result.stderr
    assert "--no-reconnect" in run("check", "--help").stdout


def test_check_reconnects_after_the_connection_drops() -> None:
    event = b"retry: 10\n\nid: 1\ndata: a\n\n"
    cut = (  # one chunk, then no last chunk: the body is cut
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
        b"transfer-encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (len(event), event)
    )
    second = SSE_HEAD + b"id: 2\ndata: b\n\nid: 3\ndata: c\n\n"
    with scripted_server(cut, second) as server:
        result = run("check", server.url, "--events", "3", "--json", timeout=30)
        assert server.header(1, "Last-Event-ID") == b"1"
    assert (stats(result)["events"], stats(result)["connections"]) == (3, 2)
    assert 'reconnected (#1) with Last-Event-ID: "1" (the connection dropped:' in result.stderr


def test_check_stops_for_good_on_204() -> None:
    first = SSE_HEAD + b"retry: 10\n\nid: 1\ndata: a\n\n"
    with scripted_server(first, NO_CONTENT) as server:  # later connections: never answered
        started = time.monotonic()
        result = run("check", server.url, "--duration", "8", "--json", timeout=30)
        elapsed = time.monotonic() - started
        assert len(server.requests) == 2
    assert elapsed < 6, elapsed
    assert (stats(result)["events"], stats(result)["connections"]) == (1, 2)


def test_check_forces_exactly_the_reconnects_asked_for(server: str) -> None:
    # One forced reconnect after 3 events; the second connection then reads on to --events.
    args = ["--events", "10", "--reconnects", "1", "--reconnect-after", "3", "--json"]
    result = run("check", f"{server}/ticker", *args)
    assert stats(result)["events"] >= 10 and stats(result)["reconnects"] == 1
    assert 'reconnected (#1) with Last-Event-ID: "3" (forced after 3 events)' in result.stderr


def test_check_stops_at_max_reconnects(server: str) -> None:
    # retry: 0 and a close after each event: without a bound, hundreds of reconnects a second.
    url = f"{server}/flapping"
    result = run("check", url, "--duration", "20", "--max-reconnects", "3", "--json")
    assert (stats(result)["connections"], stats(result)["reconnects"]) == (4, 3)
    assert 'reconnected (#3) with Last-Event-ID: "3"' in result.stderr
    assert "reconnected (#4)" not in result.stderr
    assert "no more reconnects (--max-reconnects 3)" in result.stderr
    # The reconnects forced by --reconnects come on top of the bound.
    forced = ["--reconnects", "2", "--reconnect-after", "1", "--max-reconnects", "3"]
    result = run("check", url, "--duration", "20", *forced, "--json")
    assert (stats(result)["connections"], stats(result)["reconnects"]) == (6, 5)
    assert "(forced after 1 events)" in result.stderr
    assert "no more reconnects (--max-reconnects 3)" in result.stderr


def test_check_bounds_reconnects_by_default(server: str) -> None:
    # Unbounded, the 8 s would hold thousands of connections: the count shows the bound stopped it.
    result = run("check", f"{server}/flapping", "--duration", "8", "--json")
    assert (stats(result)["connections"], stats(result)["reconnects"]) == (101, 100)
    assert "no more reconnects (--max-reconnects 100)" in result.stderr
    assert "--max-reconnects" in run("check", "--help").stdout


def test_lint_reports_wire_format_problems_with_offsets(tmp_path: pathlib.Path) -> None:
    stream = tmp_path / "stream.txt"
    stream.write_bytes(b"id: 1\ndata: ok\n\nid: 2\nData: wrong case\n\nid: 3\ndata: cut")
    result = run("lint", str(stream), "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    found = codes(result.stdout)
    assert "SSE208" in found and "SSE203" in found
    assert not any(code.startswith("SSE1") for code in found)
    readable = run("lint", str(stream))
    assert "field-name-case" in readable.stdout and "FAIL" in readable.stdout


def test_lint_clean_stream_from_stdin_passes() -> None:
    result = run("lint", "-", stdin=b"retry: 1000\n\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS" in result.stdout


def test_validate_bad_inputs_exit_2(tmp_path: pathlib.Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something-else", "version": 1}')
    result = run("validate", str(broken))
    assert result.returncode == 2 and "format" in result.stderr
    assert run("validate", str(tmp_path / "missing.json")).returncode == 2
    bad_option = run("lint", "-", "--options", '{"no_such_option": 1}', stdin=b"data: x\n\n")
    assert bad_option.returncode == 2 and "no_such_option" in bad_option.stderr
    assert run("lint", "-", "--options", "not json").returncode == 2


def test_module_entry_point_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ssert", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout.startswith("ssert 0.")


OPENAI_CHUNK = (
    'data: {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m", '
    '"choices": [{"index": 0, "delta": {"content": "%s"}, "finish_reason": null}]}\n\n'
)


def test_lint_with_a_protocol_profile() -> None:
    good = (OPENAI_CHUNK % "Hel" + OPENAI_CHUNK % "lo" + "data: [DONE]\n\n").encode()
    assert run("lint", "-", "--profile", "openai-chat", stdin=good).returncode == 0
    # Without the [DONE] terminator the stream is incomplete for that protocol.
    cut = run(
        "lint", "-", "--profile", "openai-chat", "--json", stdin=(OPENAI_CHUNK % "Hel").encode()
    )
    assert cut.returncode == 1
    assert "SSE309" in codes(cut.stdout)  # grammar: `chunk* ([DONE] | error [DONE]?)` incomplete
    # Without the profile the same bytes are a fine SSE stream.
    assert run("lint", "-", stdin=(OPENAI_CHUNK % "Hel").encode()).returncode == 0


def one_line_usage_error(result: subprocess.CompletedProcess[str], command: str) -> str:
    """Asserts exit status 2 with a one-line message (no traceback); returns the message."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"ssert {command}: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--header", "X-Name: café"], "--header value must be printable ASCII"),
        (["--reconnects", "1", "--reconnect-after", "-1"], "--reconnect-after must be >= 1"),
        (["--reconnects", "1", "--reconnect-after", "0"], "--reconnect-after must be >= 1"),
        (["--duration", "inf"], "--duration must be > 0"),
        (["--duration", "1e12"], "--duration must be > 0"),
        (["--events", "0"], "--events must be >= 1"),
        (["--events", "-2"], "--events must be >= 1"),
        (["--max-reconnects", "-1"], "--max-reconnects must be >= 0"),
        (["--options", '{"disable": null}'], '"disable" must be a list'),
        (["--options", '{"enable": "retry"}'], '"enable" must be a list'),
    ],
)
def test_check_rejects_bad_arguments_before_connecting(
    server: str, args: list[str], message: str
) -> None:
    # Each of these against a working endpoint: the error is the argument's, not the server's.
    result = run("check", f"{server}/events?count=3", "--quiet", *args)
    assert message in one_line_usage_error(result, "check")


def test_check_rejects_an_invalid_url() -> None:
    result = run("check", "http://[::1", "--quiet")
    assert "invalid URL" in one_line_usage_error(result, "check")


def test_check_fails_early_when_the_recording_cannot_be_written(
    server: str, tmp_path: pathlib.Path
) -> None:
    with scripted_server() as unused:
        target = tmp_path / "missing" / "dir" / "session.json"
        result = run("check", unused.url, "--quiet", "--duration", "2", "--record", str(target))
        assert unused.requests == []  # no connection was opened
    assert "cannot write" in one_line_usage_error(result, "check")
    # An existing file that can be written is kept as it is until the check is done.
    existing = tmp_path / "session.json"
    existing.write_text("old")
    result = run("check", f"{server}/events?count=3", "--quiet", "--record", str(existing))
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(existing.read_text())["format"] == "ssert-recording"


def test_lint_rejects_enable_or_disable_options_that_are_not_lists() -> None:
    for options in ('{"disable": null}', '{"disable": "retry"}', '{"enable": ["retry", 1]}'):
        result = run("lint", "-", "--options", options, stdin=b"data: x\n\n")
        assert "must be a list of rule codes or names" in one_line_usage_error(result, "lint")


def test_validate_a_recording_that_is_not_utf8_exits_2(tmp_path: pathlib.Path) -> None:
    recording = tmp_path / "latin1.json"
    good = (REPO / "testdata" / "recordings" / "good-session.json").read_bytes()
    recording.write_bytes(good.replace(b'"format"', b'"source": "caf\xe9", "format"', 1))
    result = run("validate", str(recording))
    assert "is not UTF-8" in one_line_usage_error(result, "validate")


def test_validate_with_nothing_to_validate_exits_2(tmp_path: pathlib.Path) -> None:
    har = tmp_path / "no-streams.har"
    entry = {
        "request": {"method": "GET", "url": "http://127.0.0.1/x", "headers": []},
        "response": {
            "status": 200,
            "headers": [{"name": "content-type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": "{}"},
        },
    }
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    result = run("validate", str(har))
    message = one_line_usage_error(result, "validate")
    assert "nothing to validate" in message and "text/event-stream" in message
    # An event-stream entry whose body the HAR did not capture is something to validate: its
    # request and response head are checked, what depends on the body is reported not checked.
    entry["response"] = {
        "status": 200,
        "headers": [{"name": "content-type", "value": "text/event-stream"}],
        "content": {"mimeType": "text/event-stream", "size": 0},
    }
    har.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    result = run("validate", "--json", str(har))
    report = json.loads(result.stdout)
    assert report["stats"]["connections"] == 1
    assert report["stats"]["per_connection"][0]["body_unknown"] is True
    assert {"SSE203", "SSE305"} <= {n["code"] for n in report["not_checked"]}
    empty = tmp_path / "empty.json"
    empty.write_text(
        json.dumps({"format": "ssert-recording", "version": 1, "timing": "none", "connections": []})
    )
    assert "nothing to validate" in one_line_usage_error(run("validate", str(empty)), "validate")


def _single_chunk_recording(body: bytes, name: str) -> dict[str, Any]:
    """What `ssert lint` validated before it streamed: the whole file as one chunk."""
    return {
        "format": "ssert-recording",
        "version": 1,
        "timing": "none",
        "source": f"ssert lint {name}",
        "connections": [
            {
                "request": {"method": "GET", "url": name, "headers": None, "t": 0},
                "response": {
                    "status": 200,
                    "headers": [
                        ["content-type", "text/event-stream"],
                        ["cache-control", "no-cache"],
                    ],
                    "t": 0,
                },
                "chunks": [{"t": 0, "data": base64.b64encode(body).decode("ascii")}],
                "end": {"kind": "eof", "t": 0},
            }
        ],
    }


@pytest.mark.parametrize("read_size", [1, 7, 1 << 20])
def test_lint_streams_the_file_and_reports_as_for_the_whole_body(
    read_size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every conformance vector's bytes, read in pieces of any size, get the report the whole
    # body as one chunk gets: reading a read at a time changes nothing but the memory.
    monkeypatch.setattr(cli, "_LINT_READ_SIZE", read_size)
    options: dict[str, Any] = {"profile": "openai-chat"}
    for vector in load_vectors():
        body = vector_input(vector)
        streamed = cli.lint_stream(io.BytesIO(body), "v.txt", options)
        whole = ssert.validate(_single_chunk_recording(body, "v.txt"), **options)
        assert streamed.to_dict() == whole.to_dict(), vector["name"]


def test_lint_memory_stays_bounded_on_a_large_file(tmp_path: pathlib.Path) -> None:
    # The whole file used to go through base64 and JSON in memory: about 7x its size.
    stream = tmp_path / "large.sse"
    event = b'id: %d\ndata: {"n": %d, "text": "' + b"x" * 200 + b'"}\n\n'
    with stream.open("wb") as file:
        for block in range(96):
            file.write(b"".join(event % (n, n) for n in range(block * 4000, (block + 1) * 4000)))
    size = stream.stat().st_size
    assert size > 85 << 20
    # The peak is read in the child from its own memory map (VmHWM): the rusage of a forked
    # child also counts the parent's pages it held before exec.
    peak_of_lint = (
        "import sys\n"
        "from ssert.cli import main\n"
        "code = main(['lint', sys.argv[1]])\n"
        "status = open('/proc/self/status').read()\n"
        "print(next(l for l in status.splitlines() if l.startswith('VmHWM:')), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", peak_of_lint, str(stream)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "384000 event(s)" in result.stdout
    peak = int(result.stderr.split("VmHWM:")[1].split()[0]) * 1024  # the value is in kB
    assert peak < size // 2, f"peak RSS {peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB file"


def test_streaming_validator_names_the_bad_record_and_is_used_up_by_finish() -> None:
    validator = StreamingValidator()
    validator.record('{"type": "header", "format": "ssert-recording", "version": 1}')
    with pytest.raises(ssert.RecordingError, match="record 2"):
        validator.record('{"type": "chunk"')
    validator.record('{"type": "request", "method": "GET", "url": "/e", "t": 0}')
    validator.record(
        '{"type": "response", "status": 200, "t": 1, '
        '"headers": [["content-type", "text/event-stream"]]}'
    )
    validator.chunk(2, memoryview(b"id: 1\ndata: a\n\n"))
    report = validator.finish()
    assert report.to_dict()["stats"]["events"] == 1
    with pytest.raises(RuntimeError, match="finished"):
        validator.finish()
    with pytest.raises(ssert.OptionsError, match="no_such_option"):
        StreamingValidator('{"no_such_option": 1}')


def test_check_duration_bounds_a_response_head_that_trickles_in() -> None:
    # One byte every 0.2 s: no read waits long enough for httpx's timeouts, so only the
    # check's own deadline can stop it.
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-pad: " + b"a" * 300
    trickle: list[Union[bytes, float]] = []
    for byte in head:
        trickle += [bytes([byte]), 0.2]
    with scripted_server(by_path={"/slow": trickle}) as server:
        started = time.monotonic()
        result = run("check", f"{server.origin}/slow", "--duration", "2", "--quiet", timeout=60)
        elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stdout + result.stderr
    assert "sent no response within 2s" in result.stderr
    assert elapsed < 15, elapsed


def test_check_says_when_fewer_forced_reconnects_were_made(server: str) -> None:
    # All 40 events come in one write: the drop after the 4th comes after the whole read, whose
    # events reach --events first. The resume test asked for never ran: no pass.
    url = f"{server}/events?count=40&one_chunk=true&off_by_one=true"
    result = run("check", url, "--events", "12", "--reconnects", "2", "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert json.loads(result.stdout)["passed"] is True
    assert (
        "only 0 of the 2 forced reconnects were made: --events 12 was reached first"
        in result.stderr
    )
    # Without --events the drop happens after the read, with the last id of the read, as the
    # recording (every byte received) says the client holds.
    result = run("check", url, "--reconnects", "1")
    assert 'reconnected (#1) with Last-Event-ID: "40" (forced after 40 events)' in result.stderr
    assert "forced reconnects were made" not in result.stderr


def _wait_for_line(child: subprocess.Popen[str], text: str) -> None:
    """Reads the child's stderr up to a line holding `text` (fails if it ends first)."""
    assert child.stderr is not None
    for line in child.stderr:
        if text in line:
            return
    raise AssertionError(f"stderr ended without {text!r}")


# A shell starts background jobs with SIGINT ignored, and a child inherits that: this runs
# the command with SIGINT's default action back, so that Python turns it into Ctrl-C.
WITH_DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def test_check_interrupted_validates_and_records_the_session_so_far(
    server: str, tmp_path: pathlib.Path
) -> None:
    recording = tmp_path / "session.json"
    args = [f"{server}/endless", "--duration", "60", "--record", str(recording), "--json"]
    child = subprocess.Popen(
        [sys.executable, "-c", WITH_DEFAULT_SIGINT, SSERT, "check", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_line(child, "events, last id")
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130, stdout + stderr
    assert "interrupted (Ctrl-C)" in stderr and "Traceback" not in stderr
    assert json.loads(stdout)["stats"]["events"] > 0
    connections = json.loads(recording.read_text())["connections"]
    assert connections[-1]["end"]["kind"] == "client_closed"


def test_check_rejects_bad_options_before_any_request() -> None:
    with scripted_server(HOLD) as server:
        for bad in (
            ["--rule", "no-such-rule"],
            ["--options", '{"ids": {"consecutiv": true}}'],
            ["--options", "not json"],
        ):
            started = time.monotonic()
            result = run("check", server.url, "--duration", "30", *bad, timeout=60)
            assert result.returncode == 2, result.stdout + result.stderr
            assert time.monotonic() - started < 15
        assert server.requests == []


def test_check_keeps_the_report_when_the_recording_cannot_be_written(
    tmp_path: pathlib.Path,
) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    target = folder / "session.json"
    late = (1.0, SSE_HEAD + b"id: 1\ndata: a\n\n")
    with scripted_server(late) as server:
        child = subprocess.Popen(
            [SSERT, "check", server.url, "--no-reconnect", "--record", str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            # The path is checked before connecting; it goes away while the check runs.
            _wait_for_line(child, "connecting to")
            folder.rmdir()
            stdout, stderr = child.communicate(timeout=30)
        finally:
            child.kill()
    assert "PASS" in stdout, stdout + stderr
    assert f"cannot write {target}" in stderr
    assert child.returncode == 2


def test_check_of_an_endpoint_that_answers_204_at_once_checks_nothing() -> None:
    with scripted_server(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n") as server:
        result = run("check", server.url)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "nothing to check: the endpoint answered 204 No Content" in result.stderr


def test_check_says_why_a_long_retry_ends_it() -> None:
    with scripted_server(SSE_HEAD + b"retry: 5000\n\nid: 1\ndata: a\n\n") as server:
        result = run("check", server.url, "--duration", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reconnection delay of 5000 ms is not shorter than the" in result.stderr


def test_check_usage_errors_for_ports_drops_and_stdout_records() -> None:
    for args, says in (
        (["http://127.0.0.1:111845/x"], "port 111845 is above 65535"),
        (
            ["http://127.0.0.1:1/x", "--reconnect-after", "2"],
            "--reconnect-after needs --reconnects",
        ),
        (["http://127.0.0.1:1/x", "--record", "-"], "--record needs a file name"),
    ):
        result = run("check", *args)
        assert result.returncode == 2 and says in result.stderr, (args, result.stderr)
