"""How many requests one web process works on at once, before they start their answer.

Under the ASGI server a request's Django code (middleware, a sync view) runs in a thread of
its own with a database connection of its own, and nothing bounds how many run at once:
a burst (a hundred progress pages opening together) would open a connection each, past the
database's limit. Here a request waits, costing only a coroutine, until one of the
`WEB_ACTIVE_REQUESTS` places is free, and gives its place back when its answer starts. A
stream keeps no place while it streams: it started its answer.
"""

import asyncio


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


def close_connections_per_request(databases: dict[str, dict]) -> None:
    """Close each request's database connection when it ends (`CONN_MAX_AGE` 0), in the web
    process only.

    Under ASGI a request's thread is its own (asgiref's ThreadSensitiveContext), so the
    connection it opened can never serve the next request; kept open for `CONN_MAX_AGE` it
    lingered until its dead thread was collected: a web process answering 8 clients held 80
    idle connections and the database refused the next ("too many clients": a 500). The
    workers keep their persistent connections (their threads live on)."""
    for database in databases.values():
        database["CONN_MAX_AGE"] = 0
