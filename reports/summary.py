"""The policy report's precomputed counts, and how they are kept true.

Every figure of the report (`reports/selectors.py` defines them) is a sum of `ReportCount`
rows, per directorate, per day and again per month:

- **flows** over a period, dated by their own day: invocations (`designated_on`) and their
  "of which" parts, reasons, lists of section 2.1 and involvement elsewhere; cases closed
  without a designation (the UK day of `closed_at`); warnings (`given_on`); challenges
  (`received_on`) and what became of them; six-month reviews decided (`decided_on`) and
  lapses (`due_on`; the report counts a lapse only for days before today, as the live
  definition does);
- **stocks** on one day (designations standing, of them those with a sanction in force,
  sanctions in force by kind): +1 on the first day, -1 on the day after the last, so the
  count on a day is the sum of every row up to it.

**How they are kept true.** One case (with its decision's indicators, the directorates
involved, its challenges, reviews and sanctions) or one warning adds `entries` to the
counts. `refresh_cases` / `refresh_warnings` compute a source's entries afresh from the
database, take away what the source last added (`ReportContribution`, locked for the
update) and add the new: in the same transaction as the write that changed it. They are
called from `reports/signals.py` on every save and delete of a case, challenge, review,
sanction or warning, on every change of a case's indicators or directorates involved, and
on a change of an indicator's list. So every service (and the admin) keeps the counts true
without knowing of them. Writes that send no signals (`bulk_create`, `QuerySet.update`) on
these models are made only by `seed_volume`, which rebuilds the counts when it ends;
`manage.py rebuild_report_summary` rebuilds them at any time, and migration 0002 filled
them for the data there was.

Nothing here depends on today: what changes with the date alone (lapses) is stored as if
the day had passed, and the report reads it only for days that have.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.utils import timezone

from cases.models import CaseState, ClosingReason
from reviews.models import (
    OPEN_CHALLENGE_STATES,
    ChallengeOutcome,
    ChallengeStatus,
    ReviewOutcome,
)
from sanctions.models import SanctionStatus

# The same enums the selectors' definitions use: the data migration computes with them too
# (their values are stored data, so they do not change under it).
CLOSED = CaseState.CLOSED
WITHDRAWN, LIFTED = ClosingReason.WITHDRAWN, ClosingReason.LIFTED
ACTIVE = SanctionStatus.ACTIVE
CHALLENGE_OUTCOMES = {ChallengeOutcome.UPHOLD: "ch:upheld", ChallengeOutcome.VARY: "ch:varied",
                      ChallengeOutcome.WITHDRAW: "ch:withdrawn"}
NOT_ACCEPTED = ChallengeStatus.NOT_ACCEPTED
UNDECIDED_CHALLENGE = (ChallengeStatus.NEW, *OPEN_CHALLENGE_STATES)
WITHOUT_DESIGNATION = (ClosingReason.NO_ACTION, ClosingReason.BEHAVIOUR_STOPPED,
                       ClosingReason.PRECONDITION_FAILED, ClosingReason.NOT_DESIGNATED)
REVIEW_OUTCOMES = {ReviewOutcome.LIFT: "rv:lifted", ReviewOutcome.VARY: "rv:varied",
                   ReviewOutcome.CONTINUE: "rv:continued"}

Entry = tuple[int, dt.date, str, int]  # directorate id, day, figure, how much


def _models(apps):
    apps = apps or global_apps
    case = apps.get_model("cases", "DesignationCase")
    return {
        "case": case,
        "indicators": case.decision_indicators.through,
        "involved": case.involved_directorates.through,
        "indicator": apps.get_model("cases", "Indicator"),
        "warning": apps.get_model("cases", "Warning"),
        "challenge": apps.get_model("reviews", "Challenge"),
        "review": apps.get_model("reviews", "Review"),
        "sanction": apps.get_model("sanctions", "Sanction"),
        "count": apps.get_model("reports", "ReportCount"),
        "contribution": apps.get_model("reports", "ReportContribution"),
    }


def uk_day(instant: dt.datetime | None) -> dt.date | None:
    return None if instant is None else timezone.localtime(instant).date()


def _span(start: dt.date, end: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """A run of days as an interval; None if empty (`end` None: it never ends)."""
    if end is not None and end < start:
        return None
    return start, end or dt.date.max


def _union(spans: Iterable[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Overlapping or touching runs of days joined into one."""
    merged: list[list[dt.date]] = []
    for a, b in sorted(spans):
        if merged and (merged[-1][1] == dt.date.max or a <= merged[-1][1] + dt.timedelta(days=1)):
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _stock(entries: list[Entry], directorate: int, figure: str,
           spans: Iterable[tuple[dt.date, dt.date]]) -> None:
    for first, last in spans:
        entries.append((directorate, first, figure, 1))
        if last < dt.date.max:
            entries.append((directorate, last + dt.timedelta(days=1), figure, -1))


