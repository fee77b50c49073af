"""Every service call the demo's scripts make is dated through `Seeder.clock()`, so that
passing `now=` to the services (instead of patching the clock) is one edit there."""

from __future__ import annotations

import ast
from pathlib import Path

import demo.seeder

TREE = ast.parse(Path(demo.seeder.__file__).read_text())


def _service_modules() -> tuple[set[str], set[str]]:
    """The names the seeder binds to service modules, and the functions it imports from
    them (`from cases import services`, `from letters.services import letter_issue`)."""
    modules, functions = set(), set()
    for node in ast.walk(TREE):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if alias.name == "services" or alias.name.endswith("_services"):
                    modules.add(alias.asname or alias.name)
                elif node.module.endswith(".services"):
                    functions.add(alias.asname or alias.name)
    return modules, functions


def _is_service_call(call: ast.Call, modules: set[str], functions: set[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id in modules
    # `_simple(services.case_decline, ...)` calls the service it is given as `service`.
    return isinstance(func, ast.Name) and (func.id in functions or func.id == "service")


def _passes_clock(call: ast.Call) -> bool:
    return any(
        kw.arg is None
        and isinstance(kw.value, ast.Call)
        and isinstance(kw.value.func, ast.Attribute)
        and kw.value.func.attr == "clock"
        for kw in call.keywords
    )


def test_every_service_call_of_the_seeder_passes_the_clock():
    modules, functions = _service_modules()
    calls = [
        node for node in ast.walk(TREE)
        if isinstance(node, ast.Call) and _is_service_call(node, modules, functions)
    ]
    assert len(calls) >= 15
    missing = [f"line {c.lineno}" for c in calls if not _passes_clock(c)]
    assert not missing, f"service calls without **self.s.clock(): {missing}"
