"""Portal pages. Thin: every read is scoped with `for_tenant`, every write goes to a service."""

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRedirect

from tenants.forms import (
    APIKeyCreateForm,
    BusinessProfileForm,
    MemberInviteForm,
    MemberRoleForm,
    add_service_errors,
    role_choices,
)
from tenants.invitations import invitation_resend, invitation_send, pending_membership
from tenants.middleware import SESSION_TENANT_KEY
from tenants.models import APIKey, AuditEvent, BusinessProfile, Membership
from tenants.selectors import membership_for, profile_completeness
from tenants.services import (
    Actor,
    api_key_create,
    api_key_revoke,
    business_profile_update,
    member_change_role,
    member_invite,
    member_remove,
)

logger = logging.getLogger(__name__)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Where a just-created API key's plaintext waits for the one page that shows it.
NEW_API_KEY_SESSION_KEY = "new_api_key"


class TenantRequiredMixin(LoginRequiredMixin):
    """A signed-in person acting inside their current tenant (`self.tenant`).

    People without a tenant get a friendly page instead. Unsafe methods need a role that
    may write (`write_permission = "write"`) or manage (`"manage"`: owner/admin), and an
    active tenant.
    """

    write_permission = "write"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.membership:
            return render(request, "portal/no_tenant.html")
        self.membership = request.membership
        self.tenant = self.membership.tenant
        self.check_tenant_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def check_tenant_permission(self, request) -> None:
        if request.method in SAFE_METHODS:
            return
        if not self.tenant.is_active:
            raise PermissionDenied(self.tenant.inactive_message)
        allowed = (
            self.membership.can_manage
            if self.write_permission == "manage"
            else self.membership.can_write
        )
        if not allowed:
            raise PermissionDenied("Your role in this tenant doesn't allow this.")

    @property
    def actor(self) -> Actor:
        return Actor.from_request(self.request)

    @property
    def can_write(self) -> bool:
        return self.tenant.is_active and self.membership.can_write

    @property
    def can_manage(self) -> bool:
        return self.tenant.is_active and self.membership.can_manage

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            tenant=self.tenant,
            membership=self.membership,
            can_write=self.can_write,
            can_manage=self.can_manage,
        )
        return context


class TenantManageMixin(TenantRequiredMixin):
    """Owner/admin-only pages and actions: everyone else gets a 403."""

    write_permission = "manage"

    def check_tenant_permission(self, request) -> None:
        if not self.membership.can_manage:
            raise PermissionDenied("Only owners and admins can do this.")
        super().check_tenant_permission(request)


# --- dashboard --------------------------------------------------------------------------


class DashboardView(TenantRequiredMixin, TemplateView):
    template_name = "portal/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        profile = BusinessProfile.objects.for_tenant(self.tenant).first()
        context.update(
            profile=profile,
            completeness=profile_completeness(profile),
            member_count=Membership.objects.for_tenant(self.tenant).count(),
            active_key_count=APIKey.objects.for_tenant(self.tenant)
            .filter(revoked_at__isnull=True)
            .count(),
            recent_events=AuditEvent.objects.for_tenant(self.tenant).order_by("-created_at")[:5],
        )
        return context


# --- business profile -------------------------------------------------------------------


class BusinessProfileView(TenantRequiredMixin, TemplateView):
    template_name = "portal/profile.html"

    def get_profile(self) -> BusinessProfile:
        return get_object_or_404(BusinessProfile.objects.for_tenant(self.tenant))

    def get(self, request, *args, **kwargs):
        profile = self.get_profile()
        form = BusinessProfileForm(profile=profile, read_only=not self.can_write)
        return self.render_to_response(self.get_context_data(form=form, profile=profile))

    def post(self, request, *args, **kwargs):
        profile = self.get_profile()
        form = BusinessProfileForm(request.POST, profile=profile)
        if form.is_valid():
            try:
                business_profile_update(profile=profile, data=form.cleaned_data, actor=self.actor)
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                messages.success(request, "Business profile saved.")
                return redirect("portal:profile")
        context = self.get_context_data(form=form, profile=profile)
        return self.render_to_response(context)


