"""The portal pages: list with search, status filter and pages; the author page's live
preview and lint; the detail page with its timeline; other tenants' templates are 404s."""

from content.models import MessageTemplate
from content.tests.factories import ApprovedTemplateFactory, MessageTemplateFactory

FORM = {
    "name": "order_update",
    "language": "en",
    "category": "UTILITY",
    "content_type": "twilio/quick-reply",
    "body": "Hello {{1}}, your order {{2}} has shipped and arrives tomorrow.",
    "samples_text": "Ana\nA-1042",
    "buttons_text": "Track it | track\nCall me",
    "add_security_recommendation": "on",
}


def test_list_searches_filters_and_pages(portal, tenant):
    for n in range(30):
        MessageTemplateFactory(tenant=tenant, name=f"bulk_{n:02d}")
    ApprovedTemplateFactory(tenant=tenant, name="shipping_notice")
    page = portal.get("/templates/?status=approved").content.decode()
    assert "shipping_notice" in page and "bulk_00" not in page
    assert "bulk_" not in portal.get("/templates/?q=shipping").content.decode()
    first = portal.get("/templates/").content.decode()
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in portal.get("/templates/?page=2").content.decode()


def test_live_preview_shows_the_bubble_and_the_lint(portal):
    good = portal.post("/templates/preview/", FORM).content.decode()
    assert "Hello Ana, your order A-1042 has shipped" in good
    assert "Track it" in good and "Passes WhatsApp" in good
    bad = portal.post("/templates/preview/", {**FORM, "body": "{{1}} {{2}}"}).content.decode()
    assert "The body cannot start or end with a variable." in bad
    assert "W2 §1.2" in bad


def test_author_saves_a_draft_and_detail_shows_its_timeline(portal, tenant):
    answer = portal.post("/templates/new/", FORM)
    template = MessageTemplate.objects.for_tenant(tenant).get()
    assert answer.status_code == 302 and answer.url == f"/templates/{template.pk}/"
    assert template.buttons == [
        {"type": "QUICK_REPLY", "title": "Track it", "id": "track"},
        {"type": "QUICK_REPLY", "title": "Call me", "id": "Call me"},
    ]
    assert template.variables == {"1": "Ana", "2": "A-1042"}
    page = portal.get(answer.url).content.decode()
    assert "Submit to WhatsApp" in page and "Created" in page
    edit = portal.get(f"/templates/{template.pk}/edit/").content.decode()
    assert "Track it | track" in edit


def test_an_approved_template_is_read_only_in_the_portal(portal, tenant):
    approved = ApprovedTemplateFactory(tenant=tenant)
    assert portal.get(f"/templates/{approved.pk}/edit/").status_code == 302
    page = portal.get(f"/templates/{approved.pk}/").content.decode()
    assert "read-only" in page and "Duplicate as new version" in page
    answer = portal.post(f"/templates/{approved.pk}/edit/", FORM)
    assert answer.status_code == 302
    approved.refresh_from_db()
    assert approved.name != "order_update"


def test_other_tenants_templates_are_404(portal, other_tenant):
    theirs = ApprovedTemplateFactory(tenant=other_tenant)
    for path in ("", "edit/"):
        assert portal.get(f"/templates/{theirs.pk}/{path}").status_code == 404
    for action in ("submit", "duplicate", "check"):
        assert portal.post(f"/templates/{theirs.pk}/{action}/").status_code == 404
