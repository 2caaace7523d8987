"""/api/v1/usage, /api/v1/usage/statements and /api/v1/usage/limits."""

urlpatterns: list = []
