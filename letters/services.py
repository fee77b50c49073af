"""Every write about letters and council notices goes through here.

`letter_issue` renders a letter to HTML and PDF and stores both as issued; there is no
edit, only a new version. Issuing the designation letter records the day the customer was
told (`case_set_customer_notified`); `case_inform_council` records who inside the council
was told and queues their emails for after the commit. Each of the two steps then asks
`case_activate_if_ready`, so the designation comes into force when, and only when, both
are done, in either order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.roles import Role, has_role
from accounts.selectors import directorate_ids_for, staff_in_directorates
from cases import rules, workflow
from cases.choices import CaseState, EventKind, WarningKind
from cases.deadlines import challenge_last_day
from cases.models import DesignationCase, Warning
from cases.services import case_activate_if_ready
from letters import rendering
from letters.models import (
    CouncilNotice,
    CouncilNoticeRecipient,
    Letter,
    LetterKind,
    PolicyVersion,
    RecipientRole,
)
from outbox.services import enqueue
from ucp.errors import CaseChanged, NotAllowed, ServiceError

logger = logging.getLogger(__name__)

# A designation letter is sent once the decision is made, and may be re-issued while it
# stands (a corrected address, a large-print copy).
DESIGNATION_LETTER_STATES = (CaseState.DESIGNATED, CaseState.ACTIVE)
INFORM_COUNCIL_STATES = (CaseState.DESIGNATED, CaseState.ACTIVE)


def _day(value: dt.date) -> str:
    """"3 June 2025": how the chronology writes a date."""
    return date_format(value, "j F Y")


_name = workflow.person


# --- the policy --------------------------------------------------------------------------------


def current_policy() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(is_current=True).first()


@transaction.atomic
def policy_version_save(*, actor, version: PolicyVersion) -> PolicyVersion:
    """Save a policy version; if it is current, the one that was current stops being so.

    There is always exactly one current version once one exists: un-ticking the current
    one is refused, since letters would then have no policy to enclose.
    """
    version.text = (version.text or "").strip()
    if not version.text:
        raise ServiceError("Enter the text of the policy: letters enclose it in full.")
    others = PolicyVersion.objects.select_for_update().filter(is_current=True)
    if version.pk:
        others = others.exclude(pk=version.pk)
        was_current = PolicyVersion.objects.filter(pk=version.pk, is_current=True).exists()
        if was_current and not version.is_current:
            raise ServiceError(
                "This is the current version. Make another version current instead: "
                "letters must always have a policy to enclose."
            )
    elif not PolicyVersion.objects.filter(is_current=True).exists():
        version.is_current = True  # the first version is the current one
    if version.uploaded_by_id is None:
        version.uploaded_by = actor
    if version.is_current:
        # Un-current the others first: the unique constraint allows one current row.
        for other in others:
            other.is_current = False
            workflow.save(other, actor)
    workflow.save(version, actor)
    return version


# --- issuing letters ----------------------------------------------------------------------------

# `letter_issue(seen=PREVIEW)` builds the letter and raises `LetterPreviewed` with it instead
# of issuing it; `seen=<sha256>` issues it only if it is the letter the user checked.
PREVIEW = "preview"


class LetterPreviewed(Exception):  # noqa: N818 - not an error: it carries the letter out
    """The letter a decision would issue, carried out of the decision's transaction, which
    it rolls back: nothing of the decision, nor the letter, is kept."""

    def __init__(self, html: str) -> None:
        super().__init__("letter previewed")
        self.html = html


class LetterChanged(CaseChanged):
    def __init__(self) -> None:
        super().__init__(
            "The letter is no longer the one you checked: the case changed since, or the "
            "date moved on. Nothing was issued. Check the letter as it is now."
        )


def letter_sha256(html: str) -> str:
    """What a preview remembers of the letter it showed."""
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def letter_preview(decide: Callable[..., object], /, **kwargs) -> str:
    """The letter `decide(**kwargs)` would issue, made by the decision's own service.

    `decide` is `letter_issue` or a service that ends by issuing a letter and passes `seen`
    on to it. It runs in full, in a transaction that `LetterPreviewed` then rolls back, so
    what the user checks is the letter itself, not a look-alike built beside it.
    """
    try:
        with transaction.atomic():
            decide(**kwargs, seen=PREVIEW)
    except LetterPreviewed as previewed:
        return previewed.html
    raise ServiceError("This decision writes no letter to the customer.")  # pragma: no cover


def _may_issue_designation(user, case, warning) -> bool:
    return (
        case is not None
        and case.state in DESIGNATION_LETTER_STATES
        and rules.is_senior_manager(case, user)
    )


def _may_issue_formal_warning(user, case, warning) -> bool:
    return (
        case is not None
        and case.formal_warning_id is not None
        and (rules.is_service_manager(case, user) or rules.is_senior_manager(case, user))
    )


def _may_issue_challenge_outcome(user, case, warning) -> bool:
    # The reviewer who decided, or a senior manager of the case re-issuing it.
    return case is not None and (
        case.challenges.filter(decided_by=user).exists()
        or (case.challenges.filter(decided_at__isnull=False).exists()
            and rules.is_senior_manager(case, user))
    )


def _may_issue_review_outcome(user, case, warning) -> bool:
    return (
        case is not None
        and case.reviews.filter(decided_at__isnull=False).exists()
        and rules.is_senior_manager(case, user)
    )


def _may_issue_informal_warning(user, case, warning) -> bool:
    if warning is None or warning.kind != WarningKind.INFORMAL:
        return False
    ids = directorate_ids_for(user)
    return has_role(
        user, Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER
    ) and (ids is None or warning.directorate_id in ids)


# Who may issue each kind of letter: one rule per kind, asked by the service before it
# issues and by the letter steps (letters/steps.py) for the case page's buttons.
MAY_ISSUE = {
    LetterKind.DESIGNATION: _may_issue_designation,
    LetterKind.FORMAL_WARNING: _may_issue_formal_warning,
    LetterKind.CHALLENGE_OUTCOME: _may_issue_challenge_outcome,
    LetterKind.REVIEW_OUTCOME: _may_issue_review_outcome,
    LetterKind.INFORMAL_WARNING: _may_issue_informal_warning,
}


def may_issue(
    user, case: DesignationCase | None, kind: str, warning: Warning | None = None
) -> bool:
    """Who may issue which letter (also asked by the case page to show its buttons)."""
    rule = MAY_ISSUE.get(kind)
    return rule is not None and rule(user, case, warning)


def _refusal(case: DesignationCase | None, kind: str) -> ServiceError:
    if kind == LetterKind.DESIGNATION:
        if case is not None and case.state not in DESIGNATION_LETTER_STATES:
            return CaseChanged(
                f"This case is '{case.get_state_display()}': a designation letter can only "
                "be issued once the customer has been designated. Nothing was issued."
            )
        return NotAllowed("Only a senior manager for this case can issue the designation letter.")
    if kind == LetterKind.FORMAL_WARNING:
        if case is not None and case.formal_warning_id is None:
            return ServiceError("This case has no formal warning to write to the customer about.")
        return NotAllowed("Only a manager for this case can issue the formal warning letter.")
    if kind in (LetterKind.CHALLENGE_OUTCOME, LetterKind.REVIEW_OUTCOME):
        return NotAllowed(
            "An outcome letter follows a recorded decision, and is issued by the person who "
            "decided or a senior manager for this case."
        )
    return NotAllowed("Your role does not allow you to issue this letter.")


def build_letter(
    *,
    actor,
    kind: str,
    case: DesignationCase | None = None,
    warning: Warning | None = None,
    version: int = 1,
    issued_on: dt.date | None = None,
) -> tuple[str, dict]:
    """The letter's HTML and its context, without saving anything (for the preview too)."""
    issued_on = issued_on or timezone.localdate()
    if kind == LetterKind.FORMAL_WARNING and warning is None:
        warning = case.formal_warning
    customer = case.customer if case is not None else warning.customer
    large_print = rendering.needs_large_print(customer)
    if kind == LetterKind.DESIGNATION:
        policy = current_policy()
        if policy is None:
            raise ServiceError(
                "There is no current version of the policy to enclose. An administrator "
                "must add one (Admin, Policy versions) before the letter can be issued."
            )
        context = rendering.designation_context(
            case, issued_on=issued_on, issued_by=actor, version=version,
            large_print=large_print, policy=policy,
        )
    elif kind in (LetterKind.CHALLENGE_OUTCOME, LetterKind.REVIEW_OUTCOME):
        context = rendering.outcome_context(
            case, kind=kind, issued_on=issued_on, issued_by=actor, version=version,
            large_print=large_print,
        )
    else:
        context = rendering.warning_context(
            warning, case=case, issued_on=issued_on, issued_by=actor, version=version,
            large_print=large_print,
        )
    return rendering.render_html(kind, context), context


