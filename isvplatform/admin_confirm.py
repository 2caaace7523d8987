"""The confirmation step of admin actions that need a reason (reject, suspend).

The action first answers with a page listing the chosen objects and asking for the reason;
posted back with `apply`, the reason is checked and the action runs. The reason is shown to
the tenant, so it is required and trimmed.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib.admin import helpers
from django.template.response import TemplateResponse


class ReasonForm(forms.Form):
    def __init__(self, *args, help_text: str, max_length: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
            max_length=max_length,
            help_text=help_text,
        )


def confirm_with_reason(
    modeladmin,
    request,
    queryset,
    *,
    title: str,
    intro: str,
    submit: str,
    apply: Callable[[str], Any],
    describe: Callable[[Any], str] = str,
    help_text: str = "The tenant sees this.",
    max_length: int = 2000,
) -> TemplateResponse | None:
    """Ask for a reason for `queryset`; once given, call `apply(reason)` and return None."""
    form = ReasonForm(
        request.POST if "apply" in request.POST else None,
        help_text=help_text,
        max_length=max_length,
    )
    if form.is_valid():
        apply(form.cleaned_data["reason"])
        return None
    objects: Iterable[Any] = list(queryset)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit": submit,
        "opts": modeladmin.model._meta,
        "objects": [(obj.pk, describe(obj)) for obj in objects],
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/confirm_with_reason.html", context)
