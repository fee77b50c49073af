"""The subject access disclosure: everything held about one customer, as one ZIP.

The ZIP holds `index.html` and `index.pdf` (the same document: every record, its fields and
its history), the uploaded correspondence as it was received (`correspondence/`), and the
letters as their stored PDFs (`letters/`).

Files are reviewed one by one (`governance.models.SarFileDecision`): the release copy leaves
out a withheld file and lists it, with the reason, in its index; a file included after
review is marked so. A letter's PDF is made from its stored HTML, so the release copy
regenerates a letter from its redacted text when a marked phrase (or a whole passage
withheld) appears in it. The internal copy keeps every file as it is.

Free text is where other people's personal data hides (a neighbour named in a contact's
summary), so every free-text value is a `Passage` with a stable key, listed for the officer
to review. A redaction marks a passage, or a phrase in it (withheld then from every
passage), and is applied when the document is rendered for release: the records themselves,
and the internal copy, are never changed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.text import get_valid_filename

from cases.models import (
    AlternativeConsideration,
    CaseEvent,
    Contact,
    ContactAttachment,
    Correction,
    Customer,
    DesignationCase,
    DisputeStatement,
    Matter,
    PreconditionCheck,
    Warning,
)
from governance import access
from letters import rendering
from letters.models import CouncilNotice, Letter
from reviews.models import Challenge, Review
from sanctions.models import ContactBreach, Sanction

REDACTED = "[redacted]"
# Fields a disclosure never shows as fields: internal bookkeeping, or carried another way
# (a letter's HTML is its PDF, in letters/).
SKIPPED_FIELDS = {"phone_digits", "name_key", "email_key", "postcode_key", "postcode_outward",
                  "address_key", "html", "version"}
# Free text long enough to name someone. The customer's own name is theirs to see.
FREE_TEXT_MIN_LENGTH = 200
NOT_FREE_TEXT = {("cases.customer", "full_name"), ("cases.contactattachment", "original_name")}


@dataclass(frozen=True)
class Passage:
    """A free-text value of one record, which an officer may redact for release."""

    key: str  # "<app.model>:<pk>:<field>"
    where: str  # "Contact 12, summary"
    text: str


@dataclass
class Redactions:
    """The marks of one request, by passage: whole passages, and phrases within others."""

    whole: set[str] = field(default_factory=set)
    phrases: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, marks: Iterable) -> Redactions:
        found = cls()
        for mark in marks:
            if mark.phrase:
                found.phrases.setdefault(mark.passage, []).append(mark.phrase)
            else:
                found.whole.add(mark.passage)
        return found

    def apply(self, key: str, text: str) -> str:
        """`text` (the value of passage `key`) as released: withheld whole if marked so,
        else with every marked phrase withheld. A phrase is withheld wherever it appears,
        not only in the passage it was marked in: a contact's summary is copied into the
        case's chronology and the breach it caused, and a neighbour's name must go from
        every copy."""
        if key in self.whole:
            return REDACTED
        for phrase in self.all_phrases:
            text = re.sub(re.escape(phrase), REDACTED, text, flags=re.IGNORECASE)
        return text

    @property
    def all_phrases(self) -> list[str]:
        """Longest first, so a phrase inside a longer one does not break it up."""
        return sorted({p for ps in self.phrases.values() for p in ps}, key=len, reverse=True)


NO_REDACTIONS = Redactions()


def file_key(obj: ContactAttachment | Letter) -> str:
    """The key a file decision names: "attachment:<pk>" or "letter:<pk>"."""
    return f"{'letter' if isinstance(obj, Letter) else 'attachment'}:{obj.pk}"


@dataclass
class FileDecisions:
    """The decisions of one request on its files, by file key: withheld (with the reason)
    and included after review. A file with neither is included (the release needs a
    decision on every file, `services.sar_release`, so only the internal copy has any)."""

    withheld: dict[str, str] = field(default_factory=dict)
    reviewed: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, decisions: Iterable) -> FileDecisions:
        found = cls()
        for d in decisions:
            if d.decision == "withhold":
                found.withheld[d.file] = d.reason
            elif d.decision == "reviewed":
                found.reviewed.add(d.file)
        return found

    def status(self, key: str, *, release: bool) -> str:
        if key in self.withheld:
            return (f"Withheld: {self.withheld[key]}" if release
                    else f"Withheld from the release copy: {self.withheld[key]}")
        if key in self.reviewed:
            return "Included, reviewed before release"
        return "Included"


NO_FILE_DECISIONS = FileDecisions()


@dataclass
class Row:
    label: str
    value: str


@dataclass
class Change:
    at: dt.datetime
    by: str
    what: str  # "Created", "Changed", "Deleted"
    changes: list[Row]


@dataclass
class Item:
    anchor: str
    title: str
    rows: list[Row]
    history: list[Change] = field(default_factory=list)


@dataclass
class Section:
    slug: str
    title: str
    items: list[Item]


def _label(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def passage_key(obj: models.Model, name: str) -> str:
    return f"{_label(obj)}:{obj.pk}:{name}"


def _is_free_text(obj: models.Model | type[models.Model], f: models.Field) -> bool:
    if (_label(obj), f.name) in NOT_FREE_TEXT or f.choices:
        return False
    return isinstance(f, models.TextField) or (
        isinstance(f, models.CharField) and (f.max_length or 0) >= FREE_TEXT_MIN_LENGTH
    )


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _show(value, f: models.Field | None = None) -> str:
    """A field's value as the customer reads it."""
    if value is None or value == "":
        return ""
    if isinstance(value, get_user_model()):
        return _person(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if f is not None and f.choices:
        return str(dict(f.flatchoices).get(value, value))
    return str(value)


def _fields(obj: models.Model) -> Iterator[models.Field]:
    for f in obj._meta.concrete_fields:
        if f.name in SKIPPED_FIELDS or f.primary_key or isinstance(f, models.FileField):
            continue
        yield f


def _rows(obj: models.Model, redactions: Redactions) -> list[Row]:
    rows = []
    for f in _fields(obj):
        value = getattr(obj, f.name)
        text = _show(value, f)
        if text and _is_free_text(obj, f):
            text = redactions.apply(passage_key(obj, f.name), text)
        if text:
            rows.append(Row(str(f.verbose_name).capitalize(), text))
    for m2m in obj._meta.many_to_many:
        names = ", ".join(str(x) for x in getattr(obj, m2m.name).all())
        if names:
            rows.append(Row(str(m2m.verbose_name).capitalize(), names))
    return rows


HISTORY_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _changes(model: type[models.Model], pk: int, records: list,
             redactions: Redactions) -> list[Change]:
    """One record's history rows (oldest first), each with what it changed."""
    # Many-to-many changes are not shown, and diffing them costs a query per row.
    m2m = [f.name for f in model._meta.many_to_many]
    out = []
    previous = None
    for record in records:
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=m2m,
                                        foreign_keys_are_objs=False)
            for change in delta.changes:
                f = model._meta.get_field(change.field)
                if f.name in SKIPPED_FIELDS or f.many_to_many:
                    continue
                old, new = _show(change.old, f), _show(change.new, f)
                if _is_free_text(model, f):
                    key = f"{model._meta.label_lower}:{pk}:{f.name}"
                    old, new = redactions.apply(key, old), redactions.apply(key, new)
                changes.append(Row(str(f.verbose_name).capitalize(), f"{old or '(empty)'} → "
                                   f"{new or '(empty)'}"))
        out.append(Change(at=record.history_date, by=_person(record.history_user),
                          what=HISTORY_TYPES.get(record.history_type, record.history_type),
                          changes=changes))
        previous = record
    return out


