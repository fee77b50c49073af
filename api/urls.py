"""/api/: the restriction check (v1) and its OpenAPI schema."""

import functools

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from api import views


@functools.cache
def _schema_view():
    from api.schema import schema_view  # noqa: PLC0415 - drf-spectacular loads on first use

    return schema_view()


@csrf_exempt
def schema(request, *args, **kwargs):
    """The OpenAPI schema; drf-spectacular is imported on the first request for it."""
    return _schema_view()(request, *args, **kwargs)


app_name = "api"

urlpatterns = [
    path("v1/restriction-check/", views.RestrictionCheckView.as_view(), name="restriction_check"),
    path(
        "v1/customers/<str:reference>/restrictions/",
        views.CustomerRestrictionsView.as_view(),
        name="customer_restrictions",
    ),
    # Token-authenticated like the rest of the API (SPECTACULAR_SETTINGS' SERVE_PERMISSIONS).
    path("schema/", login_not_required(schema), name="schema"),
]
