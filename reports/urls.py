from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("cases/", views.case_list, name="cases"),
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly.pdf", views.quarterly_pdf, name="quarterly_pdf"),
]
