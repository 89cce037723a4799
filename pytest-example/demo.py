"""`make demo-python`: what ssert is for, in one command.

Starts the example app (app.py) with uvicorn on 127.0.0.1 (a free port), then runs the
installed `ssert check` CLI against the correct endpoint and against one with an off-by-one
resume bug, forcing two reconnects each, and prints both reports. Exits non-zero only if the
demo does not show what it should (the correct endpoint failing or the bug going unnoticed).
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import threading
import time

import uvicorn

sys.path.insert(0, str(pathlib.Path(__file__).parent))  # the example app next to this script
from app import app  # noqa: E402

CHECK = ["--events", "12", "--reconnects", "2", "--duration", "20"]


def start_server() -> tuple[uvicorn.Server, threading.Thread, str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SystemExit("demo: the example server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


def check(url: str) -> int:
    ssert = shutil.which("ssert", path=str(pathlib.Path(sys.executable).parent)) or "ssert"
    command = [ssert, "check", url, *CHECK]
    print(f"$ ssert check {url} {' '.join(CHECK)}", flush=True)
    result = subprocess.run(command, timeout=120)
    print(f"(exit status {result.returncode})\n", flush=True)
    return result.returncode


def main() -> int:
    server, thread, base = start_server()
    try:
        print("== 1. a correct resumable endpoint ==\n", flush=True)
        good = check(f"{base}/orders/stream")
        print("== 2. the same endpoint with an off-by-one resume bug ==\n", flush=True)
        bad = check(f"{base}/buggy/off-by-one")
    finally:
        server.should_exit = True
        server.force_exit = True
        thread.join(timeout=10)
    if good != 0 or bad != 1:
        print(f"demo: unexpected outcome (correct endpoint exit {good}, buggy endpoint exit {bad})")
        return 1
    print("ssert passed the correct endpoint and caught the resume bug (SSE402/SSE403).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
