"""The bytes behind a message's media URL, as Twilio serves them to the owning account.

`GET https://api.twilio.com/2010-04-01/Accounts/{AC}/Messages/{MM}/Media/{ME}` (no `.json`)
answers the file itself, behind Basic auth like every API call. A handset in the sandbox
attaches media by URL only, so the sandbox serves a small valid file of the media's content
type; a `size=N` query on the attached URL makes the file N bytes long (for size limits).
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

from sandbox.core.request import SandboxRequest
from sandbox.core.routing import file_route
from sandbox.resources.messages.handlers import API, _media

MAX_SIZE = 20 * 1024 * 1024
_FILES = {
    "image/png": base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    ),
    "image/gif": base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"),
    "image/jpeg": base64.b64decode(
        "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////"
        "////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAA"
        "gBAQABPxA="
    ),
    "application/pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "text/vcard": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sandbox Handset\r\nEND:VCARD\r\n",
    "video/mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
}


def file_content(content_type: str, url: str) -> bytes:
    """A valid file of `content_type`, padded to the `size` the attached URL asks for."""
    content = _FILES.get(content_type, b"sandbox media\n")
    sizes = parse_qs(urlsplit(url).query).get("size")
    if sizes and sizes[0].isdigit():
        wanted = min(int(sizes[0]), MAX_SIZE)
        content = content[:wanted] + b"\x00" * max(wanted - len(content), 0)
    return content


@file_route("api", f"{API}/Messages/{{MessageSid}}/Media/{{Sid}}")
def media_file(req: SandboxRequest) -> tuple[bytes, str]:
    _, _, media = _media(req)
    return file_content(media.content_type, media.url), media.content_type
