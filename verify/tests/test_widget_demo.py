"""`make run`'s widget demo: Demo Coffee's key allowed on a page of another port."""

import socket

import pytest

from isvplatform.demo import DEMO_STEPS, ensure_demo_data
from isvplatform.management.commands.run_platform import port_is_free
from verify.models import VerifyService
from verify.widget.demo import DEMO_PORT, demo_origins, enable_demo_widget, write_demo_page

pytestmark = pytest.mark.django_db


def test_the_demo_tenant_gets_verify_and_a_widget_page(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    assert "verify.widget.demo.enable_demo_widget" in DEMO_STEPS
    with django_capture_on_commit_callbacks(execute=True):
        tenant = ensure_demo_data()["tenant"]
    service = VerifyService.objects.for_tenant(tenant).get()
    assert service.status == VerifyService.Status.ACTIVE, service.last_error
    assert set(demo_origins()) <= set(service.allowed_origins)
    key = service.publishable_key

    enable_demo_widget(tenant)  # idempotent
    service.refresh_from_db()
    assert service.publishable_key == key
    assert service.allowed_origins.count(f"http://127.0.0.1:{DEMO_PORT}") == 1

    directory = write_demo_page(tenant, platform_url="http://127.0.0.1:8000")
    page = (directory / "index.html").read_text()
    assert f'data-key="{key}"' in page
    assert 'src="http://127.0.0.1:8000/static/verify/widget.js"' in page
    # Markers by name: a random key may itself hold "__" (`pk_test_` + "_x…").
    for marker in ("__PLATFORM__", "__PAGE_ORIGIN__", "__KEY__"):
        assert marker not in page, f"{marker} was not filled in"


def test_a_busy_demo_port_is_seen_before_the_server_starts():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        busy = sock.getsockname()[1]
        assert not port_is_free("127.0.0.1", busy)
    assert port_is_free("127.0.0.1", busy)
