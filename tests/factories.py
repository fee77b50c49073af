"""factory_boy factories, and `make_case`, which reaches any state through the services.

Factories build reference records directly (customers, matters, contacts); anything that is
a step of the workflow goes through `cases.services`, so a case in `designated` has the
warning, the checklist, the events and the history a real one would have.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from accounts.models import Directorate, StaffProfile
from accounts.roles import GROUP_NAMES
from cases import services
from cases.models import (
    Alternative,
    AlternativeOutcome,
    CaseState,
    Channel,
    Contact,
    Customer,
    DesignationCase,
    Indicator,
    Matter,
    MatterKind,
    Precondition,
    WarningMethod,
    WarningSkipKind,
)
from cases.services.contacts import note_last_contact

User = get_user_model()

PASSWORD = "correct-horse-battery-staple"


class DirectorateFactory(DjangoModelFactory):
    class Meta:
        model = Directorate
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Directorate {n}")
    short_name = factory.LazyAttribute(lambda o: slugify(o.name))
    assistant_director_name = factory.LazyAttribute(lambda o: f"AD of {o.name}")
    assistant_director_email = factory.LazyAttribute(lambda o: f"ad@{o.short_name}.example")
    service_manager_name = factory.LazyAttribute(lambda o: f"SM of {o.name}")
    service_manager_email = factory.LazyAttribute(lambda o: f"sm@{o.short_name}.example")


class UserFactory(DjangoModelFactory):
    """A member of staff. `roles=[Role.OFFICER, ...]` puts them in the role groups (created by
    accounts' data migration); `directorates=[...]` goes on their StaffProfile, which every
    user gets (`directorates__council_wide=True` for a council-wide profile)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Staff"
    email = factory.LazyAttribute(lambda o: f"{o.username}@council.example")
    password = factory.django.Password(PASSWORD)
    is_active = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        names = [GROUP_NAMES[str(r)] for r in extracted]
        groups = list(Group.objects.filter(name__in=names))
        assert len(groups) == len(set(names)), f"missing role groups for {names}"
        self.groups.add(*groups)
        self.__dict__.pop("_ucp_roles", None)

    @factory.post_generation
    def directorates(self, create, extracted, **kwargs):
        if not create:
            return
        profile = StaffProfile.objects.create(
            user=self, council_wide=kwargs.get("council_wide", False)
        )
        if extracted:
            profile.directorates.set(extracted)
        self.__dict__.pop("_ucp_directorates", None)


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"Customer Number{n}")
    address = "1 Castle Street\nCarlisle"
    postcode = "CA1 1AA"
    email = factory.Sequence(lambda n: f"customer{n}@example.org")
    # Ofcom's drama range, 07700 900000-900999: beyond it the numbers are not real ones,
    # and a service that validates the whole record (a merge) rightly refuses them.
    phone = factory.Sequence(lambda n: f"07700 900{n % 1000:03d}")

    @factory.post_generation
    def directorates(self, create, extracted, **kwargs):
        if create and extracted:
            self.directorates.add(*extracted)


class MatterFactory(DjangoModelFactory):
    class Meta:
        model = Matter

    customer = factory.SubFactory(CustomerFactory)
    directorate = factory.SubFactory(DirectorateFactory)
    kind = MatterKind.COMPLAINT
    summary = factory.Sequence(lambda n: f"Complaint about bin collection {n}")
    details = "The customer says the bins were not collected."
    received_on = dt.date(2025, 5, 1)
    created_by = factory.SubFactory(UserFactory)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    directorate = factory.SubFactory(DirectorateFactory)
    channel = Channel.EMAIL
    occurred_at = factory.Sequence(
        lambda n: dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    )
    handled_by = factory.SubFactory(UserFactory)
    logged_by = factory.SelfAttribute("handled_by")
    summary = factory.Sequence(lambda n: f"Email number {n} about the same bins")

    @factory.post_generation
    def indicators(self, create, extracted, **kwargs):
        if create and extracted:
            self.indicators.set(extracted)

    @factory.post_generation
    def last_contact(self, create, extracted, **kwargs):
        # As the contact service does: the customer's stored latest contact.
        if create:
            note_last_contact([self.customer_id])


# --- the workflow -----------------------------------------------------------------------

STATES = (
    CaseState.REFERRED,
    CaseState.WARNED,
    CaseState.ASSESSMENT,
    CaseState.AWAITING_DECISION,
    CaseState.DESIGNATED,
    CaseState.CLOSED,
)

# How a case reaches `closed`: each is a different closing transition.
CLOSED_FROM = {
    "close_referral": CaseState.REFERRED,
    "behaviour_stopped": CaseState.WARNED,
    "close_precondition_failed": CaseState.ASSESSMENT,
    "decline": CaseState.AWAITING_DECISION,
}


def some_indicators(n: int = 2) -> list[Indicator]:
    return list(Indicator.objects.filter(active=True).order_by("id")[:n])


