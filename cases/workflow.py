"""The workflow core: how every app changes a case, a challenge, a review or a sanction.

Every write in `cases`, `sanctions`, `letters` and `reviews` goes through these few
functions, so each change is made the same way:

1. `lock_case` locks the case row (and checks the state the user saw);
2. `take` checks the transition's source state, its `permission=` and its `conditions=`,
   runs the (pure) transition method and saves the object with history;
3. `record_event` writes the typed chronology entry in the same transaction;
4. side effects (mail, notifications) are queued with `outbox.services.enqueue`, which
   writes them in the same transaction and hands them to a worker once it commits.

`transition` does all of that for a case transition in one call. The functions must run
inside `transaction.atomic` (the public services are atomic); they never commit.

Time is an argument: the services take `now=` (default: the real time) and pass it here,
so a back-dated demo script or a test says when something happened instead of patching
the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from cases import rules, turns
from cases.choices import EventKind
from cases.models import CaseEvent, DesignationCase
from ucp import text
from ucp.errors import CaseChanged, NotAllowed, ServiceError


def now_or(now: dt.datetime | None) -> dt.datetime:
    """`now` if the caller gave one, else the real time."""
    return now if now is not None else timezone.now()


def save(obj, actor, *, at: dt.datetime | None = None) -> None:
    """Save with history. simple-history takes the user from the request when there is
    one; services also run from commands and tasks, so they say who acted themselves, and
    (with `at`, from a service's `now=`) when."""
    obj._history_user = actor
    if at is not None:
        obj._history_date = at
    else:  # not a date left behind by an earlier, back-dated save of the same object
        obj.__dict__.pop("_history_date", None)
    obj.save()
    case_changed(turns.case_id_of(obj))


def case_changed(case_id: int | None) -> None:
    """The case's stored turns (`cases.turns`), rewritten from what is saved now: called by
    `save` for the case and each row its steps read, and by a service that changes one of
    the case's many-to-many relations (which no save covers). In the same transaction, so
    the home page never reads a turn the data no longer has."""
    if case_id is not None:
        turns.refresh([case_id])


def record_event(
    case: DesignationCase,
    *,
    actor,
    kind: EventKind,
    summary: str,
    details: str = "",
    from_state: str = "",
    to_state: str = "",
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Write one entry of the case's chronology (with its own history row)."""
    event = CaseEvent(
        case=case,
        kind=EventKind(kind),
        actor=actor,
        at=now_or(at),
        from_state=from_state,
        to_state=to_state,
        summary=summary[:300],
        details=details,
    )
    save(event, actor)
    return event


def lock_case(case: DesignationCase, expected_state: str | None = None) -> DesignationCase:
    """The case, locked for the rest of the transaction, as it is now.

    `expected_state` is the state the user saw when they chose the step: if someone moved
    the case on since, `CaseChanged` says so and nothing is saved.
    """
    # of=("self",): lock the case row only, not the joined directorate (which would
    # serialise every case in the directorate).
    locked = (
        DesignationCase.objects.select_for_update(of=("self",))
        .select_related("lead_directorate")
        .get(pk=case.pk)
    )
    if expected_state is not None and locked.state != expected_state:
        raise CaseChanged()
    return locked


def _field_name(method) -> str:
    # The transition's FSM field: `state` on a case, `status` on a challenge or review.
    field = method._django_fsm.field
    return getattr(field, "name", field)


def _state_of(obj, method) -> str:
    return getattr(obj, _field_name(method))


def _state_label(obj, method) -> str:
    return getattr(obj, f"get_{_field_name(method)}_display")()


def refuse_unless_possible(obj, name: str, *, actor, what: str = "This") -> None:
    """Raise if `obj.<name>()` cannot be taken now, with the reason people need:

    - `CaseChanged` if the object is no longer in a state the transition starts from;
    - `NotAllowed` if the actor's role does not allow it (`permission=`), or, for a step
      only the system takes (`custom={"system": True}`), if there is an actor at all;
    - `NotAllowed` with the unmet guards if a policy condition is not met (`conditions=`).
    """
    method = getattr(obj, name)
    if not can_proceed(method, check_conditions=False):
        raise CaseChanged(
            f"{what} is now '{_state_label(obj, method)}', so that step is no longer "
            "possible. Nothing was saved."
        )
    meta = method._django_fsm.get_transition(_state_of(obj, method))
    # A step marked `system` (the sweep's lapse) is taken by nobody: only with actor=None,
    # which no view passes; its `permission=` refuses every person.
    is_system_step = actor is None and meta.custom.get("system")
    if not is_system_step and not meta.has_perm(obj, actor):
        raise NotAllowed(
            "Your role does not allow you to take this step"
            + (" on this case." if isinstance(obj, DesignationCase) else ".")
        )
    if not can_proceed(method):
        reasons = rules.unmet_guards(obj) if isinstance(obj, DesignationCase) else []
        raise NotAllowed("This step is not possible yet.", reasons=reasons)


def take(
    obj, name: str, *, actor, expected: str | None = None, now: dt.datetime | None = None,
    **kwargs,
) -> str:
    """Take the transition `obj.<name>(**kwargs)` on a locked object and save it with
    history; returns the state it left.

    `expected` is the state (or status) the user saw. The transition's own tables say the
    rest: its sources, its permission and its conditions (`refuse_unless_possible`).
    """
    method = getattr(obj, name)
    current = _state_of(obj, method)
    if expected is not None and current != expected:
        raise CaseChanged(
            f"This is now '{_state_label(obj, method)}', so that step is no longer possible. "
            "Nothing was saved."
        )
    refuse_unless_possible(
        obj, name, actor=actor, what="This case" if isinstance(obj, DesignationCase) else "This"
    )
    return _apply(obj, method, actor=actor, now=now, **kwargs)


def _apply(obj, method, *, actor, now: dt.datetime | None, **kwargs) -> str:
    """Run a transition already checked by `refuse_unless_possible`, and save it."""
    current = _state_of(obj, method)
    method(**kwargs)
    try:
        save(obj, actor, at=now)
    except ConcurrentTransition as exc:  # pragma: no cover - the row lock makes this rare
        raise CaseChanged() from exc
    return current


def transition(
    case: DesignationCase,
    name: str,
    *,
    actor,
    expected_state: str | None,
    summary: str,
    details: str | Callable[[], str] = "",
    before: Callable[[DesignationCase], dict | None] | None = None,
    now: dt.datetime | None = None,
    **kwargs,
) -> DesignationCase:
    """Lock the case, take the transition `name`, save it, and write its chronology entry
    (of kind `EventKind(name)`). Returns the locked, changed case.

    `before(case)` runs on the locked case once the transition is known to be possible, for
    work such as creating the warning the transition records; what it returns is added to
    the transition's arguments. `details` may be a callable, for text that can only be
    written once `before` has run. `now` dates the chronology entry; a transition method
    that records a time takes it in its own arguments (`at=`).
    """
    case = lock_case(case, expected_state)
    refuse_unless_possible(case, name, actor=actor, what="This case")
    if before is not None:
        kwargs.update(before(case) or {})
    # Checked once, above: `before` changes nothing the transition's guards read.
    from_state = _apply(case, getattr(case, name), actor=actor, now=now, **kwargs)
    record_event(
        case,
        actor=actor,
        kind=EventKind(name),
        summary=summary,
        details=details() if callable(details) else details,
        from_state=from_state,
        to_state=case.state,
        at=now,
    )
    return case


def clean_text(value: str, what: str, *, limit: int = text.NOTE_MAX) -> str:
    """The text, stripped; `ServiceError("Enter <what>.")` if there is none, and the
    length rule of `ucp.text` if it is longer than the forms allow."""
    value = (value or "").strip()
    if not value:
        raise ServiceError(f"Enter {what}.")
    return text.require_length(value, what, limit)


def person(user) -> str:
    """How the chronology names someone: their full name, else their username."""
    return (user.get_full_name() or user.get_username()) if user else "System"
