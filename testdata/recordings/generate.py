#!/usr/bin/env python3
"""Writes the example recordings of testdata/recordings/ and their manifest.

The recordings are plain data meant to be read by people too; this script only saves typing
and keeps the common parts (well-behaved headers, timing) consistent. Run it from anywhere:

    python3 testdata/recordings/generate.py

Each manifest case names a recording, the options to validate it with, and the exact set of
rule codes the report must contain (`expect`); `covers` lists the rules the case exercises
(so a case whose `expect` lacks a covered rule is that rule's passing example). Rust
(core/tests/validate_recordings.rs), JS and Python run the same manifest.
"""
import base64
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

GOOD_REQUEST_HEADERS = [["accept", "text/event-stream"]]
GOOD_RESPONSE_HEADERS = [
    ["content-type", "text/event-stream; charset=utf-8"],
    ["cache-control", "no-cache"],
    ["x-accel-buffering", "no"],
]


def chunk(t, body):
    """A chunk: readable `text` when the bytes are printable UTF-8, else base64 `data`."""
    if isinstance(body, str):
        body = body.encode()
    try:
        text = body.decode()
        if all(c in "\r\n\t" or (ord(c) >= 0x20 and c != "\x7f") or c == "\x00" for c in text):
            return {"t": t, "text": text}
    except UnicodeDecodeError:
        pass
    return {"t": t, "data": base64.b64encode(body).decode()}


def conn(chunks, t0=0, status=200, request_headers=None, response_headers=None, end="eof", end_t=None,
         last_event_id=None, url="http://127.0.0.1:8080/events", headers_seen=True, responded=True, method="GET"):
    """A connection whose chunks are (t, body) pairs."""
    headers = list(GOOD_REQUEST_HEADERS if request_headers is None else request_headers)
    if last_event_id is not None:
        headers.append(["last-event-id", last_event_id])
    c = {"request": {"method": method, "url": url, "t": t0, "headers": headers if headers_seen else None}}
    if responded:
        c["response"] = {"status": status, "t": t0 + 5,
                         "headers": GOOD_RESPONSE_HEADERS if response_headers is None else response_headers}
    c["chunks"] = [chunk(t, b) for (t, b) in chunks]
    last = max([t for (t, _) in chunks], default=t0 + 5)
    c["end"] = {"kind": end, "t": end_t if end_t is not None else last + 1}
    return c


def recording(connections, expected=None, timing=None, source="testdata/recordings/generate.py"):
    r = {"format": "ssert-recording", "version": 1}
    if timing:
        r["timing"] = timing
    r["source"] = source
    r["connections"] = connections
    if expected is not None:
        r["expected"] = expected
    return r


def events(ids, start_t=10, step=10, data=lambda i: f"event {i}", event_type=None):
    """One chunk per event, `step` ms apart."""
    out = []
    for n, i in enumerate(ids):
        body = ""
        if event_type:
            body += f"event: {event_type}\n"
        if i is not None:
            body += f"id: {i}\n"
        body += f"data: {data(i)}\n\n"
        out.append((start_t + n * step, body))
    return out


CASES = []


def case(name, rec, expect, covers, options=None, description="", not_checked=None, fmt="json"):
    path = f"{name}.{ 'har' if fmt == 'har' else ('jsonl' if fmt == 'jsonl' else 'json') }"
    entry = {"name": name, "description": description, "recording": path, "options": options or {},
             "expect": sorted(expect), "covers": sorted(covers)}
    if not_checked is not None:
        entry["not_checked"] = sorted(not_checked)
    CASES.append(entry)
    with open(os.path.join(HERE, path), "w") as f:
        if fmt == "jsonl":
            f.write(rec)
        else:
            json.dump(rec, f, indent=1, ensure_ascii=False)
            f.write("\n")


TRANSPORT_WIRE_STREAM = ["SSE101", "SSE102", "SSE103", "SSE104", "SSE105", "SSE106", "SSE201", "SSE202",
                         "SSE203", "SSE204", "SSE205", "SSE206", "SSE207", "SSE208", "SSE209", "SSE210",
                         "SSE211", "SSE212", "SSE301", "SSE302", "SSE303", "SSE304", "SSE305", "SSE306", "SSE311", "SSE312"]
REPLAY = ["SSE401", "SSE402", "SSE403", "SSE404", "SSE405", "SSE406"]

# --- a well-behaved session: retry, ids, a network drop, a correct resume -----------------
good = recording([
    conn([(10, "retry: 1000\nid: 1\ndata: one\n\n"), (20, "id: 2\ndata: two\n\n"), (30, ": keepalive\n\n"),
          (40, "id: 3\ndata: three\n\n")], end="network_error", end_t=50),
    conn([(1060, "id: 4\ndata: four\n\n"), (1070, "id: 5\ndata: five\n\n")], t0=1050, last_event_id="3",
         end="client_closed", end_t=1080),
])
case("good-session", good, [], TRANSPORT_WIRE_STREAM + REPLAY,
     options={"ids": {"order": "integer", "consecutive": True}, "retry": {"required": True},
              "limits": {"max_line_len": 64, "max_event_size": 64, "max_buffered": 128}},
     description="Every default rule passes: headers, retry, ids, heartbeats, a drop and a correct resume.")

# --- transport ---------------------------------------------------------------------------
case("status-500", recording([conn([], status=500)]), ["SSE101"], ["SSE101", "SSE312"],
     description="A 500 fails the EventSource connection (and explains why no event came: no SSE312).")
case("status-204", recording([conn([], status=204)]), [], ["SSE101", "SSE312", "SSE406"],
     description="204 is how a server asks the client to stop; it is not an error, and no event is expected.")
case("content-type-plain", recording([conn(events([1]), response_headers=[
    ["content-type", "text/plain"], ["cache-control", "no-cache"], ["x-accel-buffering", "no"]])]),
     ["SSE102"], ["SSE102"], description="text/plain is not an event stream.")
case("content-type-latin1", recording([conn(events([1]), response_headers=[
    ["Content-Type", "TEXT/Event-Stream; charset=iso-8859-1"], ["cache-control", "no-cache"],
    ["x-accel-buffering", "no"]])]),
     ["SSE102"], ["SSE102"], description="The essence matches case-insensitively, but the charset must be utf-8.")
case("content-type-quoted-charset", recording([conn(events([1]), response_headers=[
    ["content-type", 'text/event-stream; charset="utf\\-8"'], ["cache-control", "no-cache"],
    ["x-accel-buffering", "no"]])]),
     [], ["SSE102"],
     description="A quoted charset is read as a browser reads it, escapes removed: `\"utf\\-8\"` is utf-8.")
case("cache-control-missing", recording([conn(events([1]), response_headers=[
    ["content-type", "text/event-stream"], ["x-accel-buffering", "no"]])]),
     ["SSE103"], ["SSE103"], description="Without no-cache a cache may hold the stream.")
case("content-encoding-gzip", recording([conn(events([1]), response_headers=GOOD_RESPONSE_HEADERS + [
    ["content-encoding", "gzip"]])]),
     ["SSE104"], ["SSE104"], description="Compression makes servers and proxies buffer events.")
case("x-accel-buffering-missing", recording([conn(events([1]), response_headers=[
    ["content-type", "text/event-stream"], ["cache-control", "no-store"]])]),
     ["SSE105"], ["SSE105", "SSE103"], description="A hint (severity info): the report still passes.")
case("accept-missing", recording([conn(events([1]), request_headers=[])]), ["SSE106"], ["SSE106"],
     description="The client did not ask for text/event-stream.")
# A field sent on several lines is one comma-separated list (RFC 9110, 5.3); Accept carries media
# ranges with parameters and a weight (RFC 9110, 12.5.1).
case("accept-weighted-and-split", recording([
    conn(events([1, 2]), request_headers=[["accept", "text/event-stream;q=0.9, */*;q=0.1"]], end="network_error",
         end_t=30),
    conn(events([3], start_t=3050), t0=3040, last_event_id="2",
         request_headers=[["accept", "application/json"], ["Accept", "text/event-stream; charset=utf-8"]])]),
     [], ["SSE106"],
     description="`text/event-stream;q=0.9, */*;q=0.1` asks for the stream (a weight and parameters are part of a "
                 "media range), and so do two Accept lines, `application/json` then `text/event-stream; "
                 "charset=utf-8`, which are one list.")
case("accept-refused-or-wildcard", recording([
    conn(events([1, 2]), request_headers=[["accept", "text/event-stream;q=0, */*"]], end="network_error", end_t=30),
    conn(events([3], start_t=3050), t0=3040, last_event_id="2", request_headers=[["accept", "*/*"]])]),
     ["SSE106"], ["SSE106"],
     description="`q=0` means not acceptable, and `*/*` alone does not name the stream (an EventSource sends "
                 "`Accept: text/event-stream`; a server that negotiates may answer a wildcard with another type).")
case("cache-control-two-lines", recording([conn(events([1, 2]), response_headers=[
    ["content-type", "text/event-stream; charset=utf8"], ["cache-control", "no-transform"],
    ["Cache-Control", "no-cache"], ["x-accel-buffering", "no"], ["content-encoding", "identity"],
    ["content-encoding", ""]])]),
     [], ["SSE102", "SSE103", "SSE104"],
     description="`Cache-Control` on two lines is one list, `no-transform, no-cache`; `charset=utf8` is a label of "
                 "UTF-8 (WHATWG Encoding); `identity` and an empty `Content-Encoding` line compress nothing.")
case("cache-control-no-cache-for-fields", recording([conn(events([1, 2]), response_headers=[
    ["content-type", "text/event-stream"], ["cache-control", 'private, no-cache="set-cookie, set-cookie2"'],
    ["x-accel-buffering", "no"]])]),
     ["SSE103"], ["SSE103"],
     description="`no-cache=\"set-cookie, set-cookie2\"` keeps only those fields out of a shared cache (RFC 9111, "
                 "5.2.2.4): the stream itself may still be stored.")
