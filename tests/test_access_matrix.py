"""The URL x role x directorate matrix: every URL the resolver knows, as every role, from
every directorate, and signed out.

One world is built once for the module (three directorates; customers in each; a customer
Adults and Children share whose case Adults lead alone, and one whose case involves
Children; cases from referral to in force and closed; letters rendered by WeasyPrint,
attachments, a challenge given to the independent reviewer, a filed item). Every URL
pattern is filled with the objects of every directorate, requested with GET as each user,
and the answer checked twice:

- its status is what `PAGES` (or, for the admin, `ADMIN_MODELS`) says the policy is;
- nothing in it (HTML, JSON, CSV, the text of a PDF, a download, a redirect's Location)
  names a customer, or references a customer or case, that the user may not see.

Who may see what is worked out here from the world's own facts (which directorates each
customer deals with, which directorates each case belongs to, whose challenge it is), not
asked of the selectors under test.

A new URL with no line in `PAGES` fails `test_every_url_has_an_expectation`, naming it. A new
role is one line in `USERS`; the pages it may use follow from its roles in `PAGES`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import pypdf
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import AccessChange
from accounts.roles import ADMINISTRATOR_PERMISSIONS, Role
from accounts.services import AccessSnapshot, record_access_changes
from cases import services as case_services
from cases.models import (
    Channel,
    ContactAttachment,
    Customer,
    DesignationCase,
    KeptUpload,
    WarningMethod,
)
from cases.services import merge as merge_services
from governance import disclosure
from governance import services as sar_services
from governance.models import SubjectAccessRequest
from letters import services as letter_services
from letters.models import Letter, LetterKind, PolicyVersion
from reviews import services as review_services
from reviews.models import Challenge
from sanctions.models import FiledItem, SanctionKind
from sso.models import ClaimMapping, SsoIdentity
from tests import factories
from tests.sanctions.restrictions import add_sanction

# Every request is a GET; a few render the quarterly report with WeasyPrint, and the world's
# letters are real PDFs, so their text can be read.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.real_pdf,
    pytest.mark.xdist_group("access_matrix"),
]

OFF, SM, SEN, IR, DL, ADM, IG = (
    Role.OFFICER, Role.SERVICE_MANAGER, Role.SENIOR_MANAGER, Role.INDEPENDENT_REVIEWER,
    Role.DIRECTORATE_LEAD, Role.ADMINISTRATOR, Role.INFORMATION_GOVERNANCE,
)
CASEWORK = frozenset({OFF, SM, SEN, IR})
CASE_ACTING = frozenset({SM, SEN, IR})  # roles that take steps on a case
REPORTS = frozenset({DL, SEN})
DEADLINES = frozenset({SEN, IR, IG})  # information governance: subject access rows only
INFO_GOV = frozenset({IG})
FILED_READERS = frozenset({OFF, SM, SEN})


# --- who --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    roles: tuple[str, ...]
    directorates: tuple[str, ...] = ()
    council_wide: bool = False
    is_staff: bool = False


# One line per user. `reviewer` is given the challenge on Amos Active's case (Adults).
USERS: dict[str, User | None] = {
    "officer": User((OFF,), ("adults",)),
    "service_manager": User((SM,), ("adults",)),
    "senior_manager": User((SEN,), ("adults",)),
    "reviewer": User((IR, SEN), ("resources",)),
    "lead": User((DL,), ("adults",)),
    "lead_all": User((DL,), council_wide=True),
    "admin": User((ADM,), council_wide=True, is_staff=True),
    "ig": User((IG,), council_wide=True),
    "officer2": User((OFF,), ("children",)),
    "manager2": User((SM, SEN), ("children",)),
    "anonymous": None,
}

# What the demo's administrator (and one single sign-on gives) may do in /admin/: the one list.
ADMIN_PERMISSIONS = ADMINISTRATOR_PERMISSIONS


# --- the world ----------------------------------------------------------------------------------

# key -> (full name, directorates dealt with)
CUSTOMERS = {
    "ada": ("Ada Quillreferred", ("adults",)),
    "abel": ("Abel Quillassessed", ("adults",)),
    "agnes": ("Agnes Quillawaiting", ("adults",)),
    "arthur": ("Arthur Quilldesignated", ("adults",)),
    "amos": ("Amos Quillactive", ("adults",)),
    "avril": ("Avril Quillclosed", ("adults",)),
    "carl": ("Carl Quillchildren", ("children",)),
    "sasha": ("Sasha Quillshared", ("adults", "children")),
    "xavier": ("Xavier Quillcrossing", ("adults", "children")),
    "rita": ("Rita Quillresources", ("resources",)),
}
# key -> (customer, state, lead directorate, involved directorates)
CASES = {
    "ada": ("ada", "referred", "adults", ()),
    "abel": ("abel", "assessment", "adults", ()),
    "agnes": ("agnes", "awaiting_decision", "adults", ()),
    "arthur": ("arthur", "designated", "adults", ()),
    "amos": ("amos", "active", "adults", ()),
    "avril": ("avril", "closed", "adults", ()),
    "carl": ("carl", "designated", "children", ()),
    # Adults lead Sasha's designation alone, in force: Children see Sasha and the
    # restrictions, not the case nor its letters.
    "sasha": ("sasha", "active", "adults", ()),
    # Xavier's case involves Children: they see it.
    "xavier": ("xavier", "assessment", "adults", ("children",)),
}
REVIEWED_CASES = {"reviewer": {"amos"}}  # the challenges given to each reviewer
# The customers with a subject access request: the information-governance role sees them
# (their requests' pages and disclosure), and no other customer.
SAR_CUSTOMERS = {"rita"}


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    cases: dict[str, DesignationCase] = field(default_factory=dict)
    matters: dict[str, object] = field(default_factory=dict)
    warnings: dict[str, object] = field(default_factory=dict)
    letters: list[Letter] = field(default_factory=list)
    attachments: list[ContactAttachment] = field(default_factory=list)
    challenges: list[Challenge] = field(default_factory=list)
    filed: list[FiledItem] = field(default_factory=list)
    sars: list[SubjectAccessRequest] = field(default_factory=list)
    merges: list = field(default_factory=list)
    admin_objects: dict[str, list] = field(default_factory=dict)

    def customer_key(self, customer_id: int) -> str:
        return next(k for k, c in self.customers.items() if c.pk == customer_id)

    def case_key(self, case_id: int | None) -> str | None:
        return next((k for k, c in self.cases.items() if c.pk == case_id), None)


def _make_user(name: str, spec: User, dirs: dict):
    user = factories.UserFactory(
        username=name, first_name=name.title(), last_name="Matrix", roles=list(spec.roles),
        directorates=[dirs[d] for d in spec.directorates],
        directorates__council_wide=spec.council_wide, is_staff=spec.is_staff,
    )
    if ADM in spec.roles:
        user.user_permissions.add(*(
            Permission.objects.get(content_type__app_label=app, codename=code)
            for app, code in ADMIN_PERMISSIONS
        ))
    return user


def _staff_of(directorate, dirs: dict, users: dict) -> dict:
    """The officer and managers who drive a directorate's cases."""
    if directorate == dirs["adults"]:
        return {"officer": users["officer"], "service_manager": users["service_manager"],
                "senior_manager": users["senior_manager"]}
    return {"officer": users["officer2"], "service_manager": users["manager2"],
            "senior_manager": users["manager2"]}