def next_version(case: DesignationCase | None, warning: Warning | None, kind: str) -> int:
    letters = Letter.objects.filter(kind=kind)
    letters = letters.filter(case=case) if case is not None else letters.filter(
        case__isnull=True, warning=warning
    )
    last = letters.order_by("-version").values_list("version", flat=True).first()
    return (last or 0) + 1


def _lock_letter_subject(
    case: DesignationCase | None, warning: Warning | None, kind: str
) -> tuple[DesignationCase | None, Warning | None]:
    """Lock what the letter belongs to, and find the warning it is about."""
    if case is not None:
        # The row lock also serialises version numbers: two clicks make v1 and v2, not two v1s.
        case = workflow.lock_case(case)
        if kind == LetterKind.FORMAL_WARNING:
            warning = case.formal_warning
        elif kind == LetterKind.INFORMAL_WARNING:
            if warning is None or warning.customer_id != case.customer_id:
                raise ServiceError("Choose one of this customer's informal warnings.")
    else:
        warning = Warning.objects.select_for_update().get(pk=warning.pk)
    return case, warning


def _render_unlocked(
    *, actor, kind: str, case: DesignationCase | None, warning: Warning | None,
    now: dt.datetime,
) -> tuple[str, bytes] | None:
    """Render the letter as it would be issued now, before any lock is taken.

    The PDF takes about half a second: rendered under the case's lock, it would hold up
    everyone else working on the case. `letter_issue` renders the HTML again under the
    lock (milliseconds) and uses this PDF only if the HTML is the same; if the case
    changed in between, it renders again. None if the letter cannot be issued as asked
    (the locked path then says why).
    """
    if kind == LetterKind.FORMAL_WARNING and case is not None:
        warning = case.formal_warning
    if not may_issue(actor, case, kind, warning):
        return None
    try:
        html, _context = build_letter(
            actor=actor, kind=kind, case=case, warning=warning,
            version=next_version(case, warning, kind), issued_on=timezone.localdate(now),
        )
    except ServiceError:
        return None
    return html, rendering.html_to_pdf(html)


