#!/usr/bin/env python3
"""Writes testdata/parser/*.json from the hand-written vectors below.

Every expectation in this file (events, retries, comments, errors, last event ID, trace
offsets) was written by hand from the WHATWG HTML text "Parsing an event stream" and
"Interpreting an event stream" (https://html.spec.whatwg.org/multipage/server-sent-events.html)
plus the error/trace contract of ssert-core. Nothing here runs a parser: the script only
encodes the raw bytes as base64 next to a readable copy, so the two can never drift, and
sanity-checks the hand-typed trace offsets against the raw bytes (a typo guard, not an oracle).

Run: python3 testdata/gen/vectors.py   (rewrites testdata/parser/*.json; commit both)
"""

import base64
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "parser")

BOM = b"\xef\xbb\xbf"
U64_MAX = 18446744073709551615
JS_SAFE_MAX = 2**53 - 1

# ---------------------------------------------------------------- helpers for expectations


def ev(data, type_="message", id_=""):
    """One dispatched event: its type, data, and the last event ID in force at dispatch."""
    return {"type": type_, "data": data, "id": id_}


def err(code, offset):
    return {"code": code, "offset": offset}


def incomplete(offset):
    return err("INCOMPLETE_EVENT", offset)


def bom_t():
    return {"type": "bom", "offset": 0}


def line(start, end, terminator, kind):
    """A Line trace record; kind is 'blank', 'comment', 'oversized' or a field name."""
    rec = {"type": "line", "start": start, "end": end, "terminator": terminator}
    if kind in ("blank", "comment", "oversized"):
        rec["kind"] = kind
    else:
        assert kind in ("data", "event", "id", "retry", "unknown"), kind
        rec["kind"] = "field"
        rec["field"] = kind
    return rec


def ignored_id(offset):
    return {"type": "ignored_id", "offset": offset}


def invalid_retry(offset):
    return {"type": "invalid_retry", "offset": offset}


def tail(start, end):
    return {"type": "discarded_tail", "start": start, "end": end}


GROUPS = []


class Group:
    def __init__(self, name, description):
        self.name = name
        self.description = description
        self.vectors = []
        GROUPS.append(self)

    def v(self, name, description, raw, events, retries=(), comments=(), errors=(),
          last_event_id="", trace=None, options=None):
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        self.vectors.append({"name": name, "description": description, "raw": raw,
                             "events": list(events), "retries": list(retries),
                             "comments": list(comments), "errors": list(errors),
                             "last_event_id": last_event_id, "trace": trace, "options": options})


# ---------------------------------------------------------------- bom

g = Group("bom", "UTF-8 decode strips one leading U+FEFF BOM at the start of the stream only; "
          "anywhere else the bytes EF BB BF are the character U+FEFF.")
g.v("bom-stripped", "A leading BOM is stripped by UTF-8 decode; the first line is a data field.",
    BOM + b"data: x\n\n", [ev("x")],
    trace=[bom_t(), line(3, 10, "lf", "data"), line(11, 11, "lf", "blank")])
g.v("bom-only", "A stream that is only a BOM has no lines and no error.",
    BOM, [], trace=[bom_t()])
g.v("bom-then-blank-line", "A BOM followed by a blank line dispatches nothing.",
    BOM + b"\n", [], trace=[bom_t(), line(3, 3, "lf", "blank")])
g.v("bom-then-line-end-then-event",
    "The BOM is stripped before lines are read: the LF after it ends an empty line, and the next line is a field.",
    BOM + b"\ndata: x\n\n", [ev("x")],
    trace=[bom_t(), line(3, 3, "lf", "blank"), line(4, 11, "lf", "data"), line(12, 12, "lf", "blank")])
g.v("bom-then-cr-then-event",
    "A CR right after the BOM ends an empty line too.",
    BOM + b"\rdata: x\r\r", [ev("x")],
    trace=[bom_t(), line(3, 3, "cr", "blank"), line(4, 11, "cr", "data"), line(12, 12, "cr", "blank")])
g.v("bom-second-is-part-of-field-name",
    "Only one BOM is stripped; the second U+FEFF is part of the field name, so the field is unknown.",
    BOM + BOM + b"data: x\n\n", [],
    trace=[bom_t(), line(3, 13, "lf", "unknown"), line(14, 14, "lf", "blank")])
g.v("bom-in-data-value-kept", "A BOM inside a field value is an ordinary U+FEFF character.",
    BOM + b"data: " + BOM + b"x\n\n", [ev("\ufeffx")])
g.v("bom-mid-stream-not-stripped", "A BOM after the first event makes the next field name unknown.",
    b"data: a\n\n" + BOM + b"data: b\n\n", [ev("a")])
g.v("bom-after-leading-newline-not-stripped",
    "The BOM is only stripped at byte 0; after a blank line it is part of the field name.",
    b"\n" + BOM + b"data: x\n\n", [])
g.v("bom-prefix-then-other-byte",
    "EF BB followed by 'A' is not a BOM: EF BB is a truncated sequence decoded to one U+FFFD, so the "
    "first line is the unknown field U+FFFD 'A'.",
    b"\xef\xbbA\ndata: y\n\n", [ev("y")],
    trace=[line(0, 3, "lf", "unknown"), line(4, 11, "lf", "data"), line(12, 12, "lf", "blank")])
g.v("bom-prefix-in-data-value", "EF BB then 'A' inside a value decodes to U+FFFD then 'A'.",
    b"data: \xef\xbbA\n\n", [ev("\ufffdA")])
g.v("bom-prefix-ef-only-then-data",
    "A lone EF at stream start is not a BOM; it decodes to U+FFFD and makes the field unknown.",
    b"\xefdata: x\n\n", [])
g.v("bom-truncated-at-end-of-stream",
    "EF BB then end of stream: an unterminated line, the unknown field U+FFFD, which no known "
    "field name starts with: nothing is lost, so nothing is reported.",
    b"\xef\xbb", [], trace=[line(0, 2, "eof", "unknown")])
g.v("bom-then-comment", "A comment right after the BOM is still a comment.",
    BOM + b": hi\n", [], comments=["hi"])
g.v("bom-then-crlf-event", "BOM followed by a CRLF-terminated event.",
    BOM + b"data: x\r\n\r\n", [ev("x")])
g.v("bom-then-empty-data", "BOM then a data line whose value is empty.",
    BOM + b"data:\n\n", [ev("")])
g.v("bom-strict-utf8-no-error", "A stripped BOM is valid UTF-8: strict mode reports nothing.",
    BOM + b"data: x\n\n", [ev("x")], options={"strict_utf8": True})
g.v("bom-prefix-strict-utf8-error",
    "In strict mode the truncated BOM prefix EF BB is one invalid sequence at offset 0.",
    b"\xef\xbbA\ndata: y\n\n", [ev("y")], errors=[err("INVALID_UTF8", 0)],
    options={"strict_utf8": True})

# ---------------------------------------------------------------- line endings

g = Group("line-endings", "A line ends at CRLF, at LF, or at a CR not followed by LF (also a CR at the "
          "end of the stream); the runners split every vector between CR and LF too.")
g.v("lf-basic", "LF-terminated data line and blank line.",
    "data: x\n\n", [ev("x")], trace=[line(0, 7, "lf", "data"), line(8, 8, "lf", "blank")])
g.v("crlf-basic", "CRLF is one line end, not two.",
    "data: x\r\n\r\n", [ev("x")], trace=[line(0, 7, "crlf", "data"), line(9, 9, "crlf", "blank")])
g.v("cr-basic", "A lone CR ends a line.",
    "data: x\r\r", [ev("x")], trace=[line(0, 7, "cr", "data"), line(8, 8, "cr", "blank")])
g.v("lf-then-crlf", "LF then CRLF: the second line is blank.",
    "data: x\n\r\n", [ev("x")])
g.v("crlf-then-lf", "CRLF then LF.", "data: x\r\n\n", [ev("x")])
g.v("crlf-then-cr-at-end", "CRLF then a final CR: the CR at end of stream ends a blank line.",
    "data: x\r\n\r", [ev("x")], trace=[line(0, 7, "crlf", "data"), line(9, 9, "cr", "blank")])
