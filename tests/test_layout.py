"""The package's imports run one way, down the flow of the data (see qcity/__init__.py), and never in a circle."""

import ast
import importlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers import write_tiny_city

PACKAGE = Path(__file__).resolve().parent.parent / "qcity"
LAYERS = (
    "store",
    "analysis",
    "intake",
    "documents",
    "delivery",
    "web",
)  # bottom first: a layer imports only those before it
# the `python -m qcity.X` commands; nothing imports them
DOORS = (
    "qcity.demo",
    "qcity.ingest",
    "qcity.rollups",
    "qcity.export",
    "qcity.deliver",
    "qcity.city",
    "qcity.accounts",
    "qcity.serve",
)
NO_STREAMLIT = ("store", "analysis", "intake", "documents", "delivery")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path) -> set[str]:
    """The qcity modules a file imports, anywhere in it (function-level imports count too), and `streamlit`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from qcity.store import db` imports the module qcity.store.db
                child = f"{node.module}.{alias.name}"
                found.add(child if child in MODULES else node.module)
    return {name for name in found if name in MODULES or name.split(".")[0] == "streamlit"}


GRAPH = {name: {i for i in imports_of(path) if i in MODULES and i != name} for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle as the list of modules along it (first repeated at the end), or [] when there is none."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once all it reaches is explored

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [node, nxt] if nxt in path else [node, nxt]
            if nxt not in state and (cycle := visit(nxt, path + [node])):
                return cycle
        state[node] = "done"
        return []

    for start in sorted(graph):
        if start not in state and (cycle := visit(start, [])):
            return cycle
    return []


def layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_the_cycle_finder_finds_circles_and_nothing_else():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    assert find_cycle({"x": {"y"}, "y": {"y2"}, "y2": {"y"}}) == ["y", "y2", "y"]


def test_the_walk_sees_every_kind_of_import():
    edges = GRAPH["qcity.store.db"]  # `from qcity.store import rollups, schema` and `from qcity.store.tables import …`
    assert {"qcity.store.rollups", "qcity.store.schema", "qcity.store.tables"} <= edges
    assert "qcity.intake.demo" in GRAPH["qcity.demo"]


def test_no_import_circle_in_the_package():
    assert find_cycle(GRAPH) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if layer(n)))
def test_imports_point_down_the_flow(name):
    mine = LAYERS.index(layer(name))
    upward = sorted(i for i in GRAPH[name] if layer(i) and LAYERS.index(layer(i)) > mine)
    doors = sorted(set(GRAPH[name]) & set(DOORS))
    assert upward == [] and doors == [], f"{name} imports a later layer or a command door: {upward + doors}"


def test_translations_and_progress_import_nothing_of_the_package():
    assert GRAPH["qcity.i18n"] == set() and GRAPH["qcity.progress"] == set()


@pytest.mark.parametrize("name", sorted(n for n in MODULES if layer(n) in NO_STREAMLIT))
def test_only_the_web_app_imports_streamlit(name):
    assert not any(i.split(".")[0] == "streamlit" for i in imports_of(MODULES[name]))


def test_every_subpackage_says_what_lives_there_and_what_it_may_import():
    for name in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text(encoding="utf-8"))) or ""
        modules = [m.rsplit(".", 1)[1] for m in MODULES if m.startswith(f"qcity.{name}.")]
        named = set(re.findall(r"\b([a-z_]+) \(", doc))  # "db (the connection …)"
        assert modules and set(modules) <= named, f"qcity/{name}/__init__.py does not name {set(modules) - named}"
        assert "Imports" in doc


def test_the_installable_package_pins_what_requirements_pin_and_its_commands_are_the_doors():
    """`pip install -e .` installs what the README's commands install, and each console command runs the same
    `main` as its `python -m qcity.X` form."""
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = (PACKAGE.parent / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pinned = [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]
    assert project["dependencies"] == pinned
    scripts = project["scripts"]
    assert sorted(scripts) == sorted(f"qcity-{door.split('.')[1]}" for door in DOORS)
    for command, target in scripts.items():
        module, function = target.split(":")
        door = importlib.import_module(f"qcity.{command.removeprefix('qcity-')}")
        assert getattr(importlib.import_module(module), function) is door.main, command


def test_the_store_and_the_command_line_tools_run_without_loading_streamlit(tmp_path):
    """Importing the store and running a query, or loading a command other than the server's, loads no Streamlit
    module at all (not even through another package): the commands start fast and work where it is not installed."""
    write_tiny_city(tmp_path)
    script = (
        "import sys\n"
        "from qcity.store import db\n"
        f"assert len(db.Database({str(tmp_path)!r}).query('districts')) == 3\n"
        "import qcity.demo, qcity.ingest, qcity.export, qcity.city, qcity.rollups\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
