"""`{% portal_nav %}` gives the markup `portal/_nav.html` renders, cached or not."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from tenants.models import Membership
from tenants.templatetags import portal_nav

pytestmark = pytest.mark.django_db

PATHS = ("/", "/messages/", "/messages/00000000-0000-0000-0000-000000000000/", "/audit/")


def _render(source: str, path: str, membership) -> str:
    request = RequestFactory().get(path)
    context = Context({"request": request, "current_membership": membership})
    return Template(source).render(context)


@pytest.mark.parametrize("role", [Membership.Role.OWNER, Membership.Role.MEMBER])
@pytest.mark.parametrize("path", PATHS)
def test_nav_tag_matches_the_include(tenant, role, path):
    membership = Membership(tenant=tenant, role=role)
    included = _render('{% include "portal/_nav.html" %}', path, membership)
    for _ in range(2):  # the first renders it, the second reads the cache
        tagged = _render("{% load portal_nav %}{% portal_nav %}", path, membership)
        assert tagged == included
    assert ("Privacy" in tagged) is membership.can_manage
    assert tagged.count('aria-current="page"') == (0 if path.count("/") > 2 else 1)


def test_nav_without_membership_hides_privacy(tenant):
    tagged = _render("{% load portal_nav %}{% portal_nav %}", "/", None)
    assert "Privacy" not in tagged
    assert "Dashboard" in tagged


def test_cache_is_bounded():
    assert portal_nav._cached_render.cache_info().maxsize == 1024
