from rest_framework import exceptions, pagination


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination: stable and fast however deep the page."""

    ordering = ("-created_at", "-pk")
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request) -> int:
        """The `page_size` asked for, capped at `max_page_size`; a value that isn't a
        positive whole number is refused (DRF would quietly use the default instead)."""
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: ["Enter a whole number of at least 1."]}
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = (
                    f"Results per page (default {self.page_size}; "
                    f"values above {self.max_page_size} are capped at {self.max_page_size})."
                )
        return parameters
