from django.contrib.auth.decorators import login_not_required
from django.urls import path

from sso import views

# The names are mozilla-django-oidc's: it reverses them for the redirect URI.
urlpatterns = [
    path(
        "authenticate/",
        login_not_required(views.StartSignInView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        login_not_required(views.CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