class Histories:
    """The history of every record a disclosure shows, one query per kind of record (not
    one per record: a customer with 300 contacts would cost 300 queries)."""

    def __init__(self, redactions: Redactions) -> None:
        self.redactions = redactions
        self._loaded: dict[type[models.Model], dict[int, list[Change]]] = {}

    def load(self, objs: Iterable[models.Model]) -> None:
        """Fetch the history of `objs` (all of one model) in one query."""
        objs = list(objs)
        if not objs or not hasattr(type(objs[0]), "history"):
            return
        model = type(objs[0])
        pk = model._meta.pk.attname
        by_pk: dict[int, list] = {obj.pk: [] for obj in objs}
        rows = (model.history.model.objects.filter(**{f"{pk}__in": list(by_pk)})
                .select_related("history_user").order_by(pk, "history_date", "history_id"))
        for row in rows:
            by_pk[getattr(row, pk)].append(row)
        found = self._loaded.setdefault(model, {})
        for key, records in by_pk.items():
            found[key] = _changes(model, key, records, self.redactions)

    def of(self, obj: models.Model) -> list[Change]:
        model = type(obj)
        if not hasattr(model, "history"):
            return []
        if obj.pk not in self._loaded.get(model, {}):
            self.load([obj])
        return self._loaded[model][obj.pk]