def _upload(customer: Customer) -> SimpleUploadedFile:
    text = f"Dear council, I am {customer.full_name} ({customer.reference}).\n"
    return SimpleUploadedFile("letter.txt", text.encode(), content_type="text/plain")


def build_world() -> World:
    w = World()
    dirs = {
        "adults": factories.DirectorateFactory(name="Adults", short_name="adults"),
        "children": factories.DirectorateFactory(name="Children", short_name="children"),
        "resources": factories.DirectorateFactory(name="Resources", short_name="resources"),
    }
    for name, spec in USERS.items():
        if spec is not None:
            w.users[name] = _make_user(name, spec, dirs)
    now = timezone.now()
    for key, (full_name, in_dirs) in CUSTOMERS.items():
        customer = factories.CustomerFactory(
            full_name=full_name, directorates=[dirs[d] for d in in_dirs]
        )
        w.customers[key] = customer
        home = dirs[in_dirs[0]]
        logger = w.users["officer2"] if in_dirs == ("children",) else w.users["officer"]
        if in_dirs == ("resources",):
            logger = factories.UserFactory(roles=[OFF], directorates=[home])
        w.matters[key] = factories.MatterFactory(
            customer=customer, directorate=home, created_by=logger,
            summary=f"Complaint from {full_name}",
        )
        contact = case_services.contact_log(
            actor=logger, customer=customer, directorate=home, channel=Channel.LETTER,
            direction="inbound", occurred_at=now - dt.timedelta(days=3), handled_by=logger,
            summary=f"A letter from {full_name}", matter=w.matters[key],
            files=[_upload(customer)],
        )
        w.attachments.extend(contact.attachments.all())
    for key, (customer_key, state, lead, involved) in CASES.items():
        lead_dir = dirs[lead]
        staff = _staff_of(lead_dir, dirs, w.users)
        make_state = "designated" if state == "active" else state
        case = factories.make_case(
            make_state, directorate=lead_dir, customer=w.customers[customer_key], **staff
        )
        if involved:
            case = case_services.case_set_coordination(
                actor=staff["service_manager"], case=case,
                involved_directorates=[dirs[d] for d in involved],
                key_officer=staff["officer"],
            )
        if make_state == "designated":
            w.letters.append(letter_services.letter_issue(
                actor=staff["senior_manager"], kind=LetterKind.DESIGNATION, case=case
            ))
        if state == "active":
            letter_services.case_inform_council(
                actor=staff["senior_manager"], case=case, staff=[staff["officer"]]
            )
        w.cases[key] = DesignationCase.objects.get(pk=case.pk)
        assert w.cases[key].state == state, (key, w.cases[key].state)
    # A challenge to Amos's designation, given to the reviewer.
    amos = w.cases["amos"]
    challenge = review_services.challenge_record(
        actor=w.users["senior_manager"], case=amos, channel="letter",
        received_on=timezone.localdate(), grounds="I was not told why.",
    )
    w.challenges.append(review_services.challenge_assign_reviewer(
        actor=w.users["senior_manager"], challenge=challenge, reviewer=w.users["reviewer"]
    ))
    # Correspondence about a refused matter is filed, to be read.
    today = timezone.localdate()
    add_sanction(amos, SanctionKind.REFUSE_COMPLAINTS, matters=[w.matters["amos"]],
                 starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=30))
    filed = case_services.contact_log(
        actor=w.users["officer"], customer=amos.customer, directorate=dirs["adults"],
        channel=Channel.LETTER, direction="inbound", occurred_at=timezone.now(),
        handled_by=w.users["officer"], summary="The same complaint again.",
        matter=w.matters["amos"],
    )
    w.filed.extend(FiledItem.objects.filter(contact=filed))
    # Sasha's designation (Adults alone) refuses complaints about her matter council-wide:
    # a letter Children log about it is filed, to be read by the case's staff.
    sasha = w.cases["sasha"]
    add_sanction(sasha, SanctionKind.REFUSE_COMPLAINTS, matters=[w.matters["sasha"]],
                 council_wide=True, starts_on=today - dt.timedelta(days=1),
                 ends_on=today + dt.timedelta(days=30))
    filed = case_services.contact_log(
        actor=w.users["officer2"], customer=sasha.customer, directorate=dirs["children"],
        channel=Channel.LETTER, direction="inbound", occurred_at=timezone.now(),
        handled_by=w.users["officer2"], summary="About the same complaint.",
        matter=w.matters["sasha"],
    )
    w.filed.extend(FiledItem.objects.filter(contact=filed))
    assert len(w.filed) == 2
    # Informal warnings with their letters (no case): Amos's by Adults, Carl's and the
    # shared Sasha's by Children.
    for key, giver in (("amos", "officer"), ("carl", "officer2"), ("sasha", "officer2")):
        user = w.users[giver]
        warning = case_services.warning_give_informal(
            actor=user, customer=w.customers[key],
            directorate=user.staff_profile.directorates.get(), method=WarningMethod.IN_PERSON,
            given_on=today, behaviours=factories.some_indicators(1),
            summary="Asked to keep to the point.",
        )
        w.warnings[key] = warning
        w.letters.append(letter_services.letter_issue(
            actor=user, kind=LetterKind.INFORMAL_WARNING, warning=warning
        ))
    # Rita's subject access request: produced with a redaction marked, and released.
    ig = w.users["ig"]
    sar = sar_services.sar_record(actor=ig, customer=w.customers["rita"], received_on=today)
    sar_services.sar_check_identity(actor=ig, sar=sar, checked_on=today, how="Passport.")
    sar_services.sar_produce(actor=ig, sar=sar)
    sar_services.sar_mark_redaction(
        actor=ig, sar=sar, passage=disclosure.passages(w.customers["rita"])[0].key,
        reason="Names a neighbour.",
    )
    sar_services.sar_include_files(actor=ig, sar=sar, files=[
        key for key, _what, _obj in disclosure.files_of(w.customers["rita"])])
    w.sars.append(sar_services.sar_release(actor=ig, sar=sar))
    # A duplicate record of Ada's, merged into hers (its undo page names the merge).
    w.merges.append(merge_services.customer_merge(
        actor=w.users["service_manager"], survivor=w.customers["ada"],
        merged=factories.CustomerFactory(full_name="Mervyn Duplicate",
                                         directorates=[dirs["adults"]]),
        reason="The same person, recorded twice.",
    ))
    Token.objects.create(user=w.users["officer"])
    officer = w.users["officer"]
    record_access_changes(
        actor=w.users["admin"], subject=officer, before=AccessSnapshot(frozenset()),
        after=AccessSnapshot.of(officer), source=AccessChange.Source.ADMIN,
    )
    sign_in = {"username": "officer", "ip_address": "10.0.0.9", "user_agent": "matrix",
               "http_accept": "*/*", "path_info": "/sign-in/"}
    w.admin_objects = {
        "accounts.accesschange": [AccessChange.objects.filter(subject=officer).first()],
        "axes.accessattempt": [AccessAttempt.objects.create(
            **sign_in, get_data="", post_data="", failures_since_start=1
        )],
        "axes.accessfailurelog": [AccessFailureLog.objects.create(**sign_in)],
        "axes.accesslog": [AccessLog.objects.create(**sign_in)],
        "sso.claimmapping": [ClaimMapping.objects.create(
            claim_value="adults-officers", role=Role.OFFICER, directorate=dirs["adults"]
        )],
        "sso.ssoidentity": [SsoIdentity.objects.create(
            user=officer, issuer="https://login.example", subject="officer-subject",
            first_signed_in=timezone.now(), last_signed_in=timezone.now(),
        )],
        "auth.user": [w.users["officer"]],
        "auth.group": [Group.objects.get(name="Officer")],
        # The token admin names a token by its user.
        "authtoken.tokenproxy": [w.users["officer"]],
        "accounts.directorate": [dirs["adults"]],
        "cases.indicator": factories.some_indicators(1),
        "letters.policyversion": [PolicyVersion.objects.filter(is_current=True).first()],
    }
    for label in ("cases.indicator", "letters.policyversion", "accounts.directorate",
                  "sso.claimmapping"):
        for obj in w.admin_objects[label]:
            obj.save()  # a history record of their own (the seeded rows have none)
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The world, built once in a transaction that is rolled back after the module; each
    test runs in a savepoint inside it. Files go to a folder of the module's own."""
    location = tmp_path_factory.mktemp("matrix-media")
    private = {"BACKEND": "ucp.storage.PrivateFileSystemStorage",
               "OPTIONS": {"location": str(location), "base_url": None}}
    with override_settings(STORAGES={**_storages_setting(), "private": private}), \
            pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        for model in (ContactAttachment, KeptUpload):
            patch.setattr(model._meta.get_field("file"), "storage", storages["private"])
        for model in (Letter, PolicyVersion):
            patch.setattr(model._meta.get_field("pdf"), "storage", storages["private"])
        for name in ("internal_copy", "release_copy"):
            patch.setattr(SubjectAccessRequest._meta.get_field(name), "storage",
                          storages["private"])
        from ucp.celery import app

        patch.setitem(app.conf, "task_always_eager", True)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _storages_setting() -> dict:
    from django.conf import settings

    return settings.STORAGES