def letter_issue(
    *,
    actor,
    kind: str,
    case: DesignationCase | None = None,
    warning: Warning | None = None,
    now: dt.datetime | None = None,
    seen: str | None = None,
) -> Letter:
    """Render a letter, store its HTML and PDF unchanged, and record it on the case.

    `kind` is a LetterKind. The designation and formal warning letters belong to a case;
    an informal warning letter needs only the `warning` (the customer may have no case).
    Re-issuing makes version n+1; earlier versions are never touched.

    Called on its own (the letter pages), the PDF is rendered before the case is locked.
    Called inside another service's transaction (an outcome letter, which states the
    decision just recorded), the case is already locked by that service.

    `seen` is how the pages keep "no letter is issued unseen" (`letters.drafts`): PREVIEW
    raises `LetterPreviewed` with the letter instead of issuing it; the sha256 of the
    letter the user checked issues it only if it is still that letter (`LetterChanged`,
    a 409, if not). Scripts (the demo) pass nothing.
    """
    if kind not in LetterKind.values:
        raise ServiceError("Choose a kind of letter.")
    if case is None and (kind != LetterKind.INFORMAL_WARNING or warning is None):
        raise ServiceError("This letter belongs to a case.")
    now = workflow.now_or(now)
    rendered = (
        None if seen == PREVIEW
        else _render_unlocked(actor=actor, kind=kind, case=case, warning=warning, now=now)
    )
    with transaction.atomic():
        return _issue_locked(
            actor=actor, kind=kind, case=case, warning=warning, now=now, rendered=rendered,
            seen=seen,
        )


