"""Static files as WhiteNoise serves them, streamed natively under the ASGI server.

WhiteNoise's file responses iterate synchronously; under ASGI Django would read each file
whole in a thread and warn on every request. Here, under ASGI, the file is read in blocks
off the event loop instead; under WSGI (tests, the live server) nothing changes.
"""

import asyncio
from collections.abc import AsyncIterator

from django.core.handlers.asgi import ASGIRequest
from whitenoise.middleware import WhiteNoiseMiddleware

BLOCK_SIZE = 64 * 1024


async def file_blocks(file, block_size: int = BLOCK_SIZE) -> AsyncIterator[bytes]:
    """The file's content in blocks, each read in a thread so the loop never waits on disk
    (no file, as for HEAD or 304: nothing)."""
    while file is not None and (block := await asyncio.to_thread(file.read, block_size)):
        yield block


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    @staticmethod
    def serve(static_file, request):
        response = WhiteNoiseMiddleware.serve(static_file, request)
        if isinstance(request, ASGIRequest):
            # The file stays among the response's closers: closing the response closes it.
            response.streaming_content = file_blocks(response.file_to_stream)
        return response