@pytest.fixture(autouse=True)
def private_media():
    """Replaces the suite's per-test upload folder: the world's files (`world`) live for the
    module, and the tests that need no world do not build one."""


# --- who may see what, from the world's facts ----------------------------------------------------


def _dirs(name: str) -> set[str] | None:
    spec = USERS[name]
    return None if spec.council_wide else set(spec.directorates)


def _casework(name: str) -> bool:
    spec = USERS[name]
    return spec is not None and bool(CASEWORK & set(spec.roles))


def sees_case(name: str, key: str) -> bool:
    if not _casework(name):
        return False
    _customer, _state, lead, involved = CASES[key]
    mine = _dirs(name)
    reviewed = IR in USERS[name].roles and key in REVIEWED_CASES.get(name, ())
    return mine is None or bool(mine & {lead, *involved}) or reviewed


def sees_customer(name: str, key: str) -> bool:
    spec = USERS[name]
    if spec is not None and IG in spec.roles and key in SAR_CUSTOMERS:
        return True  # the customer's subject access request, and only that
    if not _casework(name):
        return False
    mine = _dirs(name)
    reviewed = IR in USERS[name].roles and any(
        CASES[c][0] == key for c in REVIEWED_CASES.get(name, ())
    )
    return mine is None or bool(mine & set(CUSTOMERS[key][1])) or reviewed