def _item(obj: models.Model, title: str, redactions: Redactions,
          histories: Histories | None = None, *, with_history: bool = True) -> Item:
    if with_history:
        histories = histories or Histories(redactions)
    return Item(anchor=f"{obj._meta.model_name}-{obj.pk}", title=title,
                rows=_rows(obj, redactions),
                history=histories.of(obj) if with_history else [])


@dataclass
class Records:
    """Everything held about one customer, loaded once."""

    customer: Customer
    matters: list[Matter]
    contacts: list[Contact]
    attachments: list[ContactAttachment]
    warnings: list[Warning]
    cases: list[DesignationCase]
    events: list[CaseEvent]
    preconditions: list[PreconditionCheck]
    alternatives: list[AlternativeConsideration]
    sanctions: list[Sanction]
    breaches: list[ContactBreach]
    letters: list[Letter]
    notices: list[CouncilNotice]
    challenges: list[Challenge]
    reviews: list[Review]
    corrections: list[Correction]
    disputes: list[DisputeStatement]

    @classmethod
    def of(cls, customer: Customer) -> Records:
        by_case = {"case__customer": customer}
        return cls(
            customer=customer,
            matters=list(customer.matters.select_related("directorate", "created_by")
                         .order_by("received_on", "pk")),
            contacts=list(customer.contacts.select_related(
                "directorate", "handled_by", "logged_by", "matter"
            ).prefetch_related("indicators").order_by("occurred_at", "pk")),
            attachments=list(ContactAttachment.objects.filter(contact__customer=customer)
                             .select_related("uploaded_by").order_by("pk")),
            warnings=list(customer.warnings.select_related("directorate", "given_by", "case")
                          .prefetch_related("behaviours").order_by("given_on", "pk")),
            cases=list(customer.cases.select_related("lead_directorate").order_by("pk")),
            events=list(CaseEvent.objects.filter(**by_case).select_related("actor", "case")
                        .order_by("at", "pk")),
            preconditions=list(PreconditionCheck.objects.filter(**by_case)
                               .select_related("confirmed_by", "case").order_by("pk")),
            alternatives=list(AlternativeConsideration.objects.filter(**by_case)
                              .select_related("recorded_by", "case").order_by("pk")),
            sanctions=list(Sanction.objects.filter(**by_case).select_related("case")
                           .order_by("starts_on", "pk")),
            breaches=list(ContactBreach.objects.filter(contact__customer=customer)
                          .select_related("contact", "sanction").order_by("pk")),
            letters=list(customer.letters.select_related("case", "issued_by").order_by("pk")),
            notices=list(CouncilNotice.objects.filter(**by_case).select_related("case")
                         .order_by("pk")),
            challenges=list(Challenge.objects.filter(**by_case).select_related("case")
                            .order_by("received_on", "pk")),
            reviews=list(Review.objects.filter(**by_case).select_related("case")
                         .order_by("due_on", "pk")),
            corrections=list(customer.corrections.select_related("corrected_by")
                             .order_by("corrected_at", "pk")),
            disputes=list(customer.disputes.order_by("pk")),
        )

    def free_text_records(self) -> Iterator[tuple[models.Model, str]]:
        yield self.customer, f"Your record ({self.customer.reference})"
        for m in self.matters:
            yield m, f"Matter {m.reference}"
        for c in self.contacts:
            yield c, f"Contact on {_show(c.occurred_at)}"
        for w in self.warnings:
            yield w, f"Warning given on {_show(w.given_on)}"
        for case in self.cases:
            yield case, f"Case {case.reference}"
        for e in self.events:
            yield e, f"Case {e.case.reference}, chronology entry of {_show(e.at)}"
        for p in self.preconditions:
            yield p, f"Case {p.case.reference}, condition checked"
        for a in self.alternatives:
            yield a, f"Case {a.case.reference}, alternative considered"
        for s in self.sanctions:
            yield s, f"Case {s.case.reference}, restriction from {_show(s.starts_on)}"
        for b in self.breaches:
            yield b, f"Breach recorded on {_show(b.recorded_at)}"
        for n in self.notices:
            yield n, f"Case {n.case.reference}, council notice"
        for ch in self.challenges:
            yield ch, f"Case {ch.case.reference}, request for a review received " \
                      f"{_show(ch.received_on)}"
        for r in self.reviews:
            yield r, f"Case {r.case.reference}, six-month review due {_show(r.due_on)}"
        for c in self.corrections:
            yield c, f"Correction of {c.label.lower()} on {_show(c.corrected_at)}"
        for d in self.disputes:
            yield d, f"Statement disputing a record, received {_show(d.received_on)}"


