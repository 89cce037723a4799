"""The Python surface of ssert: Parser, parse(), encode(), Event, errors, threads."""

from __future__ import annotations

import gc
import pickle
import threading
from typing import Any

import httpx_sse
import pytest

import ssert


def test_feed_returns_events_completed_by_each_chunk() -> None:
    parser = ssert.Parser()
    assert parser.feed(b"data: hel") == []
    assert parser.feed(b"lo\n") == []
    events = parser.feed(b"\ndata: second\n\n")
    assert [e.data for e in events] == ["hello", "second"]
    assert parser.close() == []


def test_event_fields_match_httpx_sse_server_sent_event() -> None:
    (event,) = ssert.parse(b'event: update\nid: 42\nretry: 1500\ndata: {"n": 1}\n\n')
    assert (event.event, event.data, event.id, event.retry) == ("update", '{"n": 1}', "42", 1500)
    assert event.json() == {"n": 1}
    theirs = httpx_sse.ServerSentEvent(event="update", data='{"n": 1}', id="42", retry=1500)
    for name in ("event", "data", "id", "retry"):
        assert getattr(event, name) == getattr(theirs, name)
    assert event.span == (0, 48)


def test_event_defaults_equality_hash_and_repr() -> None:
    event = ssert.Event(data="x")
    assert (event.event, event.data, event.id, event.retry) == ("message", "x", "", None)
    assert event == ssert.Event(event="message", data="x")
    assert event != ssert.Event(data="y")
    assert event != "x"
    assert hash(event) == hash(ssert.Event(event="message", data="x"))
    assert repr(event) == "Event(event='message', data='x', id='', retry=None)"


def test_parsed_events_are_not_tracked_by_the_cyclic_gc() -> None:
    # Events hold only strings and ints, so they are untracked: a long stream must not keep
    # triggering collections. Small and large (GIL-released) inputs take different paths.
    small = b"event: tick\nid: 1\ndata: a\n\n"
    large = small * (128 * 1024 // len(small))
    for events in (ssert.Parser().feed(small), ssert.Parser().feed(large), ssert.parse(large)):
        assert events
        assert not any(gc.is_tracked(event) for event in events)
    (held,) = ssert.parse(small)
    gc.collect()
    assert (held.event, held.data, held.id) == ("tick", "a", "1")


def test_last_event_id_can_be_set_as_a_resuming_client_starts_with_it() -> None:
    parser = ssert.Parser()
    parser.last_event_id = "café"
    events = parser.feed(b"data: a\n\nid: 2\ndata: b\n\n")
    assert [event.id for event in events] == ["café", "2"]
    assert parser.last_event_id == "2"


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("a\nb", "CR or LF"),
        ("a\rb", "CR or LF"),
        ("\r\n", "CR or LF"),
        ("a\x00b", "NUL"),
    ],
)
def test_last_event_id_refuses_an_id_no_header_or_stream_could_carry(bad: str, why: str) -> None:
    parser = ssert.Parser()
    parser.feed(b"id: 1\ndata: x\n\n")
    with pytest.raises(ValueError, match=why) as caught:
        parser.last_event_id = bad
    assert isinstance(caught.value, ssert.SSEError)  # IdHasNewlineError / IdHasNulError
    assert parser.last_event_id == "1"  # unchanged
    # What encode() refuses for the same id, with the same error class.
    with pytest.raises(type(caught.value)):
        ssert.encode([{"id": bad, "data": "x"}])


def test_id_is_last_event_id_in_force_and_survives_events_without_id() -> None:
    events = ssert.parse(b"id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n").events
    assert [e.id for e in events] == ["1", "1", ""]


def test_on_retry_called_for_every_valid_retry_even_without_event() -> None:
    retries: list[int] = []
    parser = ssert.Parser(on_retry=retries.append)
    assert parser.feed(b"retry: 100\n\nretry: x\nretry: 250\n\n") == []
    assert retries == [100, 250]
    assert parser.retry == 250


def test_on_comment_gets_text_without_one_leading_space() -> None:
    comments: list[str] = []
    parser = ssert.Parser(on_comment=comments.append)
    parser.feed(b":  two spaces\n:ping\n\n")
    assert comments == [" two spaces", "ping"]


def test_callbacks_run_in_stream_order() -> None:
    seen: list[Any] = []
    parser = ssert.Parser(
        on_retry=lambda ms: seen.append(("retry", ms)),
        on_comment=lambda text: seen.append(("comment", text)),
    )
    parser.feed(b": a\nretry: 5\n: b\nretry: 6\n")
    assert seen == [("comment", "a"), ("retry", 5), ("comment", "b"), ("retry", 6)]