case("content-encoding-second-line", recording([conn(events([1, 2]), response_headers=GOOD_RESPONSE_HEADERS + [
    ["content-encoding", "identity"], ["content-encoding", "gzip"]])]),
     ["SSE104"], ["SSE104"], description="`identity` then `gzip` on two lines is `identity, gzip`: compressed.")
case("content-type-two-lines", recording([conn(events([1, 2]), response_headers=[
    ["content-type", "text/event-stream"], ["content-type", "text/html"], *GOOD_RESPONSE_HEADERS[1:]])]),
     ["SSE102"], ["SSE102", "SSE312"],
     description="`Content-Type` takes one value (RFC 9110, 8.3): two lines are an error. A browser uses the last "
                 "valid one (Fetch, \"extract a MIME type\"), here text/html, so it fails the connection and reads "
                 "no event (and none was owed: no SSE312). In the other order it would read the stream, and SSE102 "
                 "would still report the two lines.")
case("content-type-html", recording([
    conn([(10, "<html>\n<body>id: 1</body>\n\n"), (16000, "</html>\n")], response_headers=[
        ["content-type", "text/html"], ["cache-control", "no-cache"], ["x-accel-buffering", "no"]],
         end="network_error", end_t=16001),
    conn(events([1, 2], start_t=19020), t0=19010)]),
     ["SSE102"], ["SSE102", "SSE207", "SSE301", "SSE305", "SSE306", "SSE312", "SSE401"],
     description="An EventSource fails a 200 that is not text/event-stream and reads none of its body: SSE102 alone, "
                 "no wire, stream or timing rule on the HTML, and no last event id from it (the reconnect rightly "
                 "sends none).")

# --- wire format ---------------------------------------------------------------------------
case("bom-at-start", recording([conn([(10, "\ufeffid: 1\ndata: a\n\n")])]), [], ["SSE201", "SSE207"],
     description="One BOM at the very start is stripped: fine.")
case("bom-not-at-start", recording([conn([(10, "id: 1\ndata: a\n\n"), (20, "\ufeffid: 2\ndata: b\n\n")])]),
     ["SSE201", "SSE301"], ["SSE201"],
     description="A BOM later in the stream corrupts the `id` field name (so the block has no id either).")
case("mixed-line-endings", recording([conn([(10, "id: 1\r\ndata: a\r\n\r\n"), (20, "id: 2\ndata: b\n\n")])]),
     ["SSE202"], ["SSE202"], description="CRLF then LF in one stream.")
case("crlf-split-across-chunks", recording([conn([(10, "id: 1\r\ndata: a\r"), (20, "\n\r\n")])]), [],
     ["SSE202"], description="A CRLF split across two chunks is one line ending, not mixed endings.")
case("unterminated-event", recording([conn([(10, "id: 1\ndata: a\n\n"), (20, "id: 2\ndata: b")])]),
     ["SSE203"], ["SSE203"], description="EOF inside an event: the client drops it.")
case("unterminated-event-client-closed", recording([conn([(10, "id: 1\ndata: a\n\n"), (20, "id: 2\ndata: b")],
                                                         end="client_closed")]),
     [], ["SSE203"], description="The client cut the stream: not the server's fault.")
case("unterminated-event-stalled", recording([conn([(10, "id: 1\ndata: a\n\n"), (20, "id: 2\ndata: b\n"),
                                                    (10020, ": ping\n"), (20020, ": ping\n"), (30020, ": ping\n")],
                                                   end="client_closed", end_t=40020)]),
     ["SSE203"], ["SSE203", "SSE305"],
     description="Event 2 waited 40 s for its blank line (comments do not end it) until the client closed: longer "
                 "than the heartbeat window, so the server never finished it.")
case("invalid-utf8", recording([conn([(10, b"id: 1\ndata: caf\xe9\n\n")])]), ["SSE204"], ["SSE204"],
     description="Latin-1 bytes in the stream.")
case("invalid-retry", recording([conn([(10, "retry: 3s\nid: 1\ndata: a\n\n")])]), ["SSE205"], ["SSE205"],
     description="`retry` must be ASCII digits.")
case("id-has-nul", recording([conn([(10, "id: 1\ndata: a\n\n"), (20, "id: 2\u00003\ndata: b\n\n")])]),
     ["SSE206", "SSE301"], ["SSE206"], description="An id with NUL is ignored, so the block has no id of its own.")
case("unknown-field", recording([conn([(10, "id: 1\nmeta: x\ndata: a\n\n")])]), ["SSE207"], ["SSE207"],
     description="`meta` is not a field.")
case("field-name-case", recording([conn([(10, "id: 1\nData: a\ndata: b\n\n")])]), ["SSE208"], ["SSE208"],
     description="`Data` is not `data`.")
case("line-too-long", recording([conn([(10, "id: 1\ndata: " + "x" * 40 + "\n\n"), (20, "id: 2\ndata: b\n\n")])]),
     ["SSE209"], ["SSE209"], options={"limits": {"max_line_len": 32}},
     description="A 46-byte line over a 32-byte limit; the event is dropped, the next one is fine.")
case("event-too-large", recording([conn([(10, "id: 1\ndata: 0123456789\ndata: 0123456789\n\n"),
                                         (20, "id: 2\ndata: b\n\n")])]),
     ["SSE210"], ["SSE210"], options={"limits": {"max_event_size": 16}},
     description="Two 10-byte data lines over a 16-byte event limit.")
case("buffer-limit", recording([conn([(10, "id: 1\ndata: 0123456789"), (20, "0123456789\n\n"),
                                      (30, "id: 2\ndata: b\n\n")])]),
     ["SSE211"], ["SSE211"], options={"limits": {"max_buffered": 24}},
     description="A line held across chunks grows past 24 bytes.")
# A reconnect sends the last event id as the `Last-Event-ID` header: HTTP drops a field value's
# leading and trailing spaces and tabs (RFC 9110, 5.5), and servers cap header lines (nginx: 8 KiB).
case("id-leading-space", recording([
    conn([(10, "retry: 1000\nid:  1\ndata: a\n\n"), (20, "id:  2\ndata: b\n\n")], end="network_error", end_t=30),
    conn([(1040, "id:  3\ndata: c\n\n")], t0=1030, last_event_id=" 2", end="client_closed", end_t=1050),
]), ["SSE212"], ["SSE212", "SSE401"],
     description="`id:  2` (two spaces) is the id \" 2\": the reconnect's Last-Event-ID header loses the space, so "
                 "the server reads \"2\". Reported once per connection, at the first such id. The recorder logs the "
                 "header as the client was asked to send it (\" 2\").")
case("id-leading-space-sent-trimmed", recording([
    conn([(10, "retry: 1000\nid:  1\ndata: a\n\n"), (20, "id:  2\ndata: b\n\n")], end="network_error", end_t=30),
    conn([(1040, "id:  3\ndata: c\n\n")], t0=1030, last_event_id="2", end="client_closed", end_t=1050),
]), ["SSE212"], ["SSE212", "SSE401"],
     description="The same session recorded as fetch and h11 send it: the header carries \"2\" (HTTP drops the "
                 "space). The client did send its last event id, as HTTP carries it: no SSE401 on top of SSE212.")
case("id-trailing-tab", recording([conn([(10, "id: 1\t\ndata: a\n\n"), (20, "id: 2\ndata: b\n\n")])]),
     ["SSE212"], ["SSE212"], description="The id \"1\\t\" ends with a tab, which the Last-Event-ID header loses.")
case("id-too-long-to-resume", recording([conn([(10, "id: " + "x" * 8193 + "\ndata: a\n\n"),
                                                (20, "id: 2\ndata: b\n\n")])]),
     ["SSE212"], ["SSE212"],
     description="An 8193-byte id: the reconnect's Last-Event-ID header line is longer than nginx's default 8 KiB "
                 "header buffer (and near Node's 16 KiB head limit), so the server refuses it.")
case("id-inner-space-ok", recording([conn([(10, "id: a b\ndata: a\n\n"), (20, "id:c\td\ndata: b\n\n"),
                                           (30, "id: " + "y" * 8175 + "\ndata: c\n\n"),
                                           (40, "id: \ndata: d\n\n"), (50, "id\ndata: e\n\n")])]),
     [], ["SSE212"],
     description="Spaces and tabs inside an id survive the header; `id: ` (one space) and `id` are the empty id, which "
                 "resets the last event id (no header is sent); an id of 8175 bytes is within the bound (its "
                 "`Last-Event-ID` header line, CRLF included, is exactly 8192 bytes).")

# --- stream --------------------------------------------------------------------------------
case("missing-id", recording([conn(events([1, None, 3]))]), ["SSE301"], ["SSE301"],
     description="The second event has no id: a reconnect after it would resend it.")
case("missing-id-not-required", recording([conn(events([None, None]))]), [], ["SSE301"],
     options={"ids": {"required": False}}, description="ids.required = false.")
case("id-order", recording([conn(events([1, 3, 2]))]), ["SSE302"], ["SSE302"],
     description="2 after 3.")
case("id-order-ulid", recording([conn(events(["01ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAW",
                                              "01ARZ3NDEATSV4RRFFQ69G5FAV"]))]),
     ["SSE302"], ["SSE302"], options={"ids": {"order": "ulid"}},
     description="The third ULID's timestamp is earlier.")
case("id-order-uuid7", recording([conn(events(["01890a5d-ac96-774b-bcce-b302099a8057",
                                               "01890a5d-ac97-774b-bcce-b302099a8057"]))]),
     [], ["SSE302"], options={"ids": {"order": "uuid7"}}, description="UUIDv7 ids in time order.")
case("duplicate-id", recording([conn(events([1, 2, 2, 3]))]), ["SSE303"], ["SSE303", "SSE302"],
     description="Event 2 twice in one connection (reported once, not also as an order violation).")
