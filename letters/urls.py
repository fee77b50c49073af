"""Mounted under /cases/ beside the case pages: /cases/<reference>/letters/..."""

from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("<str:reference>/letters/<int:pk>/", views.letter_html, name="html"),
    path("<str:reference>/letters/<int:pk>/pdf/", views.letter_pdf, name="pdf"),
    path("<str:reference>/letters/<slug:kind>/preview/", views.letter_preview, name="preview"),
    path("<str:reference>/letters/<slug:kind>/issue/", views.letter_issue, name="issue"),
    path("<str:reference>/inform-council/", views.inform_council, name="inform_council"),
    path(
        "customer/<str:customer_ref>/warnings/<int:pk>/letter/",
        views.informal_warning_letter_issue,
        name="informal_warning_issue",
    ),
    path(
        "customer/<str:customer_ref>/letters/<int:pk>/pdf/",
        views.customer_letter_pdf,
        name="customer_pdf",
    ),
]
