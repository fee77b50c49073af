"""Load the demo data of `demo.data` and print the demo users.

Safe to run again: directorates and users are created only if missing, the customers and
their cases only if none of the demo customers exists yet. A second run creates and changes
nothing except demo passwords that no longer match (or `--password`).

Everything is written through `cases.services`, acting as the demo users, so each case's
chronology and history name the person who took each step. Case events are stamped with
the time the seed runs (the services use "now"); contacts, warnings and matters carry
their own dates over the past year.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Directorate, StaffProfile
from accounts.roles import GROUP_NAMES, role_labels
from cases import references, services
from cases.deadlines import review_due
from cases.models import (
    Alternative,
    CaseEvent,
    CaseState,
    Channel,
    Contact,
    Customer,
    DesignationCase,
    Indicator,
    Matter,
    Precondition,
    Warning,
)
from demo import data
from sanctions.models import Sanction

User = get_user_model()

AGO = re.compile(r"\{ago:(\d+)\}")
# Phone calls, visits and letters happen on working days, in office hours.
OFFICE_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON, Channel.LETTER})


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class Command(BaseCommand):
    help = (
        "Create demo directorates, one user per role and about 20 customers with cases in "
        "every state, then print the demo users. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--password",
            help="Use this password for every demo user instead of the documented ones.",
        )
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="The address printed for signing in (default: %(default)s).",
        )

    def handle(self, *args, password: str | None = None, url: str, **options) -> None:
        self.foreign: list[str] = []
        if not settings.DEBUG:
            self.stderr.write(self.style.WARNING(
                "DEBUG is off: the demo users have published passwords. Do not run "
                "seed_demo against a database real people use."
            ))
        if password is not None:
            self._check_password(password)

        # All or nothing, and nothing printed until it is committed. The demo's own mail
        # (the council notice for the designation put in force) is kept in memory: it would
        # bury the table of users under pages of email in `make run`.
        created: dict[str, int] = {}
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ), transaction.atomic():
            directorates = self._ensure_directorates()
            users = self._ensure_users(directorates)
            changed = self._ensure_passwords(users, password)
            present = self._demo_customers_present()
            if present == 0:
                clash = sorted(set(self.foreign) & _script_actors())
                if clash:
                    raise CommandError(
                        "Cannot load the demo data: these accounts already exist and are "
                        f"not demo users: {', '.join(clash)}. Use an empty database."
                    )
                before = self._counts()
                # References are fixed so that the same demo is built every time and
                # the instructions printed below can quote them.
                with references.deterministic(data.REFERENCE_SEED):
                    Seeder(self._actors(), directorates).run()
                # Today's sweep, as beat would run it: the older designations' reviews open,
                # and the one whose review date has passed lapses and is escalated.
                from reviews.sweeps import run_sweep

                run_sweep()
                # Deliver the demo's own mail now, into memory, inside the transaction: a
                # worker that picks the messages up after the commit finds them sent.
                from outbox.services import relay

                relay(older_than_seconds=0)
                after = self._counts()
                created = {k: after[k] - before[k] for k in after}

        if created:
            self.stdout.write(
                "Demo data created: "
                + ", ".join(f"{n} {what}" for what, n in created.items())
                + "."
            )
        else:
            self.stdout.write(
                f"Demo data already present ({present} of {len(data.CUSTOMERS)} demo "
                "customers found): nothing created."
            )
        if changed:
            self.stdout.write(f"Passwords set for: {', '.join(changed)}.")
        if self.foreign:
            self.stderr.write(self.style.WARNING(
                f"Left alone (existing accounts that are not demo users): "
                f"{', '.join(self.foreign)}."
            ))

        self._print_users(password, url)
        self._print_cases()

    # --- reference data and staff ----------------------------------------------------------

    def _ensure_directorates(self) -> dict[str, Directorate]:
        found = {}
        for spec in data.DIRECTORATES:
            fields = {k: v for k, v in spec.items() if k != "key"}
            directorate = (
                Directorate.objects.filter(short_name=spec["short_name"]).first()
                or Directorate.objects.filter(name=spec["name"]).first()
            )
            if directorate is None:
                directorate = Directorate(**fields)
                directorate.full_clean()
                directorate.save()
            found[spec["key"]] = directorate
        return found

    def _ensure_users(self, directorates: dict[str, Directorate]) -> list:
        groups = {g.name: g for g in Group.objects.filter(name__in=GROUP_NAMES.values())}
        missing = set(GROUP_NAMES.values()) - set(groups)
        if missing:
            raise CommandError(
                f"Role groups missing ({', '.join(sorted(missing))}): run migrate first."
            )
        users = []
        for spec in data.USERS:
            user = User.objects.filter(username=spec["username"]).first()
            if user is not None and user.email.lower() != spec["email"]:
                # Someone's own account (say a `createsuperuser` admin) that happens to
                # have a demo name: never reset its password or change its roles.
                self.foreign.append(user.username)
                continue
            if user is None:
                user = User(
                    username=spec["username"],
                    first_name=spec["first_name"],
                    last_name=spec["last_name"],
                    email=spec["email"],
                    is_staff=spec.get("is_staff", False),
                    is_superuser=False,
                )
                user.set_unusable_password()  # the real one is set below, once
                user.save()
            for role in (spec["role"], *spec.get("extra_roles", ())):
                group = groups[GROUP_NAMES[role]]
                if not user.groups.filter(pk=group.pk).exists():
                    user.groups.add(group)
            profile = StaffProfile.objects.filter(user=user).first()
            if profile is None:
                profile = StaffProfile(
                    user=user,
                    job_title=spec["job_title"],
                    council_wide=spec.get("council_wide", False),
                )
                profile.save()
            wanted = {directorates[key].pk for key in spec["directorates"]}
            have = set(profile.directorates.values_list("pk", flat=True))
            if wanted - have:
                profile.directorates.add(*(wanted - have))
            if spec["username"] == "admin":
                self._ensure_admin_permissions(user)
            users.append(user)
        return users

    def _ensure_admin_permissions(self, user) -> None:
        wanted = []
        for app_label, codename in data.ADMIN_PERMISSIONS:
            try:
                wanted.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
            except Permission.DoesNotExist:
                raise CommandError(
                    f"Permission {app_label}.{codename} not found: run migrate first."
                ) from None
        have = set(user.user_permissions.values_list("pk", flat=True))
        to_add = [p for p in wanted if p.pk not in have]
        if to_add:
            user.user_permissions.add(*to_add)

    def _check_password(self, password: str) -> None:
        for spec in data.USERS:
            probe = User(
                username=spec["username"], first_name=spec["first_name"],
                last_name=spec["last_name"], email=spec["email"],
            )
            try:
                validate_password(password, user=probe)
            except ValidationError as exc:
                raise CommandError(
                    f"--password is not accepted for {spec['username']}: "
                    + " ".join(exc.messages)
                ) from None

    def _ensure_passwords(self, users, override: str | None) -> list[str]:
        wanted = {u.username: override or data.demo_password(u.username) for u in users}

        def matches(user) -> bool:
            # An unusable password is never checked: check_password() would still hash
            # (against timing attacks), and hashing is most of this command's run time.
            return user.has_usable_password() and check_password(
                wanted[user.username], user.password
            )

        # PBKDF2 releases the GIL, so the hashes run side by side on every core.
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            stale = [u for u, ok in zip(users, pool.map(matches, users), strict=True) if not ok]
            for user in stale:
                validate_password(wanted[user.username], user=user)
            hashes = pool.map(make_password, [wanted[u.username] for u in stale])
            for user, hashed in zip(stale, hashes, strict=True):
                user.password = hashed
                user.save(update_fields=["password"])
        return [u.username for u in stale]

    def _actors(self) -> dict[str, object]:
        # Fresh instances: roles and directorates are cached on the user object, and the
        # ones above were read before their groups and profiles were complete.
        usernames = [spec["username"] for spec in data.USERS]
        return {
            u.username: u
            for u in User.objects.filter(username__in=usernames).select_related(
                "staff_profile"
            )
        }

    # --- detection and counts --------------------------------------------------------------

    def _demo_customers_present(self) -> int:
        return sum(
            Customer.objects.filter(
                full_name=spec["fields"]["full_name"], postcode=spec["fields"]["postcode"]
            ).exists()
            for spec in data.CUSTOMERS
        )

    def _counts(self) -> dict[str, int]:
        return {
            "customers": Customer.objects.count(),
            "matters": Matter.objects.count(),
            "contacts": Contact.objects.count(),
            "warnings": Warning.objects.count(),
            "cases": DesignationCase.objects.count(),
            "sanctions": Sanction.objects.count(),
            "case events": CaseEvent.objects.count(),
        }

    # --- output ----------------------------------------------------------------------------

    def _print_users(self, override: str | None, url: str) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[s["username"] for s in data.USERS])
            .select_related("staff_profile")
            .prefetch_related("groups", "staff_profile__directorates")
        }
        rows = []
        for spec in data.USERS:
            user = users[spec["username"]]
            profile = getattr(user, "staff_profile", None)
            if profile is not None and profile.council_wide:
                where = "All directorates (council-wide)"
            elif profile is not None:
                where = "; ".join(d.name for d in profile.directorates.all()) or "-"
            else:
                where = "-"
            role = ", ".join(role_labels(user)) or "-"
            if user.is_staff:
                role += " (/admin/)"
            password = override or data.demo_password(user.username)
            if user.username in self.foreign:
                password = "(your own account: unchanged)"
            rows.append((user.username, user.get_full_name(), role, where, password))

        headers = ("Username", "Name", "Role", "Directorate(s)", "Password")
        widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

        def line(cells) -> str:
            cells = (c.ljust(w) for c, w in zip(cells, widths, strict=True))
            return ("  " + "  ".join(cells)).rstrip()

        out = self.stdout
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demo users"))
        out.write(line(headers))
        out.write(line(["-" * w for w in widths]))
        for row in rows:
            out.write(line(row))
        out.write("")
        out.write("  Sign in at " + self.style.SUCCESS(url))

    def _print_cases(self) -> None:
        counts = dict(
            DesignationCase.objects.values_list("state").annotate(n=Count("id")).order_by()
        )
        summary = ", ".join(
            f"{counts[state]} {state.replace('_', ' ')}"
            for state in CaseState.values
            if counts.get(state)
        )
        self.stdout.write(f"  Cases: {summary or 'none'}.")

        def find(customer_key: str, state: str) -> DesignationCase | None:
            spec = next(c for c in data.CUSTOMERS if c["key"] == customer_key)
            return (
                DesignationCase.objects.filter(
                    customer__full_name=spec["fields"]["full_name"],
                    customer__postcode=spec["fields"]["postcode"],
                    state=state,
                )
                .select_related("customer")
                .first()
            )

        tips = []
        ready = find("brough", CaseState.ASSESSMENT)
        if ready:
            tips.append(
                f"manager:  {ready.reference} ({ready.customer.full_name}) has every "
                "precondition and alternative recorded: submit it for decision."
            )
        waiting = [c for c in (find("fletcher", CaseState.AWAITING_DECISION),
                               find("harker", CaseState.AWAITING_DECISION)) if c]
        if waiting:
            names = " and ".join(f"{c.reference} ({c.customer.full_name})" for c in waiting)
            tips.append(f"senior:   decide {names}.")
        cross = find("harker", CaseState.AWAITING_DECISION)
        if cross:
            tips.append(
                f"officer2: works in Children and Families, so sees {cross.reference} "
                "(it involves that directorate) but not the Adults-only customers."
            )
        challenged = find("tinkler", CaseState.ACTIVE)
        if challenged and challenged.challenges.filter(status="under_review").exists():
            tips.append(
                f"reviewer: decide {challenged.customer.full_name}'s request for a review "
                f"of {challenged.reference} (from the home page or /deadlines/)."
            )
        lapsed = find("hodgson", CaseState.LAPSED)
        if lapsed:
            tips.append(
                f"senior:   {lapsed.reference} ({lapsed.customer.full_name}) missed its "
                "six-month review: the restrictions lapsed and the Assistant Director was "
                "told. See /deadlines/, then carry out the review."
            )
        if tips:
            self.stdout.write("  Try:")
            for tip in tips:
                self.stdout.write(f"    {tip}")
        self.stdout.write("")


def _script_actors() -> set[str]:
    """The users the customers' scripts act as."""
    names = set()
    for spec in data.CUSTOMERS:
        names.update(m.get("by", "officer") for m in spec["matters"])
        for step in spec["script"]:
            by = step.get("by", ())
            names.update((by,) if isinstance(by, str) else by)
            for key in ("key_officer", "reviewer"):
                if step.get(key):
                    names.add(step[key])
            names.update(
                s["named_officer"] for s in step.get("sanctions", ()) if "named_officer" in s
            )
    return names


