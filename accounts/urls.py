from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("your-access/", views.your_access, name="your_access"),
]
