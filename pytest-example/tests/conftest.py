"""Fixtures: the example app served by a real uvicorn on 127.0.0.1 (a free port), in a thread
(``ssert.testing.serve_asgi``).

A real server, not httpx's ASGITransport: that transport buffers whole streaming responses, so
every event would arrive at once and endless streams would never return.
"""

from __future__ import annotations

import importlib.util
import pathlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ssert.testing import serve_asgi

APP_FILE = pathlib.Path(__file__).resolve().parents[1] / "app.py"


def load_app() -> Any:
    spec = importlib.util.spec_from_file_location("orders_app", APP_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture(scope="session")
def orders_app() -> Any:
    """The example FastAPI app (app.py)."""
    return load_app()


@pytest.fixture(scope="session")
def base_url(orders_app: Any) -> Iterator[str]:
    with serve_asgi(orders_app) as url:
        yield url


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(10.0, read=None)) as client:
        yield client
