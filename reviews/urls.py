"""Mounted at the site root: the challenge and review pages live under their case
(/cases/<reference>/challenges/<id>/...), so a challenge is never reached by its id alone."""

from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path(
        "cases/<str:reference>/challenges/new/",
        views.challenge_record,
        name="challenge_record",
    ),
    path(
        "cases/<str:reference>/challenges/<int:pk>/accept-late/",
        views.challenge_accept_late,
        name="challenge_accept_late",
    ),
    path(
        "cases/<str:reference>/challenges/<int:pk>/refuse-late/",
        views.challenge_refuse_late,
        name="challenge_refuse_late",
    ),
    path(
        "cases/<str:reference>/challenges/<int:pk>/assign-reviewer/",
        views.challenge_assign,
        name="challenge_assign",
    ),
    path(
        "cases/<str:reference>/challenges/<int:pk>/decide/",
        views.challenge_decide,
        name="challenge_decide",
    ),
    path("cases/<str:reference>/six-month-review/", views.review_decide, name="review_decide"),
    path("deadlines/", views.deadlines, name="deadlines"),
]
