"""Letters to HTML and to PDF.

The HTML is a Django template under `templates/letters/`, with the stylesheet inlined so
the stored HTML is complete on its own. The PDF is made from that same HTML by WeasyPrint,
with system fonts (DejaVu Sans) and a URL fetcher that refuses anything but local files:
a letter never depends on, or leaks anything to, the network.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.roles import Role, role_labels
from cases.deadlines import challenge_last_day
from cases.models import Customer, DesignationCase, Matter, MatterKind, Warning
from letters.models import LetterKind, PolicyVersion
from sanctions.models import WEEKDAYS, CallPeriod, Sanction, SanctionKind, SanctionStatus

LETTER_TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates" / "letters"

# WeasyPrint logs every layout step at INFO; only its warnings are worth a log line.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def needs_large_print(customer: Customer) -> bool:
    """Large print when the customer asked for it, or their needs say so in words."""
    needs = " ".join((customer.communication_needs or "").lower().split())
    return bool(customer.large_print) or "large print" in needs or "large-print" in needs


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _job_title(user) -> str:
    profile = getattr(user, "staff_profile", None)
    title = getattr(profile, "job_title", "") if profile is not None else ""
    if title:
        return title
    labels = [label for label in role_labels(user) if label != Role.ADMINISTRATOR.label]
    return labels[-1] if labels else ""


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# The section 2.1 lists read differently, so each gets its own lead-in.
INDICATOR_LEAD_INS = [
    ("persistence", "Your complaints, requests or enquiries:"),
    ("behaviour", "Your behaviour towards our staff has included:"),
    ("action", "The way you have dealt with us has included:"),
]


def indicator_groups(indicators) -> list[tuple[str, list[str]]]:
    """The indicators relied on, grouped under a plain-English lead-in for each list."""
    groups = []
    for group, lead_in in INDICATOR_LEAD_INS:
        texts = [i.text for i in indicators if i.group == group]
        if texts:
            groups.append((lead_in, texts))
    return groups


# --- the policy as an enclosure ---------------------------------------------------------------

_HEADING = re.compile(r"^\d+(\.\d+)*\.?\s+\S")
_BULLET = re.compile(r"^\s*[-•]\s+")


def policy_html(text: str) -> SafeString:
    """The policy's plain text as simple HTML: numbered headings, bullet lists, and the
    tab-separated change history as a table. Everything else is a paragraph."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    out: list[str] = []
    for block in blocks:
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and _HEADING.match(lines[0]) and len(lines[0]) < 70:
            out.append(f"<h2>{escape(lines[0].strip())}</h2>")
        elif any("\t" in line for line in lines):
            if len([c for c in lines[0].split("\t") if c.strip()]) == 1:
                out.append(f"<h2>{escape(lines.pop(0).strip())}</h2>")
            rows = []
            for n, line in enumerate(lines):
                tag = "th" if n == 0 else "td"
                cells = "".join(
                    f"<{tag}>{escape(c.strip())}</{tag}>" for c in line.split("\t") if c.strip()
                )
                rows.append(f"<tr>{cells}</tr>")
            out.append('<table class="policy-table">' + "".join(rows) + "</table>")
        elif _BULLET.match(lines[0]):
            # Lines that do not start with a bullet continue the item above (the PDF the
            # text came from wrapped some items).
            items: list[str] = []
            for line in lines:
                if _BULLET.match(line):
                    items.append(_BULLET.sub("", line).strip())
                else:
                    items[-1] += " " + line.strip()
            out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
        else:
            out.append("<p>" + "<br>".join(escape(line.strip()) for line in lines) + "</p>")
    return mark_safe("\n".join(out))  # noqa: S308 - every piece of text is escaped above


# --- sanctions in plain words ----------------------------------------------------------------


def matter_in_words(matter: Matter) -> str:
    """A matter as the customer knows it: "your complaint about “Missed bin collections”,
    received on 3 March 2025". Never its internal code alone: that means nothing to them."""
    kind = MatterKind(matter.kind).label.lower() if matter.kind in MatterKind.values else "matter"
    received = f", received on {matter.received_on.day} {matter.received_on:%B %Y}" \
        if matter.received_on else ""
    return f"your {kind} about \u201c{matter.summary}\u201d{received}"


