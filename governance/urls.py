from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("access-changes/", views.access_changes, name="access_changes"),
    path("access-log/customer/", views.customer_access, name="customer_access"),
    path("access-log/staff/", views.staff_access, name="staff_access"),
    path("disposals/", views.disposals, name="disposals"),
    path("holds/", views.holds, name="holds"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
]
