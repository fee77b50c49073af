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
    path("subject-access/", views.sar_list, name="sar_list"),
    path("subject-access/new/", views.sar_create, name="sar_create"),
    path("subject-access/<int:pk>/", views.sar_detail, name="sar_detail"),
    path("subject-access/<int:pk>/identity/", views.sar_identity, name="sar_identity"),
    path("subject-access/<int:pk>/extend/", views.sar_extend, name="sar_extend"),
    path("subject-access/<int:pk>/close/", views.sar_close, name="sar_close"),
    path("subject-access/<int:pk>/produce/", views.sar_produce, name="sar_produce"),
    path("subject-access/<int:pk>/release/", views.sar_release, name="sar_release"),
    path("subject-access/<int:pk>/passages/", views.sar_passages, name="sar_passages"),
    path("subject-access/<int:pk>/files/", views.sar_files, name="sar_files"),
    path("subject-access/<int:pk>/redactions/<int:mark>/remove/", views.sar_redaction_remove,
         name="sar_redaction_remove"),
    path("subject-access/<int:pk>/download/<slug:copy>/", views.sar_download,
         name="sar_download"),
]
