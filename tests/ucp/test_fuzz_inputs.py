"""No server error from any input: hostile values posted to every form and sent in every
query parameter the pages have, on PostgreSQL (which refuses what SQLite lets through:
NUL in a string, a value longer than its column).

How the forms are found: a small world (a customer with a designation in force, a
challenge and its letters; another with a case being assessed) is crawled from the home
page and the records' own pages as the personas, following every link the pages give;
each page is opened as the first persona it answers 200 for, and its <form>s are parsed
(method, action, every input, select, textarea and named button). The query parameters
are those forms' fields (the GET ones), and every name the views read from `request.GET`
(found in their source). A resolver pattern the crawl never reached fails the test, so a
new page joins the fuzz or is listed below with the reason it is not crawled.

Each form then gets hypothesis examples: every field either the value the page gave it (so
validation gets past the hidden fields and into the rest) or a hostile value (NUL and
control characters, 100,000 characters, unicode, negative and huge numbers, 0001-01-01 and
31/02, SQL and HTML injection, a list instead of a scalar). The answer must be below 500.
Bounded: `FUZZ_EXAMPLES` examples per form (default 6), no deadline, derandomised, so the
run takes about a minute and finds the same thing every time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from accounts.roles import Role
from api.serializers import RestrictionCheckInput, RestrictionsInput
from cases import services as case_services
from cases.models import Channel, ContactAttachment
from cases.services import merge as merge_services
from governance import disclosure
from governance import services as sar_services
from governance.models import DisposalProposal, HoldReason, LegalHold, RetentionRule
from letters.services import letter_issue
from reviews import services as review_services
from sanctions.models import FiledItem, SanctionKind
from tests import factories
from tests.reviews.conftest import put_in_force
from tests.sanctions.restrictions import add_sanction
from tests.ucp.test_http_layer import _patterns as url_patterns

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))

# Patterns the crawl does not open, and why. Everything else must be reached.
NOT_CRAWLED = {
    "logout": "signing out would end the crawl's session",
    "login": "signed out: fuzzed below (test_no_hostile_sign_in_is_a_server_error)",
    "healthz": "no input",
    "api:schema": "no input",
    "session_status": "no input: the timeout warning's question; fuzzed signed out below",
    # Single sign-on is off in the world: these answer 404 (tests/sso/ has them on, and
    # sends them a replayed and a forged callback).
    "oidc_authentication_init": "404 with single sign-on off",
    "oidc_authentication_callback": "404 with single sign-on off",
    # The API has no links to follow: it is fuzzed below from its serializers.
    "api:restriction_check": "fuzzed from RestrictionCheckInput",
    "api:customer_restrictions": "fuzzed from RestrictionsInput",
}

HOSTILE_STRINGS = [
    "", " ", "\x00", "a\x00b", "C-\x00", "\x1b[31mred", "\x7f", "\u0085", "\u202eevil",
    "x" * 100_000, "\U0001f600" * 500, "ünïcödé ✓", "0", "-1", "-99999999999999999999",
    "99999999999999999999", "1e309", "NaN", "0.5", "0001-01-01", "9999-12-31", "31/02/2025",
    "2025-02-31", "2025-13-01", "0001-01-01T00:00", "9999-12-31T23:59", "24:61",
    "' OR '1'='1' --", "1; DROP TABLE cases_customer; --", "<script>alert(1)</script>",
    "{{ 7*7 }}", "%s%s%s", "../../etc/passwd", "C-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "ABCDEFGHIJ",
    "true", "[]",
]
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(max_size=40),  # any unicode, control characters included
    st.integers().map(str),
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
)
HOSTILE_VALUE = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3))


class FormParser(HTMLParser):
    """The links and the forms of a page: each form's method, action and fields, with the
    values (or options) the page gave each field."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(),
                          "action": a.get("action") or "", "fields": {}, "kept": set()}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button", "textarea") and a.get("name"):
            if a.get("type") == "file":
                return
            values = self._form["fields"].setdefault(a["name"], [])
            values.append(a.get("value") or "")
            if a.get("type") in ("hidden", "submit") or tag == "button":
                self._form["kept"].add(a["name"])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].setdefault(a["name"], [])
        elif tag == "option" and self._select:
            self._form["fields"][self._select].append(a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def query_names_read_by_views() -> set[str]:
    """Every name a view reads from `request.GET`, from the apps' source."""
    names = set()
    pattern = re.compile(r"""request\.GET(?:\.get\(|\[)\s*["'](\w+)["']""")
    for path in ROOT.glob("*/views.py"):
        names |= set(pattern.findall(path.read_text()))
    for path in ROOT.glob("*/selectors.py"):  # reports read the figure's filters there
        names |= set(re.findall(r"""params\.get\(\s*["'](\w+)["']""", path.read_text()))
    return names


@pytest.fixture
def world(time_machine, make_case, customer, officer, senior_manager, service_manager,
          reviewer, adults, letter_storage, eager_celery):
    """Four designations in force (one with nothing pending and its review open, one with
    a late request for a review, one whose challenge is the reviewer's to decide, one whose
    challenge waits for a reviewer and whose refused complaints are filed) and a
    customer whose case is being assessed, with a contact and its attachment, a matter
    and an informal warning with its letter."""
    time_machine.move_to(dt.datetime(2025, 9, 1, 10, 0, tzinfo=dt.UTC), tick=False)
    cases = []
    matters = []
    for person in (customer, *(factories.CustomerFactory(full_name=f"Customer {n}",
                                                          directorates=[adults])
                               for n in (2, 3, 4))):
        cases.append(put_in_force(make_case("designated", customer=person), senior_manager))
        matters.append(factories.MatterFactory(customer=person, directorate=adults))
    quiet, with_late, with_reviewer, unassigned = cases
    # A challenge waiting for a reviewer (the assign page), and a letter about a matter
    # whose complaints are refused, filed to be read (the filed item's page).
    review_services.challenge_record(
        actor=officer, case=unassigned, channel="letter", received_on=dt.date(2025, 9, 1),
        grounds="I only called because nobody answered my letters.",
    )
    add_sanction(unassigned, SanctionKind.REFUSE_COMPLAINTS, matters=[matters[3]],
                 starts_on=dt.date(2025, 8, 1), ends_on=dt.date(2026, 1, 31))
    case_services.contact_log(
        actor=officer, customer=unassigned.customer, directorate=adults,
        channel=Channel.LETTER, direction="inbound",
        occurred_at=dt.datetime(2025, 9, 1, 10, 0, tzinfo=dt.UTC), handled_by=officer,
        summary="The same complaint again.", matter=matters[3],
    )
    assert FiledItem.objects.filter(sanction__case=unassigned).exists()
    on_time = review_services.challenge_record(
        actor=officer, case=with_reviewer, channel="letter", received_on=dt.date(2025, 9, 1),
        grounds="I only called because nobody answered my letters.",
    )
    review_services.challenge_assign_reviewer(actor=senior_manager, challenge=on_time,
                                              reviewer=reviewer)
    time_machine.move_to(dt.datetime(2025, 9, 18, 10, 0, tzinfo=dt.UTC), tick=False)
    review_services.challenge_record(
        actor=officer, case=with_late, channel="letter", received_on=dt.date(2025, 9, 18),
        grounds="I only called because nobody answered my letters.",
    )
    other = factories.CustomerFactory(full_name="Second Customer", directorates=[adults])
    contact = factories.ContactFactory(customer=other, directorate=adults, handled_by=officer,
                                       logged_by=officer)
    ContactAttachment.objects.create(
        contact=contact, file=SimpleUploadedFile("letter.txt", b"Dear council"),
        original_name="letter.txt", content_type="text/plain", size=12, uploaded_by=officer,
    )
    warning = case_services.warning_give_informal(
        actor=officer, customer=other, directorate=adults, method="in_person",
        given_on=dt.date(2025, 9, 18), behaviours=factories.some_indicators(1),
        summary="Told them calls are limited while the complaint is looked at.",
    )
    letter_issue(actor=officer, kind="informal_warning", warning=warning)
    assessment = make_case("assessment", customer=other)
    time_machine.move_to(dt.datetime(2026, 2, 10, 10, 0, tzinfo=dt.UTC), tick=False)
    review_services.review_open(actor=senior_manager, case=quiet)
    # Retention's forms: a proposal to approve and a hold to lift (governance pages).
    DisposalProposal.objects.create(customer=other, rule=RetentionRule.AFTER_LAST_CONTACT,
                                    due_since=dt.date(2026, 1, 1))
    LegalHold.objects.create(customer=customer, reason=HoldReason.OMBUDSMAN,
                             placed_by=senior_manager)
    # A duplicate record merged into Customer 3's, whose undo page the customer page links.
    merge_services.customer_merge(
        actor=service_manager, survivor=with_reviewer.customer,
        merged=factories.CustomerFactory(full_name="Customer Three", directorates=[adults]),
        reason="The same person, recorded twice.",
    )
    return {"cases": [*cases, assessment], "customers": [c.customer for c in cases] + [other]}


def _pattern(path: str):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace == "admin":
        return None
    return match


def crawl(clients: list[Client], seeds: list[str]) -> tuple[dict, list[tuple]]:
    """The pages reached (pattern name -> a concrete URL) and the forms found on them, as
    (page, client, form)."""
    reached: dict[str, str] = {}
    found: list[tuple] = []
    seen_keys: set = set()
    seen_forms: set = set()
    queue = list(seeds)
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        match = _pattern(path)
        if match is None:
            continue
        # Each record's pages once (the world is small); the query string is a seed's.
        key = (match.view_name, tuple(sorted(match.kwargs.items())))
        if key in seen_keys or match.view_name in NOT_CRAWLED:
            continue
        seen_keys.add(key)
        opened = False
        # Every persona: each sees the links and forms of its own steps.
        for client in clients:
            response = client.get(url)
            assert response.status_code < 500, f"GET {url}: {response.status_code}"
            if response.status_code != 200:
                continue
            reached.setdefault(match.view_name, url)
            if "html" not in response.get("Content-Type", ""):
                break
            parser = FormParser()
            parser.feed(response.content.decode())
            for form in parser.forms:
                target = _pattern(urlsplit(form["action"] or url).path)
                if target is not None and target.view_name not in NOT_CRAWLED:
                    form_key = (target.view_name, tuple(sorted(form["fields"])))
                    if form_key not in seen_forms:
                        seen_forms.add(form_key)
                        reached.setdefault(target.view_name, form["action"] or url)
                        found.append((url, client, form))
            queue += [link for link in parser.links if link.startswith("/")]
            opened = True
        if not opened:
            reached.setdefault(match.view_name, url)  # no persona may open it: still fuzzed
    return reached, found


# Sent to every field of every form, before hypothesis's own examples: the values that
# found the bugs of issue 10, so they are tried every run whatever hypothesis draws.
SENTINELS = ["\x00", "C-\x00", "x" * 100_000, "0001-01-01", "31/02/2025",
             "-99999999999999999999", ["C-ABC234", "\x00"]]


def fuzz_form(client: Client, page: str, form: dict, failures: list[str]) -> None:
    action = form["action"] or page
    fields = form["fields"]
    kept = {name: values[0] if values else "" for name, values in fields.items()
            if name in form.get("kept", ())}

    def send(data: dict) -> None:
        if form["method"] == "json":
            response = client.post(action, json.dumps(data), content_type="application/json")
        elif form["method"] == "post":
            response = client.post(action, data)
        else:
            response = client.get(action, data)
        assert response.status_code < 500, (
            f"{form['method'].upper()} {action} answered {response.status_code} for "
            f"{ {k: (v[:80] if isinstance(v, str) else v) for k, v in data.items()}!r}"
        )

    try:
        send({})  # an empty POST (or a bare GET) was a server error on three pages
        for sentinel in SENTINELS:
            # Every field, and every field but the hidden ones (so the stale-page check
            # passes and the rest of the form is validated).
            send({name: sentinel for name in fields})
            send({**{name: sentinel for name in fields}, **kept})
    except AssertionError as exc:
        failures.append(str(exc)[:2000])
        return

    strategy = st.fixed_dictionaries({
        name: st.one_of(st.just(values[0] if values else ""),
                        st.sampled_from(values) if values else st.just(""),
                        HOSTILE_VALUE)
        for name, values in fields.items()
    })

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=strategy)
    def attempt(data):
        send(data)

    try:
        attempt()
    except AssertionError as exc:
        failures.append(str(exc)[:2000])


