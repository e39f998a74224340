"""What may import what (ARCHITECTURE.md), checked on the source: no import cycles, the layers only
import downwards, the product never loads the fake API, bench/ uses no test module and no private
name, and every module imports on its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "analytics", "fake_halo", "bench")
# The only product modules that may import the fake API, and only inside the command's function.
FAKE_USERS = ("ingest.cli.demo_cmd", "ingest.cli.fake_api_cmd")

# Layer (module prefix) -> what its modules may import of the project. Checked for every import,
# lazy ones included; the longest matching prefix decides.
ALLOWED: dict[str, tuple[str, ...]] = {
    "analytics": ("analytics",),
    "ingest.errors": (),
    "ingest.vocabulary": (),
    "ingest.player_input": ("ingest.errors", "ingest.vocabulary"),
    "ingest.api": ("ingest.api", "ingest.errors", "ingest.vocabulary", "ingest"),
    "ingest.store": ("ingest.store", "ingest.errors", "ingest.vocabulary", "ingest.player_input", "analytics"),
    "ingest.transform": ("ingest.transform", "ingest.errors", "ingest"),
    "ingest.report": ("ingest.report", "ingest.store", "ingest.errors", "ingest.vocabulary", "ingest.player_input"),
    "ingest.export": ("ingest.export", "ingest.store", "ingest.errors"),
    "ingest.sync": ("ingest.sync", "ingest.api", "ingest.store", "ingest.errors", "ingest.vocabulary",
                    "ingest.player_input", "analytics"),
    "ingest.cli": ("ingest", "analytics", "fake_halo"),
    "ingest": ("ingest",),  # the package itself and __main__
    "fake_halo": ("fake_halo", "analytics", "ingest.vocabulary", "ingest"),
    "bench": ("bench", "ingest", "analytics", "fake_halo"),
}


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported project module (or package)
    names: tuple[str, ...]  # names taken from it (from-imports)
    lazy: bool  # inside a function
    type_only: bool  # under `if TYPE_CHECKING:`


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "dbt_project" not in path.parts:  # a wheel's copy of the dbt project
                found[module_name(path)] = path
    return found


MODULES = project_modules()


def resolve(source: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = source.split(".") if path.name == "__init__.py" else source.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports_of(source: str, path: Path) -> list[Import]:
    found: list[Import] = []

    def project(name: str) -> str | None:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST, lazy: bool, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            child_lazy = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            child_type_only = type_only or (isinstance(child, ast.If) and is_type_checking(child))
            if isinstance(child, ast.Import):
                targets = [project(alias.name) for alias in child.names]
                found.extend(Import(source, t, (), lazy, type_only) for t in targets if t)
            elif isinstance(child, ast.ImportFrom):
                base = resolve(source, path, child)
                for alias in child.names:
                    # `from pkg import module` imports the module; `from module import name` the module.
                    target = project(f"{base}.{alias.name}") if f"{base}.{alias.name}" in MODULES else project(base)
                    if target:
                        found.append(Import(source, target, (alias.name,), lazy, type_only))
            visit(child, child_lazy, child_type_only)

    visit(ast.parse(path.read_text(encoding="utf-8")), False, False)
    return found


IMPORTS = [i for name, path in MODULES.items() for i in imports_of(name, path)]


def layer_of(module: str) -> str:
    return max((prefix for prefix in ALLOWED if module == prefix or module.startswith(prefix + ".")), key=len)


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_scan_sees_the_packages_and_their_imports() -> None:
    # Guards the checks below against silently scanning nothing.
    assert {"ingest.cli.app", "ingest.store.registry", "fake_halo.api", "analytics.film"} <= set(MODULES)
    assert Import("ingest.cli.app", "ingest.cli.guard", ("OneLineErrorsGroup",), False, False) in IMPORTS
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"], ["d"]]


def test_no_import_cycles() -> None:
    """Between project modules, counting lazy imports too (type-only imports create no cycle)."""
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for imp in IMPORTS:
        if not imp.type_only and imp.target != imp.source and not within(imp.source, imp.target):
            graph[imp.source].add(imp.target)
    cycles = [component for component in strongly_connected(graph) if len(component) > 1]
    assert cycles == []


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative enough for a few hundred modules: recursion is fine)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            components.append(sorted(component))

    for node in graph:
        if node not in index:
            connect(node)
    return components


def test_layers_import_only_what_they_may() -> None:
    wrong = [
        (imp.source, imp.target)
        for imp in IMPORTS
        if not any(within(imp.target, allowed) for allowed in ALLOWED[layer_of(imp.source)])
        and not within(imp.target, imp.source)
    ]
    assert wrong == []


def test_the_product_imports_the_fake_only_lazily_in_the_demo_and_fake_api_commands() -> None:
    uses = {(imp.source, imp.lazy) for imp in IMPORTS
            if within(imp.target, "fake_halo") and not imp.type_only
            and not within(imp.source, "fake_halo") and not within(imp.source, "bench")}
    assert uses == {(name, True) for name in FAKE_USERS}


def test_bench_uses_no_test_module_and_no_private_name() -> None:
    for name, path in MODULES.items():
        if not within(name, "bench"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] in ("tests", "support") for a in node.names), name
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] not in ("tests", "support"), name
                assert not [a.name for a in node.names if a.name.startswith("_")], (name, node.module)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert not (node.attr.startswith("_") and not node.attr.startswith("__")
                            and node.value.id not in ("self", "cls")), (name, ast.unparse(node))
        assert "spec_from_file_location" not in path.read_text(encoding="utf-8"), name


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,  # noqa: S603
                          check=False, timeout=300)


def test_importing_the_whole_product_never_loads_the_fake() -> None:
    product = sorted(n for n in MODULES if within(n, "ingest") or within(n, "analytics"))
    product.remove("ingest.__main__")  # runs the CLI
    done = run_python(
        "import importlib, sys\n"
        f"for name in {product!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'fake_halo' or m.startswith('fake_halo.'))\n"
        "print(len(sys.modules), loaded)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(" ", 1)[1].strip() == "[]"


@pytest.mark.parametrize("package", ["ingest", "analytics", "fake_halo", "bench"])
def test_every_module_imports_on_its_own(package: str) -> None:
    """Each module imported first, in a fresh set of project modules: an import cycle that happens
    to work in one order fails in another."""
    names = sorted(n for n in MODULES if within(n, package) and not n.endswith("__main__"))
    done = run_python(
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] in ('ingest', 'analytics', 'fake_halo', 'bench')]:\n"
        "        del sys.modules[loaded]\n"
        "    importlib.import_module(name)\n"
        "print('ok')\n"
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
