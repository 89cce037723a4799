"""Test helpers: readable assertions on validation reports, and serving an ASGI app for real.

``assert_valid(source, **options)`` validates a recording (or takes a ready ``Report``, without
options) and raises ``AssertionError`` whose message is the full readable report, findings first.

``serve_asgi(app)`` runs an ASGI app (FastAPI, Starlette, ...) on uvicorn at 127.0.0.1 on a
free port in a background thread, for the duration of a ``with`` block. In-process apps are
tested over a real socket because httpx's ``ASGITransport`` buffers whole streaming responses:
every event would arrive at once and endless streams would never return.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Union

from ._ssert import Report
from ._validate import RecordingLike, validate

__all__ = ["assert_valid", "serve_asgi"]


def assert_valid(source: Union[Report, RecordingLike], **options: Any) -> Report:
    """Validate ``source`` (or check a ``Report``) and fail with the readable report if it does
    not pass. Returns the report, for further assertions. ``options`` apply to a recording: a
    ``Report`` was validated with its own, so it raises ``TypeError`` with options."""
    if isinstance(source, Report):
        if options:
            # Ignoring them would pass a check the caller believes was made.
            raise TypeError(
                "assert_valid(): options apply only when validating a recording, not a Report "
                f"(got {', '.join(sorted(options))})"
            )
        report = source
    else:
        report = validate(source, **options)
    if not report.passed:
        raise AssertionError(
            f"SSE session failed validation ({report.errors} error(s), "
            f"{report.warnings} warning(s)):\n\n{report}"
        )
    return report


@contextmanager
def serve_asgi(app: Any, startup_timeout: float = 15.0) -> Iterator[str]:
    """Serve an ASGI app on 127.0.0.1 (a free port) in a thread; yields its base URL.

    Needs uvicorn (``pip install uvicorn``).
    """
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="ssert-serve-asgi", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("serve_asgi: uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        # Endless event streams would keep a graceful shutdown waiting forever.
        server.force_exit = True
        thread.join(timeout=10)
