from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("access-changes/", views.access_changes, name="access_changes"),
]