def sanction_in_plain_words(sanction) -> dict:
    """One sanction as the customer reads it, in the second person: what it means (`what`,
    and `short` for the summary list), where, for how long, and why."""
    kind = sanction.kind
    if kind == SanctionKind.TIME_LIMIT:
        what = (
            f"Telephone calls and meetings in person with you will last no more than "
            f"{sanction.max_minutes} minutes."
        )
        short = f"Calls and meetings with you last no more than {sanction.max_minutes} minutes."
    elif kind == SanctionKind.CALL_LIMIT:
        n = sanction.calls_per_week
        days = _join([WEEKDAYS[d] + "s" for d in sorted(sanction.weekdays)])
        period = {
            CallPeriod.MORNING: " in the morning (before 12 noon)",
            CallPeriod.AFTERNOON: " in the afternoon (from 12 noon)",
        }.get(sanction.call_period, "")
        calls = f"{n} telephone call{'s' if n != 1 else ''}"
        what = (
            f"We will take no more than {calls} from you "
            f"a week, on {days}{period}. We will not take calls at other times."
        )
        short = f"You may call us no more than {n} time{'s' if n != 1 else ''} a week, " \
            f"on {days}{period}."
    elif kind == SanctionKind.SINGLE_MEDIUM:
        medium = sanction.get_allowed_channel_display().lower()
        what = (
            f"Please contact us only by {medium}. We will not deal with contact made in "
            "any other way."
        )
        short = f"You may contact us only by {medium}."
    elif kind == SanctionKind.NAMED_OFFICER:
        what = (
            f"Please contact only {_name(sanction.named_officer)}. They will deal with "
            "everything you raise with us."
        )
        short = f"You may contact only {_name(sanction.named_officer)}."
    elif kind == SanctionKind.WITNESS:
        what = "Any meeting with you in person will have a second member of staff present."
        short = "A second member of staff will be at any meeting with you in person."
    elif kind == SanctionKind.REFUSE_COMPLAINTS:
        matters = [matter_in_words(m) for m in sanction.matters.all()]
        about = _join(matters) if matters else "the same matter"
        what = (
            f"We will not register or deal with further complaints or requests about "
            f"{about}, because we have already dealt with it. We will still read what you "
            "send about it, in case it contains important new information."
        )
        short = (f"We will read, but not deal with again, further complaints or requests "
                 f"about {about}.")
    elif kind == SanctionKind.OFFICE_ACCESS:
        where = "any council office" if sanction.all_offices else sanction.offices
        what = f"You may not visit {where} in person."
        short = what
    elif kind == SanctionKind.POLICE_OR_LEGAL:
        what = (
            "Because of the way you have behaved towards our staff, we have involved the "
            f"police or taken legal action (reference {sanction.reference})."
        )
        short = f"We have involved the police or taken legal action (reference " \
            f"{sanction.reference})."
    else:  # a kind added later and not yet worded here
        what = sanction.get_kind_display() + "."
        short = what
    if sanction.council_wide:
        scope = "This applies to all council services."
    else:
        scope = (
            "This applies to your contact with "
            + _join([d.name for d in sanction.directorates.all()])
            + "."
        )
    return {
        "title": sanction.get_kind_display(),
        "what": what,
        "short": short,
        "scope": scope,
        "why": sanction.reasons,
        "starts_on": sanction.starts_on,
        "ends_on": sanction.ends_on,
    }


# --- context for each kind ---------------------------------------------------------------------


def _common(*, customer: Customer, issued_on: dt.date, issued_by, reference: str,
            version: int, large_print: bool, directorate=None) -> dict:
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_address": settings.COUNCIL_ADDRESS,
        "customer": customer,
        "issued_on": issued_on,
        "reference": reference,
        "version": version,
        "large_print": large_print,
        "directorate": directorate,
        "signatory_name": _name(issued_by),
        "signatory_title": _job_title(issued_by),
    }


def designation_context(
    case: DesignationCase, *, issued_on: dt.date, issued_by, version: int,
    large_print: bool, policy: PolicyVersion,
) -> dict:
    sanctions = _standing_sanctions(case)
    indicators = list(case.decision_indicators.all())
    return {
        **_common(
            customer=case.customer, issued_on=issued_on, issued_by=issued_by,
            reference=case.reference, version=version, large_print=large_print,
            directorate=case.lead_directorate,
        ),
        "case": case,
        "policy": policy,
        "policy_html": policy_html(policy.text),
        "decision_reasons": case.decision_reasons,
        "indicators": indicators,
        "indicator_groups": indicator_groups(indicators),
        "sanctions": [sanction_in_plain_words(s) for s in sanctions],
        "restrictions_end": max((s.ends_on for s in sanctions), default=None),
        "review_due_on": case.review_due_on,
        "designated_on": case.designated_on,
        "challenge_last_day": challenge_last_day(issued_on),
        "review_team": settings.REVIEW_REQUESTS_TEAM,
        "review_email": settings.REVIEW_REQUESTS_EMAIL,
        "review_url": settings.REVIEW_REQUESTS_URL,
        "has_complaint": case.customer.matters.filter(kind=MatterKind.COMPLAINT).exists(),
    }


