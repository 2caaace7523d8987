from django.urls import path

from provisioning.api import numbers, staff, subaccounts, twilio_account

urlpatterns = [
    path("customers", subaccounts.CustomerListView.as_view(), name="api-customers"),
    path("subaccount", subaccounts.SubaccountView.as_view(), name="api-subaccount"),
    path(
        "subaccount/provision",
        subaccounts.SubaccountProvisionView.as_view(),
        name="api-subaccount-provision",
    ),
    path("twilio-account", twilio_account.TwilioAccountView.as_view(), name="api-twilio-account"),
    path("onboarding", subaccounts.OnboardingView.as_view(), name="api-onboarding"),
    path("numbers", numbers.NumberListView.as_view(), name="api-numbers"),
    path("numbers/available", numbers.NumberSearchView.as_view(), name="api-numbers-available"),
    path("numbers/<uuid:id>", numbers.NumberDetailView.as_view(), name="api-number"),
    path(
        "numbers/<uuid:id>/primary", numbers.NumberPrimaryView.as_view(), name="api-number-primary"
    ),
    path(
        "numbers/<uuid:id>/release", numbers.NumberReleaseView.as_view(), name="api-number-release"
    ),
    path(
        "staff/subaccounts", staff.StaffSubaccountListView.as_view(), name="api-staff-subaccounts"
    ),
    path(
        "staff/subaccounts/<uuid:id>",
        staff.StaffSubaccountDetailView.as_view(),
        name="api-staff-subaccount",
    ),
    path(
        "staff/subaccounts/<uuid:id>/provision",
        staff.StaffSubaccountProvisionView.as_view(),
        name="api-staff-subaccount-provision",
    ),
    path(
        "staff/subaccounts/<uuid:id>/suspend",
        staff.StaffSubaccountSuspendView.as_view(),
        name="api-staff-subaccount-suspend",
    ),
    path(
        "staff/subaccounts/<uuid:id>/reactivate",
        staff.StaffSubaccountReactivateView.as_view(),
        name="api-staff-subaccount-reactivate",
    ),
    path(
        "staff/subaccounts/<uuid:id>/close",
        staff.StaffSubaccountCloseView.as_view(),
        name="api-staff-subaccount-close",
    ),
    path(
        "staff/subaccounts/<uuid:id>/rotate-token",
        staff.StaffSubaccountRotateTokenView.as_view(),
        name="api-staff-subaccount-rotate-token",
    ),
    path(
        "staff/subaccounts/<uuid:id>/rotate-api-key",
        staff.StaffSubaccountRotateApiKeyView.as_view(),
        name="api-staff-subaccount-rotate-api-key",
    ),
    path(
        "staff/subaccounts/<uuid:id>/reconcile",
        staff.StaffSubaccountReconcileView.as_view(),
        name="api-staff-subaccount-reconcile",
    ),
    path("staff/pool", staff.StaffPoolListView.as_view(), name="api-staff-pool"),
    path(
        "staff/pool/<uuid:id>/allocate",
        staff.StaffPoolAllocateView.as_view(),
        name="api-staff-pool-allocate",
    ),
    path(
        "staff/pool/<uuid:id>/release",
        staff.StaffPoolReleaseView.as_view(),
        name="api-staff-pool-release",
    ),
]
