"""The API's OpenAPI description: what `/api/schema/` serves.

Kept apart from the views (and applied to them by `annotate`, a drf-spectacular
preprocessing hook, when a schema is generated) so that a web worker answering the API
never imports drf-spectacular's schema tools: `drf_spectacular.utils` alone brought
`requests` and PyYAML into every worker (6.5 MB).
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)

from api.serializers import (
    REFERENCE_FORMAT,
    ErrorOutput,
    RestrictionCheckInput,
    RestrictionCheckOutput,
    RestrictionsInput,
    RestrictionsOutput,
)
from api.views import CustomerRestrictionsView, RestrictionCheckView
from cases import references

ERRORS = {
    400: OpenApiResponse(description="Invalid input: a list of messages per field."),
    401: OpenApiResponse(ErrorOutput, description="No or a wrong token."),
    403: OpenApiResponse(ErrorOutput, description="The user's role has no casework access."),
    404: OpenApiResponse(
        ErrorOutput, description="No such customer among those the user may see."
    ),
}

REFERENCE_PARAMETER = OpenApiParameter(
    "reference", {"type": "string", "maxLength": references.MAX_LENGTH,
                  "pattern": references.PATTERN},
    OpenApiParameter.PATH, description=REFERENCE_FORMAT,
)

CHECK_EXAMPLE = OpenApiExample(
    "A call outside the restrictions",
    response_only=True,
    value={
        "customer": "C-2025-000123",
        "within_restrictions": False,
        "breaches": [
            {
                "sanction": "call_limit",
                "message": "Calls are taken in the morning only (before 12 noon), not at "
                "14:05.",
                "filed": False,
            }
        ],
        "restrictions": [
            "Phone: Tuesday mornings only, at most one call a week, at most 15 minutes, "
            "only with Jo Smith",
            "Until 2 December 2025.",
        ],
        "at": "2025-06-03T14:05:00+01:00",
        "checked_at": "2025-06-03T14:05:02+01:00",
    },
)


# (view, method, what the schema says of it)
OPERATIONS = (
    (RestrictionCheckView, "get", dict(
        operation_id="restriction_check",
        summary="Check a contact against the restrictions (query parameters)",
        description="Nothing is saved. The same check runs when a contact is logged.",
        parameters=[RestrictionCheckInput],
        responses={200: RestrictionCheckOutput, **ERRORS},
        examples=[CHECK_EXAMPLE],
    )),
    (RestrictionCheckView, "post", dict(
        operation_id="restriction_check_post",
        summary="Check a contact against the restrictions (JSON body)",
        description="The same as the GET, for systems that prefer to send a JSON body. "
        "Nothing is saved.",
        request=RestrictionCheckInput,
        responses={200: RestrictionCheckOutput, **ERRORS},
        examples=[CHECK_EXAMPLE],
    )),
    (CustomerRestrictionsView, "get", dict(
        operation_id="customer_restrictions",
        summary="The restrictions in force for a customer",
        parameters=[RestrictionsInput, REFERENCE_PARAMETER],
        responses={200: RestrictionsOutput, **ERRORS},
    )),
)

_annotated = False


def annotate(endpoints):
    """drf-spectacular's PREPROCESSING_HOOKS: describe the views (once), keep the
    endpoints as they are."""
    global _annotated
    if not _annotated:
        for view, method, description in OPERATIONS:
            extend_schema(**description)(getattr(view, method))
        _annotated = True
    return endpoints


def schema_view():
    """`/api/schema/`, built on its first request (see `api.urls`)."""
    from drf_spectacular.views import SpectacularAPIView  # noqa: PLC0415

    return SpectacularAPIView.as_view()
