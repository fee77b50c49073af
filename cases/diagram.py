"""The designation workflow as data, read from the model's transitions.

README's state diagram is generated from this (`manage.py workflow_diagram`) and a test
checks that the two agree, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from cases.models import CaseState, DesignationCase


def transitions() -> list[tuple[str, str, str, str]]:
    """(source, target, transition name, label) for every transition, in a stable order."""
    field = DesignationCase._meta.get_field("state")
    rows = []
    for t in field.get_all_transitions(DesignationCase):
        rows.append((str(t.source), str(t.target), t.name, t.custom.get("label", t.name)))
    order = {state: i for i, state in enumerate(CaseState.values)}
    rows.sort(key=lambda r: (order.get(r[0], 99), r[3]))
    return rows


def mermaid() -> str:
    lines = ["stateDiagram-v2"]
    for source, target, _name, label in transitions():
        src = "[*]" if source == CaseState.NEW else source
        lines.append(f"    {src} --> {target}: {label}")
    return "\n".join(lines)
