from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases.urls import case_patterns, customer_patterns
from sanctions.urls import filed_patterns, front_desk_patterns
from ucp import views

admin.site.site_header = "Unreasonable Customer Policy – administration"
admin.site.site_title = "UCP administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("session/", views.session_status, name="session_status"),
    path("session/extend/", views.session_extend, name="session_extend"),
    path("customers/", include(customer_patterns)),
    path("cases/", include(case_patterns)),
    path("cases/", include("letters.urls")),
    # /cases/<reference>/challenges/..., /cases/<reference>/six-month-review/, /deadlines/
    path("", include("reviews.urls")),
    path("front-desk/", include(front_desk_patterns)),
    path("filed/", include(filed_patterns)),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