g.v("lf-then-cr-at-end", "LF then a final CR: the CR ends a blank line, so the event is dispatched.",
    "data: x\n\r", [ev("x")], trace=[line(0, 7, "lf", "data"), line(8, 8, "cr", "blank")])
g.v("cr-cr-lf", "CR CR LF: a CR line end, then a CRLF-terminated blank line.",
    "data: x\r\r\n", [ev("x")], trace=[line(0, 7, "cr", "data"), line(8, 8, "crlf", "blank")])
g.v("lf-cr-between-events", "LF then CR: the CR ends a blank line that dispatches.",
    "data: a\n\rdata: b\n\n", [ev("a"), ev("b")])
g.v("mixed-endings-in-one-event", "CR, LF and CRLF all end data lines of the same event.",
    "data: a\rdata: b\ndata: c\r\ndata: d\n\n", [ev("a\nb\nc\nd")])
g.v("cr-cr-between-events", "Two CRs end a field line and a blank line.",
    "data: a\r\rdata: b\n\n", [ev("a"), ev("b")])
g.v("cr-crlf-lf", "CR, CRLF, LF: one dispatch, then an extra blank line that does nothing.",
    "data: a\r\r\n\n", [ev("a")])
g.v("lf-cr-crlf", "LF, CR, CRLF: the CR dispatches, the CRLF is another blank line.",
    "data: a\n\r\r\n", [ev("a")])
g.v("cr-at-end-of-stream-ends-data-line",
    "A final CR ends the data line, but no blank line follows: the block is discarded.",
    "data: x\r", [], errors=[incomplete(0)],
    trace=[line(0, 7, "cr", "data"), tail(0, 8)])
g.v("crlf-at-end-without-blank-line", "A CRLF-terminated data line with no blank line is discarded.",
    "data: x\r\n", [], errors=[incomplete(0)])
g.v("blank-lines-only", "Blank lines of every ending dispatch nothing.",
    "\n\r\n\r\r\n", [],
    trace=[line(0, 0, "lf", "blank"), line(1, 1, "crlf", "blank"), line(3, 3, "cr", "blank"),
           line(4, 4, "crlf", "blank")])
g.v("crlf-events-back-to-back", "Two CRLF events; runners split between every CR and LF.",
    "data: a\r\n\r\ndata: b\r\n\r\n", [ev("a"), ev("b")])
g.v("many-blank-lines-between-events", "Extra blank lines between events dispatch nothing.",
    "data: a\n\n\n\n\ndata: b\n\n", [ev("a"), ev("b")])
g.v("cr-inside-value-ends-line", "A CR inside a value ends the line; the rest is a new (unknown) field.",
    "data: a\rb\n\n", [ev("a")])
g.v("empty-input", "An empty stream produces nothing.", "", [], trace=[])
g.v("single-lf", "A single LF is one blank line.", "\n", [], trace=[line(0, 0, "lf", "blank")])
g.v("single-cr", "A single CR at end of stream is one blank line.", "\r", [],
    trace=[line(0, 0, "cr", "blank")])
g.v("cr-lf-cr-lf-data-lines", "Alternating CR and CRLF line ends inside one event.",
    "data: 1\rdata: 2\r\ndata: 3\rdata: 4\r\n\r", [ev("1\n2\n3\n4")])
g.v("lf-lf-cr-cr", "Events ended by LF LF then CR CR.",
    "data: a\n\ndata: b\r\r", [ev("a"), ev("b")])

# ---------------------------------------------------------------- fields

g = Group("fields", "field:value parsing: the name is everything before the first colon, one leading "
          "space of the value is removed, a line without colon is a field with an empty value, "
          "names are case-sensitive and unknown names are ignored.")
g.v("field-no-space-after-colon", "The value starts right after the colon.", "data:x\n\n", [ev("x")])
g.v("field-one-space-removed", "Exactly one leading space is removed.", "data: x\n\n", [ev("x")])
g.v("field-two-spaces-keep-one", "Only one of two leading spaces is removed.",
    "data:  x\n\n", [ev(" x")])
g.v("field-tab-not-stripped", "A leading tab is not a space and is kept.",
    "data:\tx\n\n", [ev("\tx")])
g.v("field-trailing-space-kept", "Trailing spaces are part of the value.", "data: x  \n\n", [ev("x  ")])
g.v("field-empty-value", "data: with nothing after the colon is an empty value.", "data:\n\n", [ev("")])
g.v("field-only-space-value", "data: followed by one space is an empty value.", "data: \n\n", [ev("")])
g.v("field-two-spaces-only-value", "data: followed by two spaces keeps one space.",
    "data:  \n\n", [ev(" ")])
g.v("field-without-colon", "A line without colon is the field name with an empty value.",
    "data\n\n", [ev("")], trace=[line(0, 4, "lf", "data"), line(5, 5, "lf", "blank")])
g.v("field-value-contains-colon", "Only the first colon separates name and value.",
    "data: a:b\n\n", [ev("a:b")])
g.v("field-value-starts-with-colon", "A second colon right after the first is part of the value.",
    "data::x\n\n", [ev(":x")])
g.v("field-name-with-trailing-space", "'data ' (with a space) is not 'data'.", "data : x\n\n", [])
g.v("field-name-with-leading-space", "' data' is not 'data'.", " data: x\n\n", [])
g.v("field-unknown-ignored", "An unknown field is ignored and does not affect the event.",
    "foo: bar\ndata: x\n\n", [ev("x")],
    trace=[line(0, 8, "lf", "unknown"), line(9, 16, "lf", "data"), line(17, 17, "lf", "blank")])
g.v("field-unknown-only-block", "A block with only unknown fields dispatches nothing.",
    "foo: bar\nbaz\n\n", [])
g.v("field-name-case-data-capitalized", "'Data' is not 'data'.", "Data: x\n\n", [])
g.v("field-name-case-data-upper", "'DATA' is not 'data'.", "DATA: x\n\n", [])
g.v("field-name-case-event", "'Event' is unknown: the type stays message.",
    "Event: e\ndata: x\n\n", [ev("x")])
g.v("field-name-case-id", "'ID' is unknown: the last event ID is not set.",
    "ID: 5\ndata: x\n\n", [ev("x")])
g.v("field-name-case-retry", "'Retry' is unknown: no reconnection time.", "Retry: 5\n\n", [])
g.v("field-name-with-nul", "A NUL inside the name makes it unknown.", "da\x00ta: x\n\n", [])
g.v("field-name-homoglyph", "Cyrillic 'а' in 'dаta' is not ASCII 'a'.", "d\u0430ta: x\n\n", [])
g.v("field-name-prefix-of-data", "'dat' and 'datax' are unknown fields.",
    "dat: 1\ndatax: 2\ndata: 3\n\n", [ev("3")])
g.v("field-name-dotless-i", "Turkish dotless i: 'ıd' is not 'id'.",
    "\u0131d: 9\ndata: x\n\n", [ev("x")])

g.v("field-value-looks-like-field", "A value that looks like a field is just text.",
    "data: data: x\n\n", [ev("data: x")])
g.v("field-name-with-leading-tab", "A tab before the name makes it unknown.", "\tdata: x\n\n", [])
g.v("field-name-with-trailing-tab", "'data\\t' is not 'data'.", "data\t: x\n\n", [])
g.v("field-comment-looks-like-field", "':data: x' is a comment, not a field.", ":data: x\n\n", [],
    comments=["data: x"])
g.v("field-event-value-data-no-dispatch", "'event:data' sets the type to 'data'; no data, no event.",
    "event:data\n\n", [])
g.v("field-retry-value-zeros", "'0000' is all digits: zero.", "retry: 0000\n\n", [], retries=[0])

# ---------------------------------------------------------------- data

g = Group("data", "data lines append the value and an LF to the data buffer; at dispatch one final LF "
          "is removed.")
g.v("data-two-lines", "Two data lines are joined by LF.", "data: a\ndata: b\n\n", [ev("a\nb")])
g.v("data-three-lines", "Three data lines.", "data: a\ndata: b\ndata: c\n\n", [ev("a\nb\nc")])
g.v("data-two-empty-lines", "Two empty data lines give a single LF (only the last LF is removed).",
    "data:\ndata:\n\n", [ev("\n")])
g.v("data-two-bare-names", "Two 'data' lines without colon also give a single LF.",
    "data\ndata\n\n", [ev("\n")])
