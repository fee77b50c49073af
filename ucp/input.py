"""The one gate for characters no record may hold: NUL, other control characters, and the
lone surrogates JSON can smuggle in.

No page, form or API call has a use for them, and PostgreSQL refuses them in a string
("A string literal cannot contain NUL characters"; psycopg cannot encode a surrogate), so
one that reached a query or a save would be a server error. `RefuseControlCharacters`
looks at everything a request brings before any view, selector or session lookup sees it
(the path, every query parameter, every form field and file name, the cookies, the
headers and the strings of a JSON body) and answers 400 with a message saying which part
was refused. It is a middleware rather than a check in each form because a reference in
the path or the query string reaches a selector with no form in between.

What stays allowed: tab, newline and carriage return in query and form values (multi-line
text, and a tab pasted from a spreadsheet into a search box); single-line form fields
refuse a line break with a message on the field (`ucp.forms.GovukFormMixin`), since only
the form knows which fields are single-line. Nothing is ever silently removed: the user
is told, and changes what they sent.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("ucp.input")

# C0 controls (but tab, LF, CR), DEL, the C1 controls and lone surrogates.
_REFUSED_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# In a path or a field's name not even tab or a line break belongs.
_REFUSED_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Headers and cookies reach Django decoded as Latin-1, so the bytes of any UTF-8 text
# (a curly quote in a Referer) look like C1 controls there: only C0 and DEL are refused.
_REFUSED_IN_HEADER = re.compile("[\x00-\x08\x0a-\x1f\x7f]")

REFUSED = (
    "contains a character that cannot be part of a record (a control character such as a "
    "NUL byte). Nothing was saved."
)


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None. Tab and line breaks are allowed."""
    if _REFUSED_IN_TEXT.search(value):
        return REFUSED
    return None


def name_problem(value: str) -> str | None:
    """Why `value` cannot be a reference, path, header or single-line value, or None."""
    if _REFUSED_IN_NAME.search(value):
        return REFUSED
    return None


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _items(querydict) -> Iterable[tuple[str, str]]:
    for key, values in querydict.lists():
        yield key, key
        for value in values:
            yield key, value


def request_problem(request: HttpRequest) -> str | None:
    """Which part of the request holds a refused character, in words for the user."""
    if name_problem(request.path_info):
        return "The web address " + REFUSED
    for key, value in _items(request.GET):
        if text_problem(value) or name_problem(key):
            return f"The search or filter value “{_printable(key)}” " + REFUSED
    for name, value in request.COOKIES.items():
        if _REFUSED_IN_HEADER.search(name) or _REFUSED_IN_HEADER.search(value):
            return "A cookie your browser sent " + REFUSED
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str):
            if _REFUSED_IN_HEADER.search(value):
                return "A header your browser or system sent " + REFUSED
    if request.method in ("POST", "PUT", "PATCH"):
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return None  # not JSON: the API's parser says so, with its own 400
            if any(text_problem(s) for s in _json_strings(body)):
                return "The JSON body " + REFUSED
        else:
            for key, value in _items(request.POST):
                if text_problem(value) or name_problem(key):
                    return f"The field “{_printable(key)}” " + REFUSED
            for _key, uploads in request.FILES.lists():
                if any(name_problem(upload.name or "") for upload in uploads):
                    return "The name of a file chosen " + REFUSED
    return None


def _printable(value: str) -> str:
    return _REFUSED_IN_NAME.sub("?", value)[:60]


class RefuseControlCharacters:
    """Answer 400 to a request that carries a refused character anywhere (see the module
    docstring); JSON for the API, a page for everyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = request_problem(request)
        if problem is None:
            return self.get_response(request)
        logger.warning("Refused %s %r: %s", request.method, _printable(request.path), problem)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": problem}, status=400)
        # Standalone: no session or user has been loaded for this request, on purpose.
        html = render_to_string("400.html", {"message": problem})
        return HttpResponse(html, status=400)