# --- team -------------------------------------------------------------------------------


def _check_owner_rule(actor: Membership, target: Membership | None, role: str | None) -> None:
    """Admins manage members and admins; only owners grant, change or remove an owner."""
    if actor.role == Membership.Role.OWNER:
        return
    if role == Membership.Role.OWNER or (target and target.role == Membership.Role.OWNER):
        raise PermissionDenied("Only an owner can grant, change or remove the owner role.")


class TeamView(TenantRequiredMixin, TemplateView):
    """The member list for everyone; owners and admins invite people here (POST)."""

    template_name = "portal/team.html"
    write_permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        is_owner = self.membership.role == Membership.Role.OWNER
        context.setdefault("invite_form", MemberInviteForm(can_grant_owner=is_owner))
        context.update(
            members=Membership.objects.for_tenant(self.tenant).select_related("user"),
            is_owner=is_owner,
            role_choices=role_choices(is_owner),
        )
        return context

    def post(self, request, *args, **kwargs):
        is_owner = self.membership.role == Membership.Role.OWNER
        form = MemberInviteForm(request.POST, can_grant_owner=is_owner)
        if form.is_valid():
            pending = pending_membership(self.tenant, form.cleaned_data["email"])
            if pending is not None:
                # Inviting someone who never signed in again means: send it again.
                _check_owner_rule(self.membership, pending, None)
                invitation_resend(membership=pending, actor=self.actor)
                self._send_invitation(pending, resent=True)
                return redirect("portal:team")
            try:
                membership = member_invite(
                    tenant=self.tenant,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    actor=self.actor,
                )
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                self._send_invitation(membership)
                return redirect("portal:team")
        return self.render_to_response(self.get_context_data(invite_form=form))

    def _send_invitation(self, membership: Membership, resent: bool = False) -> None:
        email = membership.user.email
        try:
            invitation_send(membership=membership, inviter=self.request.user.get_username())
        except OSError:
            logger.exception("Could not email the invitation to %s", email)
            done = "is still invited" if resent else "was added"
            messages.warning(
                self.request, f"{email} {done}, but the invitation email could not be sent."
            )
            return
        role = membership.get_role_display()
        if resent:
            messages.success(self.request, f"Invitation sent again to {email} (as {role}).")
        else:
            messages.success(self.request, f"{email} was invited as {role}.")


class MemberObjectMixin(TenantManageMixin):
    """Looks the membership up inside the current tenant only: another tenant's id is a 404."""

    http_method_names = ["post"]

    def get_member(self) -> Membership:
        return get_object_or_404(
            Membership.objects.for_tenant(self.tenant).select_related("user"), pk=self.kwargs["pk"]
        )

    def render_row(self, member: Membership, error: str = "", saved: bool = False):
        is_owner = self.membership.role == Membership.Role.OWNER
        return render(
            self.request,
            "portal/_member_row.html",
            {
                "m": member,
                "can_manage": self.can_manage,
                "is_owner": is_owner,
                "role_choices": role_choices(is_owner),
                "row_error": error,
                "row_saved": saved,
            },
        )


class MemberRoleView(MemberObjectMixin, View):
    """Change a member's role; with htmx the row is swapped in place."""

    def post(self, request, pk: int):
        member = self.get_member()
        form = MemberRoleForm(request.POST)
        error = ""
        if not form.is_valid():
            error = "Choose a valid role."
        else:
            role = form.cleaned_data["role"]
            _check_owner_rule(self.membership, member, role)
            try:
                member = member_change_role(membership=member, role=role, actor=self.actor)
            except ValidationError as err:
                error = " ".join(err.messages)
        if request.htmx:
            if member.user_id == request.user.pk and not error:
                return HttpResponseClientRedirect(reverse("portal:team"))
            return self.render_row(member, error=error, saved=not error)
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, f"{member.user.email or member.user} is now {member.get_role_display()}."
            )
        return redirect("portal:team")


