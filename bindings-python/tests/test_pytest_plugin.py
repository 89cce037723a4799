"""The pytest plugin (entry point pytest11): the `sse` fixture and readable failures."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

import ssert
from _server import make_app
from _support import TESTDATA
from ssert.pytest_plugin import SSEFixture
from ssert.testing import assert_valid

RECORDINGS = TESTDATA / "recordings"


def test_sse_fixture_serves_an_app_reads_with_bounds_and_validates(sse: SSEFixture) -> None:
    base_url = sse.serve(make_app())
    events = sse.events(f"{base_url}/events?count=7&per_connection=3", max_reconnects=5)
    assert [e.id for e in events] == [str(i) for i in range(1, 8)]
    endless = sse.events(f"{base_url}/endless", max_events=4)
    assert len(endless) == 4
    reports = sse.assert_valid(disable=["retry"])
    assert len(reports) == 2 and all(r.passed for r in reports)


def test_sse_fixture_async(sse: SSEFixture) -> None:
    base_url = sse.serve(make_app())

    async def read() -> list[str]:
        async with sse.aconnect(f"{base_url}/events?count=3") as source:
            return [e.data async for e in source.aiter_sse(timeout=10)]

    assert asyncio.run(read()) == ["event 1", "event 2", "event 3"]
    assert len(sse.recordings) == 1


def test_assert_valid_fails_with_the_readable_report() -> None:
    recorder = ssert.Recorder()
    for sent, body in ((None, b"id: 1\ndata: a\n\n"), ("1", b"id: 1\ndata: a\n\n")):
        headers = [("accept", "text/event-stream")] + ([("last-event-id", sent)] if sent else [])
        connection = recorder.connection("GET", "http://127.0.0.1:1/s", headers)
        connection.response(
            200, [("content-type", "text/event-stream"), ("cache-control", "no-cache")]
        )
        connection.chunk(body)
        connection.end("eof")
    with pytest.raises(AssertionError) as caught:
        assert_valid(recorder)
    message = str(caught.value)
    assert message.startswith("SSE session failed validation (1 error(s)")
    assert "error[SSE402 resume-point]" in message and "| id: 1" in message
    report = ssert.validate(recorder)
    with pytest.raises(AssertionError):
        assert_valid(report)


def test_plugin_in_a_pytest_run_saves_recordings_and_reports_findings(
    pytester: pytest.Pytester, server: str
) -> None:
    pytester.makepyfile(
        test_streams=f"""
        def test_good(sse):
            sse.events("{server}/events?count=3")
            sse.assert_valid(disable=["retry"])

        def test_resume_bug(sse):
            sse.events("{server}/ticker?off_by_one=true", max_events=6,
                       force_reconnect_after=3, max_reconnects=1, default_retry=0)
            sse.assert_valid()

        def test_no_stream(sse):
            sse.assert_valid()
        """
    )
    result = pytester.runpytest_inprocess(
        "--ssert-recordings", "recordings", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*error?SSE402 resume-point*", "*this test opened no stream*"])
    saved = sorted(p.name for p in (pytester.path / "recordings").iterdir())
    assert len(saved) == 2, saved
    # Named after the test, then a short hash of its node id, then the stream's index.
    assert re.fullmatch(r"test_streams\.py_test_good-[0-9a-f]{8}-0\.json", saved[0])
    assert re.fullmatch(r"test_streams\.py_test_resume_bug-[0-9a-f]{8}-0\.json", saved[1])
    recording = json.loads((pytester.path / "recordings" / saved[1]).read_text())
    assert len(recording["connections"]) == 2


def test_assert_valid_of_a_report_rejects_options() -> None:
    report = ssert.validate(RECORDINGS / "good-session.json")
    assert assert_valid(report) is report
    # The report was validated with its own options: these would silently not apply.
    with pytest.raises(TypeError, match="options apply only when validating a recording"):
        assert_valid(report, ids={"consecutive": True})


def test_saved_recordings_of_tests_with_similar_ids_do_not_overwrite_each_other(
    pytester: pytest.Pytester, server: str
) -> None:
    pytester.makepyfile(
        test_ids=f"""
        import pytest

        @pytest.mark.parametrize("x", ["a b", "a_b", "a/b"])
        def test_param(sse, x):
            sse.events("{server}/events?count=1")

        def test_changes_directory(monkeypatch, tmp_path, sse):
            # `sse` is set up last, so torn down first: while the directory is still changed.
            monkeypatch.chdir(tmp_path)
            sse.events("{server}/events?count=1")
        """
    )
    result = pytester.runpytest_inprocess(
        "--ssert-recordings", "recordings", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=4)
    # All four in the directory relative to where pytest started, none overwritten.
    saved = sorted(p.name for p in (pytester.path / "recordings").iterdir())
    assert len(saved) == 4, saved
    assert sum(name.startswith("test_ids.py_test_param_a_b-") for name in saved) == 3
    assert all(re.fullmatch(r"test_ids\.py_test_\w+-[0-9a-f]{8}-0\.json", n) for n in saved)
