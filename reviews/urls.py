"""Mounted at the site root: the challenge and review pages live under their case
(/cases/<reference>/challenges/<id>/...), so a challenge is never reached by its id alone.

The pages of the steps on a challenge come from the registry (`reviews/steps.py`), one
pattern per registered step, so a step cannot have a button without a page or a page
without its step.
"""

from django.urls import path

from cases import steps
from reviews import deadline_views, views
from reviews import steps as review_steps

app_name = "reviews"

CHALLENGE_STEP_PREFIX = "cases/<str:reference>/challenges/<int:pk>/"

urlpatterns = [
    path(
        f"cases/<str:reference>/challenges/{review_steps.RECORD_CHALLENGE.route}",
        views.challenge_record,
        name="challenge_record",
    ),
    *(
        path(
            CHALLENGE_STEP_PREFIX + step.route,
            views.challenge_step,
            {"name": step.name},
            name=step.page.url_name,
        )
        for step in steps.for_subject(steps.CHALLENGE)
        if step.page is not None
    ),
    path("cases/<str:reference>/six-month-review/", views.review_decide, name="review_decide"),
    path(
        "cases/<str:reference>/ombudsman-bundle/", views.ombudsman_bundle, name="bundle"
    ),
    path("deadlines/", deadline_views.deadlines, name="deadlines"),
]
