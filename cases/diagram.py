"""The designation workflow as data, read from the model's transitions.

README's state diagram is generated from this (`manage.py workflow_diagram`) and a test
checks that the two agree, so the documentation cannot drift from the code. A transition
with a page is named by its registered step (`cases.steps`), as its button and its page are;
the others (the steps the services take by themselves) by their own `label`.
"""

from __future__ import annotations

from cases import steps
from cases.models import CaseState, DesignationCase


def transitions() -> list[tuple[str, str, str, str]]:
    """(source, target, transition name, label) for every transition, in a stable order."""
    field = DesignationCase._meta.get_field("state")
    rows = []
    for t in field.get_all_transitions(DesignationCase):
        step = steps.get(steps.CASE, t.name)
        label = step.title if step is not None else t.custom.get("label", t.name)
        # A target chosen at run time (RETURN_VALUE: the reopened case's earlier state)
        # is drawn to each state it may return.
        for target in getattr(t.target, "allowed_states", None) or [t.target]:
            rows.append((str(t.source), str(target), t.name, label))
    order = {state: i for i, state in enumerate(CaseState.values)}
    rows.sort(key=lambda r: (order.get(r[0], 99), r[3]))
    return rows


def mermaid() -> str:
    lines = ["stateDiagram-v2"]
    for source, target, _name, label in transitions():
        src = "[*]" if source == CaseState.NEW else source
        lines.append(f"    {src} --> {target}: {label}")
    return "\n".join(lines)
