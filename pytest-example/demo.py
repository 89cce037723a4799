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

from ssert.testing import serve_asgi

sys.path.insert(0, str(pathlib.Path(__file__).parent))  # the example app next to this script
from app import app

CHECK = ["--events", "12", "--reconnects", "2", "--duration", "20"]


def check(url: str) -> int:
    ssert = shutil.which("ssert", path=str(pathlib.Path(sys.executable).parent)) or "ssert"
    command = [ssert, "check", url, *CHECK]
    print(f"$ ssert check {url} {' '.join(CHECK)}", flush=True)
    result = subprocess.run(command, check=False, timeout=120)
    print(f"(exit status {result.returncode})\n", flush=True)
    return result.returncode


def main() -> int:
    with serve_asgi(app) as base:
        print("== 1. a correct resumable endpoint ==\n", flush=True)
        good = check(f"{base}/orders/stream")
        print("== 2. the same endpoint with an off-by-one resume bug ==\n", flush=True)
        bad = check(f"{base}/buggy/off-by-one")
    if good != 0 or bad != 1:
        print(f"demo: unexpected outcome (correct endpoint exit {good}, buggy endpoint exit {bad})")
        return 1
    print("ssert passed the correct endpoint and caught the resume bug (SSE402).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