def forbidden_words(w: World, name: str) -> set[str]:
    """Names and references the user may not be shown anywhere."""
    words = set()
    for key, customer in w.customers.items():
        if not sees_customer(name, key):
            words |= {customer.full_name, customer.reference}
    for key, case in w.cases.items():
        if not sees_case(name, key):
            words.add(case.reference)
    return words


# --- the policy -------------------------------------------------------------------------------

SIGNED_IN = None  # every signed-in user, whatever their role
# What an allowed user in scope gets from a step's page: the form, or (the step is not
# theirs now) a redirect back to the case or customer with a message.
PAGE_OR_BACK = frozenset({200, 302})


@dataclass(frozen=True)
class Page:
    """Who may use a page: `roles` (None: anyone signed in; others get 403); `scope`, what
    the URL names, whose directorate scope then decides (out of scope: 404); `ok`, what an
    allowed user in scope gets. `public` pages answer signed-out visitors too; `post_only`
    pages are a form's target (a GET is 405 for anyone signed in)."""

    roles: frozenset[str] | None
    scope: str | None = None
    ok: int | frozenset[int] = 200
    public: bool = False
    post_only: bool = False
    signed_out: int = 302  # to the sign-in page
    signed_in: int | None = None  # a public page's answer to anyone signed in
    # Of those who may see the record, who may still not take this step (403).
    refused: Callable[[str, str], bool] | None = None


def reviewing_only(user: str, case: str) -> bool:
    """The user sees the case only because its challenge is theirs to decide."""
    mine = _dirs(user)
    _customer, _state, lead, involved = CASES[case]
    return mine is not None and not (mine & {lead, *involved})


def not_its_reviewer(user: str, case: str) -> bool:
    return not (IR in USERS[user].roles and case in REVIEWED_CASES.get(user, ()))


def not_its_senior_manager(user: str, case: str) -> bool:
    return SEN not in USERS[user].roles or reviewing_only(user, case)


CORRECTING = frozenset({OFF, SM, SEN})
# Who gave each customer's informal warning (build_world): Children for Carl and Sasha.
WARNING_DIRECTORATE = {"amos": "adults", "carl": "children", "sasha": "children"}


def _works_in(user: str, directorates) -> bool:
    mine = _dirs(user)
    return mine is None or bool(mine & set(directorates))


def not_of_customer(user: str, customer: str) -> bool:
    """Sees the customer (a reviewer, through a challenge) but works in none of their
    directorates."""
    return not _works_in(user, CUSTOMERS[customer][1])


def not_of_home(user: str, customer: str) -> bool:
    """The matter and the contact the matrix names are the customer's first directorate's."""
    return not _works_in(user, CUSTOMERS[customer][1][:1])


def not_of_warning(user: str, customer: str) -> bool:
    return not _works_in(user, (WARNING_DIRECTORATE[customer],))


