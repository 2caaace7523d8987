"""The portal's side navigation, `{% portal_nav %}`: `portal/_nav.html` rendered once per
(page path, role) and process, then reused.

The markup depends only on the page's path (the active link), whether the member can
manage the tenant (the Privacy link) and the URL configuration; rendering its 26 links (an
include, a `reverse` and an icon include each) cost about 2 ms of every portal page. A new
variable in `_nav.html` must join the cache key below. With DEBUG on, every page renders it
afresh, so template edits show at once.
"""

from functools import lru_cache
from types import SimpleNamespace

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString

register = template.Library()

NAV_TEMPLATE = "portal/_nav.html"


def _render(prefix: str, urlconf: str, path: str, can_manage: bool) -> SafeString:
    """`prefix` and `urlconf` are part of the key only: `reverse` reads them itself."""
    return get_template(NAV_TEMPLATE).render(
        {
            "request": SimpleNamespace(path=path),
            "current_membership": SimpleNamespace(can_manage=can_manage),
        }
    )


# Bounded: paths come from requests (every message's page has its own).
_cached_render = lru_cache(maxsize=1024)(_render)


@register.simple_tag(takes_context=True)
def portal_nav(context) -> SafeString:
    membership = context.get("current_membership")
    key = (
        get_script_prefix(),
        str(get_urlconf() or settings.ROOT_URLCONF),
        context["request"].path,
        bool(membership and membership.can_manage),
    )
    return _render(*key) if settings.DEBUG else _cached_render(*key)
