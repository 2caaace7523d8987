"""The privacy page in Chromium: request a full export, see it complete, download the ZIP;
then forget a number through the confirmation step."""

import re
import zipfile

import pytest

from privacy.models import ErasureRequest
from tenants.models import Membership
from tenants.tests.factories import MembershipFactory
from tenants.tests.test_browser_portal import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_export_then_download_then_forget_a_number(page, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    membership = MembershipFactory(role=Membership.Role.OWNER)
    sign_in(page, membership.user.username)
    page.get_by_role("link", name="Privacy").click()
    page.wait_for_url("**/settings/privacy/")

    page.get_by_role("button", name="Request a data export").click()
    page.get_by_text("Your data export is being written.").wait_for()
    row = page.locator("#exports-table tbody tr").first
    row.locator("[data-export-download]").wait_for()
    assert row.get_attribute("data-status") == "ready"
    with page.expect_download() as info:
        row.locator("[data-export-download]").click()
    saved = tmp_path / "export.zip"
    info.value.save_as(saved)
    assert "tenants.tenant.jsonl" in zipfile.ZipFile(saved).namelist()

    page.locator("#id_value").fill("+14155550177")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=re.compile(r"Forget \+14155550177")).wait_for()
    page.get_by_role("button", name="Forget this person").click()
    page.get_by_text("The person is being forgotten.").wait_for()
    page.locator("#erasures-table tr[data-status=done]").wait_for()
    assert ErasureRequest.objects.for_tenant(membership.tenant).get().status == "done"
