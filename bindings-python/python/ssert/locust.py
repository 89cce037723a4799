"""Locust integration: an SSE user that streams through Locust's client and reports per stream.

::

    from locust import task
    from ssert.locust import SSEUser

    class Subscriber(SSEUser):
        @task
        def orders(self):
            self.stream_sse("/orders/stream", max_events=20, duration=10,
                            validate={"ids": {"consecutive": True}})

Each ``stream_sse()`` reads the raw body bytes of one connection as they arrive (never
``iter_lines``, which mis-splits a CRLF across reads) with ssert's parser, records them, and fires
Locust request events, so the numbers appear in Locust's statistics, CSVs and web UI, aggregated
by the master in distributed mode like any other request:

- ``GET <name> connect``: Locust's own request for the connection, reported when the response
  head arrives (response time = ms to the response head); fails if the connection fails, the
  status is not 200 or the Content-Type not ``text/event-stream``, and then nothing else is
  reported; fails too if no response head arrives within ``duration``, and then so does
  ``first-event``;
- ``SSE <name> first-event``: response time = ms from the request to the first event, response
  length = its data size in UTF-8 bytes; fails if the stream ends, or ``duration`` passes,
  before any event;
- ``SSE <name> event``: one per later event, response time = ms since the previous event (the
  gap), response length = the event's data size in UTF-8 bytes;
- ``SSE <name> validate`` (with ``validate=``, for a stream that opened): the session's
  validation; fails when the core validator's report fails, with a message naming the failing
  rules (``validation failed: error[SSE208 field-name-case]``), the same for every stream with
  the same problems; the full report is ``StreamResult.report``.

Needs ``locust`` (``pip install locust``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Optional

import gevent  # type: ignore[import-untyped]
from locust import HttpUser

from ._recording import Recorder
from ._ssert import Event, Parser, Report, is_event_stream_type
from ._validate import validate as validate_recording

__all__ = ["SSEUser", "StreamResult"]

REQUEST_TYPE = "SSE"
_READ_SIZE = 65536
_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class StreamResult:
    """What one ``stream_sse()`` call saw."""

    def __init__(self, events: list[Event], recording: Recorder, report: Optional[Report]) -> None:
        self.events = events
        """The events received."""
        self.recording = recording
        """The connection, in the shared recording format."""
        self.report = report
        """The validation report (with ``validate=``), else None."""


def _reads(raw: Any) -> Iterator[bytes]:
    """The body as it arrives, one network read at a time. ``iter_content()`` would hold a
    close-delimited body (no chunked encoding) back until the server closes the connection."""
    read1 = getattr(raw, "read1", None)
    if read1 is None:  # pragma: no cover - urllib3 < 2.2, whose reads wait for a full buffer
        yield from raw.stream(None, decode_content=True)
        return
    while True:
        data = read1(_READ_SIZE, decode_content=True)
        if not data:
            return
        yield data


def _failure_message(report: Report) -> str:
    """The rules that failed the report, without timings or counts: Locust groups failures by
    message, and a message that varies from stream to stream would give each its own row."""
    summary = report.to_dict()
    floor = _SEVERITY_RANK[summary["fail_on"]]
    rules = sorted(
        {
            (finding["code"], finding["name"], finding["severity"])
            for finding in summary["findings"]
            if _SEVERITY_RANK[finding["severity"]] >= floor
        }
    )
    return "validation failed: " + ", ".join(
        f"{severity}[{code} {name}]" for code, name, severity in rules
    )


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
        request_type: str = REQUEST_TYPE,
    ) -> None:
        self.environment.events.request.fire(
            request_type=request_type,
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
        """Open ``path`` on the user's host, read events for at most ``duration`` seconds (from
        the request, the wait for the response head included) or ``max_events`` events, report
        them, and (with ``validate=`` options, ``{}`` for the defaults) validate the recorded
        connection."""
        label = name or path
        request_headers = {
            "Accept": "text/event-stream",
            "Cache-Control": "no-store",
            **(headers or {}),
        }
        recorder = Recorder("ssert-py locust")
        # Locust's client takes an absolute URL as is, and a path on the user's host.
        url = path if "://" in path else f"{self.host or ''}{path}"
        connection = recorder.connection("GET", url, list(request_headers.items()))
        parser = Parser()
        events: list[Event] = []
        started = time.perf_counter()

        def elapsed_ms() -> float:
            return (time.perf_counter() - started) * 1000

        response = None
        with gevent.Timeout(duration, False):
            response = self.client.get(
                path,
                headers=request_headers,
                stream=True,
                catch_response=True,
                name=f"{label} connect",
            )
        if response is None:
            # Locust reports nothing for a request interrupted before its response head.
            waited, waited_ms = f"no response head within {duration:g}s", elapsed_ms()
            connection.end("timeout", waited)
            self._fire(
                f"{label} connect", waited_ms, exception=AssertionError(waited), request_type="GET"
            )
            self._fire(f"{label} first-event", waited_ms, exception=AssertionError(waited))
            return StreamResult(events, recorder, self._validate(label, recorder, validate, False))

        # The with-block reports the connect request as it exits: when the head has arrived.
        streaming = False
        with response:
            failed = getattr(response, "error", None)
            if failed is not None:
                # A connection error: Locust's stand-in response has status 0 but no response
                # came. Without an outcome set, Locust reports the request with its real error.
                connection.end("network_error", f"{type(failed).__name__}: {failed}")
            else:
                connection.response(response.status_code, list(response.headers.items()))
                content_type = response.headers.get("content-type", "")
                if response.status_code != 200 or not is_event_stream_type(content_type):
                    refusal = f"not an event stream: {response.status_code} {content_type!r}"
                    response.failure(refusal)  # type: ignore[no-untyped-call]
                    connection.end("client_closed", refusal)
                else:
                    response.success()  # type: ignore[no-untyped-call]
                    streaming = True
        if not streaming:
            if failed is None:
                response.close()
            return StreamResult(events, recorder, self._validate(label, recorder, validate, False))

        kind = "eof"
        last = started
        try:
            with gevent.Timeout(max(0.0, duration - (time.perf_counter() - started)), False):
                kind = "timeout"
                for chunk in _reads(response.raw):
                    connection.chunk(chunk)
                    for event in parser.feed(chunk):
                        now = time.perf_counter()
                        size = len(event.data.encode("utf-8"))
                        if events:
                            self._fire(f"{label} event", (now - last) * 1000, size)
                        else:
                            self._fire(f"{label} first-event", (now - started) * 1000, size)
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
        if not events:
            if kind == "timeout":
                missing = f"no event within {duration:g}s"
            elif kind == "eof":
                missing = "the stream ended before any event"
            else:
                missing = "the connection failed before any event"
            self._fire(f"{label} first-event", elapsed_ms(), exception=AssertionError(missing))
        return StreamResult(events, recorder, self._validate(label, recorder, validate, True))

    def _validate(
        self, label: str, recorder: Recorder, options: Optional[dict[str, Any]], fire: bool
    ) -> Optional[Report]:
        """Validates the recording (with ``validate=`` options); fires the ``validate`` request
        only for a stream that opened: a refused connection already failed ``connect``."""
        if options is None:
            return None
        begin = time.perf_counter()
        result = validate_recording(recorder, **options)
        if fire:
            self._fire(
                f"{label} validate",
                (time.perf_counter() - begin) * 1000,
                exception=None if result.passed else AssertionError(_failure_message(result)),
            )
        return result
