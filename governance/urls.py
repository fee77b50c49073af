from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("access-changes/", views.access_changes, name="access_changes"),
    path("disposals/", views.disposals, name="disposals"),
    path("holds/", views.holds, name="holds"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
]