class MemberRemoveView(MemberObjectMixin, View):
    def post(self, request, pk: int):
        member = self.get_member()
        _check_owner_rule(self.membership, member, None)
        label = member.user.email or member.user.get_username()
        removed_self = member.user_id == request.user.pk
        try:
            member_remove(membership=member, actor=self.actor)
        except ValidationError as err:
            if request.htmx:
                return self.render_row(member, error=" ".join(err.messages))
            messages.error(request, " ".join(err.messages))
            return redirect("portal:team")
        messages.success(request, f"{label} was removed from the team.")
        target = reverse("portal:dashboard") if removed_self else reverse("portal:team")
        if request.htmx:
            return HttpResponseClientRedirect(target) if removed_self else HttpResponse("")
        return redirect(target)


# --- API keys ---------------------------------------------------------------------------


class APIKeysView(TenantRequiredMixin, TemplateView):
    """The tenant's keys (prefix only); owners and admins create keys here (POST)."""

    template_name = "portal/api_keys.html"
    write_permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", APIKeyCreateForm())
        context["keys"] = APIKey.objects.for_tenant(self.tenant).select_related("created_by")
        return context

    def post(self, request, *args, **kwargs):
        form = APIKeyCreateForm(request.POST)
        if form.is_valid():
            try:
                api_key, raw_key = api_key_create(
                    tenant=self.tenant,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    actor=self.actor,
                )
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                # Post/redirect/get: a reload of the next page can't mint a second key. The
                # plaintext waits in the (server-side) session for that one GET only.
                request.session[NEW_API_KEY_SESSION_KEY] = {
                    "id": api_key.pk,
                    "tenant": self.tenant.pk,
                    "raw_key": raw_key,
                }
                return redirect("portal:api_key_created")
        return self.render_to_response(self.get_context_data(form=form))


class APIKeyCreatedView(TenantManageMixin, View):
    """Shows a just-created key once: the session hands it over and forgets it."""

    http_method_names = ["get"]

    def get(self, request):
        shown = request.session.pop(NEW_API_KEY_SESSION_KEY, None)
        if not shown or shown.get("tenant") != self.tenant.pk:
            messages.info(
                request,
                "A key is shown only once, right after it is created. "
                "If you didn't copy it, revoke it and create a new one.",
            )
            return redirect("portal:api_keys")
        api_key = get_object_or_404(APIKey.objects.for_tenant(self.tenant), pk=shown["id"])
        response = render(
            request,
            "portal/api_key_created.html",
            {"api_key": api_key, "raw_key": shown["raw_key"], "tenant": self.tenant},
        )
        add_never_cache_headers(response)
        return response


class APIKeyRevokeView(TenantManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        api_key = get_object_or_404(APIKey.objects.for_tenant(self.tenant), pk=pk)
        api_key_revoke(api_key=api_key, actor=self.actor)
        messages.success(request, f"The key “{api_key.name}” was revoked.")
        return redirect("portal:api_keys")


# --- tenant switcher --------------------------------------------------------------------


class SwitchTenantView(LoginRequiredMixin, View):
    """Make another of the person's own tenants the current one."""

    http_method_names = ["post"]

    def post(self, request):
        try:
            tenant_id = int(request.POST.get("tenant", ""))
        except ValueError:
            raise Http404("No such tenant.")
        membership = membership_for(request.user, tenant_id)
        if membership is None:
            raise Http404("No such tenant.")
        request.session[SESSION_TENANT_KEY] = membership.tenant_id
        messages.info(request, f"You are now working in {membership.tenant.name}.")
        return redirect("portal:dashboard")
