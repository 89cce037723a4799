"""Fixtures: the example app served by a real uvicorn on 127.0.0.1 (a free port), in a thread.

A real server, not httpx's ASGITransport: that transport buffers whole streaming responses, so
every event would arrive at once and endless streams would never return.
"""

from __future__ import annotations

import importlib.util
import pathlib
import threading
import time
from typing import Any, Iterator

import httpx
import pytest
import uvicorn

APP_FILE = pathlib.Path(__file__).resolve().parents[1] / "app.py"


def load_app() -> Any:
    spec = importlib.util.spec_from_file_location("orders_app", APP_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    config = uvicorn.Config(load_app(), host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    server.force_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(10.0, read=None)) as client:
        yield client
