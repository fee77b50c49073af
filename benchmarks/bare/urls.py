from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404
from django.shortcuts import render
from django.urls import path


@login_required
def customer(request, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, full_name, reference FROM cases_customer WHERE id = %s", [pk]
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return render(request, "bare.html", {"row": row})


urlpatterns = [path("customer/<int:pk>/", customer)]
