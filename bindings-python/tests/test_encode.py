"""encode(): the ids of parsed events round-trip, comment items, and items that are no event."""

from __future__ import annotations

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
