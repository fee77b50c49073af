from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("cases/", views.case_list, name="cases"),
    path("table/<slug:key>/", views.report_table, name="table"),
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly.pdf", views.quarterly_pdf, name="quarterly_pdf"),
]
