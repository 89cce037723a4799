"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from _server import make_app, serve

# pytester runs small pytest sessions in-process: how the plugin's own output is tested.
pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """Base URL of the test SSE server (real uvicorn on 127.0.0.1)."""
    with serve(make_app()) as base_url:
        yield base_url
