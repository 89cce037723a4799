"""encode(): the ids of parsed events round-trip, comment items, and items that are no event."""

from __future__ import annotations

import pickle
import types
from typing import Any

import pytest

import ssert


def test_parse_encode_parse_keeps_every_id_including_a_reset() -> None:
    wire = "id: 1\ndata: a\n\nid:\ndata: b\n\ndata: c\n\nid: 2\ndata: d\n\n"
    events = ssert.parse(wire).events
    assert [(e.data, e.id) for e in events] == [("a", "1"), ("b", ""), ("c", ""), ("d", "2")]
    again = ssert.encode(events)
    # As the JS package writes them: a parsed event's id always, "" as `id:` (a reset).
    assert again == "id: 1\ndata: a\n\nid:\ndata: b\n\nid:\ndata: c\n\nid: 2\ndata: d\n\n"
    assert ssert.parse(again).events == events
    # Encoded one event at a time (as a server sends them), the stream is the same.
    assert "".join(ssert.encode([event]) for event in events) == again


def test_an_event_made_by_hand_writes_its_id_only_when_given() -> None:
    assert ssert.encode([ssert.Event(data="x")]) == "data: x\n\n"
    assert ssert.encode([ssert.Event(data="x", id="")]) == "id:\ndata: x\n\n"
    assert ssert.encode([ssert.Event(data="x", id="7")]) == "id: 7\ndata: x\n\n"
    # Equality is about the fields, not about how the event was made.
    assert ssert.parse("data: x\n\n").events == [ssert.Event(data="x")]


def test_a_comment_item_is_written_as_a_comment() -> None:
    wire = ssert.encode(
        [{"comment": "heartbeat"}, {"data": "x"}, {"comment": "a\nb", "data": None}]
    )
    assert wire == ": heartbeat\ndata: x\n\n: a\n: b\n"
    assert ssert.parse(wire).comments == ["heartbeat", "a", "b"]


@pytest.mark.parametrize("field", ["event", "data", "id", "retry"])
def test_a_comment_with_event_fields_is_a_type_error_not_a_lost_event(field: str) -> None:
    value: Any = 5 if field == "retry" else "x"
    item = {"comment": "heartbeat", field: value}
    if field == "event":
        item["data"] = "payload"
    with pytest.raises(TypeError, match="item 1: a comment item has no event, data, id or retry"):
        ssert.encode([{"data": "first"}, item])
    obj = types.SimpleNamespace(comment="c", **{field: value})
    with pytest.raises(TypeError, match="item 0: a comment item"):
        ssert.encode([obj])


@pytest.mark.parametrize("item", ["data: x", 5, None, b"data: x\n\n", object()])
def test_an_item_that_is_no_event_is_a_type_error(item: Any) -> None:
    with pytest.raises(TypeError, match="item 1 is not an event"):
        ssert.encode([{"data": "ok"}, item])


def test_any_mapping_is_read_by_key() -> None:
    item = types.MappingProxyType({"id": "", "event": "e", "data": "x", "retry": 10})
    assert ssert.encode([item]) == "event: e\nid:\nretry: 10\ndata: x\n\n"


def test_an_encoder_error_names_the_failing_item_like_the_js_encode_error() -> None:
    with pytest.raises(ssert.IdHasNewlineError) as caught:
        ssert.encode([{"data": "ok"}, {"id": "a\nb", "data": "x"}])
    error = caught.value
    # JS: "id contains CR or LF (ID_HAS_NEWLINE at byte 1 of item 1)", .index == 1.
    assert (error.code, error.offset, error.index) == ("ID_HAS_NEWLINE", 1, 1)
    assert str(error) == "ID_HAS_NEWLINE at byte 1 of item 1: id contains CR or LF"
    with pytest.raises(ssert.EventTypeWithoutDataError) as no_data:
        ssert.encode(iter([{"data": "a"}, {"data": "b"}, {"event": "ping"}]))
    assert no_data.value.index == 2 and "of item 2" in str(no_data.value)
    with pytest.raises(ssert.IdHasNulError, match="of item 0") as nul:
        ssert.encode([ssert.Event(id="a\0", data="x")])
    assert nul.value.index == 0
    # Still picklable, index included; a parse error has none.
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), str(again), again.index) == (type(error), str(error), 1)
    assert ssert.parse(b"data: x").errors[0].index is None


