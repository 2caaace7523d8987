"""Under ASGI each request's Django code runs in a thread of its own, so its database
connection cannot serve the next request: the web process closes it when the request ends.
Kept open (`CONN_MAX_AGE`), a web process answering 8 API clients held 80 idle connections
and the database refused the next with "too many clients" (a 500; issue 17's drill)."""

import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core.signals import request_finished
from django.db import connection
from django.db.backends.signals import connection_created

from isvplatform.tests.test_asgi_limits import run_in_a_loop_of_its_own


async def get(application, path: str) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "headers": [(b"host", b"testserver")],
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000)}  # fmt: skip
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=30)
    while (await communicator.receive_output(timeout=30)).get("more_body"):
        pass
    await communicator.wait(timeout=30)
    return start["status"]


@pytest.mark.django_db(transaction=True)
def test_under_asgi_every_requests_connection_is_closed_when_it_ends():
    databases = [settings.DATABASES["default"], connection.settings_dict]
    saved = [database["CONN_MAX_AGE"] for database in databases]
    opened = []

    def remember(sender, connection, **kwargs):
        opened.append(connection)  # held, so a dead thread's is not collected meanwhile

    from isvplatform.asgi import CLOSE_CONNECTIONS, build_application  # it connects: undone

    connection_created.connect(remember)
    try:
        for database in databases:
            database["CONN_MAX_AGE"] = 600  # persistent, as production's
        application = build_application()

        async def three_requests() -> list[int]:
            return [await get(application, "/healthz") for _ in range(3)]

        statuses = run_in_a_loop_of_its_own(three_requests)
    finally:
        connection_created.disconnect(remember)
        request_finished.disconnect(dispatch_uid=CLOSE_CONNECTIONS)  # the web process's only
        for database, value in zip(databases, saved, strict=True):
            database["CONN_MAX_AGE"] = value
    assert all(status < 500 for status in statuses), statuses
    assert len(opened) >= 3, opened  # each request opened a connection of its own
    assert [wrapper.connection for wrapper in opened] == [None] * len(opened)