def passages(customer: Customer) -> list[Passage]:
    """Every free-text value in the customer's records, for the officer to review before
    release (current values; a phrase marked is also withheld from the history)."""
    found = []
    for obj, where in Records.of(customer).free_text_records():
        for f in _fields(obj):
            value = getattr(obj, f.name)
            if value and _is_free_text(obj, f):
                found.append(Passage(passage_key(obj, f.name),
                                     f"{where}: {str(f.verbose_name).lower()}", str(value)))
    return found


def _file_item(obj, title: str, redactions: Redactions, histories: Histories,
               files: FileDecisions, *, release: bool, with_history: bool = True) -> Item:
    item = _item(obj, title, redactions, histories, with_history=with_history)
    item.rows.append(Row("In this copy", files.status(file_key(obj), release=release)))
    return item


def _sections(records: Records, redactions: Redactions, files: FileDecisions = NO_FILE_DECISIONS,
              *, release: bool = False) -> list[Section]:
    r, red = records, redactions
    hist = Histories(red)
    for kind in (r.matters, r.contacts, r.warnings, r.cases, r.preconditions, r.alternatives,
                 r.sanctions, r.letters, r.notices, r.challenges, r.reviews, r.corrections,
                 r.disputes):
        hist.load(kind)
    attachments_by_contact: dict[int, list[ContactAttachment]] = {}
    for a in r.attachments:
        attachments_by_contact.setdefault(a.contact_id, []).append(a)
    contacts = []
    for c in r.contacts:
        item = _item(c, f"Contact on {_show(c.occurred_at)}", red, hist)
        for a in attachments_by_contact.get(c.pk, ()):
            withheld = release and file_key(a) in files.withheld
            item.rows.append(Row("Correspondence", f"{attachment_name(a)} (withheld)"
                                 if withheld else attachment_name(a)))
        contacts.append(item)
    return [
        Section("record", "Your record", [_item(r.customer, r.customer.full_name, red, hist)]),
        Section("matters", "Matters",
                [_item(m, f"Matter {m.reference}", red, hist) for m in r.matters]),
        Section("contacts", "Contacts", contacts),
        Section("correspondence", "Correspondence you sent us",
                [_file_item(a, attachment_name(a), red, hist, files, release=release,
                            with_history=False) for a in r.attachments]),
        Section("warnings", "Warnings",
                [_item(w, f"Warning given on {_show(w.given_on)}", red, hist)
                 for w in r.warnings]),
        Section("cases", "Cases", [_item(c, f"Case {c.reference}", red, hist) for c in r.cases]),
        Section("chronology", "Case chronology", [
            _item(e, f"Case {e.case.reference}, {_show(e.at)}", red, with_history=False)
            for e in r.events
        ]),
        Section("conditions", "Conditions and alternatives considered",
                [_item(p, f"Case {p.case.reference}: condition", red, hist)
                 for p in r.preconditions]
                + [_item(a, f"Case {a.case.reference}: alternative", red, hist)
                   for a in r.alternatives]),
        Section("sanctions", "Restrictions",
                [_item(s, f"Case {s.case.reference}: {s.get_kind_display()}", red, hist)
                 for s in r.sanctions]),
        Section("breaches", "Breaches of a restriction",
                [_item(b, f"Breach recorded on {_show(b.recorded_at)}", red, with_history=False)
                 for b in r.breaches]),
        Section("letters", "Letters",
                [_file_item(x, f"{x.get_kind_display()}: {letter_name(x)}", red, hist, files,
                            release=release) for x in r.letters]),
        Section("notices", "Notices to council staff",
                [_item(n, f"Case {n.case.reference}: notice", red, hist) for n in r.notices]),
        Section("challenges", "Requests for a review",
                [_item(ch, f"Case {ch.case.reference}: request received {_show(ch.received_on)}",
                       red) for ch in r.challenges]),
        Section("reviews", "Six-month reviews",
                [_item(rv, f"Case {rv.case.reference}: review due {_show(rv.due_on)}", red, hist)
                 for rv in r.reviews]),
        # Corrections keep the old value beside the new; the customer's own statements
        # disputing a record go wherever the record goes (issue 11, requirement 4).
        Section("corrections", "Corrections to your records",
                [_item(c, f"{c.label} corrected on {_show(c.corrected_at)}", red, hist)
                 for c in r.corrections]),
        Section("disputes", "Your statements disputing a record",
                [_item(d, f"Statement received on {_show(d.received_on)}", red, hist)
                 for d in r.disputes]),
    ]