def _intersect(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]):
    first, last = max(a[0], b[0]), min(a[1], b[1])
    return (first, last) if first <= last else None


def case_entries(apps=None, ids: Iterable[int] = ()) -> dict[int, list[Entry]]:
    """What each of these cases adds to the counts (a case that no longer exists: nothing)."""
    m = _models(apps)
    ids = list(ids)
    out: dict[int, list[Entry]] = {pk: [] for pk in ids}
    if not ids:
        return out
    cases = list(m["case"].objects.filter(pk__in=ids).values(
        "id", "lead_directorate_id", "designated_on", "closed_at", "state", "closing_reason",
        "warning_skip_kind", "customer_notified_on", "council_informed_at",
    ))
    indicators = defaultdict(list)
    for row in m["indicators"].objects.filter(designationcase_id__in=ids).values(
            "designationcase_id", "indicator_id", "indicator__group"):
        indicators[row["designationcase_id"]].append(row)
    involved = defaultdict(set)
    for row in m["involved"].objects.filter(designationcase_id__in=ids).values(
            "designationcase_id", "directorate_id"):
        involved[row["designationcase_id"]].add(row["directorate_id"])
    challenges = defaultdict(list)
    for row in m["challenge"].objects.filter(case_id__in=ids).values(
            "case_id", "received_on", "is_late", "outcome", "status", "decided_on",
            "decision_due_on"):
        challenges[row["case_id"]].append(row)
    reviews = defaultdict(list)
    for row in m["review"].objects.filter(case_id__in=ids).values(
            "case_id", "decided_on", "due_on", "outcome"):
        reviews[row["case_id"]].append(row)
    sanctions = defaultdict(list)
    for row in m["sanction"].objects.filter(case_id__in=ids).values(
            "case_id", "kind", "starts_on", "ends_on", "status", "ended_on"):
        sanctions[row["case_id"]].append(row)

    for case in cases:
        pk, lead, entries = case["id"], case["lead_directorate_id"], out[case["id"]]
        designated, closed_on = case["designated_on"], uk_day(case["closed_at"])
        add = entries.append
        if designated is not None:
            add((lead, designated, "inv", 1))
            if case["closing_reason"] == WITHDRAWN:
                add((lead, designated, "inv:withdrawn", 1))
            if case["closing_reason"] == LIFTED:
                add((lead, designated, "inv:lifted", 1))
            if case["warning_skip_kind"]:
                add((lead, designated, "inv:without_warning", 1))
            if involved[pk]:
                add((lead, designated, "inv:cross", 1))
            for row in indicators[pk]:
                add((lead, designated, f"reason:{row['indicator_id']}", 1))
            for group in {row["indicator__group"] for row in indicators[pk]}:
                add((lead, designated, f"group:{group}", 1))
            for other in involved[pk] - {lead}:
                add((other, designated, f"involved:{lead}", 1))
        if (case["state"] == CLOSED and case["closing_reason"] in WITHOUT_DESIGNATION
                and closed_on is not None):
            add((lead, closed_on, f"closed:{case['closing_reason']}", 1))
        for row in challenges[pk]:
            day = row["received_on"]
            add((lead, day, "ch:received", 1))
            if row["is_late"]:
                add((lead, day, "ch:late", 1))
            if row["outcome"] in CHALLENGE_OUTCOMES:
                add((lead, day, CHALLENGE_OUTCOMES[row["outcome"]], 1))
            if row["status"] == NOT_ACCEPTED:
                add((lead, day, "ch:not_accepted", 1))
            if row["status"] in UNDECIDED_CHALLENGE:
                add((lead, day, "ch:undecided", 1))
            if row["decided_on"] is not None:
                late = row["decided_on"] > row["decision_due_on"]
                add((lead, day, "ch:after_time" if late else "ch:in_time", 1))
        for row in reviews[pk]:
            decided, due = row["decided_on"], row["due_on"]
            if decided is not None:
                add((lead, decided, "rv:decided", 1))
                add((lead, decided, "rv:late" if decided > due else "rv:on_time", 1))
                if row["outcome"] in REVIEW_OUTCOMES:
                    add((lead, decided, REVIEW_OUTCOMES[row["outcome"]], 1))
            if decided is None or decided > due:  # a lapse, once `due` has passed
                add((lead, due, "rv:lapsed", 1))
                if decided is None:
                    add((lead, due, "rv:lapsed_undecided", 1))
        # Stocks. Standing: from the decision to the day before it was withdrawn or lifted.
        standing = None
        if designated is not None and (closed_on is None or closed_on >= designated):
            standing = _span(designated, None if closed_on is None else
                             closed_on - dt.timedelta(days=1))
            if standing:
                _stock(entries, lead, "standing", [standing])
        # Sanctions are in force once the customer has been told and the council informed.
        told = None
        if case["customer_notified_on"] is not None and case["council_informed_at"] is not None:
            told = (max(case["customer_notified_on"], uk_day(case["council_informed_at"])),
                    dt.date.max)
        running = []
        for row in sanctions[pk]:
            if row["status"] == ACTIVE:
                last = row["ends_on"]
            elif row["ended_on"] is not None:
                last = min(row["ends_on"], row["ended_on"] - dt.timedelta(days=1))
            else:
                continue
            span = _span(row["starts_on"], last)
            if span is None:
                continue
            running.append(span)
            if told and (in_force := _intersect(span, told)):
                _stock(entries, lead, f"sanction:{row['kind']}", [in_force])
        if standing and told and running:
            restricted = []
            for span in _union(running):
                if (part := _intersect(span, standing)) and (part := _intersect(part, told)):
                    restricted.append(part)
            _stock(entries, lead, "restricted", restricted)
    return out


