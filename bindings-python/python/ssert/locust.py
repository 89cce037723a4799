"""Locust integration: an SSE user that streams through Locust's client and reports per stream.

::

    from locust import task
    from ssert.locust import SSEUser

    class Subscriber(SSEUser):
        @task
        def orders(self):
            self.stream_sse("/orders/stream", max_events=20, duration=10,
                            validate={"ids": {"consecutive": True}})

Each ``stream_sse()`` reads the raw body bytes of one connection (never ``iter_lines``, which
mis-splits a CRLF across reads) with ssert's parser, records them, and fires Locust request
events, so the numbers appear in Locust's statistics, CSVs and web UI, aggregated by the master
in distributed mode like any other request:

- ``GET <name> connect``: Locust's own request for the connection (response time = ms to the
  response headers); fails if the status is not 200 or the Content-Type not
  ``text/event-stream``, and then no ``first-event`` or ``event`` is reported;
- ``SSE <name> first-event``: response time = ms from the request to the first event;
  fails if no event arrives within ``duration``;
- ``SSE <name> event``: one per event, response time = ms since the previous event (the gap),
  response length = the event's data size;
- ``SSE <name> validate`` (with ``validate=``): the session's validation; fails with the
  readable report when the core validator finds errors.

Needs ``locust`` (``pip install locust``).
"""

from __future__ import annotations

import time
from typing import Any, Optional

import gevent  # type: ignore[import-untyped]
from locust import HttpUser

from ._recording import Recorder
from ._ssert import Event, Parser, Report
from ._validate import validate as validate_recording

__all__ = ["SSEUser", "StreamResult"]

REQUEST_TYPE = "SSE"


class StreamResult:
    """What one ``stream_sse()`` call saw."""

    def __init__(self, events: list[Event], recording: Recorder, report: Optional[Report]) -> None:
        self.events = events
        """The events received."""
        self.recording = recording
        """The connection, in the shared recording format."""
        self.report = report
        """The validation report (with ``validate=``), else None."""


class SSEUser(HttpUser):
    """A Locust ``HttpUser`` with :meth:`stream_sse`. Subclass it and call ``stream_sse`` from
    tasks; ``host`` and ``wait_time`` work as for any ``HttpUser``."""

    abstract = True

    def _fire(
        self,
        name: str,
        response_time: float,
        length: int = 0,
        exception: Optional[BaseException] = None,
    ) -> None:
        self.environment.events.request.fire(
            request_type=REQUEST_TYPE,
            name=name,
            response_time=response_time,
            response_length=length,
            exception=exception,
            context={},
        )

    def stream_sse(
        self,
        path: str,
        *,
        name: Optional[str] = None,
        max_events: Optional[int] = None,
        duration: float = 10.0,
        headers: Optional[dict[str, str]] = None,
        validate: Optional[dict[str, Any]] = None,
    ) -> StreamResult:
        """Open ``path`` on the user's host, read events for at most ``duration`` seconds or
        ``max_events`` events, report them, and (with ``validate=`` options, ``{}`` for the
        defaults) validate the recorded connection."""
        label = name or path
        request_headers = {
            "Accept": "text/event-stream",
            "Cache-Control": "no-store",
            **(headers or {}),
        }
        recorder = Recorder("ssert-py locust")
        url = f"{self.host or ''}{path}"
        connection = recorder.connection("GET", url, list(request_headers.items()))
        parser = Parser()
        events: list[Event] = []
        started = time.perf_counter()
        last = started
        first_reported = False
        with self.client.get(
            path, headers=request_headers, stream=True, catch_response=True, name=f"{label} connect"
        ) as response:
            connection.response(response.status_code, list(response.headers.items()))
            content_type = response.headers.get("content-type", "")
            if response.status_code != 200 or "text/event-stream" not in content_type:
                response.failure(f"not an event stream: {response.status_code} {content_type!r}")
                connection.end("eof")
            else:
                response.success()
                kind = "eof"
                try:
                    with gevent.Timeout(duration, False):
                        kind = "timeout"
                        for chunk in response.iter_content(chunk_size=None):
                            connection.chunk(chunk)
                            for event in parser.feed(chunk):
                                now = time.perf_counter()
                                if not first_reported:
                                    self._fire(f"{label} first-event", (now - started) * 1000)
                                    first_reported = True
                                self._fire(f"{label} event", (now - last) * 1000, len(event.data))
                                last = now
                                events.append(event)
                                if max_events is not None and len(events) >= max_events:
                                    break
                            if max_events is not None and len(events) >= max_events:
                                kind = "client_closed"
                                break
                        else:
                            kind = "eof"
                except Exception as error:  # noqa: BLE001 - the network failed mid-stream; recorded
                    kind = "network_error"
                    connection.end(kind, f"{type(error).__name__}: {error}")
                finally:
                    response.close()
                connection.end(kind)
                parser.close()
                if not first_reported:
                    self._fire(
                        f"{label} first-event",
                        (time.perf_counter() - started) * 1000,
                        exception=AssertionError(f"no event within {duration:g}s"),
                    )
        report = None
        if validate is not None:
            begin = time.perf_counter()
            report = validate_recording(recorder, **validate)
            self._fire(
                f"{label} validate",
                (time.perf_counter() - begin) * 1000,
                exception=None if report.passed else AssertionError(str(report)),
            )
        return StreamResult(events, recorder, report)