def attachment_name(a: ContactAttachment) -> str:
    return f"correspondence/{a.pk}-{get_valid_filename(a.original_name) or 'file'}"


def letter_name(letter: Letter) -> str:
    return f"letters/{letter.pk}-{letter.get_kind_display().lower().replace(' ', '-')}.pdf"


def withheld_files(records: Records, files: FileDecisions) -> list[tuple[str, str, str]]:
    """(name in the ZIP, what it is, why withheld) for every file the release leaves out."""
    found = [(attachment_name(a), f"Correspondence received {_show(a.uploaded_at)}",
              files.withheld[file_key(a)])
             for a in records.attachments if file_key(a) in files.withheld]
    found += [(letter_name(x), f"{x.get_kind_display()} sent {_show(x.issued_on)}",
               files.withheld[file_key(x)])
              for x in records.letters if file_key(x) in files.withheld]
    return found


def _withheld_texts(records: Records, redactions: Redactions) -> list[str]:
    """The text of every passage withheld whole, longest first (to redact in letters)."""
    if not redactions.whole:
        return []
    texts = []
    for obj, _where in records.free_text_records():
        for f in _fields(obj):
            value = getattr(obj, f.name)
            if value and passage_key(obj, f.name) in redactions.whole:
                texts.append(str(value))
    return sorted(set(texts), key=len, reverse=True)


def redact_letter_html(html: str, redactions: Redactions, whole_texts: Iterable[str] = ()) -> str:
    """A letter's stored HTML with the marked phrases (and passages withheld whole, where
    the letter quotes them) replaced, as the letter text is escaped in the HTML."""
    for text in [*whole_texts, *redactions.all_phrases]:
        for form in {escape(text), escape(text).replace("\n", "<br>")}:
            html = re.sub(re.escape(form), REDACTED, html, flags=re.IGNORECASE)
    return html


def _context(request_, records: Records, redactions: Redactions, *, release: bool,
             now: dt.datetime, files: FileDecisions, regenerated: frozenset[int]) -> dict:
    return {
        "sar": request_,
        "customer": records.customer,
        "sections": _sections(records, redactions, files, release=release),
        "withheld_files": withheld_files(records, files) if release else [],
        "regenerated": sorted(letter_name(x) for x in records.letters if x.pk in regenerated),
        "access": access.entries_about(records.customer),
        "release": release,
        "now": now,
        "council_name": settings.COUNCIL_NAME,
        "redacted_count": len(redactions.whole) + sum(map(len, redactions.phrases.values())),
    }


def render_index(request_, records: Records, redactions: Redactions, *, release: bool,
                 now: dt.datetime, files: FileDecisions = NO_FILE_DECISIONS,
                 regenerated: frozenset[int] = frozenset()) -> str:
    """`index.html`: every record, every field, its history, and every access."""
    return render_to_string("governance/disclosure.html", _context(
        request_, records, redactions, release=release, now=now, files=files,
        regenerated=regenerated))


def _access_by_person(entries: list[access.AccessEntry]) -> list[tuple[str, int, dt.datetime,
                                                                       dt.datetime]]:
    """(who, how many times, first, last) for each person in the access log, most first."""
    found: dict[str, list] = {}
    for e in entries:  # oldest first
        if e.who in found:
            found[e.who][1] += 1
            found[e.who][3] = e.at
        else:
            found[e.who] = [e.who, 1, e.at, e.at]
    return sorted((tuple(row) for row in found.values()), key=lambda row: (-row[1], row[0]))