@contextmanager
def _clock_back(seeder: Seeder, days: int):
    """Play a customer's script as of `days` ago: the services, history and timestamps all
    read `django.utils.timezone.now`, so the designation is dated then, with its review six
    months on from then, exactly as if it had been made that day."""
    real_now = timezone.now
    shift = dt.timedelta(days=days)
    today, now = seeder.today, seeder.now
    seeder.today, seeder.now = today - shift, now - shift
    try:
        with mock.patch("django.utils.timezone.now", lambda: real_now() - shift):
            yield
    finally:
        seeder.today, seeder.now = today, now


class Seeder:
    """Plays each customer's script from `demo.data` through the services."""

    def __init__(self, actors: dict, directorates: dict[str, Directorate]) -> None:
        self.actors = actors
        self.directorates = directorates
        self.rng = random.Random(data.RANDOM_SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        missing = {
            code
            for spec in data.CUSTOMERS
            for step in spec["script"]
            for key in ("indicators", "behaviours")
            for code in step.get(key, ())
        } - set(self.indicators)
        if missing:
            raise CommandError(f"Indicators missing: {', '.join(sorted(missing))}.")

    # --- helpers ---------------------------------------------------------------------------

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def text(self, value: str, **names: str) -> str:
        value = AGO.sub(lambda m: _long_date(self.day(int(m.group(1)))), value)
        for key, replacement in names.items():
            value = value.replace("{" + key + "}", replacement)
        return value

    def when(self, days_ago: int, hhmm: str) -> dt.datetime:
        hour, minute = (int(p) for p in hhmm.split(":"))
        moment = timezone.make_aware(
            dt.datetime.combine(self.day(days_ago), dt.time(hour, minute))
        )
        # A contact can never be in the future (the contact form refuses one).
        return min(moment, self.now - dt.timedelta(minutes=5))

    def inds(self, codes) -> list[Indicator]:
        return [self.indicators[c] for c in codes]

    def user(self, username: str):
        return self.actors[username]

    # --- the run ---------------------------------------------------------------------------

    def run(self) -> None:
        for spec in data.CUSTOMERS:
            CustomerScript(self, spec).run()


class CustomerScript:
    def __init__(self, seeder: Seeder, spec: dict) -> None:
        self.s = seeder
        self.spec = spec
        self.name = spec["salutation"]
        self.case: DesignationCase | None = None
        self.referrer = None
        self.matters: dict[str, Matter] = {}
        self.topics: dict[str, str] = {}

    def run(self) -> None:
        days = self.spec.get("as_of_days_ago")
        if not days:
            self._run()
            return
        with _clock_back(self.s, days):
            self._run()

    def _run(self) -> None:
        s, spec = self.s, self.spec
        first = spec["matters"][0]
        home = s.directorates[first.get("dir", "adults")]
        fields = dict(spec["fields"])
        if isinstance(fields.get("representative_consent_on"), int):
            fields["representative_consent_on"] = s.day(fields["representative_consent_on"])
        self.customer = services.customer_create(
            actor=s.user(first.get("by", "officer")), directorate=home, **fields
        )
        for m in spec["matters"]:
            status = m["status"]
            matter = services.matter_create(
                actor=s.user(m.get("by", "officer")),
                customer=self.customer,
                directorate=s.directorates[m.get("dir", "adults")],
                kind=m["kind"],
                summary=m["summary"],
                details=m["details"],
                status=status,
                outcome=m.get("outcome", ""),
                received_on=s.day(m["received"]),
                decided_on=s.day(m["decided"]) if "decided" in m else None,
                closed_on=s.day(m["closed"]) if "closed" in m else None,
            )
            self.matters[m["key"]] = matter
            self.topics[m["key"]] = m["topic"]
        for step in spec["script"]:
            getattr(self, f"op_{step['op']}")(step)

    def matter(self, key: str | None) -> Matter | None:
        return self.matters[key] if key else None

    def topic(self, key: str | None) -> str:
        return self.topics[key] if key else next(iter(self.topics.values()))

    def fill(self, value: str, **extra: str) -> str:
        return self.s.text(value, name=self.name, **extra)

    # --- contacts --------------------------------------------------------------------------

    def log(self, *, by: str, dir: str, channel: str, direction: str,  # noqa: A002
            occurred_at, summary: str, minutes: int | None, indicators, matter: str | None,
            recipients: int = 1) -> Contact:
        actor = self.s.user(by)
        return services.contact_log(
            actor=actor,
            customer=self.customer,
            directorate=self.s.directorates[dir],
            channel=channel,
            direction=direction,
            occurred_at=occurred_at,
            handled_by=actor,
            summary=summary,
            duration_minutes=minutes,
            recipients=recipients,
            matter=self.matter(matter),
            indicators=self.s.inds(indicators),
        )

    def op_burst(self, step: dict) -> None:
        rng = self.s.rng
        start, end = step["days"]
        end = max(end, 1)
        channels = list(step["channels"])
        weights = [step["channels"][c] for c in channels]
        planned = []
        for _ in range(step["n"]):
            channel = rng.choices(channels, weights)[0]
            direction = "outbound" if rng.random() < step["outbound"] else "inbound"
            if direction == "outbound" and channel not in data.OUTBOUND:
                channel = Channel.EMAIL
            days_ago = rng.randint(end, start)
            weekday = self.s.day(days_ago).weekday()
            # Customers email at any hour; staff reply, ring and visit in office hours.
            office = channel in OFFICE_CHANNELS or direction == "outbound"
            if office and weekday >= 5:
                days_ago += weekday - 4  # back to the Friday
            if office:
                minute_of_day = rng.randint(8 * 60 + 45, 16 * 60 + 45)
            else:
                minute_of_day = rng.randint(7 * 60, 22 * 60 + 59)
            at = f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"

            difficult = (
                direction == "inbound"
                and step["indicators"]
                and rng.random() < step["difficult"]
            )
            recipients = 1
            codes: list[str] = []
            if direction == "outbound":
                template = rng.choice(data.OUTBOUND[channel])
            elif difficult:
                template, codes = self.pick_difficult(channel, step["indicators"])
                if "{recipients}" in template:
                    recipients = rng.randint(3, 9)
                    if "high-volume" not in codes:
                        codes.append("high-volume")
            else:
                template = rng.choice(data.ROUTINE[channel])
            minutes = None
            if channel == Channel.PHONE:
                minutes = rng.randint(15, 55) if difficult else rng.randint(4, 15)
            elif channel == Channel.IN_PERSON:
                minutes = rng.randint(10, 45)
            planned.append({
                "by": rng.choice(step["by"]),
                "dir": step["dir"],
                "channel": channel,
                "direction": direction,
                "occurred_at": self.s.when(days_ago, at),
                "summary": self.fill(template, topic=self.topic(step["matter"]),
                                     recipients=str(recipients)),
                "minutes": minutes,
                "indicators": codes,
                "matter": step["matter"],
                "recipients": recipients,
            })
        for contact in sorted(planned, key=lambda c: c["occurred_at"]):
            self.log(**contact)

    def pick_difficult(self, channel: str, pool: tuple[str, ...]) -> tuple[str, list[str]]:
        """A template for the channel that shows some of the burst's indicators, and one or
        two of those indicators; any template if none fits."""
        rng = self.s.rng
        options = data.DIFFICULT[channel]
        fitting = [(t, [c for c in codes if c in pool]) for t, codes in options]
        fitting = [(t, codes) for t, codes in fitting if codes]
        if fitting:
            template, codes = rng.choice(fitting)
        else:
            template, codes = rng.choice(options)[0], list(pool)
        codes = rng.sample(codes, k=min(len(codes), rng.choice((1, 1, 2))))
        return template, codes

    def op_contact(self, step: dict) -> None:
        summary = step["summary"]
        if not summary:
            summary = self.s.rng.choice(data.DIFFICULT[step["channel"]])[0]
        minutes = step["minutes"]
        if minutes is None and step["channel"] in (Channel.PHONE, Channel.IN_PERSON):
            minutes = 15
        self.log(
            by=step["by"], dir=step["dir"], channel=step["channel"],
            direction=step["direction"], occurred_at=self.s.when(step["days_ago"], step["at"]),
            summary=self.fill(summary, topic=self.topic(step["matter"])),
            minutes=minutes, indicators=step["indicators"], matter=step["matter"],
            recipients=step["recipients"],
        )

    def op_informal_warning(self, step: dict) -> None:
        services.warning_give_informal(
            actor=self.s.user(step["by"]),
            customer=self.customer,
            directorate=self.s.directorates[step["dir"]],
            method=step["method"],
            given_on=self.s.day(step["days_ago"]),
            behaviours=self.s.inds(step["behaviours"]),
            summary=self.fill(step["summary"]),
        )

    # --- the case --------------------------------------------------------------------------

    def op_refer(self, step: dict) -> None:
        directorate = self.s.directorates[step["dir"]]
        evidence = (
            Contact.objects.filter(
                customer=self.customer, directorate=directorate, indicators__isnull=False
            )
            .distinct()
            .order_by("-occurred_at", "-id")[: step["evidence"]]
        )
        case, _new = services.case_refer(
            actor=self.s.user(step["by"]),
            customer=self.customer,
            directorate=directorate,
            reason=self.fill(step["reason"]),
            indicators=self.s.inds(step["indicators"]),
            evidence_contacts=list(evidence),
        )
        if self.case is None:
            self.case = case
            self.referrer = self.s.user(step["by"])

    def op_formal_warning(self, step: dict) -> None:
        self.case = services.case_issue_formal_warning(
            actor=self.s.user(step["by"]),
            case=self.case,
            expected_state=CaseState.REFERRED,
            method=step["method"],
            given_on=self.s.day(step["days_ago"]),
            behaviours=self.s.inds(step["behaviours"]),
            summary=self.fill(step["summary"]),
        )

    def op_skip_warning(self, step: dict) -> None:
        self.case = services.case_skip_warning(
            actor=self.s.user(step["by"]), case=self.case, expected_state=CaseState.REFERRED,
            kind=step["kind"], reason=self.fill(step["reason"]),
        )

    def _simple(self, service, step: dict, expected: str, **kwargs) -> None:
        self.case = service(
            actor=self.s.user(step["by"]), case=self.case, expected_state=expected, **kwargs
        )

    def op_continued(self, step: dict) -> None:
        self._simple(services.case_behaviour_continued, step, CaseState.WARNED,
                     note=self.fill(step["note"]))

    def op_stopped(self, step: dict) -> None:
        self._simple(services.case_behaviour_stopped, step, CaseState.WARNED,
                     note=self.fill(step["note"]))

    def op_close_referral(self, step: dict) -> None:
        self._simple(services.case_close_referral, step, CaseState.REFERRED,
                     note=self.fill(step["note"]))

    def op_close_precondition_failed(self, step: dict) -> None:
        self._simple(services.case_close_precondition_failed, step, CaseState.ASSESSMENT,
                     note=self.fill(step["note"]))

    def op_submit(self, step: dict) -> None:
        self._simple(services.case_submit_for_decision, step, CaseState.ASSESSMENT,
                     note=self.fill(step["note"]))

    def op_designate(self, step: dict) -> None:
        self._simple(services.case_designate, step, CaseState.AWAITING_DECISION,
                     reasons=self.fill(step["reasons"]),
                     indicators=self.s.inds(step["indicators"]),
                     sanctions=[self.sanction_spec(s) for s in step["sanctions"]])

    def sanction_spec(self, spec: dict) -> dict:
        """A `data.sanction` as the designate form would send it: the lead directorate,
        from the decision (today) to the six-month review, with the case's evidence."""
        today = timezone.localdate()
        params = {k: v for k, v in spec.items() if k not in ("kind", "reasons")}
        if "named_officer" in params:
            params["named_officer"] = self.s.user(params["named_officer"])
        for name in ("reference", "offices"):
            if name in params:
                params[name] = self.fill(params[name])
        return {
            "kind": spec["kind"],
            **params,
            "directorates": [self.case.lead_directorate],
            "starts_on": today,
            "ends_on": review_due(today),
            "reasons": self.fill(spec["reasons"]),
            "evidence_contacts": list(
                self.case.evidence_contacts.order_by("-occurred_at", "-id")[:5]
            ),
        }

    def op_notify(self, step: dict) -> None:
        from letters.services import case_inform_council, letter_issue

        actor = self.s.user(step["by"])
        letter_issue(actor=actor, kind="designation", case=self.case)
        case_inform_council(
            actor=actor, case=self.case, staff=[self.s.user(u) for u in step["staff"]],
            note=f"Please log every contact with {self.name}; the system checks it against "
            "the restrictions.",
        )
        self.case = type(self.case).objects.get(pk=self.case.pk)

    def op_challenge(self, step: dict) -> None:
        from reviews.services import challenge_record

        self.challenge = challenge_record(
            actor=self.s.user(step["by"]), case=self.case, channel=step["channel"],
            received_on=self.s.day(step["days_ago"]), grounds=self.fill(step["grounds"]),
        )

    def op_assign_reviewer(self, step: dict) -> None:
        from reviews.services import challenge_assign_reviewer

        self.challenge = challenge_assign_reviewer(
            actor=self.s.user(step["by"]), challenge=self.challenge,
            reviewer=self.s.user(step["reviewer"]),
        )

    def op_decline(self, step: dict) -> None:
        self._simple(services.case_decline, step, CaseState.AWAITING_DECISION,
                     reasons=self.fill(step["reasons"]))

    def op_return_for_more_work(self, step: dict) -> None:
        self._simple(services.case_return_for_more_work, step, CaseState.AWAITING_DECISION,
                     note=self.fill(step["note"]))

    def op_preconditions(self, step: dict) -> None:
        actor = self.s.user(step["by"])
        first_matter = next(iter(self.matters.values()))
        names = {
            "handler": self.referrer.get_full_name() if self.referrer else "the officer",
            "matter": f"the {first_matter.get_kind_display().lower()} "
            f"{first_matter.reference}",
        }
        notes = step["notes"] or {}
        for code in step["only"] or Precondition.values:
            services.precondition_record(
                actor=actor,
                case=self.case,
                precondition=code,
                met=code not in step["not_met"],
                note=self.fill(notes.get(code) or data.PRECONDITION_NOTES[code], **names),
                confirmed_on=self.s.day(step["days_ago"]),
            )

    def op_alternatives(self, step: dict) -> None:
        actor = self.s.user(step["by"])
        names = {"directorate": self.case.lead_directorate.name}
        for code in step["only"] or Alternative.values:
            outcome, reason = step["outcomes"].get(code) or data.ALTERNATIVE_DEFAULTS[code]
            services.alternative_record(
                actor=actor, case=self.case, alternative=code, outcome=outcome,
                reason=self.fill(reason, **names),
            )

    def op_coordination(self, step: dict) -> None:
        key_officer = self.s.user(step["key_officer"]) if step["key_officer"] else None
        self.case = services.case_set_coordination(
            actor=self.s.user(step["by"]),
            case=self.case,
            involved_directorates=[self.s.directorates[k] for k in step["involved"]],
            key_officer=key_officer,
        )

