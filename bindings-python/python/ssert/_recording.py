"""Recorder for the shared, language-neutral recording format (see testdata/recording.schema.json).

A recording is what a client saw: every connection of a session, in order, with its request,
response head, raw body bytes as timestamped chunks, and how it ended. The Rust validator
replays it; the same file comes from the JS and Python recorders.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any, Dict, List, Mapping, Optional

__all__ = ["Recorder", "ConnectionRecorder"]

FORMAT_VERSION = 1


def _now_ms() -> float:
    return time.monotonic() * 1000.0


class ConnectionRecorder:
    """Records one connection. Created by :meth:`Recorder.connection`."""

    def __init__(self, recorder: Recorder, url: str, method: str, last_event_id: Optional[str]):
        self._recorder = recorder
        self._data: Dict[str, Any] = {
            "request": {
                "url": url,
                "method": method,
                "last_event_id": last_event_id,
                "at": recorder.elapsed_ms(),
            },
            "response": None,
            "chunks": [],
            "end": None,
        }

    def response(self, status: int, headers: Mapping[str, str]) -> None:
        """Record the response status line and headers (names lower-cased, in order)."""
        self._data["response"] = {
            "status": status,
            "headers": [[name.lower(), value] for name, value in headers.items()],
            "at": self._recorder.elapsed_ms(),
        }

    def chunk(self, data: bytes) -> None:
        """Record one body chunk exactly as received."""
        self._data["chunks"].append(
            {"at": self._recorder.elapsed_ms(), "data": base64.b64encode(data).decode("ascii")}
        )

    def end(self, reason: str, error: Optional[str] = None) -> None:
        """Record how the connection ended: "eof", "closed" (by the client) or "error"."""
        if self._data["end"] is None:
            end: Dict[str, Any] = {"reason": reason, "at": self._recorder.elapsed_ms()}
            if error is not None:
                end["error"] = error
            self._data["end"] = end

    def to_dict(self) -> Dict[str, Any]:
        """The connection in the recording format."""
        return self._data


class Recorder:
    """Records a session: every connection, in order. ``to_json()`` gives the file content."""

    def __init__(self) -> None:
        self._origin = _now_ms()
        self.started_at = time.time()
        self.connections: List[ConnectionRecorder] = []

    def elapsed_ms(self) -> float:
        """Milliseconds since the session started (monotonic clock), rounded to microseconds."""
        return round(_now_ms() - self._origin, 3)

    def connection(
        self, url: str, method: str = "GET", last_event_id: Optional[str] = None
    ) -> ConnectionRecorder:
        """Start recording a new connection."""
        record = ConnectionRecorder(self, url, method, last_event_id)
        self.connections.append(record)
        return record

    def to_dict(self) -> Dict[str, Any]:
        """The session in the recording format."""
        return {
            "version": FORMAT_VERSION,
            "started_at": self.started_at,
            "connections": [connection.to_dict() for connection in self.connections],
        }

    def to_json(self, indent: Optional[int] = None) -> str:
        """The session as recording JSON."""
        return json.dumps(self.to_dict(), indent=indent)