@pytest.mark.parametrize(
    ("field", "value", "kind", "message"),
    [
        (
            "retry",
            -1,
            ValueError,
            "item 1: `retry` must be from 0 to 2**64 - 1 (milliseconds), got -1",
        ),
        ("retry", 2**64, ValueError, "item 1: `retry` must be from 0 to 2**64 - 1"),
        ("retry", 1.5, TypeError, "item 1: `retry` must be an int, got float"),
        ("retry", "100", TypeError, "item 1: `retry` must be an int, got str"),
        ("data", 5, TypeError, "item 1: `data` must be a str, got int"),
        ("data", b"x", TypeError, "item 1: `data` must be a str, got bytes"),
        ("id", 7, TypeError, "item 1: `id` must be a str, got int"),
        ("event", ["e"], TypeError, "item 1: `event` must be a str, got list"),
    ],
)
def test_a_field_of_the_wrong_shape_names_the_item_and_the_field(
    field: str, value: Any, kind: type[Exception], message: str
) -> None:
    item: dict[str, Any] = {"data": "x", field: value}
    with pytest.raises(kind) as caught:
        ssert.encode([{"data": "first"}, item])
    assert type(caught.value) is kind
    assert str(caught.value).startswith(f"encode(): {message}")
    obj = types.SimpleNamespace(event=None, data="x", id=None, retry=None)
    setattr(obj, field, value)
    with pytest.raises(kind, match=r"^encode\(\): item 0: `" + field + "`"):
        ssert.encode([obj])


def test_a_comment_of_the_wrong_type_names_the_item() -> None:
    with pytest.raises(TypeError, match=r"^encode\(\): item 0: `comment` must be a str, got int$"):
        ssert.encode([{"comment": 5}])


def test_an_event_made_without_data_is_no_event() -> None:
    # As a mapping without data: only the id and retry are written, nothing is dispatched.
    assert ssert.encode([ssert.Event(retry=3000)]) == "retry: 3000\n\n"
    assert ssert.encode([ssert.Event(retry=3000)]) == ssert.encode([{"retry": 3000}])
    assert ssert.encode([ssert.Event(id="7")]) == "id: 7\n\n"
    assert ssert.encode([ssert.Event(id="7", data=None)]) == "id: 7\n\n"
    result = ssert.parse(ssert.encode([ssert.Event(id="7", retry=3000)]))
    assert (result.events, result.retries, result.last_event_id) == ([], [3000], "7")
    # An event type needs data, as for a mapping.
    with pytest.raises(ssert.EventTypeWithoutDataError):
        ssert.encode([ssert.Event(event="ping")])
    # data="" is an event with empty data; parsed events always have data.
    assert ssert.encode([ssert.Event(data="")]) == "data:\n\n"
    assert ssert.encode([ssert.Event(data="", retry=5)]) == "retry: 5\ndata:\n\n"
    assert len(ssert.parse(ssert.encode([ssert.Event(data="", id="7")])).events) == 1
    parsed = ssert.parse("id: 1\nretry: 9\ndata:\n\n").events
    assert ssert.encode(parsed) == "id: 1\nretry: 9\ndata:\n\n"


def test_an_event_without_data_reads_as_empty_data_but_is_not_equal_to_one() -> None:
    empty = ssert.Event(retry=5)
    assert empty.data == "" and isinstance(empty.data, str)
    assert empty == ssert.Event(retry=5, data=None)
    assert hash(empty) == hash(ssert.Event(retry=5))
    # They encode differently (no event / an event with empty data): they are not equal.
    assert empty != ssert.Event(data="", retry=5)
    assert repr(empty) == "Event(event='message', data=None, id='', retry=5)"
    assert repr(ssert.Event(data="")) == "Event(event='message', data='', id='', retry=None)"
