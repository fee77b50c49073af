from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases.urls import case_patterns, customer_patterns
from sanctions.urls import filed_patterns, front_desk_patterns
from ucp import views
from ucp.admin_urls import admin_urls

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
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("customers/", include(customer_patterns)),
    path("cases/", include(case_patterns)),
    path("cases/", include("letters.urls")),
    # /cases/<reference>/challenges/..., /cases/<reference>/six-month-review/, /deadlines/
    path("", include("reviews.urls")),
    path("front-desk/", include(front_desk_patterns)),
    path("filed/", include(filed_patterns)),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    # The admin's own URLs, its "view on site" redirect limited to its models.
    path("admin/", admin_urls(admin.site)),
]
