from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("access-changes/", views.access_changes, name="access_changes"),
    path("access-log/customer/", views.customer_access, name="customer_access"),
    path("access-log/staff/", views.staff_access, name="staff_access"),
]
