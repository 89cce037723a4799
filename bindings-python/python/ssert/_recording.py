"""Recorder for the shared, language-neutral session recording format (``ssert-recording`` v1).

A recording is what a client saw: every connection of a session, in order, with its request
(headers as sent, ``Last-Event-ID`` and credentials such as ``Authorization`` included), response
head, body bytes as timestamped chunks (as the HTTP client hands them over: after any
``Content-Encoding`` is decoded), and how it ended. The Rust validator reads it (``ssert.validate``); the JS recorders
write the same format. Times are integer milliseconds of a monotonic clock since the session
started. See ``testdata/recording.schema.json`` and the ``ssert_core::validate`` docs.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterable
from typing import Any, Optional, Union

__all__ = ["Recorder", "ConnectionRecorder", "END_KINDS"]

FORMAT = "ssert-recording"
VERSION = 1
END_KINDS = ("eof", "client_closed", "network_error", "timeout")
"""How a connection can end: the server ended the body, the client closed it, the network
failed, or the recorder gave up waiting."""

HeaderPairs = Iterable[tuple[str, str]]


class ConnectionRecorder:
    """Records one connection. Created by :meth:`Recorder.connection`."""

    def __init__(self, recorder: Recorder, method: str, url: str, headers: Optional[HeaderPairs]):
        self._recorder = recorder
        self._data: dict[str, Any] = {
            "request": {
                "method": method,
                "url": url,
                "headers": None if headers is None else [[k, v] for k, v in headers],
                "t": recorder.now(),
            },
            "chunks": [],
        }

    @property
    def ended(self) -> bool:
        """Whether :meth:`end` was called."""
        return "end" in self._data

    def response(self, status: int, headers: HeaderPairs) -> None:
        """Record the response status and headers (in order, as received)."""
        self._data["response"] = {
            "status": status,
            "headers": [[k, v] for k, v in headers],
            "t": self._recorder.now(),
        }

    def chunk(self, data: bytes) -> None:
        """Record the body bytes of one read, as the HTTP client hands them over."""
        self._data["chunks"].append(
            {"t": self._recorder.now(), "data": base64.b64encode(data).decode("ascii")}
        )

    def end(self, kind: str, message: Optional[str] = None) -> None:
        """Record how the connection ended (one of END_KINDS); later calls are ignored."""
        if kind not in END_KINDS:
            raise ValueError(f"end kind must be one of {END_KINDS}, got {kind!r}")
        if not self.ended:
            end: dict[str, Any] = {"kind": kind, "t": self._recorder.now()}
            if message is not None:
                end["message"] = message
            self._data["end"] = end

    def to_dict(self) -> dict[str, Any]:
        """The connection in the recording format."""
        return self._data


class Recorder:
    """Records a session: every connection, in order. ``to_json()`` gives the file content."""

    def __init__(self, source: str = "ssert-py") -> None:
        self._origin = time.monotonic()
        self.source = source
        self.connections: list[ConnectionRecorder] = []
        self.expected: Optional[list[dict[str, str]]] = None

    def now(self) -> int:
        """Milliseconds since the session started (monotonic clock)."""
        return int((time.monotonic() - self._origin) * 1000)

    def connection(
        self, method: str, url: str, headers: Optional[HeaderPairs] = None
    ) -> ConnectionRecorder:
        """Start recording a new connection.

        ``headers`` are the request headers as sent, ``Last-Event-ID`` included; an empty list
        means none were sent. Left out (``None``), they are "not observed" (``null`` in the
        recording), and the validator does not judge what the request sent."""
        record = ConnectionRecorder(self, method, url, headers)
        self.connections.append(record)
        return record

    def expect(self, id: str, type: Optional[str] = None, data: Optional[str] = None) -> None:
        """Add an event to the expected log (what the server says it published, in order).

        Ids are unique: validating a log that repeats one raises ``RecordingError``. Without any
        ``expect()`` call the recording has no log (no ``expected`` key)."""
        entry = {"id": id}
        if type is not None:
            entry["type"] = type
        if data is not None:
            entry["data"] = data
        if self.expected is None:
            self.expected = []
        self.expected.append(entry)

    def to_dict(self) -> dict[str, Any]:
        """The session in the recording format."""
        recording: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "timing": "monotonic",
            "source": self.source,
            "connections": [connection.to_dict() for connection in self.connections],
        }
        if self.expected is not None:
            recording["expected"] = self.expected
        return recording

    def to_json(self, indent: Optional[int] = None) -> str:
        """The session as recording JSON."""
        return json.dumps(self.to_dict(), indent=indent)

    def save(self, path: Union[str, os.PathLike[str]]) -> None:
        """Write the recording JSON to a file."""
        with open(path, "w", encoding="utf-8") as file:
            file.write(self.to_json(indent=1))
            file.write("\n")
