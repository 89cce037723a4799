"""The locustfile, run by the ``locust`` command against the app for a few seconds.

Locust is a subprocess, never imported here: it patches the standard library with gevent on
import, which must not happen inside the pytest process.
"""

from __future__ import annotations

import csv
import pathlib
import subprocess
import sys

LOCUST = str(pathlib.Path(sys.executable).parent / "locust")
LOCUSTFILE = str(pathlib.Path(__file__).resolve().parents[1] / "locustfile.py")


def test_load_run_reports_events_and_validation(base_url: str, tmp_path: pathlib.Path) -> None:
    prefix = tmp_path / "orders"
    run = ["--headless", "-u", "3", "-r", "3", "-t", "4s", "--only-summary", "--stop-timeout", "5"]
    result = subprocess.run(
        [LOCUST, "-f", LOCUSTFILE, *run, "--host", base_url, "--csv", str(prefix)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with open(f"{prefix}_exceptions.csv", newline="") as file:
        # A failed assert in a task (a wrong resume point, say) would be listed here.
        assert list(csv.DictReader(file)) == []
    with open(f"{prefix}_stats.csv", newline="") as file:
        rows = {(row["Type"], row["Name"]): row for row in csv.DictReader(file)}

    def count(name: str, column: str = "Request Count") -> int:
        return int(rows[("SSE", name)][column])

    for stream in ("orders", "orders resume"):
        assert (
            count(f"{stream} first-event") >= 3
            and count(f"{stream} first-event", "Failure Count") == 0
        )
        assert (
            count(f"{stream} validate") >= 3 and count(f"{stream} validate", "Failure Count") == 0
        )
    # `event` is the gap before each event after the first: 4 per 5-event stream (three streams
    # may be cut short when the run ends).
    assert count("orders event") >= 4 * (count("orders first-event") - 3)