# Per URL name. Scopes: "customer" (the customer's directorates), "case" (the case's lead
# and involved directorates), "letter" (its case, or with no case its customer), "attachment"
# (the contact's customer), "filed" (the case whose sanction filed it), "challenge" (its case).
PAGES: dict[str, Page] = {
    "home": Page(SIGNED_IN),
    "healthz": Page(SIGNED_IN, public=True),
    "login": Page(SIGNED_IN, public=True, signed_in=302),
    "logout": Page(SIGNED_IN, post_only=True, public=True),
    "customers:search": Page(CASEWORK),
    "customers:create": Page(CASEWORK),
    "customers:browse": Page(CASEWORK),
    "customers:detail": Page(CASEWORK, "customer"),
    "customers:edit": Page(CASEWORK, "customer"),
    # The customer page's whole lists, behind its "see all" links (issue 13).
    "customers:matters": Page(CASEWORK, "customer"),
    "customers:warnings": Page(CASEWORK, "customer"),
    "customers:cases": Page(CASEWORK, "customer"),
    "customers:contact_create": Page(CASEWORK, "customer"),
    "customers:matter_create": Page(CASEWORK, "customer"),
    "customers:matter_edit": Page(CASEWORK, "customer"),
    "customers:warning_create": Page(CASEWORK, "customer"),
    "customers:refer": Page(frozenset({OFF}), "customer"),
    # Corrections and disputes: the roles that record it, in the record's directorate
    # (cases.rules.may_correct); a directorate only sharing the customer is refused (403).
    "customers:correct": Page(CORRECTING, "customer", refused=not_of_customer),
    "customers:dispute": Page(CORRECTING, "customer", refused=not_of_customer),
    "customers:contact_correct": Page(CORRECTING, "customer", refused=not_of_home),
    "customers:contact_dispute": Page(CORRECTING, "customer", refused=not_of_home),
    "customers:matter_correct": Page(CORRECTING, "customer", refused=not_of_home),
    "customers:matter_dispute": Page(CORRECTING, "customer", refused=not_of_home),
    "customers:warning_correct": Page(CORRECTING, "customer", refused=not_of_warning),
    "customers:warning_dispute": Page(CORRECTING, "customer", refused=not_of_warning),
    # Merging two records: managers working in one of the customer's directorates.
    "customers:merge": Page(frozenset({SM, SEN}), "customer", refused=not_of_customer),
    "customers:merge_undo": Page(frozenset({SM, SEN}), "customer", refused=not_of_customer),
    "cases:detail": Page(CASEWORK, "case"),
    "cases:chronology": Page(CASEWORK, "case"),
    "cases:evidence": Page(CASEWORK, "case"),
    "cases:referral": Page(CASEWORK, "case"),
    "cases:letters": Page(CASEWORK, "case"),
    "cases:reviews": Page(CASEWORK, "case"),
    "cases:monitoring": Page(CASEWORK, "case"),
    "cases:action": Page(CASE_ACTING, "case", PAGE_OR_BACK),
    "cases:precondition": Page(CASE_ACTING, "case", post_only=True),
    "cases:alternative": Page(CASE_ACTING, "case", post_only=True),
    "cases:coordination": Page(CASE_ACTING, "case", post_only=True),
    "cases:attachment": Page(CASEWORK, "attachment"),
    "letters:html": Page(CASEWORK, "letter"),
    "letters:pdf": Page(CASEWORK, "letter"),
    "letters:preview": Page(CASE_ACTING, "case", PAGE_OR_BACK),
    "letters:issue": Page(CASE_ACTING, "case", post_only=True),
    "letters:inform_council": Page(CASE_ACTING, "case", PAGE_OR_BACK),
    "letters:informal_warning_issue": Page(CASEWORK, "customer", PAGE_OR_BACK),
    "letters:customer_pdf": Page(CASEWORK, "letter"),
    # Staff of the case record a request for a review; its reviewer decides it; a senior
    # manager of the case gives it to a reviewer, and carries out the six-month review.
    "reviews:challenge_record": Page(CASEWORK, "case", PAGE_OR_BACK, refused=reviewing_only),
    "reviews:challenge_decide": Page(
        CASE_ACTING, "challenge", PAGE_OR_BACK, refused=not_its_reviewer
    ),
    # The world's challenge is in time: a late request's steps are not open on it.
    "reviews:challenge_accept_late": Page(CASE_ACTING, "challenge", PAGE_OR_BACK),
    "reviews:challenge_refuse_late": Page(CASE_ACTING, "challenge", PAGE_OR_BACK),
    "reviews:challenge_assign": Page(
        CASE_ACTING, "challenge", PAGE_OR_BACK, refused=not_its_senior_manager
    ),
    "reviews:review_decide": Page(
        CASE_ACTING, "case", PAGE_OR_BACK, refused=not_its_senior_manager
    ),
    "reviews:deadlines": Page(DEADLINES),
    # The Ombudsman bundle: the case page's story as a PDF, for whoever may see the case.
    "reviews:bundle": Page(CASEWORK, "case"),
    "frontdesk:check": Page(CASEWORK, "customer"),
    "filed:queue": Page(FILED_READERS),
    "filed:item": Page(FILED_READERS, "filed"),
    "reports:report": Page(REPORTS),
    # One of the report's tables whole: figures only, as the report page.
    "reports:table": Page(REPORTS),
    "reports:cases": Page(REPORTS & CASEWORK),
    "reports:quarterly": Page(REPORTS),
    "reports:quarterly_pdf": Page(REPORTS),
    "api:restriction_check": Page(CASEWORK, "customer", signed_out=401),
    "api:customer_restrictions": Page(CASEWORK, "customer", signed_out=401),
    "api:schema": Page(SIGNED_IN, signed_out=401),
    # Single sign-on's round trip: not there while single sign-on is off (tests/sso/ has it on).
    "oidc_authentication_init": Page(SIGNED_IN, ok=404, public=True, signed_in=404),
    "oidc_authentication_callback": Page(SIGNED_IN, ok=404, public=True, signed_in=404),
    # The information-governance role's council-wide list of access changes: no customer.
    "governance:access_changes": Page(frozenset({IG})),
    # The access log, council-wide, for the same role (asked here with no customer or person
    # named: the log's own tests name them, tests/governance/test_access_log_pages.py).
    "governance:customer_access": Page(frozenset({IG})),
    "governance:staff_access": Page(frozenset({IG})),
    # Retention: the proposals to approve and the disposals done; legal holds (IG only).
    "governance:disposals": Page(frozenset({IG})),
    "governance:holds": Page(frozenset({IG})),
    "governance:hold_lift": Page(frozenset({IG}), post_only=True),
    # Subject access requests: information governance only; a request's pages show its
    # customer (scope "customer": the request's).
    "governance:sar_list": Page(INFO_GOV),
    "governance:sar_create": Page(INFO_GOV),
    "governance:sar_detail": Page(INFO_GOV, "customer"),
    "governance:sar_passages": Page(INFO_GOV, "customer"),
    "governance:sar_files": Page(INFO_GOV, "customer"),
    "governance:sar_download": Page(INFO_GOV, "customer"),
    **{f"governance:sar_{step}": Page(INFO_GOV, "customer", post_only=True)
       for step in ("identity", "extend", "close", "produce", "release", "redaction_remove")},
    # The person's own roles and directorates and the changes to them.
    "accounts:your_access": Page(SIGNED_IN),
    # The timeout warning's questions: how long is left (asked signed out too), and extend.
    "session_status": Page(SIGNED_IN, public=True),
    "session_extend": Page(SIGNED_IN, post_only=True, public=True),
}

