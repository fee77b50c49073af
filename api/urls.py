"""/api/: the restriction check (v1) and its OpenAPI schema."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("v1/restriction-check/", views.RestrictionCheckView.as_view(), name="restriction_check"),
    path(
        "v1/customers/<str:reference>/restrictions/",
        views.CustomerRestrictionsView.as_view(),
        name="customer_restrictions",
    ),
    # Token-authenticated like the rest of the API (SPECTACULAR_SETTINGS' SERVE_PERMISSIONS).
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
]