def warning_entries(apps=None, ids: Iterable[int] = ()) -> dict[int, list[Entry]]:
    m = _models(apps)
    ids = list(ids)
    out: dict[int, list[Entry]] = {pk: [] for pk in ids}
    for row in m["warning"].objects.filter(pk__in=ids).values(
            "id", "directorate_id", "given_on", "kind"):
        out[row["id"]].append((row["directorate_id"], row["given_on"], f"warn:{row['kind']}", 1))
    return out


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _encode(entries: list[Entry]) -> list[list]:
    return [[d, day.isoformat(), figure, n] for d, day, figure, n in entries]


def _decode(entries: list[list]) -> list[Entry]:
    return [(d, dt.date.fromisoformat(day), figure, n) for d, day, figure, n in entries]


def _apply(m, delta: Counter) -> None:
    """Move the day and month rows by `delta`, in one order (no two writers deadlock)."""
    moves: Counter = Counter()
    for (directorate, day, figure), n in delta.items():
        if n:
            moves[("d", day, directorate, figure)] += n
            moves[("m", _month(day), directorate, figure)] += n
    rows = sorted((k, n) for k, n in moves.items() if n)
    if not rows:
        return
    table = connection.ops.quote_name(m["count"]._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            cursor.execute(
                f"INSERT INTO {table} (grain, day, directorate_id, figure, n) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
                + f" ON CONFLICT (grain, day, directorate_id, figure) DO UPDATE "
                f"SET n = {table}.n + EXCLUDED.n",
                [v for (grain, day, d, figure), n in chunk for v in (grain, day, d, figure, n)],
            )


def _refresh(m, prefix: str, ids: Iterable[int], compute, apps) -> None:
    ids = sorted(set(ids))
    if not ids:
        return
    contribution = m["contribution"]
    names = [f"{prefix}:{pk}" for pk in ids]
    with transaction.atomic():
        # A row for each source first, so that the lock below has something to hold: two
        # writers refreshing the same case take turns, and the second, computing after the
        # first has committed, sees its write (the entries are computed under the lock).
        contribution.objects.bulk_create(
            [contribution(source=s, entries=[]) for s in sorted(names)], ignore_conflicts=True
        )
        old = dict(contribution.objects.select_for_update().filter(source__in=names)
                   .order_by("source").values_list("source", "entries"))
        sources = {f"{prefix}:{pk}": entries for pk, entries in compute(apps, ids).items()}
        delta: Counter = Counter()
        changed = []
        for source, entries in sources.items():
            before = Counter()
            for d, day, figure, n in _decode(old.get(source) or []):
                before[(d, day, figure)] += n
            after = Counter()
            for d, day, figure, n in entries:
                after[(d, day, figure)] += n
            if before != after:
                delta.update(after)
                delta.subtract(before)
                changed.append(source)
        _apply(m, delta)
        keep = [contribution(source=s, entries=_encode(sources[s]))
                for s in changed if sources[s]]
        if keep:
            contribution.objects.bulk_update(keep, ["entries"])
        # A source that adds nothing (a case not yet decided, or deleted) keeps no row.
        empty = [s for s in names if not sources.get(s)]
        if empty:
            contribution.objects.filter(source__in=empty).delete()


def refresh_cases(ids: Iterable[int], *, apps=None) -> None:
    """Bring the counts up to date with these cases as they now stand in the database."""
    _refresh(_models(apps), "case", ids, case_entries, apps)


def refresh_warnings(ids: Iterable[int], *, apps=None) -> None:
    _refresh(_models(apps), "warning", ids, warning_entries, apps)


def rebuild(*, apps=None, batch: int = 2000, stdout=None) -> int:
    """Every count afresh from the records (batched): the data migration, `seed_volume` and
    `manage.py rebuild_report_summary`. Returns how many sources it counted."""
    m = _models(apps)
    total: Counter = Counter()
    contributions = []
    sources = 0
    with transaction.atomic():
        m["count"].objects.all().delete()
        m["contribution"].objects.all().delete()
        for prefix, model, compute in (("case", m["case"], case_entries),
                                       ("warning", m["warning"], warning_entries)):
            ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), batch):
                chunk = compute(apps, ids[start:start + batch])
                for pk, entries in chunk.items():
                    if not entries:
                        continue
                    sources += 1
                    contributions.append(m["contribution"](
                        source=f"{prefix}:{pk}", entries=_encode(entries)))
                    for d, day, figure, n in entries:
                        total[(d, day, figure)] += n
                if len(contributions) >= batch:
                    m["contribution"].objects.bulk_create(contributions, batch_size=batch)
                    contributions = []
                if stdout is not None:
                    stdout.write(f"{prefix}s: {min(start + batch, len(ids))} of {len(ids)}")
        m["contribution"].objects.bulk_create(contributions, batch_size=batch)
        _apply(m, total)
    return sources
