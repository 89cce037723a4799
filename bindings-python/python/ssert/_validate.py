"""validate(): check a recorded session against ssert's rules (the Rust core's validator)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Callable, Optional, Union

from ._errors import RecordingError
from ._recording import Recorder
from ._ssert import Report, validate_json

__all__ = ["validate", "RecordingLike"]

RecordingLike = Union[Recorder, Mapping[str, Any], str, bytes, "os.PathLike[str]"]
"""A Recorder, a recording dict, recording text (str or bytes: JSON, JSON Lines or HAR), or a
file path (``pathlib.Path`` / ``os.PathLike``; a plain ``str`` is text, not a path)."""

_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".har": "har"}


def _not_utf8(source: str, error: UnicodeDecodeError) -> RecordingError:
    # Recordings are JSON, which is UTF-8: other bytes make an unreadable recording.
    return RecordingError(f"{source} is not UTF-8 text: {error.reason}")


def _looks_like_a_path(text: str) -> bool:
    """Whether recording text that failed to parse is rather a file name: one line that names an
    existing file or ends in a recording suffix."""
    name = text.strip()
    if not name or "\n" in name or "\r" in name or len(name) > 4096:
        return False
    if os.path.splitext(name)[1].lower() in _FORMATS:
        return True
    try:
        return os.path.isfile(name)
    except (OSError, ValueError):  # a NUL, a name too long for the system...
        return False


def _with_path_hint(error: RecordingError, text: str) -> RecordingError:
    return RecordingError(
        f"{error} ({text!r} is read as recording text, not as a file name: "
        f"pass a pathlib.Path, e.g. ssert.validate(pathlib.Path({text!r})), "
        "or the text of the file)"
    )


def validate(
    recording: RecordingLike,
    *,
    format: Optional[str] = None,
    id_order: Optional[Callable[[str, str], int]] = None,
    **options: Any,
) -> Report:
    """Validate a recorded session and return the Report.

    ``options`` are the validator's options as keyword arguments, the same keys as the JSON
    options of every binding, e.g. ``validate(rec, ids={"consecutive": True},
    disable=["x-accel-buffering"], profile="openai-chat")``.

    ``id_order(a, b)`` orders ids your way, ``cmp``-style (negative when ``a`` comes first),
    for the id-order and resume rules, over a profile's order too; ``ids["order"]`` must then be
    unset, ``"auto"`` or ``"custom"`` (another order raises ``OptionsError``). An exception it
    raises propagates.

    ``format`` is ``"json"`` (also reads JSON Lines), ``"jsonl"`` or ``"har"``; for a path it
    defaults from the file suffix. Raises ``RecordingError`` for an unreadable recording and
    ``OptionsError`` for an unknown or contradictory option.

    A ``str`` (or ``bytes``) is always recording text, never a file name; when it cannot be read
    and looks like a file name, the ``RecordingError`` says to pass a ``pathlib.Path``.
    """
    recording_is_text = isinstance(recording, (str, bytes))
    if isinstance(recording, Recorder):
        text = recording.to_json()
    elif isinstance(recording, Mapping):
        text = json.dumps(recording)
    elif isinstance(recording, bytes):
        try:
            text = recording.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_utf8("the recording", error) from None
    elif isinstance(recording, str):
        text = recording
    else:
        path = os.fspath(recording)
        if format is None:
            format = _FORMATS.get(os.path.splitext(path)[1].lower(), "json")
        try:
            # utf-8-sig: a file an editor saved with a byte order mark is still JSON.
            with open(path, encoding="utf-8-sig") as file:
                text = file.read()
        except UnicodeDecodeError as error:
            raise _not_utf8(path, error) from None
    try:
        return validate_json(
            text,
            format=format or "json",  # type: ignore[arg-type]
            options=json.dumps(options) if options else None,
            id_order=id_order,
        )
    except RecordingError as error:
        if recording_is_text and _looks_like_a_path(text):
            raise _with_path_hint(error, text) from None
        raise
