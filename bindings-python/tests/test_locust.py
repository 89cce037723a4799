"""ssert.locust: the SSE user in real Locust runs (subprocesses), local and distributed.

Locust is run as its command, never imported here: it monkey-patches the standard library with
gevent on import, which must not happen inside the pytest process.
"""

from __future__ import annotations

import csv
import pathlib
import socket
import subprocess
import sys

LOCUST = str(pathlib.Path(sys.executable).parent / "locust")
LOCUSTFILE = str(pathlib.Path(__file__).parent / "locust" / "locustfile.py")
RUN = ["--headless", "-u", "2", "-r", "2", "-t", "4s", "--only-summary", "--stop-timeout", "5"]


def stats(prefix: pathlib.Path) -> dict[tuple[str, str], dict[str, str]]:
    with open(f"{prefix}_exceptions.csv", newline="") as file:
        # Exceptions raised in tasks (e.g. the ticker's own id check) would be listed here.
        assert list(csv.DictReader(file)) == []
    with open(f"{prefix}_stats.csv", newline="") as file:
        return {(row["Type"], row["Name"]): row for row in csv.DictReader(file)}


def check(rows: dict[tuple[str, str], dict[str, str]]) -> None:
    def count(name: str, column: str = "Request Count") -> int:
        return int(rows[("SSE", name)][column])

    assert count("ticker first-event") >= 1 and count("ticker first-event", "Failure Count") == 0
    # Every stream but the one the end of the run interrupts delivers its 5 events: the first,
    # then 4 that each report the gap since the previous one.
    assert count("ticker event") >= 4 * (count("ticker first-event") - 1)
    assert count("ticker validate") >= 1 and count("ticker validate", "Failure Count") == 0
    # The bad stream's "Data:" line is an error for the validator: every run of it fails.
    assert count("bad validate") >= 1
    assert count("bad validate", "Failure Count") == count("bad validate")
    assert int(rows[("GET", "ticker connect")]["Failure Count"]) == 0


def test_local_run_reports_events_and_validation(server: str, tmp_path: pathlib.Path) -> None:
    prefix = tmp_path / "local"
    result = subprocess.run(
        [LOCUST, "-f", LOCUSTFILE, *RUN, "--host", server, "--csv", str(prefix)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    # Locust exits 1 when any request failed: the bad stream's validation must.
    assert result.returncode == 1, result.stderr[-3000:]
    check(stats(prefix))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_distributed_run_aggregates_on_the_master(server: str, tmp_path: pathlib.Path) -> None:
    port = str(free_port())
    prefix = tmp_path / "distributed"
    master = subprocess.Popen(
        [
            LOCUST,
            "-f",
            LOCUSTFILE,
            *RUN,
            "--host",
            server,
            "--csv",
            str(prefix),
            "--master",
            "--master-bind-host",
            "127.0.0.1",
            "--master-bind-port",
            port,
            "--expect-workers",
            "1",
            "--expect-workers-max-wait",
            "60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: list[subprocess.Popen[str]] = [
        subprocess.Popen(
            [
                LOCUST,
                "-f",
                LOCUSTFILE,
                "--worker",
                "--master-host",
                "127.0.0.1",
                "--master-port",
                port,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    ]
    try:
        _, master_err = master.communicate(timeout=120)
        for worker in workers:
            worker.wait(timeout=60)
    finally:
        for process in [master, *workers]:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert master.returncode == 1, master_err[-3000:]
    check(stats(prefix))
