"""The web process works on at most `limit` requests until they start answering; a stream
that started its answer holds no place."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from isvplatform.asgi_limits import ActiveRequestLimit


def run_in_a_loop_of_its_own(make_coroutine):
    """asyncio.run in another thread: the browser tests leave a loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def test_requests_wait_for_a_place_and_a_started_answer_gives_its_place_back():
    working, most = 0, 0
    release_streams = None

    async def app(scope, receive, send):
        nonlocal working, most
        working += 1
        most = max(most, working)
        await asyncio.sleep(0.01)
        working -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        if scope["path"] == "/stream":
            await release_streams.wait()  # streams on, long after its answer started
        await send({"type": "http.response.body", "body": b""})

    async def run() -> list[int]:
        nonlocal release_streams
        release_streams = asyncio.Event()
        limited = ActiveRequestLimit(app, limit=3)
        sent: list[int] = []

        async def send(message):
            if message["type"] == "http.response.start":
                sent.append(message["status"])

        async def request(path):
            await limited({"type": "http", "path": path}, None, send)

        streams = [asyncio.create_task(request("/stream")) for _ in range(5)]
        await asyncio.gather(*(request("/plain") for _ in range(10)))
        release_streams.set()
        await asyncio.gather(*streams)
        return sent

    sent = run_in_a_loop_of_its_own(run)
    assert sent == [200] * 15
    assert most == 3


def test_a_failing_request_gives_its_place_back():
    async def broken(scope, receive, send):
        raise RuntimeError("boom")

    async def run() -> int:
        limited = ActiveRequestLimit(broken, limit=1)
        failures = 0
        for _ in range(3):
            try:
                await limited({"type": "http", "path": "/"}, None, None)
            except RuntimeError:
                failures += 1
        return failures

    assert run_in_a_loop_of_its_own(run) == 3