# The admin: the models an administrator edits, and the permissions the test's administrator
# holds on each. None of them is, or shows, a customer record; a new model registered in the
# admin has no line here and fails the test.
ADMIN_MODELS = {
    "auth.user": "view add change",
    "auth.group": "view",
    "authtoken.tokenproxy": "",
    "accounts.directorate": "view add change",
    "cases.indicator": "view add change",
    "letters.policyversion": "view add change",
    # Who gave whom what: read-only for everyone (accounts.admin).
    "accounts.accesschange": "view",
    # Sign-in lockouts: deleting an attempt unlocks.
    "axes.accessattempt": "view delete",
    "axes.accessfailurelog": "view",
    "axes.accesslog": "view",
    # Single sign-on's group mapping table, and who signed in through it.
    "sso.claimmapping": "view add change delete",
    "sso.ssoidentity": "view",
}
# The admin's own pages, for its staff (the administrator); everyone else is sent to the
# admin's sign-in page.
ADMIN_PAGES = {
    "admin:index": 200,
    "admin:login": 302,  # already signed in: on to the index
    "admin:logout": 405,  # POST only
    "admin:password_change": 200,
    "admin:password_change_done": 200,
    "admin:autocomplete": 403,  # needs a field to complete
    "admin:jsi18n": 200,
    "admin:view_on_site": 404,  # a customer's "view on site" redirect names them
    "admin:app_list": 200,
    "admin:catch_all": 404,
}


# --- the URLs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # the URL name; for the admin's unnamed patterns, what they are
    route: str
    defaults: dict


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = entry.name
            if namespace == "admin":
                name = _admin_name(name, route)
            yield Route(f"{namespace}:{name}" if namespace else name, route, entry.default_args)


def _admin_name(name: str | None, route: str) -> str:
    if name is None:
        return "catch_all" if route.endswith("(?P<url>.*)$") else "object"
    return name


def all_routes() -> list[Route]:
    return list(_walk(get_resolver()))


def admin_model_of(route: Route) -> tuple[str, str] | None:
    """("app.model", page) for a page of a model's admin, else None."""
    match = re.match(r"admin/(\w+)/(\w+)/(.*)$", route.route)
    if not match or route.name in ADMIN_PAGES:
        return None
    app, model, rest = match.groups()
    page = {
        "": "changelist", "add/": "add", "<path:object_id>/history/": "history",
        "<path:object_id>/delete/": "delete", "<path:object_id>/change/": "change",
        "<path:object_id>/": "object", "<id>/password/": "password",
        "^([^/]+)/history/([^/]+)/$": "history_record",
    }.get(rest, rest)
    return f"{app}.{model}", page


@dataclass(frozen=True)
class Target:
    url: str
    scope: str | None  # "customer:<key>" or "case:<key>" or None


def _customer(w: World, key: str) -> Target:
    return Target(w.customers[key].reference, f"customer:{key}")


# The action of a case page tried on a case in each state (any real action will do: one not
# open now is a redirect back to the case).
ACTION_FOR_STATE = {
    "referred": "issue_formal_warning", "assessment": "submit_for_decision",
    "awaiting_decision": "designate",
}


