"""`manage.py seed_volume --customers N`: realistic volume for the report's benchmark.

Bulk-creates N fictional customers with their matters, contacts (with the indicators seen),
warnings, and about one case each, spread over the last two years in every state, in the
proportions a council sees: most referrals end with a warning that works, about a third
reach a designation, and designations are challenged, varied, withdrawn, reviewed on time
or late, lapsed and lifted. `--customers 20000` makes about 20,000 cases.

It does not go through the per-case services (far too slow for volume) but writes what they
would: the same states, dates, deadlines (`cases.deadlines`), sanctions ending by their
review date, closing reasons, checklists, chronology events and links. What it leaves out is
the field-level audit (django-simple-history rows), which `bulk_create` does not write and
no report reads. Deterministic for a given `--seed` and day; run it again to add more.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Directorate, StaffProfile
from accounts.roles import GROUP_NAMES, Role
from cases import turns
from cases.choices import Direction
from cases.deadlines import add_months, challenge_decision_due, challenge_last_day, review_due
from cases.models import (
    Alternative,
    AlternativeConsideration,
    AlternativeOutcome,
    CaseEvent,
    CaseState,
    CaseTurn,
    Channel,
    ClosingReason,
    Contact,
    Customer,
    DesignationCase,
    Indicator,
    Matter,
    MatterKind,
    Precondition,
    PreconditionCheck,
    Warning,
    WarningKind,
    WarningMethod,
    WarningSkipKind,
)
from cases.references import ALPHABET
from cases.services.contacts import note_last_contact
from demo import data
from reports import summary as report_summary
from reviews.models import Challenge, ChallengeOutcome, ChallengeStatus, Review, ReviewOutcome
from sanctions.models import Sanction, SanctionKind, SanctionStatus
from ucp import phones

User = get_user_model()

FIRST = ["Alan", "Beverley", "Carl", "Denise", "Edward", "Fiona", "Gordon", "Hazel", "Ian",
         "Janet", "Keith", "Linda", "Martin", "Norma", "Owen", "Pauline", "Raymond", "Sandra",
         "Trevor", "Una", "Vernon", "Wendy", "Yvonne", "Zach", "John", "Steven", "Catherine",
         "Philip"]
# The same name as someone else writes it down (a near-duplicate customer's first name).
SPELLINGS = {"John": "Jon", "Steven": "Stephen", "Catherine": "Katherine", "Philip": "Phillip",
             "Alan": "Allan", "Carl": "Karl", "Ian": "Iain", "Zach": "Zack",
             "Vernon": "Vernan", "Denise": "Denice"}
# About one customer in 65 is a near-duplicate of one already made: the same person entered
# again, as a front desk would (duplicate detection's test data).
NEAR_DUPLICATES = 0.015
LAST = ["Armstrong", "Bell", "Carruthers", "Dixon", "Elliot", "Graham", "Harrison", "Irving",
        "Jackson", "Kirkpatrick", "Little", "Nixon", "Pattinson", "Routledge", "Stephenson",
        "Tinkler", "Wilson", "Hodgson", "Moffat", "Storey"]
TOWNS = [("Carlisle", "CA1"), ("Penrith", "CA11"), ("Kendal", "LA9"), ("Workington", "CA14"),
         ("Whitehaven", "CA28"), ("Barrow-in-Furness", "LA14"), ("Keswick", "CA12")]
STREETS = ["Castle Street", "Botchergate", "Warwick Road", "Stanwix Bank", "Lowther Street",
           "Highgate", "Station Road", "Main Street"]

# Where the latest case of a customer ends up, in percent (the designation lifecycle then
# decides between in force, lapsed, lifted and withdrawn).
PATHS = [
    ("referred", 4), ("warned", 6), ("assessment", 4), ("awaiting_decision", 2),
    ("no_action", 12), ("behaviour_stopped", 26), ("precondition_failed", 5),
    ("not_designated", 7), ("designated", 1), ("designation", 33),
]
SANCTION_WEIGHTS = {
    SanctionKind.TIME_LIMIT: 30, SanctionKind.CALL_LIMIT: 15, SanctionKind.SINGLE_MEDIUM: 20,
    SanctionKind.NAMED_OFFICER: 10, SanctionKind.WITNESS: 10,
    SanctionKind.REFUSE_COMPLAINTS: 8, SanctionKind.OFFICE_ACCESS: 5,
    SanctionKind.POLICE_OR_LEGAL: 2,
}
CHANNEL_WEIGHTS = {
    Channel.PHONE: 40, Channel.EMAIL: 30, Channel.LETTER: 8, Channel.IN_PERSON: 8,
    Channel.WEB_FORM: 8, Channel.VIA_COUNCILLOR: 3, Channel.VIA_MP: 2, Channel.VIA_SOLICITOR: 1,
}


@dataclass
class Staff:
    officer: object
    manager: object
    senior: object


@dataclass
class Plan:
    """One case as the services would have left it, before it is written."""

    case: DesignationCase
    events: list[tuple] = field(default_factory=list)  # (kind, at, from, to, summary)
    referral: list[Indicator] = field(default_factory=list)
    decision: list[Indicator] = field(default_factory=list)
    involved: Directorate | None = None
    evidence: list[int] = field(default_factory=list)  # contacts' ids
    warning: Warning | None = None
    checks: int = 0  # preconditions recorded; -1: one failed
    alternatives: bool = False
    sanctions: list[Sanction] = field(default_factory=list)
    challenges: list[Challenge] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)




def _put(record, name: str, value: str) -> None:
    """Set a protected FSM field (transitions only, elsewhere) on a new, unsaved record: it
    is given, once, the state its simulated workflow ended in."""
    record.__dict__[name] = value


class Command(BaseCommand):
    help = (
        "Bulk-create N fictional customers with matters, contacts, warnings and about one "
        "case each, over about two years in every state (for the report's benchmark)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--customers", type=int, required=True,
                            help="How many customers to add (cases scale with them).")
        parser.add_argument("--seed", type=int, default=2026,
                            help="Random seed: the same seed on the same day makes the same "
                                 "data (default: %(default)s).")
        parser.add_argument("--days", type=int, default=730,
                            help="How far back referrals go, in days (default: %(default)s).")
        parser.add_argument("--contacts-per-customer", type=int, default=9,
                            help="Contacts per customer on average, from a third of it to "
                                 "five thirds (default: %(default)s; 10 makes 1,000,000 "
                                 "contacts for 100,000 customers).")

    def handle(self, *args, customers: int, seed: int, days: int, contacts_per_customer: int,
               **options) -> None:
        if customers < 1:
            raise CommandError("--customers must be at least 1.")
        if contacts_per_customer < 1:
            raise CommandError("--contacts-per-customer must be at least 1.")
        if days < 200:
            raise CommandError("--days must be at least 200 (a designation needs time to "
                               "reach its review).")
        started = time.monotonic()
        with transaction.atomic():
            seeder = VolumeSeeder(random.Random(seed), timezone.localdate(), days,
                                  contacts_per_customer=contacts_per_customer)
            counts = seeder.run(customers)
            # The contacts went in as plain rows: each customer's latest, for the browse list.
            note_last_contact(Customer.objects.values("pk"))
            # The cases went in as plain rows too: whose move it is on each, for home pages.
            turns.refresh_all()
            seeder.filled.add(CaseTurn._meta.db_table)
            # Bulk inserts send no signals: the report's summary is counted afresh.
            report_summary.rebuild()
            seeder.filled |= {"reports_reportcount", "reports_reportcontribution"}
        if connection.vendor == "postgresql":
            # Fresh planner statistics: straight after a bulk load they say the tables are
            # nearly empty, and the planner picks plans that are slow at volume. VACUUM too,
            # as autovacuum would (it is off on this machine): the seed rewrites every
            # customer once (their last contact), which left 100,000 dead rows for every
            # scan of the customers to step over, and no visibility map for index-only
            # scans. VACUUM cannot run inside a transaction (the tests' seeding): there,
            # ANALYZE alone.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                for table in sorted(seeder.filled):
                    cursor.execute(f'{command} "{table}"')
        self.stdout.write(
            f"Created in {time.monotonic() - started:.1f}s: "
            + ", ".join(f"{n} {what}" for what, n in counts.items())
        )


class VolumeSeeder:
    batch = 2000

    def __init__(self, rng: random.Random, today: dt.date, days: int, *,
                 contacts_per_customer: int = 9) -> None:
        self.rng = rng
        self.today = today
        self.days = days
        self.contacts_low = max(1, round(contacts_per_customer / 3))
        self.contacts_high = max(self.contacts_low, round(contacts_per_customer * 5 / 3))
        self.filled: set[str] = set()  # tables written to, for ANALYZE
        self.created_at = timezone.now()
        self.directorates = self._directorates()
        self.staff = {d.pk: self._staff(d) for d in self.directorates}
        self.indicators = list(Indicator.objects.filter(active=True).order_by("id"))
        if not self.indicators:
            raise CommandError("No indicators: run `manage.py migrate` first.")
        # Some indicators are cited far more often than others, as in real life.
        weights = random.Random(7).choices([1, 2, 3, 5, 8, 13], k=len(self.indicators))
        self.indicator_weights = weights
        self.used_refs = {
            "C": set(Customer.objects.values_list("reference", flat=True)),
            "M": set(Matter.objects.values_list("reference", flat=True)),
            "UCP": set(DesignationCase.objects.values_list("reference", flat=True)),
        }

    # -- reference data -------------------------------------------------------------------

    def _directorates(self) -> list[Directorate]:
        existing = list(Directorate.objects.order_by("id"))
        if existing:
            return existing
        made = []
        for spec in data.DIRECTORATES:
            fields = {k: v for k, v in spec.items() if k != "key"}
            made.append(Directorate.objects.create(**fields))
        return made

    def _staff(self, directorate: Directorate) -> Staff:
        people = {}
        for role, label in ((Role.OFFICER, "officer"), (Role.SERVICE_MANAGER, "manager"),
                            (Role.SENIOR_MANAGER, "senior")):
            username = f"volume-{directorate.short_name}-{label}"[:150]
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": label.title(), "last_name": directorate.name[:150],
                          "email": f"{username}@council.example"},
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
                profile = StaffProfile.objects.create(user=user, job_title=label.title())
                profile.directorates.add(directorate)
            people[label] = user
        return Staff(**people)

    def _reference(self, prefix: str) -> str:
        used = self.used_refs[prefix]
        while True:
            candidate = f"{prefix}-" + "".join(self.rng.choice(ALPHABET) for _ in range(6))
            if candidate not in used:
                used.add(candidate)
                return candidate

    # -- small helpers --------------------------------------------------------------------

    def at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        hour = self.rng.randint(9, 16) if hour is None else hour
        return timezone.make_aware(
            dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)))
        )

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def pick_indicators(self, low: int, high: int, also: list[Indicator] = ()) -> list[Indicator]:
        chosen = {i.pk: i for i in also}
        for i in self.rng.choices(self.indicators, self.indicator_weights,
                                  k=self.rng.randint(low, high)):
            chosen[i.pk] = i
        return list(chosen.values())

    def weighted(self, table):
        items = list(table.items()) if isinstance(table, dict) else table
        return self.rng.choices([k for k, _ in items], [w for _, w in items])[0]

    # -- the run --------------------------------------------------------------------------

    def run(self, n: int) -> dict[str, int]:
        rng = self.rng
        lead_weights = [max(1, 6 - i) for i in range(len(self.directorates))]
        customers, homes = [], []
        people: list[tuple[str, str, str]] = []  # (first, last, email) of each made
        for _ in range(n):
            if people and rng.random() < NEAR_DUPLICATES:
                customers.append(self._near_duplicate(customers, people))
            else:
                customers.append(self._person(people))
            homes.append(rng.choices(self.directorates, lead_weights)[0])
        for customer in customers:  # bulk_create skips save(): the match keys by hand
            customer.set_keys()
        Customer.objects.bulk_create(customers, batch_size=self.batch)
        self.filled.add(Customer._meta.db_table)

        matters, contacts, contact_links, informal = [], [], [], []
        plans: list[Plan] = []
        customer_dirs: set[tuple[int, int]] = set()
        for customer, home in zip(customers, homes, strict=True):
            staff = self.staff[home.pk]
            customer_dirs.add((customer.pk, home.pk))
            path = self.weighted(PATHS)
            referred_on = self._referral_day(path)
            for _ in range(rng.choice([1, 1, 1, 2])):
                matters.append(Matter(
                    reference=self._reference("M"), customer=customer, directorate=home,
                    kind=self.weighted({MatterKind.COMPLAINT: 5, MatterKind.ENQUIRY: 3,
                                        MatterKind.REQUEST: 2, MatterKind.CONCERN: 1}),
                    summary="Complaint about adult social care charges"
                    if home.pk == self.directorates[0].pk else "Request about school transport",
                    details="The customer disputes the decision and has written many times.",
                    received_on=referred_on - dt.timedelta(days=rng.randint(30, 150)),
                    created_by=staff.officer,
                ))
            customer_contacts = []
            for _ in range(rng.randint(self.contacts_low, self.contacts_high)):
                day = referred_on - dt.timedelta(days=rng.randint(-20, 120))
                day = min(day, self.today - dt.timedelta(days=1))
                channel = self.weighted(CHANNEL_WEIGHTS)
                # A row (CONTACT_COLUMNS), not a model: a million of them are copied in.
                contact = len(contacts)  # its id, once ids are reserved, is first + this
                contacts.append([
                    None, customer.pk, home.pk, channel, self.at(day),
                    rng.randint(5, 75) if channel in (Channel.PHONE, Channel.IN_PERSON)
                    else None,
                    staff.officer.pk, staff.officer.pk,
                ])
                customer_contacts.append(contact)
                if rng.random() < 0.5:
                    contact_links.append((contact, self.pick_indicators(1, 2)))
            # Most customers are told on the spot first, some more than once (step 1).
            for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
                informal.append(Warning(
                    customer=customer, directorate=home, kind=WarningKind.INFORMAL,
                    method=rng.choice([WarningMethod.PHONE, WarningMethod.IN_PERSON]),
                    given_on=min(referred_on - dt.timedelta(days=rng.randint(5, 90)),
                                 self.today),
                    given_by=staff.officer, summary="Told the behaviour is unacceptable.",
                ))
            plan = self._plan(customer, home, staff, path, referred_on)
            plan.evidence = customer_contacts[:3]
            if plan.involved is not None:
                customer_dirs.add((customer.pk, plan.involved.pk))
            plans.append(plan)
            # A few customers had an earlier case that ended when the behaviour stopped.
            if rng.random() < 0.06 and referred_on - dt.timedelta(days=200) > (
                self.today - dt.timedelta(days=self.days)
            ):
                earlier = self._plan(customer, home, staff, "behaviour_stopped",
                                     referred_on - dt.timedelta(days=rng.randint(150, 200)))
                plans.append(earlier)

        Matter.objects.bulk_create(matters, batch_size=self.batch)
        self.filled.add(Matter._meta.db_table)
        first = self.reserve_ids(Contact, len(contacts))
        summary = "Called again about the same matter; demanded a manager."
        for n, row in enumerate(contacts):
            row[0] = first + n
        self.write(Contact, ["id", "customer_id", "directorate_id", "channel", "occurred_at",
                             "duration_minutes", "handled_by_id", "logged_by_id", "matter_id",
                             "direction", "recipients", "summary", "created_at"],
                   (row + [None, Direction.INBOUND, 1, summary, self.created_at]
                    for row in contacts))
        for plan in plans:
            plan.evidence = [first + n for n in plan.evidence]
        self.write(Contact.indicators.through, ["contact_id", "indicator_id"],
                   ((first + c, i.pk) for c, inds in contact_links for i in inds))
        self.write(Customer.directorates.through, ["customer_id", "directorate_id"],
                   sorted(customer_dirs))
        self.filled.add(Warning._meta.db_table)
        Warning.objects.bulk_create(informal, batch_size=self.batch)
        self.filled.add(Warning._meta.db_table)
        self._write_cases(plans)
        return {
            "customers": len(customers),
            "matters": len(matters),
            "contacts": len(contacts),
            "cases": len(plans),
            "designations": sum(1 for p in plans if p.case.designated_on),
            "sanctions": sum(len(p.sanctions) for p in plans),
            "challenges": sum(len(p.challenges) for p in plans),
            "reviews": sum(len(p.reviews) for p in plans),
            "warnings": len(informal) + sum(1 for p in plans if p.warning),
        }

    def _person(self, people: list[tuple[str, str, str]]) -> Customer:
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        town, district = rng.choice(TOWNS)
        # Stored as the services store it (ucp.phones): E.164, national digits.
        phone = phones.to_e164(f"07700 900{rng.randint(0, 999):03d}")
        email = f"{first}.{last}{rng.randint(1, 999)}@example.com".lower()
        people.append((first, last, email))
        return Customer(
            reference=self._reference("C"),
            full_name=f"{first} {last}",
            address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}\n{town}",
            postcode=f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}"
                     f"{rng.choice('LNPQRSTUWXYZ')}",
            email=email,
            phone=phone,
            phone_digits=phones.digits(phone),
            preferred_contact_method=rng.choice(["phone", "email", "letter", ""]),
        )

    def _near_duplicate(self, customers: list[Customer],
                        people: list[tuple[str, str, str]]) -> Customer:
        """Someone already made, entered again: the same address, and one of a variant
        spelling of the first name, first and last name swapped, the phone typed another
        way (stored the same, as the services store it), the email in other letter case,
        or the first name as an initial."""
        rng = self.rng
        index = rng.randrange(len(customers))
        was, (first, last, email) = customers[index], people[index]
        people.append((first, last, email))
        twin = Customer(
            reference=self._reference("C"), full_name=was.full_name, address=was.address,
            postcode=was.postcode, email="", phone="", phone_digits="",
            preferred_contact_method=was.preferred_contact_method,
        )
        how = rng.choice(["spelling", "swapped", "phone", "email", "initial"])
        if how == "spelling" and first in SPELLINGS:
            twin.full_name = f"{SPELLINGS[first]} {last}"
            twin.email = email
        elif how == "swapped":
            twin.full_name = f"{last} {first}"
        elif how == "phone" and was.phone:
            # "07700 900123" on one form, "+44 7700 900123" on the other.
            twin.phone = phones.to_e164("+44 " + phones.display(was.phone).lstrip("0"))
            twin.phone_digits = phones.digits(twin.phone)
        elif how == "email":
            twin.email = email.title().replace("@Example.Com", "@Example.com")
        else:
            twin.full_name = f"{first[0]} {last}"
            twin.phone, twin.phone_digits = was.phone, was.phone_digits
        return twin

    def _referral_day(self, path: str) -> dt.date:
        recent = {"referred": (1, 30), "warned": (15, 90), "assessment": (30, 120),
                  "awaiting_decision": (40, 130), "designated": (35, 100)}
        if path in recent:
            return self.days_ago(*recent[path])
        return self.days_ago(60, self.days)

    # -- one case ---------------------------------------------------------------------------

    def _plan(self, customer: Customer, home: Directorate, staff: Staff, path: str,
              referred_on: dt.date) -> Plan:
        rng = self.rng
        referred_at = self.at(referred_on)
        case = DesignationCase(
            reference=self._reference("UCP"), customer=customer, lead_directorate=home,
            state=CaseState.REFERRED, referred_by=staff.officer, referred_at=referred_at,
            referral_reason="Repeated contact about the same matter after it was decided.",
        )
        plan = Plan(case, referral=self.pick_indicators(1, 3))
        plan.events.append(("refer", referred_at, "", CaseState.REFERRED,
                            f"Referred to a manager by {staff.officer.first_name}"))
        state = CaseState.REFERRED
        day = referred_on

        def step(kind: str, to: str, on: dt.date, summary: str) -> None:
            nonlocal state
            plan.events.append((kind, self.at(on), state, to, summary))
            state = to

        def close(reason: str, on: dt.date, kind: str, summary: str) -> None:
            case.closing_reason = reason
            case.closing_note = summary
            case.closed_at = self.at(on)
            step(kind, CaseState.CLOSED, on, summary)

        def later(low: int, high: int) -> dt.date:
            return min(day + dt.timedelta(days=rng.randint(low, high)), self.today)

        if path == "referred":
            return self._finish(plan, state)
        if path == "no_action":
            close(ClosingReason.NO_ACTION, later(3, 30), "close_referral",
                  "Closed: no further action")
            return self._finish(plan, state)
        # A formal warning, or (rarely, and for safety or futility) none.
        if path != "behaviour_stopped" and rng.random() < 0.12:
            kind = WarningSkipKind.SAFETY if rng.random() < 0.7 else WarningSkipKind.INEFFECTIVE
            case.warning_skip_kind = kind
            case.warning_skip_reason = "Threatened the receptionist." if kind == "safety" else \
                "Earlier letters show a warning would have no effect."
            case.warning_skipped_by = staff.manager if kind == "safety" else staff.senior
            day = later(2, 10)
            case.warning_skipped_at = self.at(day)
            step("skip_warning", CaseState.ASSESSMENT, day, "Proceeding without a warning")
        else:
            day = later(2, 10)
            plan.warning = Warning(
                customer=customer, directorate=home, kind=WarningKind.FORMAL,
                method=WarningMethod.LETTER, given_on=day, given_by=staff.manager,
                summary="Your behaviour is unacceptable; further contact may be restricted.",
            )
            step("issue_formal_warning", CaseState.WARNED, day, "Formal written warning issued")
            if path == "warned":
                return self._finish(plan, state)
            if path == "behaviour_stopped":
                day = later(30, 90)
                close(ClosingReason.BEHAVIOUR_STOPPED, day, "behaviour_stopped",
                      "Closed: the behaviour stopped after the warning")
                return self._finish(plan, state)
            day = later(20, 60)
            step("behaviour_continued", CaseState.ASSESSMENT, day, "Behaviour continued")
        if rng.random() < 0.08 and len(self.directorates) > 1:
            plan.involved = rng.choice([d for d in self.directorates if d.pk != home.pk])
            case.key_officer = staff.manager
        if path == "assessment":
            plan.checks = rng.randint(0, 5)
            return self._finish(plan, state)
        if path == "precondition_failed":
            plan.checks = -1
            close(ClosingReason.PRECONDITION_FAILED, later(10, 40),
                  "close_precondition_failed", "Closed: a precondition failed")
            return self._finish(plan, state)
        plan.checks, plan.alternatives = 5, True
        day = later(7, 30)
        step("submit_for_decision", CaseState.AWAITING_DECISION, day, "Submitted for decision")
        if path == "awaiting_decision":
            return self._finish(plan, state)
        day = later(3, 21)
        case.decided_by = staff.senior
        case.decided_at = self.at(day)
        case.decision_reasons = "Persistent contact about a matter already decided."
        if path == "not_designated":
            case.decision_reasons = "A meeting is more proportionate than restrictions."
            close(ClosingReason.NOT_DESIGNATED, day, "decline",
                  "Closed: the senior manager decided not to designate")
            return self._finish(plan, state)
        case.designated_on = day
        case.review_due_on = review_due(day)
        plan.decision = self.pick_indicators(1, 3, also=plan.referral[:1])
        step("designate", CaseState.DESIGNATED, day,
             "Designated as an unreasonable or unreasonably persistent customer")
        return self._designation(plan, staff, state, awaiting_letter=path == "designated")

    def _designation(self, plan: Plan, staff: Staff, state: str, *,
                     awaiting_letter: bool) -> Plan:
        """From the decision on: the letter, challenges, reviews, lapses, lifting."""
        rng, case = self.rng, plan.case
        designated = case.designated_on
        notified = designated + dt.timedelta(days=rng.randint(0, 3))
        review_on = case.review_due_on
        kinds = self._kinds()
        running = [self._sanction(case, staff, kind, designated, review_on) for kind in kinds]
        plan.sanctions += running
        if awaiting_letter or notified > self.today:
            return self._finish(plan, state)  # the letter is still to go
        case.customer_notified_on = notified
        case.council_informed_at = self.at(notified, 16)
        case.challenge_ends_on = challenge_last_day(notified)
        plan.events.append(("activate", self.at(notified, 16), state, CaseState.ACTIVE,
                            "Designation in force"))
        state = CaseState.ACTIVE
        for sanction in running:
            sanction.in_force_from = case.council_informed_at

        def five_pm(on: dt.date) -> dt.datetime:
            return timezone.make_aware(dt.datetime.combine(on, dt.time(17)))

        def end(on: dt.date, reason: str) -> None:
            for sanction in running:
                if sanction.status == SanctionStatus.ACTIVE and sanction.ends_on >= on:
                    # The transition (pure): ended at the end of the working day.
                    sanction.end(on=on, reason=reason, at=five_pm(on))

        # A challenge, from about one designation in six.
        if rng.random() < 0.18:
            late = rng.random() < 0.15
            received = notified + dt.timedelta(
                days=rng.randint(15, 40) if late else rng.randint(2, 14)
            )
            if received <= self.today:
                challenge = Challenge(
                    case=case, channel=rng.choice(["letter", "email", "web_form"]),
                    received_on=received, grounds="The restrictions are unfair.",
                    recorded_by=staff.officer, recorded_at=self.at(received),
                    last_valid_day=case.challenge_ends_on, is_late=late,
                    decision_due_on=challenge_decision_due(received),
                    status=ChallengeStatus.AWAITING_REVIEWER,
                )
                plan.challenges.append(challenge)
                if late and rng.random() < 0.5:
                    _put(challenge, "status", ChallengeStatus.NOT_ACCEPTED)
                    challenge.late_decided_by = staff.senior
                    challenge.late_decided_at = self.at(min(received + dt.timedelta(days=3),
                                                            self.today))
                    challenge.late_decision_reason = "No reason was given for the delay."
                else:
                    decided = received + dt.timedelta(
                        days=rng.randint(29, 45) if rng.random() < 0.15 else rng.randint(7, 27)
                    )
                    if decided <= self.today:
                        outcome = self.weighted({ChallengeOutcome.UPHOLD: 70,
                                                 ChallengeOutcome.VARY: 15,
                                                 ChallengeOutcome.WITHDRAW: 15})
                        _put(challenge, "status", ChallengeStatus.DECIDED)
                        challenge.outcome = outcome
                        challenge.outcome_reasons = "Considered independently."
                        challenge.decided_at = self.at(decided)
                        challenge.decided_on = decided
                        if outcome == ChallengeOutcome.WITHDRAW:
                            end(decided, "Designation withdrawn on challenge")
                            case.closing_reason = ClosingReason.WITHDRAWN
                            case.closing_note = "Withdrawn on challenge."
                            case.closed_at = self.at(decided)
                            plan.events.append(("challenge_decided", case.closed_at, state,
                                                CaseState.CLOSED, "Challenge decided: withdraw"))
                            return self._finish(plan, CaseState.CLOSED)
                        if outcome == ChallengeOutcome.VARY and decided < review_on:
                            end(decided, "Replaced when the sanctions were varied on challenge")
                            running = [self._sanction(case, staff, kind, decided, review_on)
                                       for kind in self._kinds()]
                            for sanction in running:
                                sanction.in_force_from = five_pm(decided)
                            plan.sanctions += running
        # Six-month reviews, one after another, until the next is not yet open.
        opens_ahead = dt.timedelta(days=28)
        while review_on - opens_ahead <= self.today:
            review = Review(case=case, due_on=review_on,
                            opened_at=self.at(review_on - opens_ahead, 6))
            plan.reviews.append(review)
            if review_on >= self.today:
                break  # open, not yet due
            roll = rng.random()
            if roll < 0.84:
                decided = review_on - dt.timedelta(days=rng.randint(0, 20))
            elif roll < 0.96:
                decided = review_on + dt.timedelta(days=rng.randint(1, 45))
            else:
                decided = None  # never decided
            if decided is None or decided > self.today or decided > review_on:
                review.lapsed_at = self.at(review_on + dt.timedelta(days=1), 6)
                plan.events.append(("lapse", review.lapsed_at, state, CaseState.LAPSED,
                                    "Six-month review missed: restrictions lapsed"))
                state = CaseState.LAPSED
            if decided is None or decided > self.today:
                return self._finish(plan, state)
            outcome = self.weighted({ReviewOutcome.LIFT: 35, ReviewOutcome.CONTINUE: 45,
                                     ReviewOutcome.VARY: 20})
            _put(review, "status", "decided")
            review.outcome = outcome
            review.reasons = "Reviewed with the service."
            review.decided_by = staff.senior
            review.decided_at = self.at(decided)
            review.decided_on = decided
            if outcome == ReviewOutcome.LIFT:
                end(decided, "Designation lifted at the six-month review")
                case.closing_reason = ClosingReason.LIFTED
                case.closing_note = "Lifted at the six-month review."
                case.closed_at = review.decided_at
                plan.events.append(("review_decided", review.decided_at, state,
                                    CaseState.CLOSED, "Six-month review: lift"))
                return self._finish(plan, CaseState.CLOSED)
            next_on = add_months(decided, 6)
            review.next_review_on = next_on
            kinds = [s.kind for s in running if s.ends_on >= review_on]
            if outcome == ReviewOutcome.VARY or not kinds:
                kinds = self._kinds()
            end(decided, "Renewed at the six-month review")
            running = [self._sanction(case, staff, kind, decided, next_on) for kind in kinds]
            for sanction in running:
                sanction.in_force_from = review.decided_at
            plan.sanctions += running
            plan.events.append(("review_decided", review.decided_at, state, CaseState.ACTIVE,
                                f"Six-month review: {outcome}"))
            state = CaseState.ACTIVE
            review_on = next_on
            case.review_due_on = next_on
        return self._finish(plan, state)

    def _kinds(self) -> list[str]:
        kinds = set()
        for _ in range(self.rng.choice([1, 1, 2, 2, 3])):
            kinds.add(self.weighted(SANCTION_WEIGHTS))
        return sorted(kinds)

    def _sanction(self, case: DesignationCase, staff: Staff, kind: str, starts_on: dt.date,
                  ends_on: dt.date) -> Sanction:
        params = {
            SanctionKind.TIME_LIMIT: {"max_minutes": self.rng.choice([10, 15, 20, 30])},
            SanctionKind.CALL_LIMIT: {"calls_per_week": 1, "call_period": "morning",
                                      "call_weekdays": str(self.rng.randint(0, 4))},
            SanctionKind.SINGLE_MEDIUM: {"allowed_channel": self.rng.choice(["email", "letter"])},
            SanctionKind.NAMED_OFFICER: {"named_officer": staff.officer},
            SanctionKind.OFFICE_ACCESS: {"all_offices": True},
            SanctionKind.POLICE_OR_LEGAL: {"reference": f"CUMB-{self.rng.randint(1000, 9999)}"},
        }.get(kind, {})
        return Sanction(
            case=case, kind=kind, starts_on=starts_on, ends_on=max(ends_on, starts_on),
            reasons="Proportionate to the contact recorded.", created_by=staff.senior,
            **params,
        )

    def _finish(self, plan: Plan, state: str) -> Plan:
        _put(plan.case, "state", state)
        return plan

    # -- writing ----------------------------------------------------------------------------

    def reserve_ids(self, model, n: int) -> int:
        """The first of `n` consecutive ids no other row will take, for rows written with
        `write` that others point to before they exist (contacts, from cases' evidence)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s)", [sequence])
                first = cursor.fetchone()[0]
                if n > 1:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
                return first
            cursor.execute(f'SELECT MAX("id") FROM "{table}"')
            return (cursor.fetchone()[0] or 0) + 1

    def write(self, model, columns: list[str], rows) -> None:
        """Write plain rows (tuples in `columns` order, database values) without making a
        model for each: PostgreSQL's COPY (psycopg's `cursor.copy`), else `bulk_create`."""
        self.filled.add(model._meta.db_table)
        if connection.vendor == "postgresql":
            names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in columns)
            with connection.cursor() as cursor, cursor.cursor.copy(
                f'COPY "{model._meta.db_table}" ({names}) FROM STDIN'
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        attnames = [model._meta.get_field(c).attname for c in columns]
        objects = (model(**dict(zip(attnames, row, strict=True))) for row in rows)
        while chunk := list(itertools.islice(objects, self.batch)):
            model.objects.bulk_create(chunk)

    def _write_cases(self, plans: list[Plan]) -> None:
        batch = self.batch
        self.filled.add(DesignationCase._meta.db_table)
        DesignationCase.objects.bulk_create([p.case for p in plans], batch_size=batch)
        warnings = []
        for p in plans:
            if p.warning is not None:
                p.warning.case = p.case
                warnings.append(p.warning)
        self.filled.add(Warning._meta.db_table)
        Warning.objects.bulk_create(warnings, batch_size=batch)
        with_warning = [p.case for p in plans if p.warning is not None]
        for p in plans:
            if p.warning is not None:
                p.case.formal_warning = p.warning
        DesignationCase.objects.bulk_update(with_warning, ["formal_warning"], batch_size=batch)
        self.write(Warning.behaviours.through, ["warning_id", "indicator_id"],
                   ((p.warning.pk, i.pk) for p in plans if p.warning is not None
                    for i in p.referral))
        self.write(DesignationCase.referral_indicators.through,
                   ["designationcase_id", "indicator_id"],
                   ((p.case.pk, i.pk) for p in plans for i in p.referral))
        self.write(DesignationCase.decision_indicators.through,
                   ["designationcase_id", "indicator_id"],
                   ((p.case.pk, i.pk) for p in plans for i in p.decision))
        self.write(DesignationCase.involved_directorates.through,
                   ["designationcase_id", "directorate_id"],
                   ((p.case.pk, p.involved.pk) for p in plans if p.involved is not None))
        self.write(DesignationCase.evidence_contacts.through,
                   ["designationcase_id", "contact_id"],
                   ((p.case.pk, c) for p in plans for c in p.evidence))

        checks, alternatives = [], []
        preconditions = list(Precondition.values)
        for p in plans:
            staff = self.staff[p.case.lead_directorate_id]
            on = (p.case.referred_at + dt.timedelta(days=20)).date()
            count = 5 if p.checks == -1 else p.checks
            failed = self.rng.randrange(count) if p.checks == -1 else None
            for n, precondition in enumerate(preconditions[:count]):
                checks.append(PreconditionCheck(
                    case=p.case, precondition=precondition, met=n != failed,
                    confirmed_by=staff.manager, confirmed_on=min(on, self.today),
                    note="Checked with the service." if n != failed else
                    "The complaint was not dealt with properly: put right instead.",
                ))
            if p.alternatives:
                for alternative in Alternative.values:
                    alternatives.append(AlternativeConsideration(
                        case=p.case, alternative=alternative,
                        outcome=AlternativeOutcome.NOT_APPLICABLE
                        if alternative != Alternative.MEETING else AlternativeOutcome.OFFERED,
                        reason="Considered.", recorded_by=staff.manager,
                        recorded_on=min(on, self.today),
                    ))
        self.filled.add(PreconditionCheck._meta.db_table)
        PreconditionCheck.objects.bulk_create(checks, batch_size=batch)
        self.filled.add(AlternativeConsideration._meta.db_table)
        AlternativeConsideration.objects.bulk_create(alternatives, batch_size=batch)

        self.write(CaseEvent, ["case_id", "kind", "at", "from_state", "to_state", "summary",
                               "actor_id", "details"],
                   ((p.case.pk, kind, at, src, dst, summary[:300],
                     None if kind == "lapse" else self.staff[p.case.lead_directorate_id].senior.pk,
                     "")
                    for p in plans for kind, at, src, dst, summary in p.events))
        sanctions = [s for p in plans for s in p.sanctions]
        self.filled.add(Sanction._meta.db_table)
        Sanction.objects.bulk_create(sanctions, batch_size=batch)
        self.write(Sanction.directorates.through, ["sanction_id", "directorate_id"],
                   ((s.pk, s.case.lead_directorate_id) for s in sanctions))
        self.filled.add(Challenge._meta.db_table)
        Challenge.objects.bulk_create([c for p in plans for c in p.challenges], batch_size=batch)
        self.filled.add(Review._meta.db_table)
        Review.objects.bulk_create([r for p in plans for r in p.reviews], batch_size=batch)
