"""A Locust user for tests/test_locust_streams.py (run by the `locust` command in a subprocess).

One user opens each stream of SSERT_STREAMS (JSON: a list of stream_sse() keyword arguments with
the path) once, in order, then stops the run. Every request event Locust receives and every
StreamResult are appended to SSERT_LOG as JSON lines, in the order they happen, and at the end
the rows of Locust's failure table (the CSV files are written only every second).
"""

import json
import os
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import constant, events, task
from locust.exception import StopUser

from ssert.locust import SSEUser

LOG = os.environ["SSERT_LOG"]
STREAMS = json.loads(os.environ["SSERT_STREAMS"])


def log(entry: dict[str, Any]) -> None:
    with open(LOG, "a", encoding="utf-8") as file:
        file.write(json.dumps(entry) + "\n")


@events.request.add_listener  # type: ignore[untyped-decorator]
def on_request(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    exception: Any,
    **_: Any,
) -> None:
    log(
        {
            "request": f"{request_type} {name}",
            "response_time": response_time,
            "response_length": response_length,
            "exception": None if exception is None else repr(exception),
        }
    )


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def on_quitting(environment: Any, **_: Any) -> None:
    for error in environment.stats.errors.values():
        log({"failure": error.name, "error": str(error.error), "occurrences": error.occurrences})


class StreamsOnce(SSEUser):
    wait_time = constant(0)

    @task
    def streams(self) -> None:
        for stream in STREAMS:
            result = self.stream_sse(**stream)
            log(
                {
                    "result": stream["name"],
                    "events": [event.data for event in result.events],
                    "connections": [c.to_dict() for c in result.recording.connections],
                    "report": None if result.report is None else result.report.to_dict(),
                }
            )
        gevent.spawn(self.environment.runner.quit)
        raise StopUser()
