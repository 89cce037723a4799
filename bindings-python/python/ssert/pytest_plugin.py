"""pytest plugin of ssert, loaded automatically (entry point ``pytest11``): the ``sse`` fixture.

::

    def test_orders_resume(sse):
        base_url = sse.serve(app)                  # in-process ASGI app on a real socket
        events = sse.events(f"{base_url}/orders/stream", max_events=12,
                            force_reconnect_after=4, max_reconnects=2)
        assert [int(e.id) for e in events] == list(range(1, 13))
        sse.assert_valid(ids={"consecutive": True})   # every stream this test opened

Streams are opened with ``ssert.httpx`` over one ``httpx.Client`` per test, and every
connection is recorded. ``assert_valid`` fails with the readable report (findings with
connection, event, byte offset and the offending line). ``--ssert-recordings DIR`` saves the
recordings of every test that opened streams, named after the test (its node id made a file name,
a short hash of the node id, the stream's index), for later ``ssert validate``; a relative ``DIR``
is relative to the directory pytest was started in.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import pytest

from ._recording import Recorder
from ._ssert import Event, Report
from .testing import assert_valid, serve_asgi

if TYPE_CHECKING:  # pragma: no cover
    import httpx

    from .httpx import AsyncEventSource, EventSource

__all__ = ["SSEFixture"]

_RECORDINGS_DIR = pytest.StashKey[Optional[Path]]()


class SSEFixture:
    """What the ``sse`` fixture gives a test: serve apps, open streams, validate them."""

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._client: Optional[httpx.Client] = None
        self.recordings: list[Recorder] = []
        """The recordings of every stream opened through this fixture, in order."""

    def serve(self, app: Any) -> str:
        """Serve an ASGI app on 127.0.0.1 until the test ends; returns its base URL."""
        return self._stack.enter_context(serve_asgi(app))

    @property
    def client(self) -> httpx.Client:
        """The test's ``httpx.Client`` (no read timeout: the stream bounds stop reads)."""
        if self._client is None:
            import httpx

            self._client = self._stack.enter_context(
                httpx.Client(timeout=httpx.Timeout(10.0, read=None))
            )
        return self._client

    @contextmanager
    def connect(self, url: str, method: str = "GET", **kwargs: Any) -> Iterator[EventSource]:
        """``ssert.httpx.connect_sse`` on the test's client; the stream is recorded."""
        from .httpx import connect_sse

        with connect_sse(self.client, method, url, **kwargs) as source:
            assert source.recording is not None
            self.recordings.append(source.recording)
            yield source

    @asynccontextmanager
    async def aconnect(
        self, url: str, method: str = "GET", **kwargs: Any
    ) -> AsyncIterator[AsyncEventSource]:
        """``ssert.httpx.aconnect_sse`` on a fresh ``httpx.AsyncClient``; recorded."""
        import httpx

        from .httpx import aconnect_sse

        async with (
            httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=None)) as client,
            aconnect_sse(client, method, url, **kwargs) as source,
        ):
            assert source.recording is not None
            self.recordings.append(source.recording)
            yield source

    def events(
        self,
        url: str,
        *,
        max_events: Optional[int] = None,
        timeout: Optional[float] = 10.0,
        max_reconnects: Optional[int] = 0,
        force_reconnect_after: Optional[int] = None,
        default_retry: int = 3000,
        **kwargs: Any,
    ) -> list[Event]:
        """Open a stream and read it within the bounds (10 s by default); returns the events."""
        with self.connect(url, **kwargs) as source:
            return list(
                source.iter_sse(
                    max_events=max_events,
                    timeout=timeout,
                    max_reconnects=max_reconnects,
                    force_reconnect_after=force_reconnect_after,
                    default_retry=default_retry,
                )
            )

    def assert_valid(self, **options: Any) -> list[Report]:
        """Validate every recording of this test with ``options``; fail with the readable
        report of the first one that does not pass. Returns the reports."""
        if not self.recordings:
            raise AssertionError("sse.assert_valid(): this test opened no stream")
        return [assert_valid(recording, **options) for recording in self.recordings]

    def close(self) -> None:
        """Close the client and stop the servers (the fixture does it after the test)."""
        self._stack.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ssert")
    group.addoption(
        "--ssert-recordings",
        metavar="DIR",
        default=None,
        help="save the SSE recordings of every test that opened streams with the `sse` fixture",
    )


def pytest_configure(config: pytest.Config) -> None:
    directory = config.getoption("--ssert-recordings")
    # Resolved once, against where pytest was started: a test may change the working directory.
    config.stash[_RECORDINGS_DIR] = config.invocation_params.dir / directory if directory else None


def _recording_stem(nodeid: str) -> str:
    """A file name for a test's recordings: readable, and unique per test although parameter
    ids that differ only in characters a file name cannot hold (``[a b]``, ``[a/b]``) read
    the same."""
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")
    digest = hashlib.sha256(nodeid.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{readable}-{digest}"


@pytest.fixture
def sse(request: pytest.FixtureRequest) -> Iterator[SSEFixture]:
    """Serve ASGI apps, open recorded SSE streams (sync and async) and validate them."""
    fixture = SSEFixture()
    try:
        yield fixture
    finally:
        fixture.close()
        target = request.config.stash.get(_RECORDINGS_DIR, None)
        if target is not None and fixture.recordings:
            target.mkdir(parents=True, exist_ok=True)
            stem = _recording_stem(request.node.nodeid)
            for index, recording in enumerate(fixture.recordings):
                recording.save(target / f"{stem}-{index}.json")