g.v("data-three-empty-lines", "Three empty data lines give two LFs.",
    "data:\ndata:\ndata:\n\n", [ev("\n\n")])
g.v("data-value-then-empty", "A value then an empty data line keeps one trailing LF.",
    "data: a\ndata:\n\n", [ev("a\n")])
g.v("data-empty-then-value", "An empty data line then a value gives a leading LF.",
    "data:\ndata: a\n\n", [ev("\na")])
g.v("data-bare-vs-colon-same", "'data' and 'data:' both dispatch an event with empty data.",
    "data\n\ndata:\n\n", [ev(""), ev("")])
g.v("data-nul-kept", "U+0000 in data is kept.", "data: a\x00b\n\n", [ev("a\x00b")])
g.v("data-only-nul", "A data value of one NUL.", "data: \x00\n\n", [ev("\x00")])
g.v("data-multibyte", "2-, 3- and 4-byte characters in data.", "data: é€😀\n\n", [ev("é€😀")])
g.v("data-json", "JSON payloads are opaque text.", 'data: {"a": [1, 2], "b": "c"}\n\n',
    [ev('{"a": [1, 2], "b": "c"}')])
g.v("data-comment-between-lines", "A comment between data lines does not break the event.",
    "data: a\n: note\ndata: b\n\n", [ev("a\nb")], comments=["note"])
g.v("data-unknown-between-lines", "An unknown field between data lines does not break the event.",
    "data: a\nfoo: x\ndata: b\n\n", [ev("a\nb")])
g.v("data-unicode-line-separators-kept",
    "U+2028, U+2029 and U+0085 are not line ends; they stay in the data.",
    "data: a\u2028b\u2029c\u0085d\n\n", [ev("a\u2028b\u2029c\u0085d")])
g.v("data-control-chars-kept", "Form feed, vertical tab and ESC are ordinary characters.",
    "data: \x0c\x0b\x1b\n\n", [ev("\x0c\x0b\x1b")])
g.v("data-long-line", "A 4 KiB data line.", "data: " + "x" * 4096 + "\n\n", [ev("x" * 4096)])
g.v("data-many-lines", "200 data lines in one event.",
    "".join(f"data: {i}\n" for i in range(200)) + "\n", [ev("\n".join(str(i) for i in range(200)))])
g.v("data-spaces-only", "A value of spaces keeps all but the first.", "data:    \n\n", [ev("   ")])
g.v("data-after-empty-event", "An empty-data event, then an ordinary one.",
    "data:\n\ndata: x\n\n", [ev(""), ev("x")])

# ---------------------------------------------------------------- event type

g = Group("event-type", "The event field sets the event type buffer; dispatch uses 'message' when it is "
          "empty; the buffer is reset after every blank line whether or not an event was dispatched.")
g.v("event-type-basic", "The event field names the type.", "event: add\ndata: 1\n\n",
    [ev("1", "add")],
    trace=[line(0, 10, "lf", "event"), line(11, 18, "lf", "data"), line(19, 19, "lf", "blank")])
g.v("event-type-empty-is-message", "An empty event value means 'message'.",
    "event:\ndata: x\n\n", [ev("x")])
g.v("event-type-bare-name-is-message", "'event' without colon is an empty value: 'message'.",
    "event\ndata: x\n\n", [ev("x")])
g.v("event-type-space-only-is-message", "'event: ' is an empty value after the space is removed.",
    "event: \ndata: x\n\n", [ev("x")])
g.v("event-type-leading-space-kept", "Only one leading space is removed from the type.",
    "event:  x\ndata: 1\n\n", [ev("1", " x")])
g.v("event-type-trailing-space-kept", "Trailing spaces are part of the type.",
    "event: a \ndata: 1\n\n", [ev("1", "a ")])
g.v("event-type-after-data", "The event field may come after the data lines.",
    "data: x\nevent: e\n\n", [ev("x", "e")])
g.v("event-type-last-wins", "A later event field replaces an earlier one.",
    "event: a\nevent: b\ndata: x\n\n", [ev("x", "b")])
g.v("event-type-empty-overrides", "A later empty event field resets the type to message.",
    "event: a\nevent:\ndata: x\n\n", [ev("x")])
g.v("event-type-reset-after-dispatch", "The type does not carry over to the next event.",
    "event: a\ndata: 1\n\ndata: 2\n\n", [ev("1", "a"), ev("2")])
g.v("event-type-reset-after-empty-block",
    "A blank line with an empty data buffer still resets the event type buffer.",
    "event: a\n\ndata: 2\n\n", [ev("2")])
g.v("event-type-without-data", "An event field without data dispatches nothing.", "event: a\n\n", [])
g.v("event-type-case-preserved", "Types are case-sensitive strings.",
    "event: Add\ndata: 1\n\n", [ev("1", "Add")])
g.v("event-type-explicit-message", "An explicit 'message' type.",
    "event: message\ndata: 1\n\n", [ev("1")])
g.v("event-type-with-nul", "NUL is allowed in the event type.", "event: a\x00b\ndata: 1\n\n",
    [ev("1", "a\x00b")])
g.v("event-type-unicode", "Non-ASCII event types.", "event: ünïcödé ✓\ndata: 1\n\n",
    [ev("1", "ünïcödé ✓")])
g.v("event-type-with-colon", "The type may contain colons.", "event: ns:type\ndata: 1\n\n",
    [ev("1", "ns:type")])

# ---------------------------------------------------------------- id

g = Group("id", "The id field sets the last event ID buffer unless the value contains U+0000; the "
          "buffer is committed at every blank line (even without dispatch) and persists across events.")
g.v("id-basic", "An id applies to its event and becomes the last event ID.",
    "id: 1\ndata: x\n\n", [ev("x", id_="1")], last_event_id="1",
    trace=[line(0, 5, "lf", "id"), line(6, 13, "lf", "data"), line(14, 14, "lf", "blank")])
g.v("id-persists-across-events", "The last event ID stays set for later events without id.",
    "id: 1\ndata: a\n\ndata: b\n\n", [ev("a", id_="1"), ev("b", id_="1")], last_event_id="1")
g.v("id-changes", "A new id replaces the previous one.",
    "id: 1\ndata: a\n\nid: 2\ndata: b\n\n", [ev("a", id_="1"), ev("b", id_="2")], last_event_id="2")
g.v("id-empty-value-resets", "'id:' with an empty value resets the last event ID to empty.",
    "id: 1\ndata: a\n\nid:\ndata: b\n\n", [ev("a", id_="1"), ev("b")], last_event_id="")
g.v("id-bare-name-resets", "'id' without colon is an empty value and resets the ID.",
    "id: 1\ndata: a\n\nid\ndata: b\n\n", [ev("a", id_="1"), ev("b")], last_event_id="")
g.v("id-space-only-resets", "'id: ' is empty after the space is removed.",
    "id: 1\ndata: a\n\nid: \ndata: b\n\n", [ev("a", id_="1"), ev("b")], last_event_id="")
g.v("id-with-nul-ignored", "An id containing U+0000 is ignored; the previous ID is kept.",
    "id: 1\ndata: a\n\nid: 2\x00x\ndata: b\n\n", [ev("a", id_="1"), ev("b", id_="1")],
    last_event_id="1",
    trace=[line(0, 5, "lf", "id"), line(6, 13, "lf", "data"), line(14, 14, "lf", "blank"),
           ignored_id(15), line(15, 22, "lf", "id"), line(23, 30, "lf", "data"),
           line(31, 31, "lf", "blank")])
g.v("id-only-nul-ignored", "An id of just NUL is ignored.", "id: \x00\ndata: x\n\n", [ev("x")])
g.v("id-nul-at-end-ignored", "NUL at the end of the id value.", "id: 5\x00\ndata: x\n\n", [ev("x")])
g.v("id-nul-does-not-reset", "An ignored id in the same block keeps the earlier id of that block.",
    "id: 1\nid: 2\x00\ndata: x\n\n", [ev("x", id_="1")], last_event_id="1")
g.v("id-without-data-still-committed",
    "A block with only an id dispatches nothing but sets the last event ID.",
    "id: 7\n\ndata: x\n\n", [ev("x", id_="7")], last_event_id="7")
