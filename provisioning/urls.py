from django.urls import path

from provisioning import views, views_twilio_account

app_name = "provisioning"

urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("signup/sent/", views.SignupSentView.as_view(), name="signup_sent"),
    path("onboarding/", views.OnboardingView.as_view(), name="onboarding"),
    path(
        "onboarding/twilio-account/",
        views_twilio_account.TwilioAccountView.as_view(),
        name="twilio_account",
    ),
    path(
        "onboarding/twilio-account/disconnect/",
        views_twilio_account.TwilioAccountDisconnectView.as_view(),
        name="twilio_account_disconnect",
    ),
    path("numbers/", views.NumbersView.as_view(), name="numbers"),
    path("numbers/buy/", views.NumberBuyView.as_view(), name="number_buy"),
    path("numbers/<uuid:pk>/primary/", views.NumberPrimaryView.as_view(), name="number_primary"),
    path("numbers/<uuid:pk>/release/", views.NumberReleaseView.as_view(), name="number_release"),
]