INDEX_PDF_TEMPLATE = "governance/disclosure_index_pdf.html"


def render_index_pdf_html(context: dict, records: Records, files: FileDecisions, *,
                          release: bool) -> str:
    """The HTML of `index.pdf`: the index of the disclosure, not a second copy of it.

    It carries the customer's own record in full, how many records of each kind there are,
    every file in the ZIP with what this copy does with it, and who has looked, by person;
    each record in detail, and each access, are in `index.html`. Laying out every record
    as a tagged PDF took WeasyPrint about 30 seconds for a customer with 300 contacts (160
    pages); the index takes under one (benchmarks/governance.py).
    """
    sections = context["sections"]
    listed = [(attachment_name(a), f"Correspondence received {_show(a.uploaded_at)}",
               files.status(file_key(a), release=release)) for a in records.attachments]
    listed += [(letter_name(x), f"{x.get_kind_display()} sent {_show(x.issued_on)}",
                files.status(file_key(x), release=release)) for x in records.letters]
    return render_to_string(INDEX_PDF_TEMPLATE, {
        **context,
        "record": sections[0],
        "sections": sections[1:],
        "files": listed,
        "access_count": len(context["access"]),
        "access_by_person": _access_by_person(context["access"]),
    })


def html_to_tagged_pdf(html: str) -> bytes:
    """The index as a tagged PDF (PDF/UA-1: structure tree, title and language from the
    HTML), through the one renderer. tests/conftest.py stands in for it, as for letters."""
    return rendering.html_to_pdf(html)


def build_zip(request_, *, redactions: Redactions, release: bool, now: dt.datetime,
              files: FileDecisions = NO_FILE_DECISIONS) -> bytes:
    """The disclosure ZIP for `request_`'s customer, in memory (a customer's files are a few
    megabytes; letters and uploads are capped in size where they are made). The release
    copy leaves out the files withheld and regenerates the letters its redactions touch;
    the internal copy (`release=False`) has every file as stored."""
    records = Records.of(request_.customer)
    withheld = files.withheld if release else {}
    # Letters whose text a redaction touches: made again from the redacted HTML.
    letter_pdfs: dict[int, bytes] = {}
    if release and (redactions.whole or redactions.phrases):
        whole_texts = _withheld_texts(records, redactions)
        for letter in records.letters:
            if file_key(letter) in withheld:
                continue
            redacted = redact_letter_html(letter.html, redactions, whole_texts)
            if redacted != letter.html:
                letter_pdfs[letter.pk] = rendering.html_to_pdf(redacted)
    context = _context(request_, records, redactions, release=release, now=now, files=files,
                       regenerated=frozenset(letter_pdfs))
    html = render_to_string("governance/disclosure.html", context)
    pdf_html = render_index_pdf_html(context, records, files, release=release)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", html)
        archive.writestr("index.pdf", html_to_tagged_pdf(pdf_html))
        for a in records.attachments:
            if file_key(a) in withheld:
                continue
            with a.file.open("rb") as handle:
                archive.writestr(attachment_name(a), handle.read())
        for letter in records.letters:
            if file_key(letter) in withheld:
                continue
            if letter.pk in letter_pdfs:
                archive.writestr(letter_name(letter), letter_pdfs[letter.pk])
            elif letter.pdf:
                with letter.pdf.open("rb") as handle:
                    archive.writestr(letter_name(letter), handle.read())
    return buffer.getvalue()


def files_of(customer: Customer) -> list[tuple[str, str, ContactAttachment | Letter]]:
    """(key, what it is, the file's record) for every file a disclosure carries, in the
    order of the ZIP: correspondence, then letters."""
    attachments = (ContactAttachment.objects.filter(contact__customer=customer)
                   .select_related("contact").order_by("pk"))
    letters = customer.letters.order_by("pk")
    return ([(file_key(a), f"Correspondence “{a.original_name}” on the contact of "
              f"{_show(a.contact.occurred_at)}", a) for a in attachments]
            + [(file_key(x), f"{x.get_kind_display()} sent {_show(x.issued_on)}", x)
               for x in letters])


def file_count(customer: Customer) -> int:
    """How many files a disclosure carries (each needs a decision before release)."""
    return (ContactAttachment.objects.filter(contact__customer=customer).count()
            + customer.letters.count())
