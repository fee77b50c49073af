"""Plays each demo customer's script (`demo.data.CUSTOMERS`) through the services.

Every step acts as the named demo user, so each case's chronology and history name the
person who took it. A script with `as_of_days_ago` is played as of that many days ago.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from contextlib import contextmanager

from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Directorate
from cases import services
from cases.deadlines import review_due
from cases.models import (
    Alternative,
    CaseState,
    Channel,
    Contact,
    Customer,
    DesignationCase,
    Indicator,
    Matter,
    Precondition,
)
from cases.services.corrections import contact_correct, dispute_record
from demo import data
from governance import services as governance
from letters.services import case_inform_council, letter_issue
from reviews.services import challenge_assign_reviewer, challenge_record

AGO = re.compile(r"\{ago:(\d+)\}")
# Phone calls, visits and letters happen on working days, in office hours.
OFFICE_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON, Channel.LETTER})


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def script_actors() -> set[str]:
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


def days_before(moment: dt.datetime, days: int) -> dt.datetime:
    """The same London clock time, `days` calendar days earlier.

    Not `moment - timedelta(days=days)`: that is 24-hour days, and across a change of the
    clocks 23:30 on a winter evening minus 170 such days is 00:30 the next summer day.
    """
    if not days:
        return moment
    local = timezone.localtime(moment)
    day = local.date() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, local.time().replace(tzinfo=None)))


@contextmanager
def _clock_back(seeder: Seeder, days: int):
    """Play a customer's script as of `days` ago: every service call is given that time
    (`Seeder.clock()`), so the designation is dated then, with its review six months on
    from then, exactly as if it had been made that day. Nothing patches the clock: rows'
    own `created_at` stamps say when the demo was loaded."""
    today, now = seeder.today, seeder.now
    seeder.today = today - dt.timedelta(days=days)
    seeder.now, seeder.days_back = days_before(now, days), days
    try:
        yield
    finally:
        seeder.today, seeder.now, seeder.days_back = today, now, 0


class Seeder:
    """Plays each customer's script from `demo.data` through the services."""

    def __init__(self, actors: dict, directorates: dict[str, Directorate]) -> None:
        self.actors = actors
        self.directorates = directorates
        self.rng = random.Random(data.RANDOM_SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()
        # How many days back the script being played is set (`as_of_days_ago`).
        self.days_back = 0
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

    def clock(self) -> dict[str, dt.datetime]:
        """The keyword arguments that date a service call; every call a script makes passes
        `**self.s.clock()`, so this is the one place that decides when a step happened.

        The real time, moved back by the script's `as_of_days_ago` (`_clock_back`).
        """
        return {"now": days_before(timezone.now(), self.days_back)}

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
            actor=s.user(first.get("by", "officer")), directorate=home, **fields, **s.clock()
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
                **s.clock(),
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
            **self.s.clock(),
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
            **self.s.clock(),
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
            **self.s.clock(),
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
            **self.s.clock(),
        )

    def op_skip_warning(self, step: dict) -> None:
        self.case = services.case_skip_warning(
            actor=self.s.user(step["by"]), case=self.case, expected_state=CaseState.REFERRED,
            kind=step["kind"], reason=self.fill(step["reason"]),
            **self.s.clock(),
        )

    def _simple(self, service, step: dict, expected: str, **kwargs) -> None:
        self.case = service(
            actor=self.s.user(step["by"]), case=self.case, expected_state=expected, **kwargs,
            **self.s.clock(),
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
        # The day the services will date the decision, also in a script played as of the past.
        today = timezone.localdate(self.s.now)
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
        actor = self.s.user(step["by"])
        letter_issue(actor=actor, kind="designation", case=self.case, **self.s.clock())
        case_inform_council(
            actor=actor, case=self.case, staff=[self.s.user(u) for u in step["staff"]],
            note=f"Please log every contact with {self.name}; the system checks it against "
            "the restrictions.",
            **self.s.clock(),
        )
        self.case = type(self.case).objects.get(pk=self.case.pk)

    def op_challenge(self, step: dict) -> None:
        self.challenge = challenge_record(
            actor=self.s.user(step["by"]), case=self.case, channel=step["channel"],
            received_on=self.s.day(step["days_ago"]), grounds=self.fill(step["grounds"]),
            **self.s.clock(),
        )

    def op_assign_reviewer(self, step: dict) -> None:
        self.challenge = challenge_assign_reviewer(
            actor=self.s.user(step["by"]), challenge=self.challenge,
            reviewer=self.s.user(step["reviewer"]),
            **self.s.clock(),
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
                **self.s.clock(),
            )

    def op_alternatives(self, step: dict) -> None:
        actor = self.s.user(step["by"])
        names = {"directorate": self.case.lead_directorate.name}
        for code in step["only"] or Alternative.values:
            outcome, reason = step["outcomes"].get(code) or data.ALTERNATIVE_DEFAULTS[code]
            services.alternative_record(
                actor=actor, case=self.case, alternative=code, outcome=outcome,
                reason=self.fill(reason, **names),
                **self.s.clock(),
            )

    def op_coordination(self, step: dict) -> None:
        key_officer = self.s.user(step["key_officer"]) if step["key_officer"] else None
        self.case = services.case_set_coordination(
            actor=self.s.user(step["by"]),
            case=self.case,
            involved_directorates=[self.s.directorates[k] for k in step["involved"]],
            key_officer=key_officer,
            **self.s.clock(),
        )



class _GovernanceClock:
    """`Seeder.clock()` for the governance records, which belong to no customer's script:
    now, or the instant given for a record backdated past its retention period."""

    def clock(self, at: dt.datetime | None = None) -> dict[str, dt.datetime]:
        return {"now": at or timezone.now()}


def seed_governance(actors: dict, directorates: dict[str, Directorate]) -> None:
    """What the `ig` user sees on each governance page (`data.GOVERNANCE`), through the
    services: run once, with the customers' scripts, so seed_demo stays idempotent. The
    disposal proposal itself comes from the seed's run of the daily sweep."""
    spec = data.GOVERNANCE
    ig = actors["ig"]
    clock = _GovernanceClock()
    today = timezone.localdate()

    def customer(name: str) -> Customer:
        return Customer.objects.get(full_name=name)

    sar_spec = spec["subject_access"]
    sar = governance.sar_record(
        actor=ig, customer=customer(sar_spec["customer"]),
        received_on=today - dt.timedelta(days=sar_spec["received"]),
        how_received=sar_spec["how_received"], **clock.clock(),
    )
    governance.sar_check_identity(
        actor=ig, sar=sar, checked_on=today - dt.timedelta(days=sar_spec["identity_checked"]),
        how=sar_spec["identity_how"], **clock.clock(),
    )
    governance.sar_extend(actor=ig, sar=sar, months=sar_spec["extension_months"],
                          reason=sar_spec["extension_reason"], **clock.clock())

    correction = spec["correction"]
    contact = (Contact.objects.filter(customer=customer(correction["customer"]))
               .exclude(direction=correction["direction"]).order_by("-occurred_at").first())
    contact_correct(actor=actors[correction["by"]], contact=contact,
                    direction=correction["direction"], reason=correction["reason"])
    dispute = spec["dispute"]
    warning = customer(dispute["customer"]).warnings.order_by("-given_on").first()
    dispute_record(actor=actors[dispute["by"]], record=warning, statement=dispute["statement"],
                   received_on=today - dt.timedelta(days=dispute["received"]))

    hold = spec["legal_hold"]
    governance.legal_hold_place(actor=ig, customer=customer(hold["customer"]),
                                reason=hold["reason"], note=hold["note"], **clock.clock())

    old = spec["past_retention"]
    then = days_before(timezone.now(), 365 * old["years_ago"] + 2)
    officer = actors["officer"]
    person = services.customer_create(actor=officer, directorate=directorates["adults"],
                                      **old["fields"], **clock.clock(then))
    services.contact_log(
        actor=officer, customer=person, directorate=directorates["adults"],
        channel=Channel.PHONE, direction="inbound", occurred_at=then, handled_by=officer,
        summary=old["summary"], duration_minutes=5, **clock.clock(then),
    )
    # The record's own stamp says when it was made (auto_now_add): as long ago as its
    # contact, so the retention rule sees a customer last heard from years ago.
    Customer.objects.filter(pk=person.pk).update(created_at=then)
