"""The typed exceptions of ssert, one per error code of the Rust core.

The native module raises these (it imports this module), so a Python caller can catch
``ssert.SSEError`` for any problem, or a subclass for one kind, and read ``.code`` and
``.offset`` (a byte offset in the raw stream, BOM included, first byte = 0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - only for type checkers
    from ._ssert import Event

__all__ = [
    "SSEError",
    "LineTooLongError",
    "EventTooLargeError",
    "BufferLimitError",
    "InvalidUtf8Error",
    "IncompleteEventError",
    "EventTypeHasNewlineError",
    "IdHasNewlineError",
    "IdHasNulError",
    "EventTypeWithoutDataError",
    "WriteError",
    "RecordingError",
    "OptionsError",
    "ERROR_CLASSES",
]


class SSEError(ValueError):
    """A problem in an event stream (or in an event to encode), reported by the core.

    Attributes:
        code: the stable error code, e.g. ``"LINE_TOO_LONG"``.
        offset: the byte offset in the raw stream (for encoding: in the offending value).
        index: for ``encode()``, the position of the failing item in its input (the message
            says ``of item N`` too); ``None`` for a parse error.
        events: in strict mode, the events parsed by the same call, so nothing is lost.
        errors: in strict mode, every error reported by the same call (this one first).
    """

    code: str
    offset: int
    index: int | None
    events: list[Event]
    errors: list[SSEError]

    def __init__(self, message: str, code: str, offset: int, index: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.offset = offset
        self.index = index
        self.events = []
        self.errors = [self]

    def __reduce__(self) -> Any:
        return (type(self), (str(self), self.code, self.offset, self.index))


class LineTooLongError(SSEError):
    """A line longer than ``max_line_len``; its event block was discarded."""


class EventTooLargeError(SSEError):
    """Event data larger than ``max_event_size``; the event was discarded."""


class BufferLimitError(SSEError):
    """More than ``max_buffered`` bytes held across chunks; the event was discarded."""


class InvalidUtf8Error(SSEError):
    """Invalid UTF-8 (only with ``strict_utf8=True``); it was replaced by U+FFFD."""


class IncompleteEventError(SSEError):
    """The stream ended inside an event, which was discarded (data lost)."""


class EventTypeHasNewlineError(SSEError):
    """encode(): an event type containing CR or LF."""


class IdHasNewlineError(SSEError):
    """encode(): an id containing CR or LF."""


class IdHasNulError(SSEError):
    """encode(): an id containing U+0000."""


class EventTypeWithoutDataError(SSEError):
    """encode(): an event type without data, which receivers would drop (give ``data=""``)."""


class WriteError(SSEError):
    """The output writer failed."""


ERROR_CLASSES: dict[str, type[SSEError]] = {
    "LINE_TOO_LONG": LineTooLongError,
    "EVENT_TOO_LARGE": EventTooLargeError,
    "BUFFER_LIMIT": BufferLimitError,
    "INVALID_UTF8": InvalidUtf8Error,
    "INCOMPLETE_EVENT": IncompleteEventError,
    "EVENT_TYPE_HAS_NEWLINE": EventTypeHasNewlineError,
    "ID_HAS_NEWLINE": IdHasNewlineError,
    "ID_HAS_NUL": IdHasNulError,
    "EVENT_TYPE_WITHOUT_DATA": EventTypeWithoutDataError,
    "WRITE": WriteError,
}
"""Error code -> exception class; the native module looks classes up here."""


class RecordingError(ValueError):
    """validate(): the recording cannot be read (not the ssert-recording format, bad JSON, ...)."""


class OptionsError(ValueError):
    """validate(): an unknown or invalid validation option."""
