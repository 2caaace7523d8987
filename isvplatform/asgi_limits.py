"""How many requests one web process works on at once, before they start their answer.

Under the ASGI server a request's Django code (middleware, a sync view) runs in a thread of
its own with a database connection of its own, and nothing bounds how many run at once:
a burst (a hundred progress pages opening together) would open a connection each, past the
database's limit. Here a request waits, costing only a coroutine, until one of the
`WEB_ACTIVE_REQUESTS` places is free, and gives its place back when its answer starts. A
stream keeps no place while it streams: it started its answer.
"""

import asyncio

from django.db import connections


class ActiveRequestLimit:
    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._places: asyncio.Semaphore | None = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._places is None:
            self._places = asyncio.Semaphore(self.limit)
        places = self._places
        await places.acquire()
        holding = True

        def give_back() -> None:
            nonlocal holding
            if holding:
                holding = False
                places.release()

        async def send_and_give_back(message) -> None:
            if message["type"] == "http.response.start":
                give_back()
            await send(message)

        try:
            await self.app(scope, receive, send_and_give_back)
        finally:
            give_back()


def close_request_connections(**kwargs: object) -> None:
    """`request_finished` in the web process: close the request's database connections.

    Under ASGI a request's Django code runs in a thread of its own (asgiref's
    ThreadSensitiveContext), so a connection it kept (`CONN_MAX_AGE`) could serve no other
    request and stayed open until the dead thread was collected: a web process answering 8
    clients held 80 idle connections and PostgreSQL refused the next ("too many clients": a
    500). With the pool (isvplatform/settings_database.py) the close gives the connection
    back to it. The loop's shared pool threads (a stream's polls) keep theirs; they live on."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()
