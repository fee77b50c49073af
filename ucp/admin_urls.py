"""The admin's URLs, with its "view on site" redirect limited to the admin's own models.

Django's admin answers `/admin/r/<content type>/<id>/` for any model with a
`get_absolute_url`, registered in the admin or not: an administrator (who holds no casework
role) could walk the ids of `Customer` or `DesignationCase` and read each one's reference
in the redirect. Here the redirect is given only for models registered in this admin site,
to a user the model's admin lets view them; anything else is a 404, as a guessed
reference is everywhere else.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path

VIEW_ON_SITE = "view_on_site"


def _view_on_site(site: AdminSite):
    def view(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except (ObjectDoesNotExist, ValueError, ValidationError):
            raise Http404("No such object") from None
        model_admin = site._registry.get(model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise Http404("No such object")
        return shortcut(request, content_type_id, object_id)

    return view


def admin_urls(site: AdminSite) -> tuple[list, str, str]:
    """`site.urls`, with the "view on site" pattern answered by `_view_on_site`."""
    patterns, app_name, name = site.urls
    scoped = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name == VIEW_ON_SITE:
            pattern = path(
                str(pattern.pattern), site.admin_view(_view_on_site(site)), name=VIEW_ON_SITE
            )
        scoped.append(pattern)
    return scoped, app_name, name
