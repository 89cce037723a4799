"""Native core of ssert (Rust, PyO3). Import from ``ssert``, not from here."""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Callable, Literal, final

from typing_extensions import Self, TypeAlias

from ._errors import SSEError

__all__ = [
    "__version__",
    "Event",
    "Parser",
    "ParseResult",
    "Report",
    "StreamingValidator",
    "parse",
    "encode",
    "encode_comment",
    "is_event_stream_type",
    "validate_json",
]
__version__: str

_Input: TypeAlias = bytes | bytearray | memoryview | str

@final
class Event:
    """One dispatched event. Same field names as httpx-sse's ``ServerSentEvent``.

    Events are immutable and safe to share between threads. Two events are equal when
    their ``event``, ``data``, ``id`` and ``retry`` are equal and both have data or both have
    none (``span`` is not compared, nor whether ``event`` or ``id`` was given).

    An event made by hand without ``data`` (omitted or None) has no data: ``encode()`` writes
    only its ``id`` and ``retry``, and no event is dispatched, as for a mapping without
    ``"data"``. Its ``data`` still reads ``""``, but it is not equal to an event made with
    ``data=""`` (which ``encode()`` writes as an event with empty data), and its ``repr()``
    shows ``data=None``. Parsed events always have data.
    """

    def __new__(
        cls,
        event: str | None = None,
        data: str | None = None,
        id: str | None = None,
        retry: int | None = None,
    ) -> Self: ...
    @property
    def event(self) -> str:
        """The event type: the ``event:`` field, or ``"message"`` when the block had none."""
    @property
    def data(self) -> str:
        """The ``data:`` lines of the event joined by ``"\\n"`` (``""`` for an event made without
        data)."""
    @property
    def id(self) -> str:
        """The last event ID in force when the event was dispatched (``""`` if none).

        ``encode()`` writes a parsed event's id even when it is ``""`` (as ``id:``, a reset), so
        parse, encode and parse again gives the same ids; an event made by hand has an id to
        write only when ``id`` was given."""
    @property
    def retry(self) -> int | None:
        """The last valid ``retry:`` value (milliseconds) inside this event's block, if any."""
    @property
    def span(self) -> tuple[int, int]:
        """Byte span ``(start, end)`` of the event's block in its stream (``(0, 0)`` if built by hand)."""
    def json(self) -> Any:
        """``json.loads(self.data)``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Parser:
    """Incremental parser of one ``text/event-stream``, reusable across reconnects.

    ``feed()`` any chunks (bytes or str, split anywhere) and get the events they complete;
    ``close()`` at the end of the stream. Errors never stop parsing: each one is appended to
    ``errors`` and passed to ``on_error``; with ``strict=True`` the call that reported it then
    raises the first one, carrying that call's events in ``.events``.

    One parser must not be used from two threads at once: a concurrent call raises
    ``RuntimeError`` (the parser is never corrupted). Separate parsers run in parallel; inputs
    of 64 KiB or more are parsed with the GIL released.
    """

    def __new__(
        cls,
        on_retry: Callable[[int], object] | None = None,
        on_comment: Callable[[str], object] | None = None,
        *,
        on_error: Callable[[SSEError], object] | None = None,
        strict: bool = False,
        max_line_len: int | None = None,
        max_event_size: int | None = None,
        max_buffered: int | None = None,
        strict_utf8: bool = False,
    ) -> Self: ...
    def feed(self, chunk: _Input) -> list[Event]:
        """Feed one chunk; return the events it completed, in order.

        A ``str`` is fed as its UTF-8 bytes; a lone surrogate in it (no UTF-8 form) becomes
        U+FFFD, one per surrogate, as JavaScript's ``TextEncoder`` does.

        Callbacks (``on_retry``, ``on_comment``, ``on_error``) run in stream order before the
        call returns. If one raises, the exception propagates and nothing is lost: the chunk is
        parsed whole, its errors are already in ``errors``, and the callbacks after the one that
        raised, this call's events and (with ``strict=True``) the error to raise all come first
        from the next ``feed()`` or ``close()``.
        """
    def close(self) -> list[Event]:
        """End the stream: a final lone CR ends its line; an unterminated event is discarded
        and reported as ``IncompleteEventError``. The parser is then ready for the next stream
        (a reconnect) and keeps ``last_event_id`` and ``retry``, like an EventSource. What a
        raising callback left undelivered comes first, as for ``feed()``."""
    def reset(self) -> None:
        """Back to a fresh parser: buffered bytes, last event ID, retry and errors forgotten,
        and whatever a raising callback left undelivered."""
    @property
    def last_event_id(self) -> str:
        """The last event ID committed by a dispatch: what a reconnect sends as Last-Event-ID.
        Settable: a client resuming a stream it read earlier starts out with the id it kept (an
        ``id`` field of the stream replaces it as usual). Setting an id that contains CR or LF
        (no reconnect could send it as a header) raises ``IdHasNewlineError``, and one that
        contains NUL (a stream's ``id`` field with NUL is ignored) ``IdHasNulError``; both are
        ``ValueError`` subclasses, as ``encode()`` raises for the same ids."""
    @last_event_id.setter
    def last_event_id(self, id: str) -> None: ...
    @property
    def retry(self) -> int | None:
        """The last valid ``retry:`` value in milliseconds, or None."""
    @property
    def offset(self) -> int:
        """Bytes fed so far in the current stream."""
    @property
    def errors(self) -> list[SSEError]:
        """Every error reported since the parser was created or reset (a copy)."""

@final
class ParseResult:
    """Everything the core reported for one whole stream. Iterating yields the events."""

    @property
    def events(self) -> list[Event]:
        """The dispatched events, in order."""
    @property
    def retries(self) -> list[int]:
        """Every valid ``retry:`` value, in order."""
    @property
    def comments(self) -> list[str]:
        """Every comment's text (after ``:`` with one leading space removed), in order."""
    @property
    def errors(self) -> list[SSEError]:
        """Every error reported, in order."""
    @property
    def last_event_id(self) -> str:
        """The last event ID at the end of the stream (what a reconnect sends)."""
    @property
    def trace(self) -> list[Mapping[str, Any]]:
        """The core's line-by-line trace records (only with ``parse(..., trace=True)``)."""
    def __iter__(self) -> Iterator[Event]: ...
    def __len__(self) -> int: ...

def parse(
    data: _Input,
    *,
    strict: bool = False,
    trace: bool = False,
    max_line_len: int | None = None,
    max_event_size: int | None = None,
    max_buffered: int | None = None,
    strict_utf8: bool = False,
) -> ParseResult:
    """Parse a whole stream (bytes or str), end of stream included.

    A ``str`` is parsed as its UTF-8 bytes, each lone surrogate as U+FFFD (as in ``feed()``).

    With ``strict=True`` the first error is raised instead, carrying the events in ``.events``.
    The GIL is released while the core parses inputs of 64 KiB or more.
    """

def encode(
    events: Iterable[Event | Mapping[str, Any] | Any],
    *,
    line_ending: Literal["lf", "crlf", "\n", "\r\n"] = "lf",
) -> str:
    """Encode events and comments to the wire format.

    Each item is an ``Event``, a mapping or an object with ``event``, ``data``, ``id`` and
    ``retry`` (missing or None = omitted), or a comment: ``{"comment": text}``. Multi-line data
    becomes several ``data:`` lines; ``data=""`` is an event with empty data. An item without
    data is no event: only its ``id`` and ``retry`` are sent (``{"retry": 3000}`` or
    ``Event(retry=3000)`` sets the reconnection time). ``"id": ""`` in a mapping writes ``id:`` (a reset), and so does the id
    ``""`` of a parsed ``Event``: parse, encode and parse again gives the same ids. Raises
    ``EventTypeHasNewlineError``, ``IdHasNewlineError``, ``IdHasNulError``, or
    ``EventTypeWithoutDataError`` for an ``event`` type without data, each with ``index``, the
    position of the failing item (its message says ``of item N`` too); ``TypeError`` for a
    comment item that also has an ``event``, ``data``, ``id`` or ``retry`` (it would be lost),
    for an item that is no event (a ``str``, a number, ``None``...) and for a field of the
    wrong type (``data=5``), and ``ValueError`` for a ``retry`` outside 0..2**64 - 1; these
    messages name the item and the field. A lone surrogate in a ``str`` field is written as
    U+FFFD, as the JS package does.
    """

def is_event_stream_type(content_type: str) -> bool:
    """Whether a Content-Type value names ``text/event-stream`` as an ``EventSource`` decides:
    its MIME type essence (parameters and HTTP whitespace aside), ASCII case-insensitively. Of a
    comma-separated value (a field sent twice, as ``httpx`` joins it), the last media type counts,
    as in a browser."""

def encode_comment(text: str, *, line_ending: Literal["lf", "crlf", "\n", "\r\n"] = "lf") -> str:
    """Encode a comment; multi-line text becomes several ``:`` lines."""

@final
class Report:
    """The outcome of ``validate()``: pass/fail, findings and stats, as the core reports them.

    ``str(report)`` is the readable form; ``to_json()`` / ``to_dict()`` the JSON form that every
    binding produces (``findings``, ``not_checked``, ``stats``, ...). ``findings`` keeps at most
    ``window.findings`` findings and ``findings_dropped`` counts the rest; ``not_checked`` keeps
    every rule not checked for the whole session and the first ``window.findings`` notes about
    one connection, and ``not_checked_dropped`` counts the rest.
    """

    @property
    def passed(self) -> bool:
        """No finding at or above the ``fail_on`` severity (default: error)."""
    @property
    def errors(self) -> int:
        """Number of findings with severity error."""
    @property
    def warnings(self) -> int:
        """Number of findings with severity warning."""
    @property
    def infos(self) -> int:
        """Number of findings with severity info."""
    @property
    def codes(self) -> list[str]:
        """The distinct rule codes of the findings, sorted (e.g. ``["SSE402", "SSE403"]``)."""
    def to_json(self) -> str:
        """The report as JSON (``{"format": "ssert-report", "version": 1, ...}``)."""
    def to_dict(self) -> Any:
        """The report as a dict (``json.loads(self.to_json())``)."""

def validate_json(
    recording: str,
    *,
    format: Literal["json", "jsonl", "har"] = "json",
    options: str | None = None,
    id_order: Callable[[str, str], int] | None = None,
) -> Report:
    """Validate a recording given as text (``ssert-recording`` JSON, JSON Lines or HAR) with
    options given as JSON. ``id_order(a, b)`` is a ``cmp``-style function (negative: ``a``
    comes first) that orders ids (``ids.order`` unset, auto or custom, else ``OptionsError``);
    an exception it raises is re-raised.
    Use ``ssert.validate()``, which takes Python objects."""

@final
class StreamingValidator:
    """The core's streaming validator: a session given one record at a time, in memory bounded
    by the validator's windows however long the session (``ssert lint`` feeds a file through it
    a read at a time). For one thread at a time."""

    def __new__(cls, options: str | None = None) -> Self:
        """Validation options as JSON (``None``: the defaults); ``OptionsError`` if invalid."""
    def record(self, line: str) -> None:
        """One JSON Lines record of a recording (``{"type": "header", ...}``, ``request``,
        ``response``, ``chunk``, ``end``, ...); ``RecordingError`` if it cannot be read."""
    def chunk(self, t: int, data: _Input) -> None:
        """Body bytes of the current connection received at ``t`` ms: a ``chunk`` record's
        content without the base64."""
    def finish(self) -> Report:
        """The report; the validator is used up (a later call raises ``RuntimeError``)."""