def warning_context(
    warning: Warning, *, case: DesignationCase | None, issued_on: dt.date, issued_by,
    version: int, large_print: bool,
) -> dict:
    return {
        **_common(
            customer=warning.customer, issued_on=issued_on, issued_by=issued_by,
            reference=case.reference if case else warning.customer.reference,
            version=version, large_print=large_print, directorate=warning.directorate,
        ),
        "case": case,
        "warning": warning,
        "behaviours": list(warning.behaviours.all()),
        "indicator_groups": indicator_groups(list(warning.behaviours.all())),
        "given_by_name": _name(warning.given_by),
    }


def _standing_sanctions(case: DesignationCase) -> list:
    return list(
        Sanction.objects.filter(case=case, status=SanctionStatus.ACTIVE)
        .select_related("named_officer")
        .prefetch_related(
            "directorates",
            Prefetch("matters", queryset=Matter.objects.only(
                "id", "reference", "summary", "kind", "received_on")),
        )
        .order_by("starts_on", "id")
    )


def outcome_context(
    case: DesignationCase, *, kind: str, issued_on: dt.date, issued_by, version: int,
    large_print: bool,
) -> dict:
    """The outcome of the latest decided challenge or six-month review, for its letter."""
    if kind == LetterKind.CHALLENGE_OUTCOME:
        decision = case.challenges.filter(decided_at__isnull=False).latest("decided_at", "id")
        reasons = decision.outcome_reasons
    else:
        decision = case.reviews.filter(decided_at__isnull=False).latest("decided_at", "id")
        reasons = decision.reasons
    still_designated = case.state != "closed"
    sanctions = _standing_sanctions(case) if still_designated else []
    return {
        **_common(
            customer=case.customer, issued_on=issued_on, issued_by=issued_by,
            reference=case.reference, version=version, large_print=large_print,
            directorate=case.lead_directorate,
        ),
        "case": case,
        "decision": decision,
        "outcome": decision.outcome,
        "reasons": reasons,
        "designated_on": case.designated_on,
        "still_designated": still_designated,
        "sanctions": [sanction_in_plain_words(s) for s in sanctions],
        "review_due_on": case.review_due_on,
        "decided_by_name": _name(decision.decided_by),
        "has_complaint": case.customer.matters.filter(kind=MatterKind.COMPLAINT).exists(),
    }


# --- output ------------------------------------------------------------------------------------


TEMPLATES = {
    LetterKind.INFORMAL_WARNING: "letters/informal_warning.html",
    LetterKind.FORMAL_WARNING: "letters/formal_warning.html",
    LetterKind.DESIGNATION: "letters/designation.html",
    LetterKind.CHALLENGE_OUTCOME: "letters/challenge_outcome.html",
    LetterKind.REVIEW_OUTCOME: "letters/review_outcome.html",
}


def render_html(kind: str, context: dict) -> str:
    return render_to_string(TEMPLATES[LetterKind(kind)], context)


def _local_fetcher():
    # WeasyPrint is imported only when a PDF is made: it loads Pango and its fonts, about
    # a second, which no page that only shows a letter should pay.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Only files inside templates/letters/ (and inline data:) may be loaded."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(LETTER_TEMPLATES_DIR.resolve()) and path.is_file():
                    return URLFetcherResponse(url, path.read_bytes())
            raise ValueError(f"Letters load no external resources: {url[:80]}")

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


class UntitledDocument(ValueError):
    """HTML for a PDF with no language or no title: a screen reader could not announce it."""


_LANG = re.compile(r"<html\b[^>]*\blang=\"[A-Za-z]{2,3}(-[A-Za-z0-9]+)*\"", re.IGNORECASE)
_TITLE = re.compile(r"<title>\s*[^<\s][^<]*</title>", re.IGNORECASE)


def html_to_pdf(html: str) -> bytes:
    """The PDF of a document's HTML (a letter, the quarterly report, the Ombudsman bundle).
    Takes about half a second for a letter.

    Every PDF the system makes comes from here (tests/test_structure.py fails on a
    `write_pdf` anywhere else), so every one is tagged for screen readers: PDF/UA-1, which
    in WeasyPrint means a structure tree from the HTML's elements (MarkInfo /Marked), the
    document language from `<html lang>`, and the `<title>` as the title a reader shows
    (DisplayDocTitle). HTML without either is refused rather than made into a PDF that
    cannot say what it is or how to pronounce it.
    """
    import weasyprint  # only when a PDF is made: see _local_fetcher

    if not _LANG.search(html) or not _TITLE.search(html):
        raise UntitledDocument("A PDF needs <html lang=\"...\"> and a <title>.")
    document = weasyprint.HTML(
        string=html,
        base_url=LETTER_TEMPLATES_DIR.as_uri() + "/",
        url_fetcher=_local_fetcher(),
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")
