"""ssert: spec-exact Server-Sent Events for Python test suites.

The parser, encoder and validator are the Rust core ``ssert-core`` (the same code behind the
npm package and the Rust crate); this package is a typed facade over its native module.

>>> import ssert
>>> [e.data for e in ssert.parse(b"data: hello\\n\\n")]
['hello']
"""

from ._errors import (
    BufferLimitError,
    EventTooLargeError,
    EventTypeHasNewlineError,
    EventTypeWithoutDataError,
    IdHasNewlineError,
    IdHasNulError,
    IncompleteEventError,
    InvalidUtf8Error,
    LineTooLongError,
    OptionsError,
    RecordingError,
    SSEError,
    WriteError,
)
from ._recording import Recorder
from ._ssert import Event, Parser, ParseResult, Report, __version__, encode, encode_comment, parse
from ._validate import validate

__all__ = [
    "__version__",
    "Event",
    "Parser",
    "ParseResult",
    "parse",
    "encode",
    "encode_comment",
    "validate",
    "Report",
    "Recorder",
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
]
