from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination: stable and fast however deep the page."""

    ordering = ("-created_at", "-pk")
    page_size_query_param = "page_size"
    max_page_size = 200
