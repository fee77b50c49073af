from django.contrib import admin
from django.urls import include, path

from cases.urls import case_patterns, customer_patterns
from sanctions.urls import filed_patterns, front_desk_patterns
from sso.forms import AdminSignInForm
from sso.views import SignInView
from ucp import views
from ucp.admin_urls import admin_urls

admin.site.site_header = "Unreasonable Customer Policy – administration"
admin.site.site_title = "UCP administration"
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Passwords (break-glass only once single sign-on is on) and the provider's button.
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    # Single sign-on's round trip: /oidc/authenticate/ and /oidc/callback/ (the redirect URI).
    path("oidc/", include("sso.urls")),
    path("", include("accounts.urls")),
    path("governance/", include("governance.urls")),
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
    # The admin's own URLs, its "view on site" redirect limited to its models.
    path("admin/", admin_urls(admin.site)),
]