def fuzz_path(client: Client, url: str, failures: list[str]) -> None:
    """The references in the path itself: each replaced by hostile values."""
    match = _pattern(urlsplit(url).path)
    for name, value in match.kwargs.items():
        if not isinstance(value, str) or name in ("action", "kind", "name"):
            continue
        for hostile in ("%00", "C-%00", "%1b", "%C2%85", "x" * 5000, "'%20OR%201=1--",
                        "%F0%9F%98%80", "%ZZ", ".."):
            bad = urlsplit(url).path.replace(f"/{value}/", f"/{hostile}/", 1)
            response = client.get(bad)
            if response.status_code >= 500:
                failures.append(f"GET {bad[:200]} answered {response.status_code}")


def seed_subject_access(ig, customers) -> None:
    """Two subject access requests, so their pages and forms are crawled: one produced with
    a redaction marked (every step's form), one released (its download)."""
    today = timezone.localdate()
    open_one = sar_services.sar_record(actor=ig, customer=customers[0], received_on=today)
    sar_services.sar_produce(actor=ig, sar=open_one)
    passage = disclosure.passages(customers[0])[0]
    sar_services.sar_mark_redaction(actor=ig, sar=open_one, passage=passage.key,
                                    reason="Names a neighbour.")
    released = sar_services.sar_record(actor=ig, customer=customers[1], received_on=today)
    sar_services.sar_check_identity(actor=ig, sar=released, checked_on=today, how="Passport.")
    sar_services.sar_produce(actor=ig, sar=released)
    sar_services.sar_include_files(actor=ig, sar=released, files=[
        key for key, _what, _obj in disclosure.files_of(customers[1])])
    sar_services.sar_release(actor=ig, sar=released)