def _issue_locked(
    *, actor, kind: str, case: DesignationCase | None, warning: Warning | None,
    now: dt.datetime, rendered: tuple[str, bytes] | None, seen: str | None,
) -> Letter:
    case, warning = _lock_letter_subject(case, warning, kind)
    if not may_issue(actor, case, kind, warning):
        raise _refusal(case, kind)
    issued_on = timezone.localdate(now)
    version = next_version(case, warning, kind)
    html, context = build_letter(
        actor=actor, kind=kind, case=case, warning=warning, version=version,
        issued_on=issued_on,
    )
    if seen == PREVIEW:
        raise LetterPreviewed(html)
    if seen is not None and letter_sha256(html) != seen:
        raise LetterChanged()
    if rendered is not None and rendered[0] == html:
        pdf = rendered[1]
    else:  # the case changed since the unlocked render (rare): render what is true now
        pdf = rendering.html_to_pdf(html)
    customer = case.customer if case is not None else warning.customer
    letter = Letter(
        customer=customer,
        case=case,
        warning=warning,
        kind=kind,
        version=version,
        html=html,
        sha256=hashlib.sha256(pdf).hexdigest(),
        large_print=context["large_print"],
        policy_version=context.get("policy"),
        challenge_last_day=context.get("challenge_last_day"),
        issued_by=actor,
        issued_at=now,
        issued_on=issued_on,
    )
    reference = case.reference if case is not None else customer.reference
    letter.pdf.save(f"{reference}-{kind}-v{version}.pdf", ContentFile(pdf), save=False)
    try:
        workflow.save(letter, actor)
        _record_issue(actor=actor, letter=letter, case=case)
    except BaseException:
        # The file was written before the row; a letter that was not issued leaves none.
        letter.pdf.storage.delete(letter.pdf.name)
        raise
    return letter


def _record_issue(*, actor, letter: Letter, case: DesignationCase | None) -> None:
    if case is None:
        return
    details = [f"Sent to {letter.customer.full_name}"
               + (" in large print." if letter.large_print else ".")]
    if letter.policy_version_id:
        details.append(f"Encloses the policy, {letter.policy_version.in_words}.")
    if letter.challenge_last_day:
        details.append(f"Last day to ask for a review: {_day(letter.challenge_last_day)}.")
    workflow.record_event(
        case,
        actor=actor,
        kind=EventKind.LETTER_ISSUED,
        summary=f"{letter.get_kind_display()} issued (version {letter.version})",
        details=" ".join(details),
        at=letter.issued_at,
    )
    if case.council_informed_at is not None:
        # The council was informed before this letter existed: copy it to the Assistant
        # Director and Service Manager too ("copies of all correspondence").
        enqueue(
            handler="letters.notifications.send_letter_copies",
            args=[letter.pk],
            key=f"letter-copies:{letter.pk}",
        )
    if letter.kind == LetterKind.DESIGNATION:
        case_set_customer_notified(
            actor=actor, case=case, notified_on=letter.issued_on, letter=letter,
            now=letter.issued_at,
        )
        case_activate_if_ready(actor=actor, case=case, now=letter.issued_at)


