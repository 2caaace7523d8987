"""OpenAPI pieces every endpoint shares: the error body and the usual error responses."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable, machine-readable error code.")
    message = serializers.CharField(help_text="A sentence for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per invalid field; nested fields join with dots.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_DESCRIPTIONS = {
    400: "Invalid input: `error.fields` names each invalid field.",
    401: "Not signed in, or the API key is missing, invalid or revoked.",
    403: "Your role, your key's scope or the tenant's status doesn't allow this.",
    404: "No such object in your tenant.",
    409: "The request conflicts with the current state.",
    429: "Too many requests for this tenant; retry after the `Retry-After` header.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The given error statuses (plus 401, 403 and 429, which every endpoint can answer)."""
    wanted = sorted({401, 403, 429, *statuses})
    return {s: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[s]) for s in wanted}