g.v("id-only-stream", "The last event ID is set even though no event was dispatched.",
    "id: 7\n\n", [], last_event_id="7")
g.v("id-after-data-in-block", "An id after the data lines of the same block applies to that event.",
    "data: x\nid: 3\n\n", [ev("x", id_="3")], last_event_id="3")
g.v("id-last-in-block-wins", "The last id of the block wins.",
    "id: 1\nid: 2\ndata: x\n\n", [ev("x", id_="2")], last_event_id="2")
g.v("id-in-unterminated-block-not-committed",
    "An id in a block cut off by the end of the stream does not become the last event ID.",
    "id: 1\ndata: a\n\nid: 2\ndata: b\n", [ev("a", id_="1")], last_event_id="1",
    errors=[incomplete(15)],
    trace=[line(0, 5, "lf", "id"), line(6, 13, "lf", "data"), line(14, 14, "lf", "blank"),
           line(15, 20, "lf", "id"), line(21, 28, "lf", "data"), tail(15, 29)])
g.v("id-leading-space-kept", "Only one leading space is removed from the id.",
    "id:  5\ndata: x\n\n", [ev("x", id_=" 5")], last_event_id=" 5")
g.v("id-unicode", "Non-ASCII ids.", "id: é€😀\ndata: x\n\n", [ev("x", id_="é€😀")],
    last_event_id="é€😀")
g.v("id-case-sensitive", "'Id' is an unknown field.", "Id: 5\ndata: x\n\n", [ev("x")])
g.v("id-empty-block-updates-after-event", "An id-only block after an event moves the last event ID.",
    "id: 1\ndata: a\n\nid: 2\n\n", [ev("a", id_="1")], last_event_id="2")
g.v("id-reset-block-without-data", "An empty id in a block without data resets the last event ID.",
    "id: 1\n\nid\n\n", [], last_event_id="")
g.v("id-numeric-not-normalized", "Ids are strings: leading zeros are kept.",
    "id: 007\ndata: x\n\n", [ev("x", id_="007")], last_event_id="007")
g.v("id-with-colon", "Ids may contain colons.", "id: a:b\ndata: x\n\n", [ev("x", id_="a:b")],
    last_event_id="a:b")

# ---------------------------------------------------------------- retry

g = Group("retry", "retry sets the reconnection time only if the value consists of ASCII digits; "
          "values too large for u64 saturate; it is reported whether or not an event is dispatched.")
g.v("retry-basic", "A valid retry without data is still reported.", "retry: 1000\n\n", [],
    retries=[1000], trace=[line(0, 11, "lf", "retry"), line(12, 12, "lf", "blank")])
g.v("retry-no-space", "retry:1000.", "retry:1000\n\n", [], retries=[1000])
g.v("retry-zero", "Zero is a valid reconnection time.", "retry: 0\n\n", [], retries=[0])
g.v("retry-leading-zeros", "Leading zeros are fine.", "retry: 007\n\n", [], retries=[7])
g.v("retry-many-leading-zeros", "Many leading zeros do not saturate.",
    "retry: 000000000000000000000000000001\n\n", [], retries=[1])
g.v("retry-plus-sign-invalid", "'+1' is not all digits.", "retry: +1\n\n", [],
    trace=[invalid_retry(0), line(0, 9, "lf", "retry"), line(10, 10, "lf", "blank")])
g.v("retry-minus-sign-invalid", "'-1' is not all digits.", "retry: -1\n\n", [])
g.v("retry-extra-leading-space-invalid", "After one space is removed, ' 1' starts with a space.",
    "retry:  1\n\n", [])
g.v("retry-trailing-space-invalid", "'1 ' has a trailing space.", "retry: 1 \n\n", [])
g.v("retry-decimal-invalid", "'1.5' is not all digits.", "retry: 1.5\n\n", [])
g.v("retry-underscore-invalid", "'1_000' is not all digits.", "retry: 1_000\n\n", [])
g.v("retry-empty-invalid", "An empty value is not a number.", "retry:\n\n", [])
g.v("retry-bare-name-invalid", "'retry' without colon has an empty value.", "retry\n\n", [])
g.v("retry-space-only-invalid", "'retry: ' has an empty value.", "retry: \n\n", [])
g.v("retry-fullwidth-digit-invalid", "U+FF11 FULLWIDTH DIGIT ONE is not an ASCII digit.",
    "retry: \uff11\n\n", [])
g.v("retry-arabic-indic-digits-invalid", "U+0661 U+0662 are not ASCII digits.",
    "retry: \u0661\u0662\n\n", [])
g.v("retry-hex-invalid", "'0x10' is not all digits.", "retry: 0x10\n\n", [])
g.v("retry-exponent-invalid", "'1e3' is not all digits.", "retry: 1e3\n\n", [])
g.v("retry-trailing-garbage-invalid", "'123x' is not all digits.", "retry: 123x\n\n", [])
g.v("retry-nul-invalid", "A NUL makes the value invalid.", "retry: 1\x00\n\n", [])
g.v("retry-js-safe-max", "2^53-1 is written as a JSON number.", "retry: 9007199254740991\n\n", [],
    retries=[JS_SAFE_MAX])
g.v("retry-above-js-safe", "2^53 is written as a decimal string in JSON.",
    "retry: 9007199254740992\n\n", [], retries=["9007199254740992"])
g.v("retry-u64-max", "u64::MAX exactly.", "retry: 18446744073709551615\n\n", [],
    retries=[str(U64_MAX)])
g.v("retry-u64-max-plus-one-saturates", "One above u64::MAX saturates.",
    "retry: 18446744073709551616\n\n", [], retries=[str(U64_MAX)])
g.v("retry-huge-saturates", "A 40-digit value saturates to u64::MAX.",
    "retry: " + "9" * 40 + "\n\n", [], retries=[str(U64_MAX)])
g.v("retry-multiple-in-order", "Every valid retry is reported in order.",
    "retry: 1\nretry: 2\n\nretry: 3\n\n", [], retries=[1, 2, 3])
g.v("retry-with-event", "A retry inside an event block.", "retry: 500\ndata: x\n\n", [ev("x")],
    retries=[500])
g.v("retry-valid-then-invalid", "An invalid retry does not undo the valid one.",
    "retry: 5\nretry: x\n\n", [], retries=[5])
g.v("retry-case-sensitive", "'RETRY' is an unknown field.", "RETRY: 5\n\n", [])
g.v("retry-complete-line-in-unterminated-block",
    "A complete retry line takes effect even if the stream ends without a blank line.",
    "retry: 5\n", [], retries=[5])
g.v("retry-unterminated-line-discarded", "An unterminated retry line is never processed.",
    "retry: 5", [], errors=[incomplete(0)])

# ---------------------------------------------------------------- comments

g = Group("comments", "A line starting with ':' is a comment; ssert reports its text after the colon "
          "with one leading space removed; comments never dispatch.")
g.v("comment-with-space", "': hello' reports 'hello'.", ": hello\n", [], comments=["hello"])
g.v("comment-without-space", "':hello' reports 'hello'.", ":hello\n", [], comments=["hello"])
g.v("comment-colon-only", "':' alone is an empty comment.", ":\n", [], comments=[""])
g.v("comment-colon-space", "': ' is an empty comment.", ": \n", [], comments=[""])
g.v("comment-two-spaces-keep-one", "Only one leading space is removed.", ":  two\n", [],
    comments=[" two"])
g.v("comment-tab-kept", "A leading tab is kept.", ":\tx\n", [], comments=["\tx"])
g.v("comment-with-colon", "Colons after the first are comment text.", ": a: b\n", [],
    comments=["a: b"])
g.v("comment-does-not-dispatch", "A comment followed by a blank line dispatches nothing.",
    ": c\n\n", [], comments=["c"])
g.v("comment-inside-event", "Comments before, inside and after an event.",
    ": a\ndata: x\n: b\n\n: c\n", [ev("x")], comments=["a", "b", "c"],
    trace=[line(0, 3, "lf", "comment"), line(4, 11, "lf", "data"), line(12, 15, "lf", "comment"),
           line(16, 16, "lf", "blank"), line(17, 20, "lf", "comment")])
g.v("comment-heartbeats", "A stream of empty heartbeat comments.", ":\n\n:\n\n:\n\n", [],
    comments=["", "", ""])
