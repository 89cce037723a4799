"""Locust users for tests/test_locust.py (run by the `locust` command in a subprocess)."""

from urllib.parse import quote

from locust import constant, task

from ssert.locust import SSEUser

BAD_STREAM = "retry: 1000\n\nid: 1\ndata: a\n\nid: 2\nData: wrong case\n\n"


class TickerSubscriber(SSEUser):
    wait_time = constant(0.05)

    @task
    def ticker(self) -> None:
        result = self.stream_sse(
            "/ticker?interval=0.01", name="ticker", max_events=5, duration=5, validate={}
        )
        assert [int(e.id) for e in result.events] == [1, 2, 3, 4, 5]


class BadStreamSubscriber(SSEUser):
    wait_time = constant(0.05)

    @task
    def bad(self) -> None:
        self.stream_sse(f"/raw?body={quote(BAD_STREAM)}", name="bad", duration=5, validate={})