case("duplicate-id-spellings", recording([conn(events(["01", "1", "1"]))]), ["SSE302", "SSE303"],
     ["SSE302", "SSE303"],
     description="`1` after `01` has a value already used (SSE302, not the same id); `1` again is the same "
                 "string, a duplicate (SSE303), although its value was also written padded.")
case("retry-out-of-bounds", recording([conn([(10, "retry: 10\nid: 1\ndata: a\n\n")])]), ["SSE304"], ["SSE304"],
     description="10 ms makes clients hammer the server (default minimum 100 ms).")
case("retry-required", recording([conn(events([1, 2]))]), ["SSE304"], ["SSE304"],
     options={"retry": {"required": True}}, description="retry.required and no retry field.")
case("heartbeat-late", recording([conn([(10, "id: 1\ndata: a\n\n"), (40010, "id: 2\ndata: b\n\n")])]),
     ["SSE305"], ["SSE305"], description="40 s of silence (default limit 30 s).")
case("heartbeat-comments", recording([conn([(10, "id: 1\ndata: a\n\n"), (20010, ": ping\n\n"),
                                            (40010, "id: 2\ndata: b\n\n")])]),
     [], ["SSE305"], description="Comment heartbeats keep the silence under 30 s.")
case("time-to-first-event", recording([conn([(12000, "id: 1\ndata: a\n\n"), (12010, "id: 2\ndata: b\n\n")])]),
     ["SSE306"], ["SSE306"], options={"heartbeat": {"max_silence_ms": 60000}},
     description="The first event after 12 s (default limit 10 s).")
case("time-to-first-event-none", recording([conn([(5000, ": ping\n\n"), (10000, ": ping\n\n")],
                                                  end="client_closed", end_t=15000)]),
     ["SSE306", "SSE312"], ["SSE306", "SSE312"],
     description="Heartbeats for 15 s but never an event, until the client gave up: late (SSE306), and the "
                 "session dispatched nothing at all (SSE312).")
case("no-events-no-connection", recording([]), ["SSE312"], ["SSE312"],
     description="A recording with no connection validates nothing: it must not pass.")
case("no-events-unreachable", recording([conn([], responded=False, end="network_error", end_t=3),
                                         conn([], t0=3010, responded=False, end="network_error", end_t=3013),
                                         conn([], t0=6020, responded=False, end="timeout", end_t=16020)]),
     ["SSE312"], ["SSE312", "SSE101", "SSE405"],
     description="Every attempt failed before a response: the server was never reachable.")
MISSING_BLANK = [(10, "retry: 300\n: connected, resuming at 1\n\n")] + [
    (10 + 50 * i, f"id: {i}\nevent: order\ndata: {{\"order\": 1000, \"n\": {i}}}\n") for i in range(1, 5)]
case("no-events-missing-blank-line", recording([conn(MISSING_BLANK, end="client_closed", end_t=2000)]),
     ["SSE312"], ["SSE312", "SSE203", "SSE301"],
     description="Events end with one newline instead of a blank line, so nothing is ever dispatched; the client "
                 "closed after 2 s (SSE203 covers only a server's eof, and only an event pending for longer "
                 "than the heartbeat window otherwise).")
case("no-events-after-204", recording([conn([], responded=False, end="network_error", end_t=3),
                                       conn([], t0=3010, status=204, end_t=3020)]),
     [], ["SSE312", "SSE406"],
     description="A failed attempt, then 204: the server asked the client to stop, no event was expected.")
case("buffered-transport", recording([conn([(10, "id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n")],
                                           end_t=40000)]),
     ["SSE311"], ["SSE311"], not_checked=["SSE305", "SSE306"],
     description="Every event arrived at once: buffered; heartbeat and first-event timing are not checked.")
case("resumed-quiet-stream", recording([conn(events([1, 2]), end="network_error", end_t=30),
                                        conn([(9000, ": ping\n\n"), (18000, ": ping\n\n"),
                                              (27000, "id: 3\ndata: c\n\n")],
                                             t0=3030, last_event_id="2", end="client_closed", end_t=40000)]),
     [], ["SSE306"],
     description="A resume waits 24 s for the next event: the first-event time is no rule there "
                 "(the heartbeats cover its silence).")
case("resumed-backlog-at-once", recording([conn(events([1, 2]), end="network_error", end_t=30),
                                           conn([(3040, "id: 3\ndata: c\n\nid: 4\ndata: d\n\n")],
                                                t0=3030, last_event_id="2", end="client_closed", end_t=20000)]),
     [], ["SSE311"],
     description="A resume gets the missed events in one write, then nothing new: a backlog, not buffering.")
BURST = "id: 1\ndata: a\n\nid: 2\ndata: b\n\n"
case("burst-then-heartbeats", recording([conn([(10, BURST), (15010, ": ping\n\n"), (30010, ": ping\n\n")],
                                              end="client_closed", end_t=40000)]),
     [], ["SSE305", "SSE311"],
     description="Two events in one write, then comment heartbeats: bytes at other instants show the transport "
                 "passes writes on, so it is not buffered, and the heartbeat rule is checked (and met).")
case("burst-then-silence", recording([conn([(10, BURST), (50010, ": ping\n\n")], end="client_closed",
                                           end_t=50020)]),
     ["SSE305"], ["SSE305", "SSE311"],
     description="Two events in one write, then 50 s without a byte before a comment: the silence is measured, not "
                 "blamed on buffering.")
case("heartbeat-not-owed-without-stream", recording([
    conn([], status=504, response_headers=[["content-type", "text/html"]], end_t=60001),
    conn([(3010, "oops"), (43010, " again")], t0=63000, status=500, response_headers=[["content-type", "text/plain"]],
         end_t=103011),
    conn([], t0=106000, responded=False, end="timeout", end_t=146000),
    conn([], t0=149000, status=204, response_headers=[], end_t=184001)]),
     ["SSE101"], ["SSE101", "SSE305", "SSE306", "SSE312"],
     description="A 504 after 60 s, a 500 whose body stalls 40 s, an attempt with no answer for 40 s, a 204 after "
                 "35 s: none is an event stream, so none owes a heartbeat (or an event).")

STAGES = [(10, "event: stage\nid: 1\ndata: {\"n\": 1}\n\n"), (20, "event: stage\nid: 2\ndata: {\"n\": 2}\n\n"),
          (30, "event: token\nid: 3\ndata: {\"t\": \"a\"}\n\n"), (40, "event: done\nid: 4\ndata: {}\n\n")]
SEQ_OPTIONS = {"event_types": {"allowed": ["stage", "token", "done", "error"]}, "enable": ["data-json"],
               "grammar": {"pattern": "stage+ token* (done | error)"}, "terminal": {"types": ["done", "error"]}}
case("sequence-good", recording([conn(STAGES)]), [], ["SSE307", "SSE308", "SSE309", "SSE310"],
     options=SEQ_OPTIONS, description="stage stage token done: allowed types, JSON data, grammar, terminal.")
case("sequence-resumed", recording([conn(STAGES[:2], end="network_error", end_t=25),
                                    conn(STAGES[2:], t0=3030, last_event_id="2")]),
     [], ["SSE309", "SSE401", "SSE402"], options=SEQ_OPTIONS,
     description="The grammar (session scope) continues across a resume.")
SESSION_GRAMMAR = {"grammar": {"pattern": "stage+ token* (done | error)", "scope": "session"}}
case("grammar-session-broken-then-500", recording([conn(STAGES[:2], end="network_error", end_t=25),
                                                   conn([], t0=3030, status=500, end_t=3040, last_event_id="2")]),
     ["SSE101"], ["SSE101", "SSE309"], options=SESSION_GRAMMAR,
     description="The stream broke (network error) and the reconnect got a 500: no 200 stream was ended by the "
                 "server, so the session's sequence is not held to be complete (SSE101 says what went wrong).")
case("grammar-session-ended-then-refused", recording([conn(STAGES[:2]),
                                                      conn([], t0=3030, responded=False, end="network_error",
                                                           end_t=3035, last_event_id="2")]),
     ["SSE309"], ["SSE309", "SSE312"], options=SESSION_GRAMMAR,
     description="The server ended the stream (eof) after two stages, and the reconnect failed before a response: "
                 "the last stream ended incomplete.")
case("event-type-not-allowed", recording([conn(STAGES[:2] + [(35, "event: chunk\nid: 3\ndata: {}\n\n")]
                                                 + [(40, "event: done\nid: 4\ndata: {}\n\n")])]),
     ["SSE307", "SSE309"], ["SSE307"], options=SEQ_OPTIONS, description="`chunk` is not an allowed type.")
case("data-not-json", recording([conn(STAGES[:1] + [(20, "event: stage\nid: 2\ndata: {n: 2}\n\n")] + STAGES[2:])]),
     ["SSE308"], ["SSE308"], options=SEQ_OPTIONS, description="`{n: 2}` is not JSON.")
case("data-json-lone-surrogate", recording([conn([(10, 'id: 1\ndata: {"text": "\\ud83d"}\n\n')])]), [],
     ["SSE308"], options={"enable": ["data-json"]},
     description="RFC 8259's grammar allows an escaped lone surrogate (JSON.parse and json.loads accept it).")
case("data-json-for-some-types", recording([conn([(10, "event: note\nid: 1\ndata: plain text\n\n"),
                                                  (20, "event: update\nid: 2\ndata: {\"ok\": true}\n\n")])]),
     [], ["SSE308"], options={"data_json": {"types": ["update"]}}, description="Only `update` data must be JSON.")
case("grammar-mismatch", recording([conn(STAGES[:2] + [(25, "event: token\nid: 5\ndata: {}\n\n"),
                                                       (30, "event: stage\nid: 6\ndata: {}\n\n"),
                                                       (40, "event: done\nid: 7\ndata: {}\n\n")])]),
     ["SSE309"], ["SSE309"], options=SEQ_OPTIONS, description="A stage after a token.")
case("grammar-incomplete", recording([conn(STAGES[:3])]), ["SSE309"], ["SSE309"], options=SEQ_OPTIONS,
     description="The stream ends (EOF) before done or error.")