g.v("comment-unicode", "Non-ASCII comment text.", ": ♥ ünïcödé\n", [], comments=["♥ ünïcödé"])
g.v("comment-with-nul", "NUL is kept in comments.", ": a\x00b\n", [], comments=["a\x00b"])
g.v("comment-unterminated-at-end", "An unterminated final comment is never processed; no error.",
    "data: a\n\n: bye", [ev("a")], comments=[])
g.v("comment-crlf", "CRLF-terminated comments.", ": a\r\n:b\r\n\r\n", [], comments=["a", "b"])
g.v("comment-not-in-middle", "A colon that is not the first character does not start a comment.",
    " : x\ndata: y\n\n", [ev("y")], comments=[])

# ---------------------------------------------------------------- dispatch

g = Group("dispatch", "A blank line dispatches the event: nothing if the data buffer is empty, else a "
          "message with the final LF removed; then the data and event type buffers are cleared.")
g.v("dispatch-two-events", "Two events in order.", "data: 1\n\ndata: 2\n\n", [ev("1"), ev("2")])
g.v("dispatch-leading-blank-lines", "Blank lines before the first field do nothing.",
    "\n\ndata: x\n\n", [ev("x")])
g.v("dispatch-all-fields", "One block with every field.",
    "event: e\nid: 1\nretry: 5\ndata: x\n\n", [ev("x", "e", "1")], retries=[5], last_event_id="1",
    trace=[line(0, 8, "lf", "event"), line(9, 14, "lf", "id"), line(15, 23, "lf", "retry"),
           line(24, 31, "lf", "data"), line(32, 32, "lf", "blank")])
g.v("dispatch-nothing-without-data", "event and id without data dispatch nothing.",
    "event: x\nid: 1\n\n", [], last_event_id="1")
g.v("dispatch-data-buffer-cleared", "Data does not leak into the next event.",
    "data: a\ndata: b\n\ndata: c\n\n", [ev("a\nb"), ev("c")])
g.v("dispatch-many-events", "Twenty events in order.",
    "".join(f"data: {i}\n\n" for i in range(20)), [ev(str(i)) for i in range(20)])
g.v("dispatch-unknown-and-comment-block", "A block of only comments and unknown fields.",
    ": c\nfoo: bar\n\n", [], comments=["c"])
g.v("dispatch-id-carries-into-typed-event", "Typed events carry the last event ID.",
    "id: 9\n\nevent: t\ndata: x\n\n", [ev("x", "t", "9")], last_event_id="9")
g.v("dispatch-final-lf-removed-once", "Only the single final LF is removed at dispatch.",
    "data: a\ndata:\ndata:\n\n", [ev("a\n\n")])

# ---------------------------------------------------------------- end of stream

g = Group("end-of-stream", "At the end of the stream pending data is discarded: an event not followed by "
          "a blank line is not dispatched; ssert reports INCOMPLETE_EVENT at the start of the discarded "
          "tail when that loses something: the tail held a data or id field line (an event, a last "
          "event ID), or the stream ended inside a line that is, or may be the start of, a data, id "
          "or retry field. An event field or unknown fields alone dispatch nothing: no loss.")
g.v("eos-unterminated-data-line", "An unterminated data line is discarded.",
    "data: x", [], errors=[incomplete(0)], trace=[line(0, 7, "eof", "data"), tail(0, 7)])
g.v("eos-data-line-without-blank", "A terminated data line without blank line is discarded.",
    "data: x\n", [], errors=[incomplete(0)], trace=[line(0, 7, "lf", "data"), tail(0, 8)])
g.v("eos-second-event-unterminated", "The first event is dispatched, the second discarded.",
    "data: a\n\ndata: b", [ev("a")], errors=[incomplete(9)],
    trace=[line(0, 7, "lf", "data"), line(8, 8, "lf", "blank"), line(9, 16, "eof", "data"),
           tail(9, 16)])
g.v("eos-comment-before-cut-off-block",
    "The discarded tail starts at the first field line of the block, after a comment.",
    "data: a\n\n: c\ndata: b\n", [ev("a")], comments=["c"], errors=[incomplete(13)],
    trace=[line(0, 7, "lf", "data"), line(8, 8, "lf", "blank"), line(9, 12, "lf", "comment"),
           line(13, 20, "lf", "data"), tail(13, 21)])
g.v("eos-unknown-field-starts-cut-off-block",
    "An unknown field line is the first field line of the block that is cut off.",
    "foo: 1\ndata: x\n", [], errors=[incomplete(0)])
g.v("eos-second-event-without-blank", "The block after the last blank line is discarded.",
    "data: a\n\ndata: b\n", [ev("a")], errors=[incomplete(9)],
    trace=[line(0, 7, "lf", "data"), line(8, 8, "lf", "blank"), line(9, 16, "lf", "data"),
           tail(9, 17)])
g.v("eos-event-field-only",
    "A block of only an event field dispatches nothing, ended or not: nothing is lost.",
    "event: e\n", [], trace=[line(0, 8, "lf", "event")])
g.v("eos-unterminated-event-line", "An unterminated event line alone loses nothing either.",
    "data: a\n\nevent: e", [ev("a")],
    trace=[line(0, 7, "lf", "data"), line(8, 8, "lf", "blank"), line(9, 17, "eof", "event")])
g.v("eos-event-then-data-cut-off", "An event field with data after it is a cut-off event.",
    "event: e\ndata: x\n", [], errors=[incomplete(0)])
g.v("eos-id-field-only", "A block with an id field is cut off: no last event ID.",
    "id: 1\n", [], errors=[incomplete(0)], last_event_id="")
g.v("eos-unterminated-unknown-line",
    "An unterminated line that no field name starts with is an unknown field: nothing is lost.",
    "foo", [], trace=[line(0, 3, "eof", "unknown")])
g.v("eos-unterminated-unknown-field-in-data-block",
    "An unterminated unknown line after data: the data block is lost, from its start.",
    "data: x\nfoo", [], errors=[incomplete(0)])
g.v("eos-partial-id-name", "'i' may be the start of an id line: reported.",
    "data: a\n\ni", [ev("a")], errors=[incomplete(9)])
g.v("eos-partial-retry-name", "'retr' may be the start of a retry line: reported.",
    "retr", [], errors=[incomplete(0)])
g.v("eos-unterminated-id-line", "An unterminated id line never sets the last event ID.",
    "id: 1\n\nid: 2", [], errors=[incomplete(7)], last_event_id="1")
g.v("eos-terminated-unknown-line", "A complete unknown field line leaves nothing to lose.",
    "foo\n", [])
g.v("eos-unterminated-comment", "An unterminated comment is dropped silently.", ":c", [],
    comments=[], trace=[line(0, 2, "eof", "comment")])
g.v("eos-terminated-comment", "A complete comment is reported; nothing is lost.", ": c\n", [],
    comments=["c"])
g.v("eos-partial-field-name", "A partial line after an event: 'd' may be the start of a data line.",
    "data: a\n\nd", [ev("a")],
    errors=[incomplete(9)])
g.v("eos-data-then-unterminated-comment", "The data block is cut off; the comment never completes.",
    "data: x\n:c", [], errors=[incomplete(0)], comments=[])
g.v("eos-data-then-complete-comment", "The data block is cut off after a complete comment.",
    "data: x\n: c\n", [], errors=[incomplete(0)], comments=["c"])
g.v("eos-retry-then-unterminated-data", "The complete retry line counts; the block is lost.",
    "retry: 10\ndata: x", [], retries=[10], errors=[incomplete(0)])
g.v("eos-blank-line-after-event", "A stream ending right after the blank line loses nothing.",
    "data: a\n\n\n", [ev("a")])
g.v("eos-id-after-committed-id", "A cut-off id block keeps the committed last event ID.",
    "id: 5\n\nid: 6\n", [], errors=[incomplete(7)], last_event_id="5")
g.v("eos-crlf-event-then-partial", "CRLF event followed by a partial line.",
    "data: a\r\n\r\ndata: b\r", [ev("a")], errors=[incomplete(11)])

# ---------------------------------------------------------------- utf8

