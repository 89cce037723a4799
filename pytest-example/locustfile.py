"""Load test of the example app: subscribers read the order stream, resume it with Last-Event-ID,
and have every stream validated by ssert, all reported in Locust's statistics.

    locust -f locustfile.py --host http://127.0.0.1:8000 --headless -u 20 -r 5 -t 30s

``tests/test_load.py`` runs it briefly against the app and checks the statistics. For more load
than one machine gives, run Locust's own distributed mode (``--master`` / ``--worker``): the
numbers are request events, aggregated by the master like any other.
"""

from locust import constant, task

from ssert.locust import SSEUser

RULES = {"ids": {"order": "integer", "consecutive": True}, "retry": {"required": True}}


class OrdersSubscriber(SSEUser):
    wait_time = constant(0.2)

    @task
    def read_then_resume(self) -> None:
        first = self.stream_sse(
            "/orders/stream", name="orders", max_events=5, duration=5, validate=RULES
        )
        assert [int(event.id) for event in first.events] == [1, 2, 3, 4, 5]
        # A reconnect under load must resume right after the last event received.
        resumed = self.stream_sse(
            "/orders/stream",
            name="orders resume",
            max_events=3,
            duration=5,
            headers={"Last-Event-ID": first.events[-1].id},
            validate=RULES,
        )
        assert [int(event.id) for event in resumed.events] == [6, 7, 8]
