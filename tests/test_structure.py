"""The shape of the code: no import circles, the layers in order, imports at the top.

Read from the source with `ast`, so a new circle, an app importing the demo, or an import
hidden inside a function fails here before anyone has to find it in a traceback.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "api", "cases", "demo", "letters", "outbox", "reports", "reviews",
        "sanctions", "sso", "governance", "ucp", "benchmarks")


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> list[tuple[str, ast.AST, bool]]:
    """(module imported, node, whether the import is at module level) for each import of a
    project module."""
    tree = ast.parse(path.read_text())
    top = set(map(id, tree.body))
    out = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            # The longest project module the name is, or is inside.
            parts = name.split(".")
            for n in range(len(parts), 0, -1):
                candidate = ".".join(parts[:n])
                if candidate in MODULES:
                    out.append((candidate, node, id(node) in top))
                    break
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for target, _node, _top in _imports(path):
            # A package's __init__ is imported with any of its modules; it is not an edge
            # from the package to itself.
            if target != module and not module.startswith(target + "."):
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_project_has_no_import_circles():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _app(module: str) -> str:
    return module.split(".")[0]


# Modules of no app's: they import Django alone, so any layer may use them.
LEAVES = ("ucp.compiled_sql",)


def test_accounts_imports_no_other_app():
    outside = {
        (module, target)
        for module, targets in _graph().items() if _app(module) == "accounts"
        for target in targets if _app(target) != "accounts" and target not in LEAVES
    }
    assert outside == set()


@pytest.mark.parametrize("leaf", LEAVES)
def test_a_leaf_imports_no_app(leaf):
    assert {t for t in _graph()[leaf] if _app(t) in APPS} == set()


def test_nothing_imports_the_demo():
    users = {
        module
        for module, targets in _graph().items() if _app(module) != "demo"
        for target in targets if _app(target) == "demo"
    }
    assert users == set()


# The workflow core and the models sit below the apps that build on them.
@pytest.mark.parametrize(
    ("module", "must_not_import"),
    [
        ("cases.models", ("sanctions", "letters", "reviews", "reports", "api", "demo")),
        ("cases.rules", ("cases.models", "sanctions", "letters", "reviews")),
        ("cases.choices", ("cases.models", "cases.rules", "accounts")),
        ("cases.workflow", ("sanctions", "letters", "reviews", "cases.services")),
        # The task list: the apps above contribute through the step registry.
        ("cases.next_steps", ("sanctions", "letters", "reviews", "reports", "api", "demo")),
        ("cases.steps", ("cases.models", "sanctions", "letters", "reviews")),
        ("outbox.services", ("outbox.tasks", "cases", "letters", "reviews", "sanctions")),
        ("sanctions.services", ("letters", "reviews", "cases.services")),
        ("letters.services", ("reviews",)),
    ],
)
def test_lower_layers_do_not_import_higher_ones(module, must_not_import):
    imported = {t for t, _node, _top in _imports(MODULES[module])}
    bad = {t for t in imported for m in must_not_import if t == m or t.startswith(m + ".")}
    assert bad == set()


def test_imports_inside_functions_say_why():
    """An import inside a function hides a circle; one that must stay (WeasyPrint's
    start-up cost, say) carries a comment on its line or the line above."""
    unexplained = []
    for module, path in MODULES.items():
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in top:
                continue
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            # The comment may stand above a block of such imports, as in an AppConfig.ready.
            n = node.lineno - 1
            explained = "#" in lines[n]
            while not explained and n > 0:
                n -= 1
                above = lines[n].strip()
                explained = above.startswith("#")
                if not above.startswith(("from ", "import ", ")")) and not above.endswith(","):
                    break
            if not explained:
                unexplained.append(f"{module}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert unexplained == []


def test_no_app_borrows_another_apps_private_helpers():
    borrowed = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if _app(node.module) == _app(module) or node.module not in MODULES:
                    continue
                borrowed += [f"{module}: {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_")]
    assert borrowed == []


def test_no_production_code_patches_the_clock():
    patched = [
        str(path.relative_to(ROOT)) for path in MODULES.values()
        if "mock.patch" in path.read_text() or "from unittest import mock" in path.read_text()
    ]
    assert patched == []


# The modules that may hand the request's data to a form themselves: `bind` and
# `bind_query`, the gate for control characters, the letter drafts (which bind a
# decision form with what the preview carried back, on a POST only), and the session
# timeout (which keeps what a timed-out POST carried, for `bind` to give back).
BINDERS = {"ucp.forms", "ucp.input", "letters.drafts", "ucp.sessions"}


def _request_data(node: ast.AST) -> bool:
    """`request.POST`, `request.GET` or `request.FILES`."""
    return (
        isinstance(node, ast.Attribute) and node.attr in ("POST", "GET", "FILES")
        and isinstance(node.value, ast.Name) and node.value.id == "request"
    )


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _binds_a_form_itself(source: str) -> list[int]:
    """Lines where a form is bound from the request other than through `ucp.forms.bind`:
    `request.POST or None`, `request.GET if ... else None`, or `SomeForm(request.POST)`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BoolOp) and any(_request_data(v) for v in node.values):
            lines.append(node.lineno)
        elif isinstance(node, ast.IfExp) and (_request_data(node.body)
                                              or _request_data(node.orelse)):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call) and _callee(node).lower().endswith(("form", "form_class")):
            if any(_request_data(a) for a in [*node.args, *(k.value for k in node.keywords)]):
                lines.append(node.lineno)
    return lines


def test_views_bind_their_forms_one_way():
    # `Form(request.POST or None)` is unbound for an empty POST, and an error added to it
    # then was a server error (AttributeError: cleaned_data): every view binds with `bind`.
    found = []
    for module, path in MODULES.items():
        if module in BINDERS:
            continue
        source = path.read_text()
        lines = source.splitlines()
        found += [f"{module}:{n}: {lines[n - 1].strip()}" for n in _binds_a_form_itself(source)]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "form = CustomerForm(request.POST or None, user=user)",
        "form = spec.form_class(request.POST, case=case)",
        "form = ContactForm(request.POST if request.method == 'POST' else None)",
        "form = SearchForm(data=request.GET)",
    ],
)
def test_the_binding_check_finds_a_form_bound_the_old_way(source):
    assert _binds_a_form_itself(source) == [1]


# --- every PDF through one door ------------------------------------------------------------


# The one module that may import WeasyPrint: `letters.rendering.html_to_pdf` tags every PDF
# (PDF/UA-1: structure, language, title) and loads nothing from the network.
PDF_MAKERS = {"letters.rendering"}


def _imports_weasyprint(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "weasyprint" for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "weasyprint":
            return True
    return False


def test_every_pdf_is_made_by_the_one_tagging_renderer():
    others = sorted(
        module for module, path in MODULES.items()
        if module not in PDF_MAKERS
        and (_imports_weasyprint(path.read_text()) or "write_pdf(" in path.read_text())
    )
    assert others == [], "make PDFs with letters.rendering.html_to_pdf, which tags them"


@pytest.mark.parametrize("source", [
    "import weasyprint\n",
    "from weasyprint import HTML\n",
    "def f():\n    from weasyprint.urls import URLFetcher\n",
])
def test_the_pdf_check_finds_weasyprint_imported_elsewhere(source):
    assert _imports_weasyprint(source)


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    """A model change with no migration (a new Role in a field's choices, say) fails here,
    not on the council's server."""
    from io import StringIO  # only this test needs it

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exc:
        raise AssertionError(f"models changed without a migration:\n{out.getvalue()}") from exc