def test_close_discards_and_reports_unterminated_event_then_parser_serves_next_stream() -> None:
    parser = ssert.Parser()
    assert [e.data for e in parser.feed(b"id: 7\ndata: kept\n\ndata: lost")] == ["kept"]
    assert parser.close() == []
    (error,) = parser.errors
    assert isinstance(error, ssert.IncompleteEventError)
    assert isinstance(error, ssert.SSEError) and isinstance(error, ValueError)
    assert (error.code, error.offset) == ("INCOMPLETE_EVENT", 18)
    # A reconnect: offsets restart, the last event ID is kept.
    assert parser.last_event_id == "7"
    assert parser.offset == 0
    (event,) = parser.feed(b"data: next\n\n")
    assert (event.data, event.id, event.span) == ("next", "7", (0, 11))


def test_close_ends_a_final_lone_cr_line() -> None:
    parser = ssert.Parser()
    # The blank line is a lone CR at the very end: it dispatches at once, no LF awaited.
    assert parser.feed(b"data: x\n\r") == [ssert.Event(data="x")]
    assert parser.close() == []
    assert parser.errors == []


def test_reset_forgets_everything() -> None:
    parser = ssert.Parser()
    parser.feed(b"id: 3\nretry: 9\ndata: x\n\ndata: y")
    parser.close()
    parser.reset()
    assert (parser.last_event_id, parser.retry, parser.errors, parser.offset) == ("", None, [], 0)


def test_errors_are_collected_and_passed_to_on_error_and_parsing_goes_on() -> None:
    seen: list[ssert.SSEError] = []
    parser = ssert.Parser(on_error=seen.append, max_line_len=8)
    events = parser.feed(b"data: far too long\n\ndata: ok\n\n")
    assert [e.data for e in events] == ["ok"]
    assert [type(e) for e in seen] == [ssert.LineTooLongError]
    assert (seen[0].code, seen[0].offset) == ("LINE_TOO_LONG", 0)
    assert parser.errors == seen


def test_strict_mode_raises_first_error_with_the_events_of_that_call() -> None:
    parser = ssert.Parser(strict=True, max_line_len=8)
    with pytest.raises(ssert.LineTooLongError) as caught:
        parser.feed(b"data: a\n\ndata: far too long\n\ndata: b\n\n")
    assert [e.data for e in caught.value.events] == ["a", "b"]
    assert caught.value.errors == [caught.value]
    # Nothing else is lost and the parser goes on.
    assert [e.data for e in parser.feed(b"data: c\n\n")] == ["c"]


def test_strict_parse_raises_with_events() -> None:
    with pytest.raises(ssert.IncompleteEventError) as caught:
        ssert.parse("data: a\n\ndata: b", strict=True)
    assert [e.data for e in caught.value.events] == ["a"]
    assert caught.value.offset == 9


def test_strict_utf8_reports_each_invalid_sequence_and_replaces_it() -> None:
    result = ssert.parse(b"data: a\xffb\xfe\n\n", strict_utf8=True)
    assert [e.data for e in result] == ["a\ufffdb\ufffd"]
    assert [(type(e), e.offset) for e in result.errors] == [
        (ssert.InvalidUtf8Error, 7),
        (ssert.InvalidUtf8Error, 9),
    ]
    assert ssert.parse(b"data: a\xff\n\n").errors == []


def test_a_raising_callback_propagates_and_its_events_come_with_the_next_call() -> None:
    def boom(millis: int) -> None:
        raise KeyError(millis)

    parser = ssert.Parser(on_retry=boom)
    with pytest.raises(KeyError):
        parser.feed(b"data: a\n\nretry: 1\n")
    assert [e.data for e in parser.feed(b"data: b\n\n")] == ["a", "b"]


def test_feed_accepts_bytes_bytearray_memoryview_and_str() -> None:
    for chunk in (
        b"data: \xc3\xa9\n\n",
        bytearray(b"data: \xc3\xa9\n\n"),
        memoryview(b"data: \xc3\xa9\n\n"),
        "data: é\n\n",
    ):
        assert [e.data for e in ssert.Parser().feed(chunk)] == ["é"]


def test_feed_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="got int"):
        ssert.Parser().feed(5)  # type: ignore[arg-type]


def test_str_offsets_are_utf8_byte_offsets() -> None:
    (event,) = ssert.parse("data: é\n\ndata: x")
    assert event.span == (0, 9)
    assert ssert.parse("data: é\n\ndata: x").errors[0].offset == 10


def test_parse_result_collects_everything() -> None:
    result = ssert.parse(b"\xef\xbb\xbf: hi\nretry: 10\nid: 1\ndata: a\n\n")
    assert len(result) == 1 and list(result) == result.events
    assert result.retries == [10]
    assert result.comments == ["hi"]
    assert result.last_event_id == "1"
    assert result.trace == []
    trace = ssert.parse(b"data: x\n\n", trace=True).trace
    assert trace[0] == {
        "type": "line",
        "start": 0,
        "end": 7,
        "terminator": "lf",
        "kind": "field",
        "field": "data",
    }