def test_no_hostile_input_to_any_form_or_query_parameter_is_a_server_error(
    world, officer, service_manager, senior_manager, reviewer,
):
    clients = []
    information_governance = factories.UserFactory(
        roles=[Role.INFORMATION_GOVERNANCE], directorates__council_wide=True
    )
    seed_subject_access(information_governance, world["customers"])
    for user in (senior_manager, service_manager, officer, reviewer, information_governance):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    seeds = ["/", "/deadlines/", "/filed/", "/reports/", "/customers/", "/customers/new/",
             "/governance/access-changes/",
             *(f"/front-desk/?customer={c.reference}" for c in world["customers"]),
             *(c.get_absolute_url() for c in world["cases"] + world["customers"]),
             # The whole lists behind the capped ones: linked only once a record outgrows
             # its page, which this small world's records do not.
             *(reverse(name, args=[c.reference]) for c in world["cases"]
               for name in ("cases:chronology", "cases:evidence")),
             *(reverse(name, args=[c.reference]) for c in world["customers"]
               for name in ("customers:matters", "customers:warnings", "customers:cases"))]
    reached, forms = crawl(clients, seeds)
    every = {name for name, _route, _entry in url_patterns()} - set(NOT_CRAWLED)
    missing = sorted(every - set(reached))
    assert missing == [], f"pages the fuzz never reached: {missing}"

    assert len(forms) >= 30, "the crawl found fewer forms than the pages have"
    failures: list[str] = []
    for page, client, form in forms:
        fuzz_form(client, page, form, failures)
    # Every page again, with every query parameter a view reads.
    names = query_names_read_by_views() | {
        name for _p, _c, form in forms if form["method"] == "get" for name in form["fields"]
    }
    for url in reached.values():
        page = urlsplit(url)
        base = dict(parse_qsl(page.query))
        fields = {name: [base.get(name, "")] for name in names}
        fuzz_form(clients[0], url, {"method": "get", "action": url, "fields": fields},
                  failures)
        fuzz_path(clients[0], url, failures)
    print(f"fuzzed {len(forms)} forms and {len(reached)} pages' query parameters "
          f"({sorted(names)}), {EXAMPLES} examples each")
    assert failures == []


