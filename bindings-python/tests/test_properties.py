"""Hypothesis property tests of the Python surface.

- any bytes, split anywhere, give exactly what the whole input gives (events, retries,
  comments, errors, last event ID), for bytes and for str input;
- nothing crashes, and every reported or raised parse error is an ssert.SSEError;
- encode() then parse() gives the events back; bad values raise SSEError subclasses.
"""

from __future__ import annotations

from typing import Any, Optional

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ssert
from _support import Outcome, run_parser

settings.register_profile(
    "ssert",
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ssert")

# Bytes that exercise the grammar far more often than uniform random bytes would.
FRAGMENTS = [
    b"data",
    b"data:",
    b"data: ",
    b"event:",
    b"id:",
    b"id: 1",
    b"retry:",
    b"retry: 10",
    b":",
    b": c",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xa9",
    b" ",
    b"x",
    b"unknown:",
    b"Data:",
]
streams = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map(b"".join),
)
LIMITS: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),
    st.fixed_dictionaries(
        {},
        optional={
            "max_line_len": st.integers(1, 40),
            "max_event_size": st.integers(1, 40),
            "max_buffered": st.integers(1, 80),
            "strict_utf8": st.booleans(),
        },
    ),
)


def split(data: Any, cuts: list[int]) -> list[Any]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:])]


@given(streams, st.lists(st.integers(0, 10_000), max_size=12), LIMITS)
def test_any_split_gives_the_same_outcome_as_the_whole(
    data: bytes, cuts: list[int], options: dict[str, Any]
) -> None:
    whole = run_parser([data], options)
    assert run_parser(split(data, cuts), options) == whole
    assert run_parser([data[i : i + 1] for i in range(len(data))], options) == whole
    # parse() is the same run in one call.
    result = ssert.parse(data, **options)
    assert (
        Outcome(
            events=[{"type": e.event, "data": e.data, "id": e.id} for e in result],
            retries=result.retries,
            comments=result.comments,
            errors=[{"code": e.code, "offset": e.offset} for e in result.errors],
            last_event_id=result.last_event_id,
        )
        == whole
    )


@given(
    st.text(alphabet=st.sampled_from(list("data:evntiry \r\n\ufeffé€😀\x00")), max_size=200),
    st.lists(st.integers(0, 10_000), max_size=8),
)
def test_str_input_is_the_utf8_bytes_input(text: str, cuts: list[int]) -> None:
    assert run_parser(split(text, cuts)) == run_parser([text.encode("utf-8")])


@given(streams, LIMITS)
def test_errors_are_sse_errors_and_strict_mode_loses_nothing(
    data: bytes, options: dict[str, Any]
) -> None:
    lenient = ssert.parse(data, **options)
    for error in lenient.errors:
        assert isinstance(error, ssert.SSEError)
        assert error.code and 0 <= error.offset <= len(data)
    try:
        strict = ssert.parse(data, strict=True, **options)
    except ssert.SSEError as error:
        assert lenient.errors and (error.code, error.offset) == (
            lenient.errors[0].code,
            lenient.errors[0].offset,
        )
        assert error.events == lenient.events
    else:
        assert not lenient.errors
        assert strict.events == lenient.events


no_newline = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=20)
# An item without data is no event (only its id and retry are sent); an event type needs data.
messages: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {},
    optional={
        "data": st.text(st.characters(codec="utf-8"), max_size=40),
        "event": no_newline.filter(bool),
        "id": no_newline.filter(lambda s: "\x00" not in s),
        "retry": st.integers(0, 2**64 - 1),
    },
).filter(lambda message: "data" in message or "event" not in message)


@given(st.lists(messages, max_size=8), st.sampled_from(["lf", "crlf"]))
def test_encode_then_parse_gives_the_events_back(events: list[dict[str, Any]], ending: Any) -> None:
    wire = ssert.encode(events, line_ending=ending)
    result = ssert.parse(wire)
    assert result.errors == []
    assert result.retries == [event["retry"] for event in events if "retry" in event]
    last_id = ""
    expected = []
    for event in events:
        last_id = event.get("id", last_id)
        if "data" not in event:
            continue
        data = event["data"].replace("\r\n", "\n").replace("\r", "\n")
        expected.append((event.get("event", "message"), data, last_id, event.get("retry")))
    assert [(e.event, e.data, e.id, e.retry) for e in result] == expected


@given(st.text(max_size=10), st.text(max_size=10))
def test_encode_errors_are_sse_errors(event_type: str, event_id: str) -> None:
    try:
        ssert.encode([{"event": event_type or None, "id": event_id, "data": "x"}])
    except ssert.SSEError as error:
        bad_type = any(c in event_type for c in "\r\n")
        bad_id = any(c in event_id for c in "\r\n\x00")
        assert bad_type or bad_id
        value = event_type if bad_type else event_id
        assert value.encode("utf-8")[error.offset : error.offset + 1] in (b"\r", b"\n", b"\x00")
    except UnicodeEncodeError:
        assert any("\ud800" <= c <= "\udfff" for c in event_type + event_id)
    else:
        assert not any(c in event_type for c in "\r\n") and not any(
            c in event_id for c in "\r\n\x00"
        )


@given(st.one_of(st.none(), st.integers(), st.floats(), st.lists(st.integers(0, 255), max_size=4)))
def test_feeding_wrong_types_raises_type_error_not_a_crash(value: Optional[Any]) -> None:
    parser = ssert.Parser()
    try:
        parser.feed(value)  # type: ignore[arg-type]
    except TypeError:
        pass
    assert parser.feed(b"data: still fine\n\n")[0].data == "still fine"
