"""The portal's usage, statements and limits pages."""

app_name = "billing"

urlpatterns: list = []