g = Group("utf8", "The stream is decoded as UTF-8 with U+FFFD replacing each maximal subpart of an "
          "ill-formed sequence (WHATWG Encoding / Unicode 'substitution of maximal subparts'); with "
          "strict_utf8 each replaced subpart is also reported as INVALID_UTF8 at its first byte.")
g.v("utf8-two-byte", "2-byte character.", "data: é\n\n", [ev("é")])
g.v("utf8-three-byte", "3-byte character.", "data: €\n\n", [ev("€")])
g.v("utf8-four-byte", "4-byte character.", "data: 😀\n\n", [ev("😀")])
g.v("utf8-mixed-widths", "1- to 4-byte characters next to each other (runners split inside them).",
    "data: aé€😀z\n\n", [ev("aé€😀z")])
g.v("utf8-boundary-scalars", "U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF are valid.",
    "data: \u0080\u07ff\u0800\uffff\U00010000\U0010ffff\n\n",
    [ev("\u0080\u07ff\u0800\uffff\U00010000\U0010ffff")])
g.v("utf8-overlong-two-byte", "C0 AF (overlong '/') is two invalid bytes: two U+FFFD.",
    b"data: \xc0\xaf\n\n", [ev("\ufffd\ufffd")])
g.v("utf8-overlong-three-byte", "E0 80 AF: E0 cannot be followed by 80, so three U+FFFD.",
    b"data: \xe0\x80\xaf\n\n", [ev("\ufffd\ufffd\ufffd")])
g.v("utf8-overlong-four-byte", "F0 80 80 80: four U+FFFD.",
    b"data: \xf0\x80\x80\x80\n\n", [ev("\ufffd" * 4)])
g.v("utf8-surrogate-high", "ED A0 80 (U+D800) is three U+FFFD.",
    b"data: \xed\xa0\x80\n\n", [ev("\ufffd" * 3)])
g.v("utf8-surrogate-low", "ED BF BF (U+DFFF) is three U+FFFD.",
    b"data: \xed\xbf\xbf\n\n", [ev("\ufffd" * 3)])
g.v("utf8-above-max", "F4 90 80 80 (above U+10FFFF) is four U+FFFD.",
    b"data: \xf4\x90\x80\x80\n\n", [ev("\ufffd" * 4)])
g.v("utf8-f5-lead", "F5 is never a lead byte.", b"data: \xf5\x80\n\n", [ev("\ufffd\ufffd")])
g.v("utf8-ff", "FF is never valid.", b"data: \xff\n\n", [ev("\ufffd")])
g.v("utf8-fe-ff", "FE FF (a UTF-16 BOM) is two U+FFFD.", b"data: \xfe\xff\n\n", [ev("\ufffd\ufffd")])
g.v("utf8-lone-continuation", "A lone continuation byte.", b"data: \x80\n\n", [ev("\ufffd")])
g.v("utf8-two-continuations", "Two continuation bytes are two U+FFFD.", b"data: a\x80\xbfb\n\n",
    [ev("a\ufffd\ufffdb")])
g.v("utf8-truncated-two-byte", "C3 then 'x' is one U+FFFD then x.", b"data: \xc3x\n\n",
    [ev("\ufffdx")])
g.v("utf8-truncated-three-byte", "E2 82 then 'x' is one U+FFFD (a maximal subpart) then x.",
    b"data: \xe2\x82x\n\n", [ev("\ufffdx")])
g.v("utf8-truncated-four-byte", "F0 9F 98 then 'x' is one U+FFFD then x.",
    b"data: \xf0\x9f\x98x\n\n", [ev("\ufffdx")])
g.v("utf8-truncated-at-line-end", "A sequence cut by LF is one U+FFFD.", b"data: \xe2\x82\n\n",
    [ev("\ufffd")])
g.v("utf8-truncated-before-cr", "A sequence cut by CR is one U+FFFD.", b"data: \xf0\x9f\r\r",
    [ev("\ufffd")])
g.v("utf8-lead-then-lead", "C2 C2 A9: the first C2 is cut off, then a valid U+00A9.",
    b"data: \xc2\xc2\xa9\n\n", [ev("\ufffd\u00a9")])
g.v("utf8-mixed-valid-invalid", "Invalid bytes between valid text.", b"data: a\xffb\xc3\xa9c\n\n",
    [ev("a\ufffdb\u00e9c")])
g.v("utf8-line-break-splits-sequence",
    "LF is never part of a sequence: E2 | LF | 82 AC gives U+FFFD, then two U+FFFD on the next line.",
    b"data: \xe2\ndata: \x82\xac\n\n", [ev("\ufffd\n\ufffd\ufffd")])
g.v("utf8-invalid-in-event-type", "Replacement applies to event types.",
    b"event: \xff\ndata: x\n\n", [ev("x", "\ufffd")])
g.v("utf8-invalid-in-id", "Replacement applies to ids.", b"id: \xff\ndata: x\n\n",
    [ev("x", id_="\ufffd")], last_event_id="\ufffd")
g.v("utf8-invalid-in-comment", "Replacement applies to comments.", b": \xff\n", [],
    comments=["\ufffd"])
g.v("utf8-invalid-in-field-name", "An invalid byte in a field name makes it unknown.",
    b"d\xffta: x\ndata: y\n\n", [ev("y")])
g.v("utf8-replacement-char-literal", "A literal U+FFFD in the input is just a character.",
    "data: \ufffd\n\n", [ev("\ufffd")])
g.v("utf8-default-no-errors", "Without strict_utf8 invalid bytes are replaced silently.",
    b"data: \xff\n\n", [ev("\ufffd")], errors=[])
g.v("utf8-strict-single", "strict_utf8 reports the invalid byte's offset.",
    b"data: a\xffb\n\n", [ev("a\ufffdb")], errors=[err("INVALID_UTF8", 7)],
    options={"strict_utf8": True})
g.v("utf8-strict-overlong", "Each maximal subpart is reported separately.",
    b"data: \xc0\xaf\n\n", [ev("\ufffd\ufffd")],
    errors=[err("INVALID_UTF8", 6), err("INVALID_UTF8", 7)], options={"strict_utf8": True})
g.v("utf8-strict-surrogate", "ED A0 80 is three invalid sequences.",
    b"data: \xed\xa0\x80\n\n", [ev("\ufffd" * 3)],
    errors=[err("INVALID_UTF8", 6), err("INVALID_UTF8", 7), err("INVALID_UTF8", 8)],
    options={"strict_utf8": True})
g.v("utf8-strict-truncated", "A truncated sequence is one error at its first byte.",
    b"data: \xe2\x82x\n\n", [ev("\ufffdx")], errors=[err("INVALID_UTF8", 6)],
    options={"strict_utf8": True})
g.v("utf8-strict-valid-multibyte", "Valid multi-byte text reports nothing in strict mode.",
    "data: é€😀\n\n", [ev("é€😀")], options={"strict_utf8": True})
g.v("utf8-strict-comment", "Invalid bytes in a comment are reported.", b":\xff\n", [],
    comments=["\ufffd"], errors=[err("INVALID_UTF8", 1)], options={"strict_utf8": True})
g.v("utf8-strict-across-events", "Errors in two events, in stream order.",
    b"data: a\xff\n\ndata: \x80\n\n", [ev("a\ufffd"), ev("\ufffd")],
    errors=[err("INVALID_UTF8", 7), err("INVALID_UTF8", 16)], options={"strict_utf8": True})
g.v("utf8-strict-event-and-id", "Invalid bytes in event type and id are reported.",
    b"event: \xff\nid: \xfe\ndata: x\n\n", [ev("x", "\ufffd", "\ufffd")],
    errors=[err("INVALID_UTF8", 7), err("INVALID_UTF8", 13)], last_event_id="\ufffd",
    options={"strict_utf8": True})

# ---------------------------------------------------------------- limits

g = Group("limits", "Configured limits: over a limit ssert reports the error, discards the event block "
          "being built through the next blank line, keeps earlier events and goes on parsing.")
long16 = "0123456789abcdef"
g.v("limit-line-too-long", "A 22-byte line over max_line_len 16 is skipped with its block.",
    "data: " + long16 + "\n\ndata: ok\n\n", [ev("ok")], errors=[err("LINE_TOO_LONG", 0)],
    options={"max_line_len": 16},
    trace=[line(0, 22, "lf", "oversized"), line(23, 23, "lf", "blank"), line(24, 32, "lf", "data"),
           line(33, 33, "lf", "blank")])