case("after-terminal", recording([conn(STAGES + [(50, "event: token\nid: 5\ndata: {}\n\n")])]),
     ["SSE310", "SSE309"], ["SSE310"], options=SEQ_OPTIONS, description="A token after done.")

# --- replay --------------------------------------------------------------------------------
def two(first_ids, second_ids, sent, retry="retry: 1000\n", gap=1000, end="network_error", **kw):
    c0 = events(first_ids)
    c0[0] = (c0[0][0], retry + c0[0][1])
    t_end = c0[-1][0] + 5
    return recording([conn(c0, end=end, end_t=t_end),
                      conn(events(second_ids, start_t=t_end + gap + 10), t0=t_end + gap, last_event_id=sent, **kw)])


REPLAY_OPTIONS = {"ids": {"consecutive": True}}
case("last-event-id-wrong", two([1, 2, 3], [3, 4], "2"), ["SSE401"], ["SSE401", "SSE403"], options=REPLAY_OPTIONS,
     description="The client sent 2 though it had 3; the server resumed correctly after 2 (the re-sent 3 is "
                 "attributed to the client's mistake).")
case("last-event-id-missing", two([1, 2, 3], [1, 2, 3, 4], None), ["SSE401"], ["SSE401"], options=REPLAY_OPTIONS,
     description="The reconnect sent no Last-Event-ID; the server started over.")
case("resume-point-gap", two([1, 2, 3], [5, 6], "3"), ["SSE402"], ["SSE402", "SSE404"], options=REPLAY_OPTIONS,
     description="The server resumed at 5 after Last-Event-ID 3: event 4 is lost (reported once, as SSE402).")
case("resume-point-replays", two([1, 2, 3], [2, 3, 4], "3"), ["SSE402"], ["SSE402", "SSE403"],
     options=REPLAY_OPTIONS, description="The server resumed at 2 after Last-Event-ID 3.")
case("replay-duplicate", two([1, 2, 3], [4, 5, 2], "3"), ["SSE403"], ["SSE403"], options=REPLAY_OPTIONS,
     description="Event 2 comes again on the second connection.")
case("lost-event", recording([conn(events([1, 2, 4, 5]))]), ["SSE404"], ["SSE404"], options=REPLAY_OPTIONS,
     description="Event 3 never came (consecutive ids).")
case("gap-allowed-without-consecutive", recording([conn(events([1, 2, 4, 5]))]), [], ["SSE404"],
     description="Without ids.consecutive a gap is not a loss.")
case("resume-point-replays-not-consecutive", two([1, 2, 3], [2, 3, 4], "3"), ["SSE402"], ["SSE402", "SSE403"],
     description="Without ids.consecutive too, the events a wrong resume sends again are part of SSE402.")
case("last-event-id-wrong-not-consecutive", two([1, 2, 3], [3, 4], "2"), ["SSE401"], ["SSE401", "SSE403"],
     description="Without ids.consecutive too, the event re-sent after a stale Last-Event-ID is the client's "
                 "mistake (SSE401), not a duplicate.")
case("resume-point-replays-lexicographic", two(["a", "b", "c"], ["b", "c", "d"], "c"), ["SSE402"],
     ["SSE402", "SSE403"], options={"ids": {"order": "lexicographic"}},
     description="An ordered non-integer id: b and c sent again after Last-Event-ID c are part of SSE402.")
case("reconnect-too-soon", two([1, 2], [3], "2", gap=200), ["SSE405"], ["SSE405"], options=REPLAY_OPTIONS,
     description="retry 1000 ms, reconnected after 200 ms.")
case("reconnect-after-client-close", two([1, 2], [3], "2", gap=200, end="client_closed"), [], ["SSE405"],
     options=REPLAY_OPTIONS, description="The client closed on purpose: it picks its own timing.")
case("reconnect-after-204", recording([conn([], status=204), conn(events([1]), t0=5000)]), ["SSE406"],
     ["SSE406"], description="A 204 means stop.")
case("reconnect-soon-after-204", recording([conn([(10, "retry: 3000\nid: 1\ndata: a\n\n")], end_t=20),
                                           conn([], t0=3100, status=204, end_t=3110, last_event_id="1"),
                                           conn(events([2], start_t=3150), t0=3140, last_event_id="1")]),
     ["SSE406"], ["SSE406", "SSE405"],
     description="Reconnecting 30 ms after a 204 is one mistake (SSE406), not also a too-early reconnect.")

LOG = [{"id": "a1", "type": "message", "data": "event a1"}, {"id": "b2"}, {"id": "c3", "data": "event c3"},
       {"id": "d4"}]
case("expected-log-good", recording([conn(events(["a1", "b2"]), end="network_error", end_t=30),
                                     conn(events(["c3", "d4"], start_t=3050), t0=3040, last_event_id="b2")],
                                    expected=LOG),
     [], ["SSE402", "SSE403", "SSE404", "SSE407"], description="Opaque ids checked against the expected log.")
case("expected-log-lost", recording([conn(events(["a1", "b2"]), end="network_error", end_t=30),
                                     conn(events(["d4"], start_t=3050), t0=3040, last_event_id="b2")],
                                    expected=[{"id": "a1"}, {"id": "b2"}, {"id": "c3"}, {"id": "d4"}, {"id": "e5"}]),
     ["SSE402", "SSE404"], ["SSE404", "SSE402"],
     description="The server skipped c3 on resume (SSE402) and never sent e5 (SSE404).")
case("expected-log-mismatch", recording([conn(events(["a1", "b2", "zz"]))], expected=LOG[:2] + [{"id": "c3"}]),
     ["SSE407", "SSE404"], ["SSE407"], description="`zz` is not in the log (and c3 never came).")
case("expected-log-data", recording([conn(events(["a1", "b2", "c3"], data=lambda i: "other"))], expected=LOG[:3]),
     ["SSE407"], ["SSE407"], description="a1 and c3 carry other data than the log says.")

case("expected-log-checkpoint", recording([conn([(10, "id: 1\ndata: one\n\n"), (20, "id: 2\n\n"),
                                                (30, "id: 3\ndata: three\n\n")])],
                                          expected=[{"id": "1", "data": "one"}, {"id": "2", "data": "two"},
                                                    {"id": "3", "data": "three"}]),
     ["SSE404"], ["SSE404"],
     description="The server wrote event 2's id without its data: an id-only block dispatches nothing, so the "
                 "logged event 2 was never delivered (reported at the checkpoint).")
case("expected-log-order", recording([conn(events(["b2", "a1", "c3"]))],
                                     expected=[{"id": "a1"}, {"id": "b2"}, {"id": "c3"}]),
     ["SSE302"], ["SSE302"],
     description="Opaque ids have no order of their own, but the log gives them the order they were published "
                 "in: a1 after b2 is out of order.")
case("expected-log-empty", recording([conn(events(["a1"]))], expected=[]), ["SSE407"], ["SSE407"],
     description="An empty log says nothing was published: a delivered event is unexpected.")
ULIDS = ["01ARZ3NDEKTSV4RRFFQ69G5FA1", "01ARZ3NDEKTSV4RRFFQ69G5FA2", "01ARZ3NDEKTSV4RRFFQ69G5FA3"]
case("resume-point-at-ulid", two(ULIDS[:2], ULIDS[1:], ULIDS[1]), ["SSE402"], ["SSE402", "SSE403"],
     options={"ids": {"order": "ulid"}},
     description="ULIDs of one millisecond: the server resumed at the id it was sent, which never comes after "
                 "itself (the re-sent event is part of SSE402).")
case("last-event-id-wrong-opaque", two(["a", "b", "c"], ["b", "c", "d"], "a"), ["SSE401"], ["SSE401", "SSE403"],
     description="Opaque ids: the client sent a though it had c; b and c sent again are the client's mistake "
                 "(SSE401), not duplicates.")
DROPPED = "id: 2\ndata: " + "x" * 100 + "\n\n"
case("last-event-id-after-limit-drop",
     recording([conn([(10, "retry: 1000\nid: 1\ndata: one\n\n"), (20, DROPPED)], end="network_error", end_t=30),
                conn(events([2, 3], start_t=1040), t0=1030, last_event_id="1")]),
     ["SSE209"], ["SSE209", "SSE401", "SSE403"],
     options={"limits": {"max_line_len": 64}, "ids": {"consecutive": True}},
     description="A line over limits.max_line_len dropped event 2 and its id, so the reconnect rightly sends "
                 "Last-Event-ID 1 and gets event 2 again: no duplicate. The validator's parser is the reference "
                 "client: a browser, without the limit, would send 2 (SSE401, after the SSE209).")
case("checkpoint-after-reset", recording([conn([(10, "id: 5\ndata: a\n\n"), (20, "id:\ndata: b\n\n"),
                                                (30, "id: 5\n\n")])]),
     ["SSE303"], ["SSE303"],
     description="An empty id reset the last event id; the checkpoint sets 5 again, a repeat.")

