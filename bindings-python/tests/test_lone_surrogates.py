"""A Python str may hold lone surrogates, which have no UTF-8 form. Where such a str enters the
core (Parser.feed, parse, encode, encode_comment, last_event_id, validate), each lone surrogate
becomes one U+FFFD, as the JS package does (TextEncoder, USVString conversion). The expected
values below are what the JS package gives for the same strings."""

from __future__ import annotations

import ssert

LONE = "a\ud800b"


def test_parse_and_feed_replace_each_lone_surrogate_with_one_u_fffd() -> None:
    # JS: parse('data: a\ud800b\n\n').events[0].data === 'a\ufffdb'
    assert ssert.parse(f"data: {LONE}\n\n").events[0].data == "a\ufffdb"
    # JS: a pair (one character in JS) stays one character; a reversed pair and a lone high
    # surrogate are one U+FFFD each; a lone surrogate in an id too.
    stream = "data: \ud83d\ude00|\udc00\ud800|\ud800\n\nid: \udfff\ndata: x\n\n"
    events = ssert.parse(stream).events
    assert [(e.data, e.id) for e in events] == [
        ("\U0001f600|\ufffd\ufffd|\ufffd", ""),
        ("x", "\ufffd"),
    ]
    parser = ssert.Parser()
    assert [e.data for e in parser.feed(f"data: {LONE}\n\n")] == ["a\ufffdb"]
    # Strings without surrogates are untouched (the fast path).
    assert ssert.parse("data: caf\u00e9 \U0001f600\n\n").events[0].data == "caf\u00e9 \U0001f600"


def test_encode_writes_each_lone_surrogate_as_u_fffd() -> None:
    # JS: encode([{event:'e\ud800', id:'\udfff', data:'a\ud800b\nc'}, {comment:'x\ud800'}])
    items = [{"event": "e\ud800", "id": "\udfff", "data": "a\ud800b\nc"}, {"comment": "x\ud800"}]
    expected = "event: e\ufffd\nid: \ufffd\ndata: a\ufffdb\ndata: c\n\n: x\ufffd\n"
    assert ssert.encode(items) == expected
    assert ssert.encode([ssert.Event(event="e\ud800", id="\udfff", data="a\ud800b\nc")]) == (
        "event: e\ufffd\nid: \ufffd\ndata: a\ufffdb\ndata: c\n\n"
    )
    assert ssert.encode_comment("x\ud800") == ": x\ufffd\n"


def test_a_last_event_id_with_a_lone_surrogate_is_set_with_u_fffd() -> None:
    parser = ssert.Parser()
    parser.last_event_id = LONE
    assert parser.last_event_id == "a\ufffdb"
    assert ssert._ssert.is_event_stream_type("text/event-stream\ud800") is False