@transaction.atomic
def case_set_customer_notified(
    *,
    actor,
    case: DesignationCase,
    notified_on: dt.date,
    letter: Letter | None = None,
    now: dt.datetime | None = None,
) -> DesignationCase:
    """Record the day the customer was sent the designation letter.

    That day is "the policy being invoked" for the 14-day challenge window, so a change is
    recorded with its old and new value. A re-issued letter gives the customer a full 14
    days from the letter they hold, so it moves the date on.
    """
    case = workflow.lock_case(case)
    if case.state not in DESIGNATION_LETTER_STATES:
        raise CaseChanged()
    before = case.customer_notified_on
    if before == notified_on:
        return case
    before_last_day = case.challenge_ends_on
    case.customer_notified_on = notified_on
    case.challenge_ends_on = challenge_last_day(notified_on)
    workflow.save(case, actor)
    old = _day(before) if before else "not yet told"
    old_last_day = _day(before_last_day) if before_last_day else "none"
    source = (
        f" by the {letter.get_kind_display().lower()} (version {letter.version})" if letter else ""
    )
    workflow.record_event(
        case,
        actor=actor,
        kind=EventKind.CUSTOMER_NOTIFIED,
        at=now,
        summary=f"Customer told of the designation{source}",
        details=(
            f"Date the customer was told: {old} → {_day(notified_on)}. Last day to ask for "
            f"a review: {old_last_day} → {_day(case.challenge_ends_on)}."
        ),
    )
    return case


# --- informing the council ---------------------------------------------------------------------


def copy_recipients(case: DesignationCase) -> list[dict]:
    """The Assistant Director and Service Manager of the lead and involved directorates."""
    # `.all()`, sorted here: the case page has them prefetched.
    involved = sorted(case.involved_directorates.all(), key=lambda d: (d.name, d.pk))
    directorates = [case.lead_directorate, *involved]
    seen: set[str] = set()
    people = []
    for d in directorates:
        for role, name, email in (
            (RecipientRole.ASSISTANT_DIRECTOR, d.assistant_director_name,
             d.assistant_director_email),
            (RecipientRole.SERVICE_MANAGER, d.service_manager_name, d.service_manager_email),
        ):
            if email and email.lower() not in seen:
                seen.add(email.lower())
                people.append({"role": role, "name": name, "email": email, "directorate": d})
    return people


def staff_who_may_be_informed(case: DesignationCase):
    """Active staff of the case's directorates, with an email address."""
    ids = {case.lead_directorate_id, *(d.pk for d in case.involved_directorates.all())}
    return staff_in_directorates(ids).exclude(email="")


