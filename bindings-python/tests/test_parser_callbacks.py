"""Parser callbacks that raise: nothing parsed is lost, as in the JS package's createParser.

A raising on_retry / on_comment / on_error propagates from the call that ran it; the callbacks
after it run first thing in the next feed() / close(), in stream order, before that call's own;
every error is in ``parser.errors`` at once; with ``strict=True`` the error is raised by the next
call, carrying the events held back.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

import ssert

# The parser keeps the GIL below this input size and releases it above (two code paths).
DETACHED = 64 * 1024


def recording_parser(seen: list[Any], raise_on: set[Any], **options: Any) -> ssert.Parser:
    """A parser whose callbacks log to `seen` and raise once at each value of `raise_on`."""

    def once(what: Any) -> None:
        seen.append(what)
        if what in raise_on:
            raise_on.discard(what)
            raise RuntimeError(f"boom at {what}")

    def note(kind: str) -> Callable[[Any], None]:
        return lambda value: once((kind, value))

    return ssert.Parser(
        on_retry=note("retry"),
        on_comment=note("comment"),
        on_error=lambda error: once(("error", error.code)),
        **options,
    )


@pytest.mark.parametrize("padding", [0, DETACHED], ids=["gil-held", "gil-released"])
def test_a_raising_callback_loses_nothing_the_next_call_delivers_the_rest_first(
    padding: int,
) -> None:
    seen: list[Any] = []
    parser = recording_parser(seen, {("retry", 1)}, max_line_len=20)
    # Short comment lines (a long one would break the line limit).
    pad = b": p\n" * (padding // 4)
    stream = b"retry: 1\n: keep-alive\nretry: 2\ndata: this line is too long\n\ndata: ok\n\n"
    with pytest.raises(RuntimeError, match="boom at"):
        parser.feed(stream + pad)
    # The error is recorded at once, whether or not its callback ran.
    assert [(e.code, e.offset) for e in parser.errors] == [("LINE_TOO_LONG", 31)]
    assert seen == [("retry", 1)]
    events = parser.feed(b"data: next\n\n") + parser.close()
    assert [e.data for e in events] == ["ok", "next"]
    expected = [
        ("retry", 1),
        ("comment", "keep-alive"),
        ("retry", 2),
        ("error", "LINE_TOO_LONG"),
    ]
    expected += [("comment", "p")] * (padding // 4)
    assert seen == expected
    assert parser.retry == 2
    assert len(parser.errors) == 1


def test_each_raise_keeps_the_rest_again_and_new_chunks_are_still_parsed() -> None:
    seen: list[Any] = []
    raise_on = {("comment", "a"), ("retry", 5), ("error", "INCOMPLETE_EVENT")}
    parser = recording_parser(seen, raise_on)
    with pytest.raises(RuntimeError, match="comment"):
        parser.feed(b": a\nretry: 5\n: b\ndata: 1\n\n")
    # The leftover retry raises in turn: this call's chunk was parsed all the same, and its
    # comment waits behind the leftover ": b".
    with pytest.raises(RuntimeError, match="retry"):
        parser.feed(b": c\ndata: 2\n\n")
    assert seen == [("comment", "a"), ("retry", 5)]
    assert [e.data for e in parser.feed(b"data: cut")] == ["1", "2"]
    with pytest.raises(RuntimeError, match="INCOMPLETE_EVENT"):
        parser.close()
    assert parser.feed(b": d\n") == []
    assert seen == [
        ("comment", "a"),
        ("retry", 5),
        ("comment", "b"),
        ("comment", "c"),
        ("error", "INCOMPLETE_EVENT"),
        ("comment", "d"),
    ]


def test_strict_raises_the_error_from_the_next_call_when_a_callback_raised_first() -> None:
    def on_retry(millis: int) -> None:
        if millis == 1:
            raise RuntimeError("callback failed")

    parser = ssert.Parser(on_retry=on_retry, strict=True, max_line_len=20)
    with pytest.raises(RuntimeError):
        parser.feed(b"retry: 1\ndata: this line is too long\n\ndata: ok\n\n")
    assert [e.code for e in parser.errors] == ["LINE_TOO_LONG"]
    with pytest.raises(ssert.LineTooLongError) as caught:
        parser.feed(b"data: next\n\n")
    assert caught.value.offset == 9
    assert [e.data for e in caught.value.events] == ["ok", "next"]
    assert caught.value.errors == [caught.value]
    # Raised once; the parser goes on.
    assert [e.data for e in parser.feed(b"data: after\n\n")] == ["after"]
    assert parser.close() == []


def test_strict_raises_at_the_end_of_a_call_whose_error_callback_raised() -> None:
    calls: list[str] = []

    def on_error(error: ssert.SSEError) -> None:
        calls.append(error.code)
        raise RuntimeError("from on_error")

    parser = ssert.Parser(on_error=on_error, strict=True)
    parser.feed(b"data: a\n\ndata: cut")
    with pytest.raises(RuntimeError, match="from on_error"):
        parser.close()
    with pytest.raises(ssert.IncompleteEventError) as caught:
        parser.close()
    assert caught.value.events == []
    assert calls == ["INCOMPLETE_EVENT"]


def test_reset_forgets_what_a_raising_callback_left_undelivered() -> None:
    seen: list[Any] = []
    parser = recording_parser(seen, {("comment", "x")}, strict=True, max_line_len=8)
    with pytest.raises(RuntimeError):
        parser.feed(b": x\n: y\ndata: too long\n\ndata: z\n\n")
    assert [e.code for e in parser.errors] == ["LINE_TOO_LONG"]
    parser.reset()
    assert parser.errors == []
    assert parser.feed(b": w\n") == []
    assert seen == [("comment", "x"), ("comment", "w")]
