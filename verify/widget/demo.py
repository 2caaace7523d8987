"""The widget in `make run`: Demo Coffee's key allowed on a plain page of another port.

`run_platform` writes the page (`write_demo_page`) and serves its folder with a tiny static
HTTP server on `DEMO_PORT`, so the widget really runs cross-origin, as on a customer's site,
and under that site's own Content-Security-Policy.
"""

import html
from pathlib import Path

from django.conf import settings

from tenants.models import Tenant
from tenants.services import Actor
from verify.models import VerifyService
from verify.services import enable_verify
from verify.widget.keys import widget_enable, widget_update

DEMO_PORT = 8001
TEMPLATE = Path(__file__).with_name("demo_page.html")
# The page's own script and styles, beside it: the page runs under a strict CSP of its own
# (no inline script or style), as a careful shop's would.
ASSETS = {"demo.js": "demo_page.js", "demo.css": "demo_page.css"}


def demo_origins(port: int = DEMO_PORT) -> list[str]:
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


def demo_directory() -> Path:
    return Path(settings.VAR_DIR) / "widget-demo"


def allow_demo_origins(service: VerifyService, port: int = DEMO_PORT) -> VerifyService:
    """Give the service a key and add the demo page's origins to the allowed ones (idempotent)."""
    service = widget_enable(service=service, actor=Actor.system())
    wanted = [o for o in demo_origins(port) if o not in (service.allowed_origins or [])]
    if wanted:
        service = widget_update(
            service=service,
            data={"allowed_origins": [*(service.allowed_origins or []), *wanted]},
            actor=Actor.system(),
        )
    return service


def enable_demo_widget(tenant: Tenant) -> VerifyService:
    """A demo step: Verify on for the demo tenant (once) and the demo page's origins allowed."""
    service = VerifyService.objects.for_tenant(tenant).first()
    if service is None:
        service = enable_verify(tenant, brand_name="Demo Coffee", actor=Actor.system())
    return allow_demo_origins(service)


def render_demo_page(*, key: str, platform_url: str, page_origin: str) -> str:
    values = {
        "__PLATFORM__": html.escape(platform_url.rstrip("/"), quote=True),
        "__PAGE_ORIGIN__": html.escape(page_origin, quote=True),
        "__KEY__": html.escape(key, quote=True),
    }
    text = TEMPLATE.read_text()
    for marker, value in values.items():
        text = text.replace(marker, value)
    return text


def write_demo_page(tenant: Tenant, *, platform_url: str, port: int = DEMO_PORT) -> Path | None:
    """Write the demo page for `tenant` (None when it has no Verify service yet)."""
    service = VerifyService.objects.for_tenant(tenant).first()
    if service is None:
        return None
    service = allow_demo_origins(service, port)
    directory = demo_directory()
    directory.mkdir(parents=True, exist_ok=True)
    for name, source in ASSETS.items():
        (directory / name).write_text(Path(__file__).with_name(source).read_text())
    page = directory / "index.html"
    page.write_text(
        render_demo_page(
            key=service.publishable_key,
            platform_url=platform_url,
            page_origin=demo_origins(port)[0],
        )
    )
    return directory