@transaction.atomic
def case_inform_council(
    *,
    actor,
    case: DesignationCase,
    staff: Iterable,
    note: str = "",
    now: dt.datetime | None = None,
) -> CouncilNotice:
    """The senior manager informs staff of the designation and copies all correspondence
    to the Assistant Director and Service Manager (section 2.2). Emails go after commit."""
    case = workflow.lock_case(case)
    if case.state not in INFORM_COUNCIL_STATES:
        raise CaseChanged(
            f"This case is '{case.get_state_display()}': the council is informed once a "
            "customer has been designated. Nothing was sent."
        )
    if not rules.is_senior_manager(case, actor):
        raise NotAllowed("Only a senior manager for this case can inform the council.")
    staff = list({u.pk: u for u in staff}.values())
    if not staff:
        raise ServiceError("Choose the members of staff who need to know.")
    allowed = set(staff_who_may_be_informed(case).values_list("pk", flat=True))
    outside = [u for u in staff if u.pk not in allowed]
    if outside:
        raise ServiceError(
            "Choose staff who work in this case's directorates and have an email address.",
            reasons=[f"{_name(u)} cannot be chosen" for u in outside],
        )
    now = workflow.now_or(now)
    notice = CouncilNotice(case=case, sent_by=actor, sent_at=now, note=(note or "").strip())
    workflow.save(notice, actor)
    letters = list(case.letters.order_by("issued_at", "id"))
    notice.letters.set(letters)
    rows = [
        CouncilNoticeRecipient(
            notice=notice, role=RecipientRole.STAFF, user=u, name=_name(u), email=u.email
        )
        for u in sorted(staff, key=lambda u: _name(u))
    ] + [CouncilNoticeRecipient(notice=notice, **p) for p in copy_recipients(case)]
    for row in rows:
        workflow.save(row, actor)

    before = case.council_informed_at
    if before is None:
        case.council_informed_at = now
        workflow.save(case, actor)
    staff_rows = [r for r in rows if r.role == RecipientRole.STAFF]
    copy_rows = [r for r in rows if r.role != RecipientRole.STAFF]
    details = [
        "Staff informed: " + "; ".join(f"{r.name} ({r.email})" for r in staff_rows) + ".",
        "Copies of all correspondence to: "
        + ("; ".join(f"{r.name}, {r.get_role_display().split(' (')[0]}, {r.directorate.name} "
                     f"({r.email})" for r in copy_rows) or "nobody (no addresses recorded)")
        + ".",
        "Letters copied: "
        + ("; ".join(f"{x.get_kind_display()} version {x.version} of {_day(x.issued_on)}"
                     for x in letters) or "none issued yet")
        + ".",
    ]
    if notice.note:
        details.append(f"Note: {notice.note}")
    if before is not None:
        first = timezone.localtime(before)
        details.append(f"The council was first informed on {_day(first)} at {first:%H:%M}.")
    workflow.record_event(
        case,
        actor=actor,
        kind=EventKind.COUNCIL_INFORMED,
        summary=f"Council informed: {len(staff_rows)} member{'s' if len(staff_rows) != 1 else ''} "
        f"of staff, copies to {len(copy_rows)} manager{'s' if len(copy_rows) != 1 else ''}",
        details="\n".join(details),
        at=now,
    )
    enqueue(
        handler="letters.notifications.send_council_notice",
        args=[notice.pk],
        key=f"council-notice:{notice.pk}",
    )
    case_activate_if_ready(actor=actor, case=case, now=now)
    return notice


@transaction.atomic
def council_notice_mark_emailed(*, notice_id: int) -> CouncilNotice | None:
    """Record that a notice's emails went; None if they already had (a task run twice)."""
    notice = CouncilNotice.objects.select_for_update().get(pk=notice_id)
    if notice.emailed_at is not None:
        return None
    notice.emailed_at = timezone.now()
    workflow.save(notice, None)
    return notice


# --- housekeeping ------------------------------------------------------------------------------


def remove_orphan_pdfs(
    *, older_than: dt.timedelta = dt.timedelta(days=1), now: dt.datetime | None = None
) -> list[str]:
    """Delete letter PDFs that no `Letter` row points to: written by a `letter_issue` whose
    outer transaction later rolled back. Only files older than `older_than`, so a letter
    being issued right now (file written, row not yet committed) is never touched.
    Returns the names removed."""
    storage = Letter._meta.get_field("pdf").storage
    cutoff = workflow.now_or(now) - older_than
    removed: list[str] = []

    def walk(folder: str):
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            yield f"{folder}/{name}"
        for sub in folders:
            yield from walk(f"{folder}/{sub}")

    candidates = [
        name for name in walk("letters")
        if name.endswith(".pdf") and storage.get_modified_time(name) < cutoff
    ]
    known = set(
        Letter.objects.filter(pdf__in=candidates).values_list("pdf", flat=True)
    )
    for name in candidates:
        if name not in known:
            storage.delete(name)
            removed.append(name)
    if removed:
        logger.warning("Removed %s letter PDF(s) with no letter: %s", len(removed), removed)
    return removed