def complete_checklist(case: DesignationCase, actor) -> None:
    for p in Precondition.values:
        services.precondition_record(
            actor=actor, case=case, precondition=p, met=True, note=f"Checked {p}."
        )
    for a in Alternative.values:
        services.alternative_record(
            actor=actor,
            case=case,
            alternative=a,
            outcome=AlternativeOutcome.NOT_APPLICABLE,
            reason=f"Considered {a}.",
        )


def make_case(
    state: str,
    *,
    directorate: Directorate | None = None,
    customer: Customer | None = None,
    officer=None,
    service_manager=None,
    senior_manager=None,
    warning: str = "formal",
    checklist: bool = True,
    closed_by: str = "close_referral",
    indicators: list[Indicator] | None = None,
) -> DesignationCase:
    """A case in `state`, reached by calling the real services in order.

    `warning` is "formal" (a service manager's written warning, then "behaviour continued"),
    or a WarningSkipKind ("safety" by the service manager, "ineffective" by the senior
    manager). `checklist=False` leaves an assessment case with no preconditions or
    alternatives recorded. `closed_by` names the transition that closes the case.
    """
    from accounts.roles import Role

    assert state in STATES, state
    directorate = directorate or DirectorateFactory()
    officer = officer or UserFactory(roles=[Role.OFFICER], directorates=[directorate])
    service_manager = service_manager or UserFactory(
        roles=[Role.SERVICE_MANAGER], directorates=[directorate]
    )
    senior_manager = senior_manager or UserFactory(
        roles=[Role.SENIOR_MANAGER], directorates=[directorate]
    )
    customer = customer or CustomerFactory(directorates=[directorate])
    indicators = indicators or some_indicators()
    stop_at = CLOSED_FROM[closed_by] if state == CaseState.CLOSED else state

    case, _ = services.case_refer(
        actor=officer,
        customer=customer,
        directorate=directorate,
        reason="Calls every day about the same missed bin collection.",
        indicators=indicators,
    )
    if stop_at != CaseState.REFERRED:
        if warning == "formal":
            case = services.case_issue_formal_warning(
                actor=service_manager,
                case=case,
                method=WarningMethod.LETTER,
                given_on=timezone.localdate(),
                behaviours=indicators,
                summary="Your behaviour is unacceptable; further calls may be restricted.",
            )
            if stop_at != CaseState.WARNED:
                case = services.case_behaviour_continued(
                    actor=service_manager, case=case, note="Eleven more calls this week."
                )
        else:
            assert stop_at != CaseState.WARNED, "a skipped warning never passes 'warned'"
            case = services.case_skip_warning(
                actor=service_manager if warning == WarningSkipKind.SAFETY else senior_manager,
                case=case,
                kind=warning,
                reason="Threatened the receptionist on 2 June.",
            )
        if stop_at not in (CaseState.WARNED,) and checklist:
            complete_checklist(case, service_manager)
        if stop_at in (CaseState.AWAITING_DECISION, CaseState.DESIGNATED):
            case = services.case_submit_for_decision(actor=service_manager, case=case)
        if stop_at == CaseState.DESIGNATED:
            case = services.case_designate(
                actor=senior_manager,
                case=case,
                reasons="Persistent and unreasonable contact with staff.",
                indicators=indicators,
                sanctions=time_limit_sanction(case),
            )
    if state == CaseState.CLOSED:
        note = "Closed for the test."
        if closed_by == "decline":
            services.case_decline(actor=senior_manager, case=case, reasons=note)
        else:
            service = getattr(services, f"case_{closed_by}")
            service(actor=service_manager, case=case, note=note)
    case = DesignationCase.objects.get(pk=case.pk)
    assert case.state == state, (case.state, state)
    return case


def time_limit_sanction(case, *, minutes: int = 15, **overrides) -> list[dict]:
    """One proportionate sanction, as the designation form would send it: calls and visits
    limited to `minutes`, in the case's lead directorate, until the six-month review."""
    from django.utils import timezone

    from cases.deadlines import review_due

    today = timezone.localdate()
    spec = {
        "kind": "time_limit",
        "max_minutes": minutes,
        "directorates": [case.lead_directorate],
        "starts_on": today,
        "ends_on": review_due(today),
        "reasons": "Calls regularly run past an hour.",
    }
    spec.update(overrides)
    return [spec]


def sanction_form_data(case, kind: str = "time_limit", **fields) -> dict:
    """The designate page's POST for one ticked sanction, as a browser would send it:
    `kind`'s prefix, the lead directorate, today until the six-month review, and the
    typed parameters in `fields` (a time limit of 15 minutes by default)."""
    from django.utils import timezone

    from cases.deadlines import review_due

    today = timezone.localdate()
    if kind == "time_limit":
        fields.setdefault("max_minutes", "15")
    data = {
        "use": "on",
        "directorates": [case.lead_directorate_id],
        "starts_on": today.isoformat(),
        "ends_on": review_due(today).isoformat(),
        "reasons": "Calls regularly run past an hour.",
        **fields,
    }
    return {f"{kind}-{name}": value for name, value in data.items()}
