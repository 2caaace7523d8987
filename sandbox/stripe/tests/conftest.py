import pytest


@pytest.fixture(autouse=True)
def stripe_sandbox(settings):
    settings.STRIPE_MODE = "sandbox"
    settings.STRIPE_SANDBOX_URL = ""
    settings.STRIPE_SANDBOX_API_KEY = "sk_test_" + "s" * 40
