"""OpenAPI pieces every endpoint shares: the error body, the usual error responses, and the
schema generator's corrections (blank emails and URLs, every paged list's invalid-cursor 404)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
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


BLANKABLE_FORMATS = ("email", "uri")
INVALID_CURSOR = "The `cursor` is not one this list handed out."


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's generator, corrected where it would describe answers we don't give."""

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        blank_allowed = getattr(field, "allow_blank", False) or field.read_only
        if blank_allowed and schema.get("format") in BLANKABLE_FORMATS:
            # A field that may be left empty is answered as "", which is no email or URI.
            schema["anyOf"] = [{"format": schema.pop("format")}, {"maxLength": 0}]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "GET" and self._is_list_view() and self._get_paginator():
            if "404" in responses:
                described = responses["404"].get("description", "")
                responses["404"]["description"] = f"{described} Or: {INVALID_CURSOR}".strip()
            else:
                responses["404"] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=INVALID_CURSOR), "404"
                )
        return responses