# --- profiles ------------------------------------------------------------------------------
def chat_chunk(content, cid="chatcmpl-1"):
    return json.dumps({"id": cid, "object": "chat.completion.chunk", "created": 1, "model": "m",
                       "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}]})


PROFILE_HEADERS = {"response_headers": GOOD_RESPONSE_HEADERS}
chat_ok = [(10, f"data: {chat_chunk('Hel')}\n\n"), (20, f"data: {chat_chunk('lo')}\n\n"), (30, "data: [DONE]\n\n")]
case("openai-chat-good", recording([conn(chat_ok)]), [], ["SSE501", "SSE309", "SSE310", "SSE307"],
     options={"profile": "openai-chat"}, description="Chunks, then [DONE].")
case("openai-chat-sdk-accept", recording([conn(chat_ok, request_headers=[["accept", "application/json"]])]), [],
     ["SSE106", "SSE501"], options={"profile": "openai-chat"},
     description="The OpenAI SDKs send `Accept: application/json`: the profile does not hold that against them.")
case("openai-chat-bad-chunk", recording([conn([chat_ok[0], (20, f"data: {chat_chunk('lo', cid='chatcmpl-2')}\n\n"),
                                               chat_ok[2]])]),
     ["SSE501"], ["SSE501"], options={"profile": "openai-chat"}, description="A chunk of another completion id.")
case("openai-chat-no-done", recording([conn(chat_ok[:2])]), ["SSE309"], ["SSE309"],
     options={"profile": "openai-chat"}, description="EOF without [DONE].")
case("openai-chat-empty", recording([conn([])]), ["SSE309", "SSE312"], ["SSE309", "SSE312"],
     options={"profile": "openai-chat"},
     description="A 200 stream that ends with no event at all: no [DONE], and no event in the session.")
case("openai-chat-status-500", recording([conn([], status=500)]), ["SSE101"], ["SSE101", "SSE309"],
     options={"profile": "openai-chat"}, description="A failed request has no body: the grammar has nothing to match.")
case("openai-chat-rule-disabled", recording([conn(chat_ok)]), [], ["SSE309"],
     options={"profile": "openai-chat", "disable": ["openai-chat"]},
     description="With the payload rule off, the grammar still sees chunk and [DONE] tokens.")
AZURE_PROMPT_FILTER = {"choices": [], "created": 0, "id": "", "model": "", "object": "",
                       "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}]}
SAFE = {"hate": {"filtered": False, "severity": "safe"}}


def azure_chunk(content):
    c = json.loads(chat_chunk(content))
    c["choices"][0]["content_filter_results"] = SAFE
    return json.dumps(c)


AZURE_ASYNC_FILTER = {"choices": [{"index": 0, "finish_reason": None, "content_filter_results": SAFE,
                                   "content_filter_offsets": {"check_offset": 0, "start_offset": 0, "end_offset": 5}}],
                      "created": 0, "id": "", "model": "", "object": ""}
case("openai-chat-azure", recording([conn([(5, f"data: {json.dumps(AZURE_PROMPT_FILTER)}\n\n"),
                                           (10, f"data: {azure_chunk('Hel')}\n\n"),
                                           (20, f"data: {azure_chunk('lo')}\n\n"),
                                           (25, f"data: {json.dumps(AZURE_ASYNC_FILTER)}\n\n"), chat_ok[2]])]),
     [], ["SSE501"], options={"profile": "openai-chat"},
     description="Azure OpenAI: a first chunk with prompt_filter_results (empty id, object and choices), chunks "
                 "with content filter results, an asynchronous-filter annotation, [DONE].")
ERROR_NULL = json.dumps({**json.loads(chat_chunk("Hel")), "error": None})
case("openai-chat-error-null", recording([conn([(10, f"data: {ERROR_NULL}\n\n")] + chat_ok[1:])]), [],
     ["SSE501", "SSE309", "SSE310"], options={"profile": "openai-chat"},
     description="`\"error\": null` in a chunk is no error (the SDKs raise on a truthy `error` only).")
case("openai-chat-error-event", recording([conn(chat_ok[:1] + [
    (20, "event: error\ndata: {\"error\": {\"message\": \"overloaded\", \"type\": \"server_error\"}}\n\n")])]),
     [], ["SSE307", "SSE309", "SSE310"], options={"profile": "openai-chat"},
     description="An `event: error` (the OpenAI SDK handles it) ends the stream.")
LONE_SURROGATE = chat_chunk("x").replace('"x"', '"\\ud83d"')
case("openai-chat-lone-surrogate", recording([conn([(10, f"data: {LONE_SURROGATE}\n\n"), chat_ok[2]])]), [],
     ["SSE501"], options={"profile": "openai-chat"},
     description="A lone escaped surrogate (\\ud83d) is valid JSON (RFC 8259's grammar; JSON.parse accepts it).")
case("openai-chat-after-done", recording([conn(chat_ok + [(40, f"data: {chat_chunk('!')}\n\n")])]),
     ["SSE309", "SSE310"], ["SSE310"], options={"profile": "openai-chat"}, description="A chunk after [DONE].")
CHAT_ERROR = (20, "data: {\"error\": {\"message\": \"overloaded\", \"type\": \"server_error\"}}\n\n")
case("openai-chat-error-then-done", recording([conn(chat_ok[:1] + [CHAT_ERROR, (30, "data: [DONE]\n\n")])]),
     [], ["SSE309", "SSE310", "SSE501"], options={"profile": "openai-chat"},
     description="vLLM sends [DONE] after its error chunk; the SDKs stop at the error, so nothing is lost.")
case("openai-chat-chunk-after-error", recording([conn(chat_ok[:1] + [CHAT_ERROR, (30, f"data: {chat_chunk('!')}\n\n"),
                                                                   (40, "data: [DONE]\n\n")])]),
     ["SSE309"], ["SSE309"], options={"profile": "openai-chat"},
     description="Only [DONE] may follow an error.")
FINISHED = json.dumps({**json.loads(chat_chunk("")), "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
USAGE = json.dumps({**json.loads(chat_chunk("")), "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2,
                                                                        "total_tokens": 3}})
case("openai-chat-usage-last", recording([conn(chat_ok[:2] + [(25, f"data: {FINISHED}\n\n"), (26, f"data: {USAGE}\n\n"),
                                                        chat_ok[2]])]),
     [], ["SSE501"], options={"profile": "openai-chat"},
     description="With stream_options.include_usage: the finish_reason chunk, the usage chunk (empty choices), [DONE].")
case("openai-chat-after-finish", recording([conn(chat_ok[:1] + [(15, f"data: {FINISHED}\n\n")] + chat_ok[1:])]),
     ["SSE501"], ["SSE501"], options={"profile": "openai-chat"},
     description="Content for a choice after its finish_reason.")
case("openai-chat-after-usage", recording([conn(chat_ok[:1] + [(15, f"data: {USAGE}\n\n")] + chat_ok[1:])]),
     ["SSE501"], ["SSE501"], options={"profile": "openai-chat"},
     description="A chunk after the usage chunk, which comes last before [DONE].")


def resp(t, etype, seq, **extra):
    payload = {"type": etype, "sequence_number": seq, **extra}
    return (t, f"event: {etype}\ndata: {json.dumps(payload)}\n\n")


responses_ok = [resp(10, "response.created", 0, response={"id": "resp_1", "status": "in_progress"}),
                resp(20, "response.in_progress", 1, response={"id": "resp_1"}),
                resp(30, "response.output_item.added", 2, output_index=0, item={"type": "message"}),
                resp(40, "response.output_text.delta", 3, output_index=0, content_index=0, delta="Hi"),
                resp(50, "response.output_text.done", 4, output_index=0, content_index=0, text="Hi"),
                resp(60, "response.completed", 5, response={"id": "resp_1", "status": "completed"})]
case("openai-responses-good", recording([conn(responses_ok)]), [], ["SSE502", "SSE309", "SSE310"],
     options={"profile": "openai-responses"}, description="created, in_progress, output, completed.")
case("openai-responses-sequence", recording([conn(responses_ok[:3] + [resp(40, "response.output_text.delta", 1,
                                                                          delta="Hi")] + responses_ok[4:])]),
     ["SSE502"], ["SSE502"], options={"profile": "openai-responses"},
     description="sequence_number goes back from 2 to 1.")
case("openai-responses-empty", recording([conn([])]), ["SSE309", "SSE312"], ["SSE309", "SSE312"],
     options={"profile": "openai-responses"},
     description="A 200 stream that ends with no event at all: grammar incomplete, no event in the session.")
case("openai-responses-no-created", recording([conn(responses_ok[3:])]), ["SSE309"], ["SSE309"],
     options={"profile": "openai-responses"}, description="A new stream must start with response.created.")
RESUME_URL = "http://127.0.0.1:8080/v1/responses/resp_1?stream=true&starting_after=2"
case("openai-responses-resumed", recording([conn(responses_ok[3:], url=RESUME_URL)]), [], ["SSE309", "SSE502"],
     options={"profile": "openai-responses"},
     description="A background response's stream resumed with starting_after starts mid-way.")
case("openai-responses-resumed-no-terminal", recording([conn(responses_ok[3:5], url=RESUME_URL)]), ["SSE309"],
     ["SSE309"], options={"profile": "openai-responses"},
     description="A resumed stream still has to end with a terminal event.")
case("openai-responses-no-sequence-number", recording([conn(responses_ok[:5] + [
    (60, "event: response.completed\ndata: {\"type\": \"response.completed\"}\n\n")])]),
     ["SSE502"], ["SSE502"], options={"profile": "openai-responses"},
     description="sequence_number is required on every Responses stream event.")
case("openai-responses-type-mismatch", recording([conn(responses_ok[:3] + [
    (40, "event: response.output_text.delta\ndata: {\"type\": \"response.output_text.done\", \"sequence_number\": 3}\n\n")]
    + responses_ok[4:])]),
     ["SSE502"], ["SSE502"], options={"profile": "openai-responses"},
     description="The payload type disagrees with the SSE event name.")
RESPONSES_ERROR = resp(40, "error", 3, code="insufficient_quota", message="quota exceeded")
RESPONSES_FAILED = resp(50, "response.failed", 4, response={"id": "resp_1", "status": "failed"})
case("openai-responses-error-then-failed", recording([conn(responses_ok[:3] + [RESPONSES_ERROR, RESPONSES_FAILED])]),
     [], ["SSE309", "SSE310", "SSE502"], options={"profile": "openai-responses"},
     description="OpenAI reports a failure as an error event and then response.failed.")
case("openai-responses-after-error", recording([conn(responses_ok[:3] + [
    RESPONSES_ERROR, resp(45, "response.output_text.delta", 4, output_index=0, content_index=0, delta="Hi"),
    resp(50, "response.failed", 5, response={"id": "resp_1", "status": "failed"})])]),
     ["SSE502"], ["SSE502"], options={"profile": "openai-responses"},
     description="After an error event only response.failed may come.")


def anth(t, etype, **extra):
    return (t, f"event: {etype}\ndata: {json.dumps({'type': etype, **extra})}\n\n")


anthropic_ok = [anth(10, "message_start", message={"id": "msg_1", "type": "message", "role": "assistant",
                                                  "content": []}),
                anth(20, "content_block_start", index=0, content_block={"type": "text", "text": ""}),
                anth(30, "ping"),
                anth(40, "content_block_delta", index=0, delta={"type": "text_delta", "text": "Hello"}),
                anth(50, "content_block_stop", index=0),
                anth(60, "content_block_start", index=1, content_block={"type": "text", "text": ""}),
                anth(70, "content_block_delta", index=1, delta={"type": "text_delta", "text": "!"}),
                anth(80, "content_block_stop", index=1),
                anth(90, "message_delta", delta={"stop_reason": "end_turn"}, usage={"output_tokens": 3}),
                anth(100, "message_stop")]
case("anthropic-good", recording([conn(anthropic_ok)]), [], ["SSE503", "SSE307", "SSE309", "SSE310"],
     options={"profile": "anthropic-messages"}, description="Two text blocks, a ping, message_stop.")
case("anthropic-error", recording([conn(anthropic_ok[:4] + [anth(45, "error", error={"type": "overloaded_error",
                                                                                     "message": "Overloaded"})])]),
     [], ["SSE309", "SSE310"], options={"profile": "anthropic-messages"},
     description="An error event ends the stream legitimately.")
case("anthropic-block-index", recording([conn(anthropic_ok[:3] + [anth(40, "content_block_delta", index=1,
                                                                       delta={"type": "text_delta", "text": "x"})]
                                              + anthropic_ok[4:])]),
     ["SSE503"], ["SSE503"], options={"profile": "anthropic-messages"},
     description="A delta for block 1 while block 0 is open.")
case("anthropic-empty", recording([conn([])]), ["SSE309", "SSE312"], ["SSE309", "SSE312"],
     options={"profile": "anthropic-messages"},
     description="A 200 stream that ends with no event at all: grammar incomplete, no event in the session.")
case("anthropic-unknown-type", recording([conn(anthropic_ok[:5] + [anth(55, "message_annotation", note="x")]
                                               + anthropic_ok[5:])]),
     ["SSE307"], ["SSE307", "SSE309", "SSE503"], options={"profile": "anthropic-messages"},
     description="Anthropic may add event types: an unknown one is an info note (the report passes) and the "
                 "grammar skips it.")
case("anthropic-no-message-delta", recording([conn(anthropic_ok[:8] + anthropic_ok[9:])]), ["SSE309"], ["SSE309"],
     options={"profile": "anthropic-messages"}, description="message_stop without a message_delta.")
case("anthropic-delta-before-blocks", recording([conn(anthropic_ok[:1] + anthropic_ok[8:9] + anthropic_ok[1:8]
                                                      + anthropic_ok[9:])]),
     ["SSE309"], ["SSE309"], options={"profile": "anthropic-messages"},
     description="message_delta comes after the content blocks.")
case("anthropic-no-stop", recording([conn(anthropic_ok[:9])]), ["SSE309"], ["SSE309"],
     options={"profile": "anthropic-messages"}, description="EOF after message_delta, without message_stop.")
case("anthropic-delta-block-type", recording([conn(anthropic_ok[:3] + [
    anth(40, "content_block_delta", index=0, delta={"type": "input_json_delta", "partial_json": "{"})]
    + anthropic_ok[4:])]),
     ["SSE503"], ["SSE503"], options={"profile": "anthropic-messages"},
     description="An input_json_delta for a text block.")


def rpc(t, msg, eid=None):
    head = f"id: {eid}\n" if eid else ""
    return (t, f"{head}data: {json.dumps(msg)}\n\n")


mcp_ok = [(10, "id: s1-0\ndata:\n\n"),
          rpc(20, {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progress": 1}}, "s1-1"),
          rpc(30, {"jsonrpc": "2.0", "id": 7, "method": "sampling/createMessage", "params": {}}, "s1-2"),
          rpc(40, {"jsonrpc": "2.0", "id": 1, "result": {"content": []}}, "s1-3")]
MCP_HEADERS = [["accept", "application/json, text/event-stream"]]
MCP_POST = {"url": "http://127.0.0.1:8080/mcp", "request_headers": MCP_HEADERS, "method": "POST"}
MCP_GET = {**MCP_POST, "method": "GET"}
case("mcp-good", recording([conn(mcp_ok, **MCP_POST)]), [], ["SSE504", "SSE309"], options={"profile": "mcp"},
     description="Priming event, a notification, a server request, then the response.")
case("mcp-resumed", recording([conn(mcp_ok[:2], end="network_error", end_t=25, **MCP_POST),
                               conn(mcp_ok[2:], t0=2000, last_event_id="s1-1", **MCP_GET)]),
     [], ["SSE504", "SSE401", "SSE403"], options={"profile": "mcp"},
     description="The stream drops and is resumed with Last-Event-ID (opaque ids: resume point not checked).")
case("mcp-bad-message", recording([conn(mcp_ok[:1] + [rpc(20, {"jsonrpc": "1.0", "method": "x"}, "s1-1")]
                                        + mcp_ok[2:], **MCP_POST)]),
     ["SSE504", "SSE309"], ["SSE504"], options={"profile": "mcp"},
     description="jsonrpc 1.0 is not JSON-RPC 2.0 (and an invalid message does not fit the grammar).")
case("mcp-priming-after-replay", recording([conn(mcp_ok[:2], end="network_error", end_t=25, **MCP_POST),
                                          conn([mcp_ok[2], (2020, "id: s1-3\nretry: 1000\ndata:\n\n"),
                                                rpc(2030, {"jsonrpc": "2.0", "id": 1, "result": {}}, "s1-4")],
                                               t0=2000, last_event_id="s1-1", **MCP_GET)]),
     [], ["SSE504", "SSE309"], options={"profile": "mcp"},
     description="Resuming, the official Python SDK replays the missed events and then sends its priming event.")
case("mcp-error-object", recording([conn([rpc(10, {"jsonrpc": "2.0", "id": 1, "error": {"message": "bad"}}, "s1-0")],
                                        **MCP_POST)]),
     ["SSE504"], ["SSE504"], options={"profile": "mcp"},
     description="A JSON-RPC error object has an integer code and a string message.")
case("mcp-batch-2025-06-18", recording([conn([rpc(10, [{"jsonrpc": "2.0", "method": "a"}], "1")], **MCP_POST)]),
     ["SSE504", "SSE309"], ["SSE504"], options={"profile": "mcp-2025-06-18"},
     description="Batches were removed after 2025-03-26.")
case("mcp-batch-2025-03-26", recording([conn([rpc(10, [{"jsonrpc": "2.0", "method": "a"},
                                                       {"jsonrpc": "2.0", "id": 1, "result": {}}], "1")],
                                             **MCP_POST)]),
     [], ["SSE504"], options={"profile": "mcp-2025-03-26"}, description="2025-03-26 allows batches.")
MCP_NOTE = {"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progress": 1}}
case("mcp-2025-03-26-responses", recording([conn([rpc(10, MCP_NOTE), rpc(20, {"jsonrpc": "2.0", "id": 1, "result": {}}),
                                                  rpc(30, {"jsonrpc": "2.0", "id": 2, "result": {}})], **MCP_POST)]),
     [], ["SSE309", "SSE504"], options={"profile": "mcp-2025-03-26"},
     description="A batched POST is answered with one response per request, in separate events.")
case("mcp-rule-disabled", recording([conn(mcp_ok, **MCP_POST)]), [], ["SSE309"],
     options={"profile": "mcp", "disable": ["mcp"]},
     description="With the payload rule off, the grammar still sees JSON-RPC message kinds.")
case("mcp-request-null-id", recording([conn([rpc(10, {"jsonrpc": "2.0", "method": "x", "id": None}),
                                             rpc(20, {"jsonrpc": "2.0", "id": 1, "result": {}})], **MCP_POST)]),
     ["SSE504"], ["SSE504"], options={"profile": "mcp-2025-06-18"},
     description="A request's id must not be null, and a notification has no id member.")
case("mcp-post-no-response", recording([conn([rpc(10, MCP_NOTE)], **MCP_POST)]), ["SSE504"], ["SSE504"],
     options={"profile": "mcp"},
     description="The POST stream ends without the response and without an event id to resume from.")
case("mcp-post-no-response-resumable", recording([
    conn(mcp_ok[:2], **MCP_POST),
    conn(mcp_ok[3:], t0=2000, last_event_id="s1-1", **MCP_GET)]), [], ["SSE504", "SSE401"],
     options={"profile": "mcp"},
     description="2025-11-25: the server may close the POST stream after an event id; the client resumes with GET "
                 "and Last-Event-ID and gets the response there.")

# MCP Streamable HTTP: the server may answer a POST with one JSON document (Content-Type:
# application/json) instead of a stream, and a POST of notifications or responses only with 202
# Accepted and no body. Neither is an event stream; a GET opens the SSE stream, so it must be one.
MCP_JSON_HEADERS = [["content-type", "application/json"]]
MCP_JSON_RESULT = json.dumps({"jsonrpc": "2.0", "id": 1, "result": {"content": [{"type": "text", "text": "hi"}]}})
MCP_JSON_BATCH = json.dumps([{"jsonrpc": "2.0", "id": 1, "result": {}},
                             {"jsonrpc": "2.0", "id": 2, "error": {"code": -32601, "message": "no such method"}}])


def mcp_json(body, t0=0, wait=0, **kw):
    """A POST answered 200 application/json with `body` (in two chunks), the head `wait` ms late."""
    c = conn([(t0 + wait + 10, body[:20]), (t0 + wait + 11, body[20:])], t0=t0, response_headers=MCP_JSON_HEADERS,
             **{**MCP_POST, **kw})
    c["response"]["t"] += wait
    return c


case("mcp-post-json-response", recording([mcp_json(MCP_JSON_RESULT)]), [],
     ["SSE102", "SSE103", "SSE105", "SSE203", "SSE207", "SSE312", "SSE504"], options={"profile": "mcp"},
     description="The server answers the POST with one JSON-RPC response as application/json: a valid answer that "
                 "is no event stream (no SSE102, no stream header hints, its body is not parsed as SSE, and no "
                 "event is owed).")
case("mcp-post-json-slow", recording([mcp_json(MCP_JSON_RESULT, wait=40000)]), [],
     ["SSE305", "SSE306", "SSE504"], options={"profile": "mcp-2025-06-18"},
     description="A long tool call answered with JSON after 40 s: a JSON answer owes no heartbeat and no first "
                 "event.")
case("mcp-post-json-batch-2025-03-26", recording([mcp_json(MCP_JSON_BATCH)]), [], ["SSE504"],
     options={"profile": "mcp-2025-03-26"},
     description="2025-03-26: a batched POST may be answered with a JSON array of responses.")
case("mcp-post-json-batch-2025-06-18", recording([mcp_json(MCP_JSON_BATCH)]), ["SSE504"], ["SSE504"],
     options={"profile": "mcp-2025-06-18"}, description="Batches were removed after 2025-03-26.")
case("mcp-post-json-not-response", recording([mcp_json(json.dumps(MCP_NOTE))]), ["SSE504"], ["SSE504"],
     options={"profile": "mcp"},
     description="A JSON answer to a POST is the response to its request; a notification cannot be sent this way.")
mcp_json_unknown = recording([mcp_json(MCP_JSON_RESULT)])
mcp_json_unknown["connections"][0]["chunks"] = None
case("mcp-post-json-body-unknown", mcp_json_unknown, [], ["SSE504"], options={"profile": "mcp"},
     not_checked=["SSE504"],
     description="The JSON answer's body was not recorded: the JSON-RPC check is not checked, and nothing else "
                 "depends on it (it is no stream).")
case("mcp-post-202", recording([conn([], status=202, response_headers=[], **MCP_POST),
                                conn(mcp_ok[:3], t0=100, **MCP_GET)]), [], ["SSE101", "SSE312", "SSE504"],
     options={"profile": "mcp"},
     description="A POST of notifications is acknowledged with 202 Accepted and no body; then a GET opens the "
                 "standalone stream (a notification and a server request: no response goes there).")
case("mcp-get-stream-response", recording([conn(mcp_ok, **MCP_GET)]), ["SSE504"], ["SSE504"],
     options={"profile": "mcp"},
     description="The stream a GET opens without Last-Event-ID carries no JSON-RPC response.")
case("mcp-post-202-body", recording([conn([(10, "ok")], status=202, response_headers=[], **MCP_POST)]),
     ["SSE504"], ["SSE101", "SSE504"], options={"profile": "mcp"},
     description="202 Accepted must come with no body.")
case("mcp-get-json-refused", recording([
    conn([], response_headers=[["content-type", "application/json"], *GOOD_RESPONSE_HEADERS[1:]], **MCP_GET),
    conn([], t0=100, response_headers=[["content-type", "text/plain"], *GOOD_RESPONSE_HEADERS[1:]], **MCP_POST)]),
     ["SSE102"], ["SSE102", "SSE312"], options={"profile": "mcp"},
     description="A GET opens the SSE stream, so application/json is no answer to it; and a POST answered with "
                 "anything but an event stream or JSON is SSE102 as ever.")
case("post-json-without-profile", recording([mcp_json(MCP_JSON_RESULT)]),
     ["SSE102", "SSE103", "SSE105"], ["SSE102", "SSE103", "SSE105", "SSE203", "SSE207", "SSE312"],
     options={"ids": {"required": False}},
     description="Without an MCP profile a JSON answer is no event stream: an EventSource fails the connection on "
                 "its Content-Type and reads none of the body, so no wire rule runs on the JSON (no SSE203, SSE207) "
                 "and no SSE312 (the answer expected no event); the response's headers still lack the stream's "
                 "Cache-Control and X-Accel-Buffering.")
case("status-202-without-profile", recording([conn([], status=202, response_headers=[], **MCP_POST)]),
     ["SSE101"], ["SSE101"], description="Without an MCP profile, 202 fails the EventSource connection.")

# MCP Streamable HTTP: one session, several independent streams. Every POST may open a stream, a
# GET without Last-Event-ID opens a standalone one, a GET with it resumes the stream that
# delivered that id (ids are unique across the session's streams).
MCP_RESULT = {"jsonrpc": "2.0", "id": 1, "result": {}}
MCP_A = [(10, "id: a0\nretry: 3000\ndata:\n\n"), rpc(20, MCP_NOTE, "a1")]
MCP_B = [(110, "id: b0\nretry: 1000\ndata:\n\n"), rpc(120, {**MCP_RESULT, "id": 2}, "b1")]


def mcp_streams(resume_t, sent, body):
    return recording([conn(MCP_A, end="network_error", end_t=25, **MCP_POST),
                      conn(MCP_B, t0=100, **MCP_POST),
                      conn(body, t0=resume_t, last_event_id=sent, **MCP_GET)])


case("mcp-streams", mcp_streams(3100, "a1", [rpc(3110, MCP_RESULT, "a2")]), [], ["SSE401", "SSE403", "SSE405"],
     options={"profile": "mcp"},
     description="A second POST opens a new stream (no Last-Event-ID, no reconnect delay); the GET resumes the "
                 "first stream with its last id, after that stream's retry.")
case("mcp-streams-unknown-id", mcp_streams(3100, "zz", [rpc(3110, MCP_RESULT, "a2")]), ["SSE401"], ["SSE401"],
     options={"profile": "mcp"}, description="The GET resumes with an id that is no stream's last event id.")
case("mcp-streams-resume-too-soon", mcp_streams(500, "a1", [rpc(510, MCP_RESULT, "a2")]), ["SSE405"], ["SSE405"],
     options={"profile": "mcp"},
     description="The first stream asked for retry 3000 ms; the GET resumed it 475 ms after it broke.")
MCP_LOG = [{"id": i} for i in ["a0", "a1", "b0", "b1", "a2"]]
case("mcp-streams-expected-log", recording(mcp_streams(3100, "a1", [rpc(3110, MCP_RESULT, "a2")])["connections"],
                                           expected=MCP_LOG),
     [], ["SSE402", "SSE403", "SSE404", "SSE407"], options={"profile": "mcp"},
     description="The log interleaves the streams: the resume of the first stream continues at a2, not at the "
                 "log's next entry (b0, the second stream's).")
case("mcp-streams-expected-log-replay",
     recording(mcp_streams(3100, "a1", [rpc(3105, MCP_NOTE, "a1"), rpc(3110, MCP_RESULT, "a2")])["connections"],
               expected=MCP_LOG),
     ["SSE402"], ["SSE402", "SSE403"], options={"profile": "mcp"},
     description="After Last-Event-ID a1 the server sends a1 again: a wrong resume point, reported once.")

# --- what the client's last event id is: id-only blocks count, discarded tails do not -------
ID_ONLY = [(10, "retry: 1000\nid: 1\ndata: a\n\n"), (20, "id: 2\n\n")]
case("id-only-block", recording([conn(ID_ONLY, end="network_error", end_t=30),
                                 conn(events([3, 4], start_t=1050), t0=1040, last_event_id="2")]),
     [], ["SSE401", "SSE402", "SSE404"], options=REPLAY_OPTIONS,
     description="`id: 2` with no data sets the last event id without an event: the reconnect sends 2.")
LONG_COMMENT_BLOCK = "id: 1\ndata: a\n\nid: 2\n: " + "x" * 300 + "\n\n"
case("id-only-block-long-comment", recording([
    conn([(10, LONG_COMMENT_BLOCK[:20]), (11, LONG_COMMENT_BLOCK[20:-1]), (12, LONG_COMMENT_BLOCK[-1:])],
         end="network_error", end_t=30),
    conn(events([3], start_t=1050), t0=1040, last_event_id="2")]), [], ["SSE402", "SSE404"],
     options={**REPLAY_OPTIONS, "window": {"excerpt_bytes": 120}},
     description="The id-only block's id line leaves the kept excerpt window (a long comment) before its blank "
                 "line: it still counts, in any chunking.")
case("id-only-block-ignored", recording([conn(ID_ONLY, end="network_error", end_t=30),
                                         conn(events([2, 3], start_t=1050), t0=1040, last_event_id="1")]),
     ["SSE401"], ["SSE401", "SSE402", "SSE403"], options=REPLAY_OPTIONS,
     description="The client sent 1 although the id-only block had set 2; the server resent from 2 as asked "
                 "(charged to the client).")
TAIL = [(10, "retry: 1000\nid: 1\ndata: a\n\n"), (20, "id: 2\ndata: b")]
case("discarded-tail-id", recording([conn(TAIL, end="network_error", end_t=30),
                                     conn(events([2, 3], start_t=1050), t0=1040, last_event_id="1")]),
     [], ["SSE401", "SSE402", "SSE403"], options=REPLAY_OPTIONS,
     description="The connection broke inside event 2: its id never took effect, so the reconnect sends 1 "
                 "and gets 2 again.")
case("discarded-tail-id-sent", recording([conn(TAIL, end="network_error", end_t=30),
                                          conn(events([3], start_t=1050), t0=1040, last_event_id="2")]),
     ["SSE401"], ["SSE401", "SSE404"], options=REPLAY_OPTIONS,
     description="The client sent the id of a discarded event (2): event 2 is lost (charged to SSE401).")

# --- what recorders cannot always see --------------------------------------------------------
case("headers-unknown", recording([conn(events([1, 2]), end="network_error", end_t=30, headers_seen=False),
                                   conn(events([3], start_t=3050), t0=3040, headers_seen=False)]),
     [], ["SSE402", "SSE404"], options=REPLAY_OPTIONS, not_checked=["SSE106", "SSE401"],
     description="An in-page EventSource recorder cannot see request headers: those rules are not checked, "
                 "the resume point still is.")
case("connection-refused", recording([conn([], responded=False, end="network_error", end_t=3),
                                      conn(events([1, 2], start_t=3020), t0=3010)]),
     [], ["SSE101", "SSE312", "SSE401", "SSE405"], options=REPLAY_OPTIONS,
     description="The first attempt failed before a response; the retry started fresh without Last-Event-ID.")
case("first-request-resumes", recording([conn(events([42, 43]), last_event_id="41")]), [], ["SSE402"],
     options=REPLAY_OPTIONS, description="A recorder that joined mid-session: the server resumed after 41.")
case("first-request-resumes-no-event", recording([
    conn([(10, ": ping\n\n")], last_event_id="41", end="network_error", end_t=2000),
    conn(events([42, 43], start_t=5010), t0=5000, last_event_id="41")]), [], ["SSE401", "SSE402"],
     options=REPLAY_OPTIONS,
     description="The first request resumed after 41 and got no event: the reconnect rightly sends 41 again.")
case("first-request-resumes-expected-log", recording([conn(events(["c3", "d4"]), last_event_id="b2")],
                                                     expected=LOG), [], ["SSE404", "SSE402"],
     description="Resuming after b2: the log's a1 and b2 were delivered before the recording began.")
case("first-request-resumes-wrong", recording([conn(events([41, 42]), last_event_id="41")]), ["SSE402"],
     ["SSE402"], options=REPLAY_OPTIONS, description="Sent 41, got 41 again.")

# --- formats: JSON Lines and HAR -------------------------------------------------------------
lines = [json.dumps({"type": "header", "format": "ssert-recording", "version": 1, "timing": "monotonic"})]
for c in good["connections"]:
    lines.append(json.dumps({"type": "request", **c["request"]}))
    lines.append(json.dumps({"type": "response", **c["response"]}))
    for ch in c["chunks"]:
        lines.append(json.dumps({"type": "chunk", **ch}))
    lines.append(json.dumps({"type": "end", **c["end"]}))
case("good-session-lines", "\n".join(lines) + "\n", [], ["SSE401", "SSE402", "SSE404"],
     options={"ids": {"order": "integer", "consecutive": True}, "retry": {"required": True}},
     fmt="jsonl", description="good-session as JSON Lines: same report.")

har = {"log": {"version": "1.2", "creator": {"name": "hand-written", "version": "1"}, "entries": [
    {"startedDateTime": "2026-11-21T10:00:00.000Z", "time": 120,
     "request": {"method": "GET", "url": "http://127.0.0.1:8080/events", "httpVersion": "HTTP/1.1",
                 "headers": [{"name": "Accept", "value": "text/event-stream"}], "queryString": [], "cookies": [],
                 "headersSize": -1, "bodySize": 0},
     "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                  "headers": [{"name": "Content-Type", "value": "text/event-stream"},
                              {"name": "Cache-Control", "value": "no-cache"},
                              {"name": "X-Accel-Buffering", "value": "no"}],
                  "cookies": [], "content": {"size": 34, "mimeType": "text/event-stream",
                                             "text": "id: 1\ndata: a\n\nid: 2\ndata: b\n\n"},
                  "redirectURL": "", "headersSize": -1, "bodySize": 34},
     "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 110}},
    {"startedDateTime": "2026-11-21T10:00:00.100Z", "time": 5,
     "request": {"method": "GET", "url": "http://127.0.0.1:8080/app.js", "httpVersion": "HTTP/1.1", "headers": [],
                 "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
     "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                  "headers": [{"name": "Content-Type", "value": "text/javascript"}], "cookies": [],
                  "content": {"size": 2, "mimeType": "text/javascript", "text": "{}"}, "redirectURL": "",
                  "headersSize": -1, "bodySize": 2},
     "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 4}},
    {"startedDateTime": "2026-11-21T10:00:03.000Z", "time": 50,
     "request": {"method": "GET", "url": "http://127.0.0.1:8080/events", "httpVersion": "HTTP/1.1",
                 "headers": [{"name": "Accept", "value": "text/event-stream"}, {"name": "Last-Event-ID", "value": "2"}],
                 "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
     "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                  "headers": [{"name": "Content-Type", "value": "text/event-stream"},
                              {"name": "Cache-Control", "value": "no-cache"},
                              {"name": "X-Accel-Buffering", "value": "no"}],
                  "cookies": [], "content": {"size": 16, "mimeType": "text/event-stream", "encoding": "base64",
                                             "text": base64.b64encode(b"id: 3\ndata: c\n\n").decode()},
                  "redirectURL": "", "headersSize": -1, "bodySize": 16},
     "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 40}}]}}
case("har-import", har, [], ["SSE401", "SSE402", "SSE404"], options={"ids": {"consecutive": True}}, fmt="har",
     not_checked=["SSE305", "SSE306", "SSE311", "SSE405"],
     description="A HAR with two event-stream entries (one base64) and a script: no timing, so timing rules "
                 "are not checked.")


# --- a body that was not recorded: unknown, not empty -----------------------------------------
def har_stream_entry(started, request_headers, content):
    """A HAR entry of an event stream; `content` is the HAR `response.content`."""
    return {"startedDateTime": started, "time": 50,
            "request": {"method": "GET", "url": "http://127.0.0.1:8080/events", "httpVersion": "HTTP/1.1",
                        "headers": [{"name": n, "value": v} for (n, v) in request_headers],
                        "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                         "headers": [{"name": "Content-Type", "value": "text/event-stream"},
                                     {"name": "Cache-Control", "value": "no-cache"},
                                     {"name": "X-Accel-Buffering", "value": "no"}],
                         "cookies": [], "content": content, "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 40}}


ACCEPT = ("Accept", "text/event-stream")
BODY_RULES = ["SSE201", "SSE202", "SSE203", "SSE204", "SSE205", "SSE206", "SSE207", "SSE208", "SSE209", "SSE210",
              "SSE211", "SSE212", "SSE301", "SSE302", "SSE303", "SSE304", "SSE305", "SSE306", "SSE311", "SSE402", "SSE403",
              "SSE404"]
har_missing = {"log": {"version": "1.2", "creator": {"name": "hand-written", "version": "1"}, "entries": [
    har_stream_entry("2026-11-21T10:00:00.000Z", [ACCEPT],
                     {"size": 30, "mimeType": "text/event-stream", "text": "id: 1\ndata: a\n\nid: 2\ndata: b\n\n"}),
    har_stream_entry("2026-11-21T10:00:03.000Z", [ACCEPT, ("Last-Event-ID", "2")],
                     {"size": 0, "mimeType": "text/event-stream"}),
    har_stream_entry("2026-11-21T10:00:06.000Z", [ACCEPT, ("Last-Event-ID", "4")],
                     {"size": 15, "mimeType": "text/event-stream", "text": "id: 5\ndata: e\n\n"})]}}
case("har-import-body-not-captured", har_missing, [], ["SSE401", "SSE402", "SSE404"],
     options={"ids": {"consecutive": True}}, fmt="har",
     not_checked=BODY_RULES + ["SSE401", "SSE405"],
     description="Browsers leave an EventSource's body out of a HAR: the middle entry is a connection whose body "
                 "is unknown, so the next resume's Last-Event-ID 4 (an id in that body) is not checked, nor "
                 "are losses; its own Last-Event-ID and the last resume point still are.")
no_headers = har_stream_entry("2026-11-21T10:00:00.000Z", [ACCEPT],
                              {"size": 30, "mimeType": "text/event-stream",
                               "text": "id: 1\ndata: a\n\nid: 1\ndata: b\n\n"})
no_headers["response"]["headers"] = []
case("har-import-headers-not-captured",
     {"log": {"version": "1.2", "creator": {"name": "hand-written", "version": "1"}, "entries": [no_headers]}},
     ["SSE103", "SSE105", "SSE303"], ["SSE102", "SSE303"], fmt="har",
     not_checked=["SSE305", "SSE306", "SSE311"],
     description="An exporter that captured no response header: the entry's mimeType, text/event-stream, "
                 "stands for the Content-Type the browser read, so the body is validated as a stream (the "
                 "repeated id is SSE303); the other header rules still see no header.")
unknown_body = recording([
    conn([(10, "retry: 1000\nid: 1\ndata: a\n\n"), (20, "id: 2\ndata: b\n\n")], end="network_error", end_t=30),
    conn([], t0=1030, last_event_id="2", end="network_error", end_t=90000),
    conn(events([5, 6], start_t=90110), t0=90100, last_event_id="4", end="client_closed", end_t=90130),
])
unknown_body["connections"][1]["chunks"] = None
case("body-unknown", unknown_body, [], ["SSE305", "SSE401", "SSE402", "SSE404", "SSE405"], options=REPLAY_OPTIONS,
     not_checked=BODY_RULES + ["SSE401", "SSE405"],
     description="`\"chunks\": null`: the body was not recorded. Its 90 s are no silence of the server, the next "
                 "resume's Last-Event-ID and delay depend on what it held (not checked), and the next server's "
                 "resume is still held to the id it was sent.")

unknown_only = recording([conn([], end="client_closed", end_t=5000)])
unknown_only["connections"][0]["chunks"] = None
case("no-events-body-unknown", unknown_only, [], ["SSE312"],
     not_checked=[r for r in BODY_RULES if r not in ("SSE402", "SSE404")] + ["SSE312"],
     description="The only stream's body was not recorded: whether the session dispatched any event is unknown, "
                 "so SSE312 is not checked (not passed).")

with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump({"description": "Validator test cases shared by the Rust, JS and Python test suites. "
                              "Generated by generate.py; see README.md.", "cases": CASES}, f, indent=1)
    f.write("\n")
print(f"wrote {len(CASES)} cases")
