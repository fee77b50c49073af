"""No letter leaves unseen: every page whose decision writes to the customer shows the
letter first, and issues it on confirmation.

One mechanism for the designation and warning letters and for every decision that ends in
a letter (the outcome of a challenge, the six-month review):

1. **Preview.** The decision's form is valid: `letter_first` asks
   `letters.services.letter_preview` for the letter, which runs the decision's own service
   in a transaction it then rolls back. What the user checks is the letter the service
   would issue, made by the same code, not a look-alike.
2. **The preview page** (`letters/preview.html`) shows that letter with a form carrying a
   `Draft`: the values the user posted and the letter's sha256, signed with the user and
   the page they belong to, so neither can be altered or replayed elsewhere.
3. **Change** opens the decision form again with every value kept. **Confirm** validates
   the values again and calls the service with `seen=<sha256>`: the decision and its letter
   are saved in one transaction, and only if the letter is still the one the user checked.
   If the case changed since (someone else acted, the date moved on, a new version was
   issued), nothing is saved and the new letter is shown with a 409.

The decision's values travel in the page, not in a stored draft: nothing is kept for a
decision that is never confirmed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from letters.forms import IssueLetterForm
from letters.services import letter_preview, letter_sha256
from ucp.csp import allow_inline_styles
from ucp.errors import CaseChanged, ServiceError
from ucp.http import form_error

SALT = "letters.drafts"
DRAFT_FIELD = "draft"
ACTION_FIELD = "action"
PREVIEW, CHANGE, CONFIRM = "preview", "change", "confirm"
# Posted with the form but no value of the decision.
NOT_VALUES = {"csrfmiddlewaretoken", DRAFT_FIELD, ACTION_FIELD}

BAD_DRAFT = (
    "This letter could not be checked: the page was altered or belongs to another page. "
    "Nothing was issued. Enter the decision again."
)


class DraftRefused(ServiceError):
    """A draft whose signature, user or page does not match: a 400, nothing issued."""


@dataclass(frozen=True)
class Draft:
    """A decision's posted values and the letter they make, as the preview showed them."""

    data: dict[str, list[str]]
    sha256: str

    def sign(self, *, user, scope: str) -> str:
        return signing.dumps(
            {"u": user.pk, "s": scope, "d": self.data, "h": self.sha256},
            salt=SALT, compress=True,
        )

    @classmethod
    def load(cls, token: str, *, user, scope: str) -> Draft:
        try:
            payload = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            raise DraftRefused(BAD_DRAFT) from None
        if payload.get("u") != user.pk or payload.get("s") != scope:
            raise DraftRefused(BAD_DRAFT)
        return cls(data=payload["d"], sha256=payload["h"])

    def querydict(self) -> QueryDict:
        data = QueryDict(mutable=True)
        for key, values in self.data.items():
            data.setlist(key, values)
        return data


def posted_values(data: QueryDict) -> dict[str, list[str]]:
    return {key: data.getlist(key) for key in data if key not in NOT_VALUES}


@dataclass
class Posted:
    """What a letter-first page was sent: the values to bind its form with, and why."""

    data: QueryDict | None
    action: str
    draft: Draft | None = None


def read_post(request: HttpRequest, *, scope: str) -> Posted:
    """The form's data: as posted from the decision form, or carried back in a draft by
    "Change" or "Confirm" on the preview. Raises DraftRefused for a draft that is not this
    user's for this page."""
    if request.method != "POST":
        return Posted(data=None, action="")
    token = request.POST.get(DRAFT_FIELD)
    if not token:
        return Posted(data=request.POST, action=PREVIEW)
    draft = Draft.load(token, user=request.user, scope=scope)
    action = CONFIRM if request.POST.get(ACTION_FIELD) == CONFIRM else CHANGE
    return Posted(data=draft.querydict(), action=action, draft=draft)


# Shows the preview page: (the letter's HTML, the signed draft, an error or "", status).
RenderPreview = Callable[[str, str, str, int], HttpResponse]


@dataclass
class Result:
    """Where a letter-first POST ended: a page to show, the service's answer when the
    decision was confirmed and saved, or neither (show the form again, with `status`)."""

    response: HttpResponse | None = None
    done: Any = None
    status: int = 200


def letter_first(
    request: HttpRequest,
    *,
    scope: str,
    posted: Posted,
    form,
    decide: Callable[..., Any],
    render_preview: RenderPreview,
) -> Result:
    """Preview, change or confirm a decision that writes to the customer.

    `decide(seen=...)` calls the decision's service with the form's cleaned values;
    `render_preview` shows the preview page. Service refusals go on `form` (`form_error`).
    """
    if posted.action == CHANGE:
        return Result(status=200)
    if not form.is_valid():
        return Result(status=422)

    def preview(error: str = "", status: int = 200) -> Result:
        try:
            html = letter_preview(decide)
        except ServiceError as exc:
            return Result(status=form_error(form, exc))
        draft = Draft(data=posted_values(posted.data), sha256=letter_sha256(html))
        token = draft.sign(user=request.user, scope=scope)
        return Result(response=render_preview(html, token, error, status))

    if posted.action != CONFIRM:
        return preview()
    try:
        done = decide(seen=posted.draft.sha256)
    except CaseChanged as exc:
        # Not the letter the user checked: show the one it would be now, if there is one.
        return preview(error=exc.message, status=409)
    except ServiceError as exc:
        return Result(status=form_error(form, exc))
    return Result(done=done)


def render_letter_preview(
    request: HttpRequest, *, html: str, token: str, error: str = "", status: int = 200,
    form: IssueLetterForm | None = None, **context: Any,
) -> HttpResponse:
    """The one preview page (`letters/preview.html`). `context` names the page: `case` or
    `customer`, `heading`, `notes`, `rows` (the decision, as (label, value) pairs),
    `action_url`, `button`, `change` (the label of the button back to the decision form,
    if there is one), `cancel_url` and `kind_label`. With no `html`, the page shows
    `form`'s errors: why there is no letter to issue."""
    if form is None:
        form = IssueLetterForm(data={})
        form.is_valid()  # bound and cleaned, so an error can be added to it
    if error:
        form.add_error(None, error)
    response = render(
        request,
        "letters/preview.html",
        {"form": form, "letter_html": html, "draft": token, "draft_field": DRAFT_FIELD,
         "action_field": ACTION_FIELD, "confirm": CONFIRM, "change_action": CHANGE,
         **context},
        status=status,
    )
    # The letter's frame (srcdoc) lives under this page's policy: allow its own CSS.
    return allow_inline_styles(response, html)
