"""Django's ASGI handler with the middleware chain run synchronously, in one step.

Django's own `ASGIHandler` loads the middleware for async: the chain starts on the event
loop and crosses to a thread and back at every boundary between a synchronous and an
asynchronous part. With this project's middleware (nearly all synchronous) and views (all
synchronous) that came to nine crossings for the health check and eleven for an API list,
each a wait for the other side to wake: measured in one process, alternating the two
handlers, 1.2 to 2.5 ms of every request (a log page 12.3 against 10.2 ms, the health
check 5.7 against 4.5).

Here the middleware chain is the one the WSGI handler and the test client run, and it
crosses to the request's thread once: middleware, view and the answer's middleware there,
then back to the loop, which sends the answer (`request_started`'s receivers and the
answer's close take one crossing each, as before). A streamed answer (a broadcast's progress,
a static file) is still sent from its async iterator by the loop, holding no thread.
"""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