def _fill(w: World, route: Route) -> list[tuple[str, str | None]]:
    """(URL, what decides scope) for each object of the world this route can name."""
    r, name = "/" + route.route, route.name
    out: list[tuple[str, str | None]] = []
    if name.startswith("admin:"):
        return _fill_admin(w, route)
    if "<str:matter_ref>" in r:
        for key, matter in w.matters.items():
            url = r.replace("<str:reference>", w.customers[key].reference)
            out.append((url.replace("<str:matter_ref>", matter.reference), f"customer:{key}"))
    elif name in ("letters:html", "letters:pdf"):
        for letter in w.letters:
            if letter.case_id:
                url = r.replace("<str:reference>", letter.case.reference)
                out.append((url.replace("<int:pk>", str(letter.pk)), _letter_scope(w, letter)))
    elif name == "letters:customer_pdf":
        # Every letter, a case's letters included: the customer's URL must not open them
        # for someone who may not see the case.
        for letter in w.letters:
            url = r.replace("<str:customer_ref>", letter.customer.reference)
            out.append((url.replace("<int:pk>", str(letter.pk)), _letter_scope(w, letter)))
    elif name == "letters:informal_warning_issue":
        for key, warning in w.warnings.items():
            url = r.replace("<str:customer_ref>", w.customers[key].reference)
            out.append((url.replace("<int:pk>", str(warning.pk)), f"customer:{key}"))
    elif "challenges/<int:pk>" in r:
        for challenge in w.challenges:
            key = w.case_key(challenge.case_id)
            url = r.replace("<str:reference>", w.cases[key].reference)
            out.append((url.replace("<int:pk>", str(challenge.pk)), f"case:{key}"))
    elif name.startswith("customers:") and "/contacts/<int:pk>/" in r:
        # The contact of each customer's first directorate (the one with the attachment).
        for attachment in w.attachments:
            key = w.customer_key(attachment.contact.customer_id)
            url = r.replace("<str:reference>", w.customers[key].reference)
            out.append((url.replace("<int:pk>", str(attachment.contact_id)), f"customer:{key}"))
    elif name.startswith("customers:") and "/warnings/<int:pk>/" in r:
        for key, warning in w.warnings.items():
            url = r.replace("<str:reference>", w.customers[key].reference)
            out.append((url.replace("<int:pk>", str(warning.pk)), f"customer:{key}"))
    elif name == "customers:merge_undo":
        for merge in w.merges:
            key = w.customer_key(merge.survivor_id)
            url = r.replace("<str:reference>", w.customers[key].reference)
            out.append((url.replace("<int:pk>", str(merge.pk)), f"customer:{key}"))
    elif name.startswith("governance:sar_") and "<int:pk>" in r:
        for sar in w.sars:
            key = w.customer_key(sar.customer_id)
            url = r.replace("<int:pk>", str(sar.pk))
            url = url.replace("<int:mark>", str(sar.redactions.get().pk))
            for copy in ("internal", "release") if "<slug:copy>" in url else (None,):
                out.append((url.replace("<slug:copy>", copy) if copy else url,
                            f"customer:{key}"))
    elif name == "cases:attachment":
        for attachment in w.attachments:
            key = w.customer_key(attachment.contact.customer_id)
            out.append((r.replace("<int:pk>", str(attachment.pk)), f"customer:{key}"))
    elif name == "filed:item":
        # Filed correspondence is read for the case whose sanction filed it.
        for item in w.filed:
            key = w.case_key(item.sanction.case_id)
            out.append((r.replace("<int:pk>", str(item.pk)), f"case:{key}"))
    elif "<str:reference>" in r and (name.startswith("customers:") or name.startswith("api:")):
        for key, customer in w.customers.items():
            out.append((r.replace("<str:reference>", customer.reference), f"customer:{key}"))
    elif "<str:reference>" in r:
        for key, case in w.cases.items():
            url = r.replace("<str:reference>", case.reference)
            url = url.replace("<slug:kind>", "designation")
            url = url.replace("<slug:action>", ACTION_FOR_STATE.get(case.state, "close_referral"))
            out.append((url, f"case:{key}"))
    elif name == "frontdesk:check":
        out.append((r, None))
        out.append((r + "?q=Quill", None))
        for key, customer in w.customers.items():
            out.append((f"{r}?customer={customer.reference}", f"customer:{key}"))
    elif name == "api:restriction_check":
        for key, customer in w.customers.items():
            out.append((f"{r}?customer={customer.reference}&channel=phone", f"customer:{key}"))
    elif name == "reports:report":
        out += [(r, None), (r + "?format=csv&table=invocations", None)]
    elif name == "reports:table":
        out += [(r.replace("<slug:key>", "reasons"), None),
                (r.replace("<slug:key>", "trend") + "?period=year", None)]
    elif name == "governance:hold_lift":
        out.append((r.replace("<int:pk>", "1"), None))
    elif name == "reports:cases":
        out.append((r + "?figure=invocations", None))
    else:
        out.append((r, None))
    for url, _scope in out:
        assert "<" not in url, f"{name}: the matrix does not know how to fill {url}"
    return out


def _letter_scope(w: World, letter: Letter) -> str:
    if letter.case_id:
        return f"case:{w.case_key(letter.case_id)}"
    return f"customer:{w.customer_key(letter.customer_id)}"


def _fill_admin(w: World, route: Route) -> list[tuple[str, str | None]]:
    r = "/" + route.route
    if route.name == "admin:view_on_site":
        # Every customer, by the admin's "view on site" redirect.
        ct = ContentType.objects.get_for_model(Customer)
        return [
            (r.replace("<path:content_type_id>", str(ct.pk))
             .replace("<path:object_id>", str(c.pk)), None)
            for c in w.customers.values()
        ]
    if route.name == "admin:app_list":
        return [(f"/admin/{app}/", None) for app in ("auth", "accounts", "cases", "letters")]
    if route.name == "admin:catch_all":
        return [("/admin/cases/customer/", None), ("/admin/cases/designationcase/1/", None)]
    model = admin_model_of(route)
    if model is None:
        return [(r, None)]
    label, page = model
    out = []
    for obj in w.admin_objects[label]:
        url = r.replace("<path:object_id>", str(obj.pk)).replace("<id>", str(obj.pk))
        if page == "history_record":
            record = obj.history.order_by("history_id").first()
            url = f"/admin/{label.replace('.', '/')}/{obj.pk}/history/{record.history_id}/"
        out.append((url, None))
    return out


# --- the expectations -------------------------------------------------------------------------


def expected(route: Route, user: str, scope: str | None) -> int | frozenset[int]:
    if route.name.startswith("admin:"):
        return _expected_admin(route, user)
    page = PAGES[route.name]
    spec = USERS[user]
    if spec is None:
        return page.ok if page.public and not page.post_only else page.signed_out
    if page.public and page.signed_in is not None:
        return page.signed_in
    if page.roles is not None and not (page.roles & set(spec.roles)):
        return 405 if page.post_only else 403
    if page.post_only:
        return 405
    if scope is not None:
        kind, key = scope.split(":")
        visible = sees_customer(user, key) if kind == "customer" else sees_case(user, key)
        if not visible:
            return 404
        if page.refused is not None and page.refused(user, key):
            return 403
    return page.ok


