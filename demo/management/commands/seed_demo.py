"""Load the demo data of `demo.data` and print the demo users.

Safe to run again: directorates and users are created only if missing, the customers and
their cases only if none of the demo customers exists yet. A second run creates and changes
nothing except demo passwords that no longer match (or `--password`).

Everything is written through the services (`demo.seeder`), acting as the demo users, so
each case's chronology and history name the person who took each step. Case events are
stamped with the time the seed runs, or with the time a customer's script is set at
(`as_of_days_ago`); contacts, warnings and matters carry their own dates over the past year.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

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

from accounts.models import AccessChange, Directorate, StaffProfile
from accounts.roles import GROUP_NAMES, role_labels
from accounts.services import AccessSnapshot, record_access_changes, separation_problem
from cases import references
from cases.models import (
    CaseEvent,
    CaseState,
    Contact,
    Customer,
    DesignationCase,
    Matter,
    Warning,
)
from demo import data
from demo.seeder import Seeder, script_actors, seed_governance
from outbox.services import relay
from reviews.sweeps import run_sweep
from sanctions.models import Sanction

User = get_user_model()


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
        if not settings.LOCAL:
            self.stderr.write(self.style.WARNING(
                "Neither DEMO nor DEBUG is on: the demo users have published passwords. Do not run "
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
                clash = sorted(set(self.foreign) & script_actors())
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
                    seed_governance(self._actors(), directorates)
                # Today's sweep, as beat would run it: the older designations' reviews open,
                # and the one whose review date has passed lapses and is escalated.
                run_sweep()
                # Deliver the demo's own mail now, into memory, inside the transaction: a
                # worker that picks the messages up after the commit finds them sent.
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
            roles = (spec["role"], *spec.get("extra_roles", ()))
            problem = separation_problem(
                roles, is_staff=spec.get("is_staff", False), is_superuser=False
            )
            if problem:
                raise CommandError(f"Demo user {spec['username']}: {problem}")
            before = AccessSnapshot.of(user) if user is not None else AccessSnapshot(frozenset())
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
            for role in roles:
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
            # Recorded like any other grant, so "Your access" shows where it came from;
            # a second run changes nothing and records nothing.
            record_access_changes(
                actor=None, subject=user, before=before, after=AccessSnapshot.of(user),
                source=AccessChange.Source.DEMO,
            )
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
