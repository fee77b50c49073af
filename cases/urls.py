from django.urls import path

from cases import merge_views, views

customer_patterns = (
    [
        path("", views.customer_search, name="search"),
        path("new/", views.customer_create, name="create"),
        path("browse/", views.customer_browse, name="browse"),
        path("<str:reference>/", views.customer_detail, name="detail"),
        path("<str:reference>/edit/", views.customer_edit, name="edit"),
        path("<str:reference>/matters/", views.customer_matters, name="matters"),
        path("<str:reference>/warnings/", views.customer_warnings, name="warnings"),
        path("<str:reference>/cases/", views.customer_cases, name="cases"),
        path("<str:reference>/contacts/new/", views.contact_create, name="contact_create"),
        path("<str:reference>/matters/new/", views.matter_create, name="matter_create"),
        path(
            "<str:reference>/matters/<str:matter_ref>/edit/",
            views.matter_edit,
            name="matter_edit",
        ),
        path("<str:reference>/warnings/new/", views.warning_create, name="warning_create"),
        path("<str:reference>/refer/", views.refer, name="refer"),
        # Merging two records of one person (cases/merge_views.py).
        path("<str:reference>/merge/", merge_views.customer_merge, name="merge"),
        path(
            "<str:reference>/merges/<int:pk>/undo/",
            merge_views.customer_merge_undo,
            name="merge_undo",
        ),
        # Corrections and the customer's dispute statements, one pair per kind of record.
        path("<str:reference>/correct/", views.customer_correct, name="correct"),
        path("<str:reference>/dispute/", views.customer_dispute, name="dispute"),
        path(
            "<str:reference>/matters/<str:matter_ref>/correct/",
            views.matter_correct,
            name="matter_correct",
        ),
        path(
            "<str:reference>/matters/<str:matter_ref>/dispute/",
            views.matter_dispute,
            name="matter_dispute",
        ),
        path(
            "<str:reference>/contacts/<int:pk>/correct/",
            views.contact_correct,
            name="contact_correct",
        ),
        path(
            "<str:reference>/contacts/<int:pk>/dispute/",
            views.contact_dispute,
            name="contact_dispute",
        ),
        path(
            "<str:reference>/warnings/<int:pk>/correct/",
            views.warning_correct,
            name="warning_correct",
        ),
        path(
            "<str:reference>/warnings/<int:pk>/dispute/",
            views.warning_dispute,
            name="warning_dispute",
        ),
    ],
    "customers",
)

case_patterns = (
    [
        path("<str:reference>/", views.case_detail, name="detail"),
        # The case page's tabs (cases.sections.TABS): the summary above, then these.
        path("<str:reference>/referral/", views.case_referral, name="referral"),
        path("<str:reference>/evidence/", views.case_evidence, name="evidence"),
        path("<str:reference>/letters/", views.case_tab, {"tab": "letters"}, name="letters"),
        path("<str:reference>/reviews/", views.case_tab, {"tab": "reviews"}, name="reviews"),
        path("<str:reference>/monitoring/", views.case_tab, {"tab": "monitoring"},
             name="monitoring"),
        path("<str:reference>/chronology/", views.case_chronology, name="chronology"),
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