@pytest.mark.parametrize(
    ("path", "serializer", "method"),
    [("/api/v1/restriction-check/", RestrictionCheckInput, "get"),
     ("/api/v1/restriction-check/", RestrictionCheckInput, "post"),
     ("/api/v1/restriction-check/", RestrictionCheckInput, "json"),
     ("/api/v1/customers/{reference}/restrictions/", RestrictionsInput, "get"),
     ("/api/v1/customers/%00/restrictions/", RestrictionsInput, "get")],
)
def test_no_hostile_api_parameter_is_a_server_error(world, officer, path, serializer, method):
    token, _ = Token.objects.get_or_create(user=officer)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.key}")
    reference = world["customers"][0].reference
    url = path.format(reference=reference)
    fields = {name: [reference if name == "customer" else "phone" if name == "channel"
                     else ""] for name in serializer().fields}
    failures: list[str] = []
    fuzz_form(client, url, {"method": method, "action": url, "fields": fields}, failures)
    assert failures == []


def test_no_hostile_sign_in_is_a_server_error(world):
    """The sign-in forms (the app's and the admin's) and the session question, signed out:
    hostile usernames and passwords are a form error or (after five) the lockout page, never
    a server error. A 100,000-character username reached django-axes' 255-character column
    through Django's own sign-in form, which does not check the username's length."""
    client = Client(raise_request_exception=False)
    failures: list[str] = []
    fields = {"username": ["officer"], "password": ["not-the-password"], "next": ["/"]}
    for page in ("/sign-in/", "/admin/login/"):
        fuzz_form(client, page, {"method": "post", "action": page, "fields": fields},
                  failures)
    fuzz_form(client, "/session/", {"method": "get", "action": "/session/",
                                    "fields": {"next": ["/"]}}, failures)
    assert failures == []