g.v("limit-line-at-limit-ok", "A line exactly max_line_len long is fine.",
    "data: abcd\n\n", [ev("abcd")], options={"max_line_len": 10})
g.v("limit-line-one-over", "A line one byte over max_line_len is rejected.",
    "data: abcde\n\ndata: f\n\n", [ev("f")], errors=[err("LINE_TOO_LONG", 0)],
    options={"max_line_len": 10})
g.v("limit-line-earlier-events-kept", "Events before the long line are kept.",
    "data: a\n\ndata: " + long16 + "\n\n", [ev("a")], errors=[err("LINE_TOO_LONG", 9)],
    options={"max_line_len": 16})
g.v("limit-line-mid-block-discards-block",
    "A long line in the middle of a block discards the whole block, including later data lines.",
    "data: a\ndata: " + long16 + "\ndata: b\n\ndata: c\n\n", [ev("c")],
    errors=[err("LINE_TOO_LONG", 8)], options={"max_line_len": 16})
g.v("limit-line-long-comment", "A long comment line is also over the limit and discards its block.",
    ":" + "c" * 20 + "\ndata: x\n\ndata: y\n\n", [ev("y")], errors=[err("LINE_TOO_LONG", 0)],
    options={"max_line_len": 16}, comments=[])
g.v("limit-line-crlf", "CRLF does not count towards the line length; recovery after CRLF.",
    "data: abcd\r\n\r\ndata: abcdefgh\r\n\r\ndata: z\r\n\r\n", [ev("abcd"), ev("z")],
    errors=[err("LINE_TOO_LONG", 14)], options={"max_line_len": 10})
g.v("limit-line-two-long-lines", "Two oversized blocks are each reported.",
    "data: " + long16 + "\n\ndata: " + long16 + "\n\ndata: k\n\n", [ev("k")],
    errors=[err("LINE_TOO_LONG", 0), err("LINE_TOO_LONG", 24)], options={"max_line_len": 16})
g.v("limit-event-too-large", "The data line that pushes the data buffer over max_event_size.",
    "data: abcd\ndata: efgh\n\ndata: ok\n\n", [ev("ok")], errors=[err("EVENT_TOO_LARGE", 11)],
    options={"max_event_size": 8})
g.v("limit-event-single-line-too-large", "One data line larger than max_event_size.",
    "data: 0123456789\n\ndata: ok\n\n", [ev("ok")], errors=[err("EVENT_TOO_LARGE", 0)],
    options={"max_event_size": 8})
g.v("limit-event-under-limit-ok", "Seven data bytes fit a max_event_size of 8.",
    "data: abcdefg\n\n", [ev("abcdefg")], options={"max_event_size": 8})
g.v("limit-event-earlier-and-later-kept", "Events around the oversized one are kept.",
    "data: a\n\ndata: 0123456789\ndata: b\n\ndata: c\n\n", [ev("a"), ev("c")],
    errors=[err("EVENT_TOO_LARGE", 9)], options={"max_event_size": 8})
g.v("limit-buffer-single-line",
    "With max_buffered below max_line_len, a line larger than max_buffered is a BUFFER_LIMIT "
    "at its start.",
    "data: 0123456789abcdefXYZ\n\ndata: ok\n\n", [ev("ok")], errors=[err("BUFFER_LIMIT", 0)],
    options={"max_buffered": 16},
    trace=[line(0, 25, "lf", "oversized"), line(26, 26, "lf", "blank"), line(27, 35, "lf", "data"),
           line(36, 36, "lf", "blank")])
g.v("limit-buffer-data-plus-line",
    "The data buffer (10 bytes) plus the next line (16 bytes) exceed max_buffered 20.",
    "data: 0123456789\ndata: abcdefghij\n\ndata: ok\n\n", [ev("ok")],
    errors=[err("BUFFER_LIMIT", 17)], options={"max_buffered": 20})
g.v("limit-buffer-fits", "Data and lines within max_buffered are fine.",
    "data: abc\ndata: def\n\n", [ev("abc\ndef")], options={"max_buffered": 16})
g.v("limit-defaults-allow-normal-streams", "Default limits do not affect ordinary events.",
    "data: " + "y" * 10000 + "\n\n", [ev("y" * 10000)])

# ---------------------------------------------------------------- real world

g = Group("real-world", "Streams shaped like those of real servers and the examples of the spec.")


def openai_chunk(i, content):
    return ('{"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,'
            f'"delta":{{"content":"{content}"}},"finish_reason":null}}],"n":{i}}}')


words = ["Hello", " there", "!", " How", " can", " I", " help", "?"]
openai_body = "".join(f"data: {openai_chunk(i, w)}\n\n" for i, w in enumerate(words))
g.v("openai-chat-stream", "OpenAI-style chunks then data: [DONE].",
    openai_body + "data: [DONE]\n\n",
    [ev(openai_chunk(i, w)) for i, w in enumerate(words)] + [ev("[DONE]")])

anthropic = [
    ("message_start", '{"type":"message_start","message":{"id":"msg_1","role":"assistant"}}'),
    ("content_block_start", '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'),
    ("ping", '{"type": "ping"}'),
    ("content_block_delta", '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}'),
    ("content_block_delta", '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}'),
    ("content_block_stop", '{"type":"content_block_stop","index":0}'),
    ("message_delta", '{"type":"message_delta","delta":{"stop_reason":"end_turn"}}'),
    ("message_stop", '{"type":"message_stop"}'),
]
g.v("anthropic-messages-stream", "Anthropic-style typed events including ping.",
    "".join(f"event: {t}\ndata: {d}\n\n" for t, d in anthropic),
    [ev(d, t) for t, d in anthropic])
g.v("heartbeat-comments-between-events", "Keep-alive comments between events.",
    ": keep-alive\n\ndata: 1\n\n: keep-alive\n\n: keep-alive\n\ndata: 2\n\n",
    [ev("1"), ev("2")], comments=["keep-alive"] * 3)
g.v("id-only-keepalives", "Servers that send id-only blocks as keep-alives move the last event ID.",
    "id: 1\ndata: a\n\nid: 2\n\nid: 3\n\n", [ev("a", id_="1")], last_event_id="3")
g.v("sse-starlette-crlf-ping", "CRLF events with a timestamped ping comment.",
    "event: update\r\ndata: {\"n\": 1}\r\nid: 1\r\n\r\n: ping - 2024-01-01 00:00:15.000000+00:00\r\n\r\n"
    "event: update\r\ndata: {\"n\": 2}\r\nid: 2\r\n\r\n",
    [ev('{"n": 1}', "update", "1"), ev('{"n": 2}', "update", "2")],
    comments=["ping - 2024-01-01 00:00:15.000000+00:00"], last_event_id="2")
g.v("retry-preamble-then-events", "A retry-only preamble block, then numbered events.",
    "retry: 3000\n\nid: 1\ndata: one\n\nid: 2\ndata: two\n\n",
    [ev("one", id_="1"), ev("two", id_="2")], retries=[3000], last_event_id="2")
g.v("spec-example-three-messages", "The spec introduction example with a two-line message.",
    "data: This is the first message.\n\ndata: This is the second message, it\n"
    "data: has two lines.\n\ndata: This is the third message.\n\n",
    [ev("This is the first message."), ev("This is the second message, it\nhas two lines."),
     ev("This is the third message.")])
g.v("spec-example-add-remove", "The spec example with 'add' and 'remove' event types.",
    "event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n",
    [ev("73857293", "add"), ev("2153", "remove"), ev("113411", "add")])
g.v("spec-example-ids-and-spaces", "The spec example: id set, id reset by a bare 'id', extra space kept.",
    ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n",
    [ev("first event", id_="1"), ev("second event"), ev(" third event")],
    comments=["test stream"], last_event_id="")
g.v("spec-example-empty-data-blocks",
    "The spec example: empty data, data of one LF, and a last block lost at end of stream.",
    "data\n\ndata\ndata\n\ndata:", [ev(""), ev("\n")], errors=[incomplete(17)])
g.v("spec-example-space-optional", "The spec example: 'data:test' and 'data: test' are the same.",
    "data:test\n\ndata: test\n\n", [ev("test"), ev("test")])