def _expected_admin(route: Route, user: str) -> int:
    spec = USERS[user]
    if spec is None or not spec.is_staff:
        if route.name == "admin:login":
            return 200
        return 302  # to the admin's sign-in page
    if route.name in ADMIN_PAGES:
        return ADMIN_PAGES[route.name]
    label, page = admin_model_of(route)
    if page == "object":
        return 302  # on to the change page, which then asks for the permission
    perms = set(ADMIN_MODELS[label].split()) if ADM in spec.roles else set()
    needs = {"add": {"add"}, "delete": {"delete"}, "password": {"change"}}.get(
        page, {"view", "change"}
    )
    if not perms & needs:
        return 403
    return 200


def _status_ok(status: int, want: int | frozenset[int]) -> bool:
    return status in want if isinstance(want, frozenset) else status == want


# --- reading an answer -----------------------------------------------------------------------


@functools.cache
def pdf_text(data: bytes) -> str:
    """The text of a PDF, once per distinct file (the same letter is read by many users)."""
    text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    # A name broken across lines by the PDF's layout still counts.
    return text + "\n" + re.sub(r"\s+", " ", text)


def body_text(response, url: str = "") -> str:
    """Everything the answer shows: the text of a PDF, a file's bytes, a page, and where a
    redirect goes (less the URL asked for, which the sign-in redirect carries back in
    `next`: the user typed it)."""
    location = response.get("Location", "")
    for asked in (url, quote(url)):
        if asked:
            location = location.replace(asked, "")
    parts = [location, response.get("Content-Disposition", "")]
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    if data.startswith(b"%PDF"):
        parts.append(pdf_text(data))
    else:
        parts.append(data.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def client_for(w: World, user: str) -> Client:
    client = Client()
    if USERS[user] is not None:
        client.force_login(w.users[user])
    return client


def check_route(w: World, route: Route) -> list[str]:
    problems = []
    targets = _fill(w, route)
    page = PAGES.get(route.name)
    if page is not None and any(scope is not None for _url, scope in targets):
        assert page.scope is not None, f"{route.name} names a record: say whose scope decides"
    for user in USERS:
        client = client_for(w, user)
        forbidden = forbidden_words(w, user)
        for url, scope in targets:
            response = client.get(url)
            want = expected(route, user, scope)
            if not _status_ok(response.status_code, want):
                problems.append(f"{user} GET {url} [{scope}]: {response.status_code}, "
                                f"expected {sorted(want) if isinstance(want, frozenset) else want}")
            text = body_text(response, url)
            leaked = sorted(word for word in forbidden if word in text)
            if leaked:
                problems.append(f"{user} GET {url} [{scope}]: shows {', '.join(leaked)}")
    return problems


# --- the tests ----------------------------------------------------------------------------------

ROUTES = all_routes()


def _id(route: Route) -> str:
    return f"{route.name}:{route.route}" if route.name.startswith("admin:") else route.name


def test_every_url_has_an_expectation():
    missing = []
    for route in ROUTES:
        if route.name.startswith("admin:"):
            model = admin_model_of(route)
            known = route.name in ADMIN_PAGES or (model is not None and model[0] in ADMIN_MODELS)
        else:
            known = route.name in PAGES
        if not known:
            missing.append(f"{route.name} (/{route.route})")
    assert not missing, (
        "URLs with no line in the access matrix (tests/test_access_matrix.py PAGES, or "
        "ADMIN_MODELS for a model's admin): " + "; ".join(missing)
    )
    names = {r.name for r in ROUTES}
    assert not set(PAGES) - names, f"PAGES names URLs that no longer exist: {set(PAGES) - names}"


def test_the_admin_registers_only_the_models_of_the_matrix():
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS)


@pytest.mark.parametrize("route", ROUTES, ids=_id)
def test_each_url_answers_every_user_as_the_policy_says_and_shows_nothing_out_of_scope(
    world, route
):
    if route.name.startswith("admin:") and admin_model_of(route) is not None:
        if admin_model_of(route)[0] not in ADMIN_MODELS:
            pytest.fail(f"{route.name} has no expectation (see the test above)")
    elif not route.name.startswith("admin:") and route.name not in PAGES:
        pytest.fail(f"{route.name} has no expectation (see the test above)")
    problems = check_route(world, route)
    assert not problems, "\n".join(problems)


def test_the_world_has_what_the_matrix_needs(world):
    """Every scope is tried from both sides, so an expectation of 404 means something."""
    assert any(sees_customer("officer2", k) and not sees_case("officer2", c)
               for c, (k, *_rest) in CASES.items()), "a shared customer whose case is hidden"
    assert sees_case("officer2", "xavier") and not sees_case("officer2", "sasha")
    assert sees_case("reviewer", "amos") and not sees_case("reviewer", "arthur")
    assert {letter.kind for letter in world.letters} == {
        LetterKind.DESIGNATION, LetterKind.INFORMAL_WARNING
    }
    text = body_text(client_for(world, "officer").get(
        f"/cases/{world.cases['arthur'].reference}/letters/{world.letters[0].pk}/pdf/"
    ))
    assert world.customers["arthur"].full_name in text  # the PDF check reads real text