def test_encode_round_trips_and_splits_multiline_data() -> None:
    events = [
        ssert.Event(event="update", data="line 1\nline 2\r\nline 3", id="9", retry=100),
        {"data": ""},
        httpx_sse.ServerSentEvent(data="from httpx-sse"),
    ]
    wire = ssert.encode(events)
    assert wire.startswith(
        "event: update\nid: 9\nretry: 100\ndata: line 1\ndata: line 2\ndata: line 3\n\n"
    )
    parsed = ssert.parse(wire).events
    assert [(e.event, e.data, e.id) for e in parsed] == [
        ("update", "line 1\nline 2\nline 3", "9"),
        ("message", "", "9"),
        ("message", "from httpx-sse", "9"),
    ]
    assert ssert.encode([{"data": "x"}], line_ending="crlf") == "data: x\r\n\r\n"


def test_encode_item_without_data_sends_its_fields_but_no_event() -> None:
    wire = ssert.encode(
        [
            {"retry": 3000},
            {"id": "7", "data": None},
            {"data": "after"},
            {"event": "ping", "data": ""},
        ]
    )
    assert wire == "retry: 3000\n\nid: 7\n\ndata: after\n\nevent: ping\ndata:\n\n"
    parser = ssert.Parser()
    events = parser.feed(wire)
    assert [(e.event, e.data, e.id) for e in events] == [
        ("message", "after", "7"),
        ("ping", "", "7"),
    ]
    assert parser.retry == 3000


def test_encode_comment() -> None:
    assert ssert.encode_comment("a\nb") == ": a\n: b\n"


@pytest.mark.parametrize(
    ("event", "error", "offset"),
    [
        ({"event": "a\nb", "data": "x"}, ssert.EventTypeHasNewlineError, 1),
        ({"id": "12\r"}, ssert.IdHasNewlineError, 2),
        ({"id": "1\x002"}, ssert.IdHasNulError, 1),
        ({"event": "ping"}, ssert.EventTypeWithoutDataError, 0),
        ({"event": "ping", "data": None}, ssert.EventTypeWithoutDataError, 0),
    ],
)
def test_encode_rejects_values_that_cannot_be_framed(event: Any, error: Any, offset: int) -> None:
    with pytest.raises(error) as caught:
        ssert.encode([{"data": "x"}, event])
    assert caught.value.offset == offset
    assert isinstance(caught.value, ssert.SSEError)


def test_encode_rejects_bad_line_ending() -> None:
    with pytest.raises(ValueError, match="line_ending"):
        ssert.encode([], line_ending="cr")  # type: ignore[arg-type]


def test_errors_pickle_with_code_and_offset() -> None:
    error = ssert.parse(b"data: x").errors[0]
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.code, copy.offset, str(copy)) == (
        type(error),
        error.code,
        error.offset,
        str(error),
    )


def test_large_inputs_parse_with_gil_released_in_parallel_threads() -> None:
    # Inputs >= 64 KiB take the GIL-released path; two threads parse at once and agree with
    # the small-chunk path.
    stream = b"".join(b"id: %d\ndata: event %d\n\n" % (i, i) for i in range(20000))
    results: list[list[ssert.Event]] = []

    def work() -> None:
        parser = ssert.Parser()
        results.append(parser.feed(stream) + parser.close())

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    small = ssert.Parser()
    expected = [e for i in range(0, len(stream), 1000) for e in small.feed(stream[i : i + 1000])]
    assert len(expected) == 20000
    assert results == [expected, expected]
    assert results[0][-1].span == expected[-1].span


def test_one_parser_used_from_two_threads_at_once_raises_instead_of_corrupting() -> None:
    # While feed() runs (here: inside its on_retry callback), another thread that calls into
    # the same parser is refused with RuntimeError; the parser's state is untouched.
    refused: list[BaseException] = []

    def other_thread_feeds() -> None:
        try:
            parser.feed(b"data: intruder\n\n")
        except RuntimeError as error:
            refused.append(error)

    def on_retry(_: int) -> None:
        thread = threading.Thread(target=other_thread_feeds)
        thread.start()
        thread.join()

    parser = ssert.Parser(on_retry=on_retry)
    events = parser.feed(b"retry: 5\ndata: mine\n\n")
    assert len(refused) == 1 and "borrow" in str(refused[0]).lower()
    assert [e.data for e in events] == ["mine"]
    assert [e.data for e in parser.feed(b"data: next\n\n")] == ["next"]
