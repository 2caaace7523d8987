"""The web process's ASGI handler crosses from the event loop to the request's thread once
for the middleware chain and the view, not at every boundary between synchronous and
asynchronous middleware (Django's own handler made nine for the health check)."""

import pytest
from asgiref.sync import SyncToAsync
from django.core.handlers.asgi import ASGIHandler

from isvplatform.asgi_handler import SyncChainASGIHandler
from isvplatform.tests.test_asgi_connections import get
from isvplatform.tests.test_asgi_limits import run_in_a_loop_of_its_own

# request_started's receivers, the middleware chain with the view, and the answer's close.
CROSSINGS = 3


def crossings_of_one_request(handler, monkeypatch) -> tuple[int, int]:
    """The status of a GET through `handler`, and how many times it went to a thread."""
    crossed = 0
    original = SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        nonlocal crossed
        crossed += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)

    async def one_request() -> int:
        return await get(handler, "/healthz")

    status = run_in_a_loop_of_its_own(one_request)
    monkeypatch.setattr(SyncToAsync, "__call__", original)
    return status, crossed


@pytest.mark.django_db(transaction=True)
def test_a_request_goes_to_its_thread_once_for_the_whole_middleware_chain(monkeypatch):
    status, crossed = crossings_of_one_request(SyncChainASGIHandler(), monkeypatch)
    assert status == 200
    assert crossed == CROSSINGS
    _, stock = crossings_of_one_request(ASGIHandler(), monkeypatch)
    print(f"crossings of one request: {crossed}, under Django's own handler {stock}")
    assert stock > crossed
