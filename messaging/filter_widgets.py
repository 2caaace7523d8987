"""Widgets of the message log's filter form whose markup is reused while its inputs repeat.

The log page renders the seven filters on every view, and Django renders each widget (and
each of a select's options) through its own templates: about 1 ms of every page. A widget's
markup depends only on its class, settings, name, value, attributes and choices (and the
language, for dates), so it is kept per those in a bounded cache; a widget rendered by
another renderer than the default, or with DEBUG on, renders as usual.
"""

from django import forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.utils.safestring import SafeString
from django.utils.translation import get_language

MAX_KEPT = 512
_kept: dict[tuple, SafeString] = {}


class MemoizedRender:
    def _render_key(self, name, value, attrs) -> tuple:
        formatted = self.format_value(value)
        return (
            type(self),
            name,
            tuple(formatted) if isinstance(formatted, list) else formatted,
            tuple(sorted((attrs or {}).items())),
            tuple(sorted(self.attrs.items())),
            tuple(getattr(self, "choices", ())),
            getattr(self, "format", None),
            self.is_required,
            self.is_localized,
            get_language(),
        )

    def render(self, name, value, attrs=None, renderer=None):
        if settings.DEBUG or renderer not in (None, get_default_renderer()):
            return super().render(name, value, attrs, renderer)
        key = self._render_key(name, value, attrs)
        try:
            markup = _kept.get(key)
        except TypeError:  # an unhashable value or attribute: nothing to key it by
            return super().render(name, value, attrs, renderer)
        if markup is None:
            markup = super().render(name, value, attrs, renderer)
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[key] = markup
        return markup


class FilterSelect(MemoizedRender, forms.Select):
    pass


class FilterTextInput(MemoizedRender, forms.TextInput):
    pass


class FilterDateInput(MemoizedRender, forms.DateInput):
    pass
