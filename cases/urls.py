from django.urls import path

from cases import views

customer_patterns = (
    [
        path("", views.customer_search, name="search"),
        path("new/", views.customer_create, name="create"),
        path("<str:reference>/", views.customer_detail, name="detail"),
        path("<str:reference>/edit/", views.customer_edit, name="edit"),
        path("<str:reference>/contacts/new/", views.contact_create, name="contact_create"),
        path("<str:reference>/matters/new/", views.matter_create, name="matter_create"),
        path(
            "<str:reference>/matters/<str:matter_ref>/edit/",
            views.matter_edit,
            name="matter_edit",
        ),
        path("<str:reference>/warnings/new/", views.warning_create, name="warning_create"),
        path("<str:reference>/refer/", views.refer, name="refer"),
    ],
    "customers",
)

case_patterns = (
    [
        path("<str:reference>/", views.case_detail, name="detail"),
        path("<str:reference>/act/<slug:action>/", views.case_action, name="action"),
        path(
            "<str:reference>/preconditions/", views.precondition_record, name="precondition"
        ),
        path("<str:reference>/alternatives/", views.alternative_record, name="alternative"),
        path("<str:reference>/coordination/", views.coordination_update, name="coordination"),
        path(
            "attachments/<int:pk>/", views.attachment_download, name="attachment"
        ),
    ],
    "cases",
)
