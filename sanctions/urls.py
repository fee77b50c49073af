from django.urls import path

from sanctions import views

front_desk_patterns = ([path("", views.front_desk, name="check")], "frontdesk")

filed_patterns = (
    [
        path("", views.filed_queue, name="queue"),
        path("<int:pk>/", views.filed_item, name="item"),
    ],
    "filed",
)