g.v("multi-line-json-payload", "Pretty-printed JSON split over data lines.",
    'data: {\ndata:   "a": 1,\ndata:   "b": [true, null]\ndata: }\n\n',
    [ev('{\n  "a": 1,\n  "b": [true, null]\n}')])
g.v("legacy-cr-only-server", "An old server that ends lines with CR only.",
    "event: tick\rdata: 1\rid: 1\r\revent: tick\rdata: 2\rid: 2\r\r",
    [ev("1", "tick", "1"), ev("2", "tick", "2")], last_event_id="2")
g.v("typed-empty-keepalive-event", "A typed event with empty data is still dispatched.",
    "event: keep-alive\ndata:\n\ndata: real\n\n", [ev("", "keep-alive"), ev("real")])
g.v("mcp-style-endpoint-then-messages", "An endpoint event followed by JSON-RPC messages.",
    "event: endpoint\ndata: /messages?session_id=abc\n\nevent: message\n"
    'data: {"jsonrpc":"2.0","id":1,"result":{}}\n\n',
    [ev("/messages?session_id=abc", "endpoint"), ev('{"jsonrpc":"2.0","id":1,"result":{}}')])


# ---------------------------------------------------------------- scanner

g = Group("scanner", "Line lengths, line ends, multi-byte characters and invalid bytes at every position "
          "around 8-, 16-, 32- and 64-byte boundaries, where word-at-a-time and SIMD scanners change "
          "strategy. Expectations are built from the known values, not by parsing.")
for term_name, term in (("lf", b"\n"), ("crlf", b"\r\n"), ("cr", b"\r")):
    values = ["a" * k for k in range(71)]
    raw = b"".join(b"data: " + v.encode() + term for v in values) + term
    g.v("scan-line-lengths-" + term_name,
        f"Data lines of 0 to 70 bytes ended by {term_name.upper()}: one event, values joined by LF.",
        raw, [ev("\n".join(values))])
values = ["x" * k + "\u20ac" for k in range(70)]
g.v("scan-three-byte-char-every-position", "A 3-byte character at every position 6..75 of a line.",
    "".join(f"data: {v}\n" for v in values) + "\n", [ev("\n".join(values))])
values = ["y" * k + "\U0001f600" + "z" for k in range(70)]
g.v("scan-four-byte-char-every-position", "A 4-byte character at every position 6..75 of a line.",
    "".join(f"data: {v}\n" for v in values) + "\n", [ev("\n".join(values))])
raw = b"".join(b"data: " + b"x" * k + b"\xff\n" for k in range(70)) + b"\n"
g.v("scan-invalid-byte-every-position", "An FF byte at every position 6..75 of a line: U+FFFD each.",
    raw, [ev("\n".join("x" * k + "\ufffd" for k in range(70)))])
offsets = []
at = 0
for k in range(40):
    offsets.append(at + 6 + k)
    at += len(b"data: ") + k + len(b"\xc3") + len(b"\n\n")
raw = b"".join(b"data: " + b"q" * k + b"\xc3\n\n" for k in range(40))
g.v("scan-strict-truncated-every-position",
    "strict_utf8: a truncated C3 before LF at every position; each reported at its own offset.",
    raw, [ev("q" * k + "\ufffd") for k in range(40)],
    errors=[err("INVALID_UTF8", o) for o in offsets], options={"strict_utf8": True})
g.v("scan-cr-blank-every-position", "Events ended by CR CR after values of 0..24 bytes.",
    "".join("data: %s\r\r" % ("z" * k) for k in range(25)), [ev("z" * k) for k in range(25)])
g.v("scan-crlf-straddling-words", "CRLF pairs at odd offsets: one byte values between CRLFs.",
    "data: 1\r\ndata: 22\r\ndata: 333\r\n\r\ndata:4444\r\n\r\n", [ev("1\n22\n333"), ev("4444")])
ascii_controls = "".join(chr(c) for c in range(128) if c not in (10, 13))
g.v("scan-all-ascii-except-line-ends", "Every ASCII character other than CR and LF is data.",
    "data: " + ascii_controls + "\n\n", [ev(ascii_controls)])
g.v("scan-invalid-then-valid-lines", "An invalid line between valid ones decodes independently.",
    b"event: \xc3\xa9\ndata: \xff\nid: \xc3\xbc\n\ndata: ok\n\n",
    [ev("\ufffd", "\u00e9", "\u00fc"), ev("ok", id_="\u00fc")], last_event_id="\u00fc")
g.v("scan-long-line-with-late-lf", "A 300-byte line whose LF is past several SIMD blocks.",
    "data: " + "w" * 300 + "\n\n", [ev("w" * 300)])

# ---------------------------------------------------------------- output

def check_trace(name, raw, trace):
    """Typo guard for hand-typed trace offsets: each Line record must describe the raw bytes."""
    for rec in trace:
        if rec["type"] != "line":
            continue
        s, e, term = rec["start"], rec["end"], rec["terminator"]
        body = raw[s:e]
        assert b"\r" not in body and b"\n" not in body, (name, rec)
        if term == "eof":
            assert e == len(raw), (name, rec)
        elif term == "lf":
            assert raw[e:e + 1] == b"\n", (name, rec)
        elif term == "crlf":
            assert raw[e:e + 2] == b"\r\n", (name, rec)
        elif term == "cr":
            assert raw[e:e + 1] == b"\r" and raw[e + 1:e + 2] != b"\n", (name, rec)
        assert s == 0 or raw[s - 1:s] in (b"\r", b"\n") or (s == 3 and raw[:3] == BOM), (name, rec)
        kind = rec["kind"]
        if kind == "blank":
            assert s == e, (name, rec)
        elif kind == "comment":
            assert body.startswith(b":"), (name, rec)
        elif kind == "field":
            fname = body.split(b":", 1)[0]
            known = fname.decode("utf-8", "replace") in ("data", "event", "id", "retry")
            assert rec["field"] == (fname.decode() if known else "unknown"), (name, rec)
    for rec in trace:
        if rec["type"] == "discarded_tail":
            assert rec["end"] == len(raw), (name, rec)


# Characters that are valid in JSON strings but invisible or confusing when reviewing the files.
INVISIBLE = re.compile("[\u0080-\u009f\u00a0\u00ad\u2028\u2029\u200b-\u200f\ufeff\ufffd]")


def compact(value):
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return INVISIBLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def render(group, vectors):
    """One key per line and compact values: diffs stay readable, files stay plain JSON."""
    head = (f'{{\n "group": {compact(group.name)},\n'
            f' "description": {compact(group.description)},\n "vectors": [\n')
    parts = [head]
    for i, vec in enumerate(vectors):
        fields = ",\n".join(f"   {compact(k)}: {compact(v)}" for k, v in vec.items())
        parts.append("  {\n" + fields + "\n  }" + ("," if i + 1 < len(vectors) else "") + "\n")
    parts.append(" ]\n}\n")
    return "".join(parts)


def main():
    names = set()
    os.makedirs(OUT, exist_ok=True)
    total = 0
    for group in GROUPS:
        out = []
        for v in group.vectors:
            assert v["name"] not in names, v["name"]
            names.add(v["name"])
            raw = v["raw"]
            rec = {"name": v["name"], "description": v["description"],
                   "input": base64.b64encode(raw).decode("ascii")}
            try:
                rec["text"] = raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            if v["options"]:
                rec["options"] = v["options"]
            rec["events"] = v["events"]
            for r in v["retries"]:
                assert isinstance(r, str) or r <= JS_SAFE_MAX, (v["name"], r)
            rec["retries"] = v["retries"]
            rec["comments"] = v["comments"]
            rec["errors"] = v["errors"]
            rec["last_event_id"] = v["last_event_id"]
            if v["trace"] is not None:
                check_trace(v["name"], raw, v["trace"])
                rec["trace"] = v["trace"]
            out.append(rec)
            total += 1
        with open(os.path.join(OUT, group.name + ".json"), "w", encoding="utf-8") as f:
            f.write(render(group, out))
    traced = sum(1 for g_ in GROUPS for v in g_.vectors if v["trace"] is not None)
    print(f"wrote {total} vectors ({traced} with trace) in {len(GROUPS)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
