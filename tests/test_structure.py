"""The package's folders are the pipeline's stages: the data, pages and search stages run
without MkDocs (only generator/site/ is the MkDocs plugin)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parents[1] / "generator"


@pytest.mark.parametrize("stage", ["data", "pages", "search"])
def test_stage_imports_nothing_from_mkdocs(stage):
    modules = sorted(p.stem for p in (GENERATOR / stage).glob("*.py") if p.stem != "__init__")
    assert modules, stage
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        f"    importlib.import_module('generator.{stage}.' + name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"generator/{stage} imports {out.strip()}"


def test_every_module_lives_in_a_stage_folder():
    loose = sorted(p.name for p in GENERATOR.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "cli.py"], loose


def test_the_command_line_loads_no_numerics_until_related_papers_are_found():
    # numpy, SciPy and scikit-learn take most of a second to import, which `check` never needs.
    code = ("import sys, generator.cli, generator.data.pipeline; "
            "print(sorted(m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=GENERATOR.parent, check=True)
    assert result.stdout.strip() == "[]"


# A stage imports only the stages below it (STYLE.md 16): data is the ground floor, pages reads
# data, search reads data and pages, the site (the MkDocs plugin) reads every stage.
STAGES_BELOW = {"data": set(), "pages": {"data"}, "search": {"data", "pages"},
                "site": {"data", "pages", "search"}}


def _generator_imports(path: Path, root: Path = GENERATOR.parent) -> list[tuple[int, str]]:
    """(line, stage) of every import in `path` (a module under `root`/generator/) of a module
    under generator/, local imports of functions included, relative or absolute."""
    import ast

    module = path.relative_to(root).with_suffix("").parts
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(module[: len(module) - node.level])
                parts = base + (node.module.split(".") if node.module else [])
                names = [parts] if node.module else [base + [a.name] for a in node.names]
            else:
                names = [(node.module or "").split(".")]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names]
        else:
            continue
        for parts in names:
            if len(parts) >= 2 and parts[0] == "generator":
                found.append((node.lineno, parts[1]))
    return found


@pytest.mark.parametrize("stage", sorted(STAGES_BELOW))
def test_a_stage_imports_only_the_stages_below_it(stage):
    modules = sorted((GENERATOR / stage).glob("*.py"))
    assert modules, stage
    upward = [f"generator/{stage}/{path.name}:{line}: imports generator.{target}"
              for path in modules for line, target in _generator_imports(path)
              if target != stage and target not in STAGES_BELOW[stage]]
    assert upward == [], "\n".join(upward)


def test_the_import_walk_sees_a_local_relative_import(tmp_path):
    # The walk itself: an import inside a function, two levels up, is one it reports.
    probe = tmp_path / "generator" / "data" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from ..pages.render import clean\n    from . import model\n"
                     "    import generator.site.plugin\n", encoding="utf-8")
    assert _generator_imports(probe, tmp_path) == [(2, "pages"), (3, "data"), (4, "site")]


def _module_graph(root: Path = GENERATOR) -> dict[str, set[str]]:
    """Every module of `root` (generator/, dotted from it: `site.build`) and the modules of
    `root` it imports, local imports of functions included."""
    import ast

    modules = {".".join(p.relative_to(root).with_suffix("").parts): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name.split(".")
        package = here[:-1] if path.name != "__init__.py" else here
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom):
                if node.level:  # from .x import y, from . import x
                    parts = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
                elif (node.module or "").startswith("generator."):  # from generator.x import y
                    parts = node.module.split(".")[1:]
                else:
                    continue
                # `y` is a module (from . import build) or a name of the module `parts`
                targets |= {".".join([*parts, a.name]) for a in node.names} | {".".join(parts)}
            elif isinstance(node, ast.Import):
                targets |= {a.name.split(".", 1)[1] for a in node.names if a.name.startswith("generator.")}
        graph[name] = {t for t in targets if t in modules and t != name and not t.endswith("__init__")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_two_modules_import_each_other_even_through_others():
    graph = _module_graph()
    assert graph["site.build"] >= {"site.caches", "site.preview"} and "data.parse" in graph["data.capture"]
    assert _cycles(graph) == []


def test_the_cycle_walk_sees_a_cycle_through_a_local_import(tmp_path):
    package = tmp_path / "generator"
    (package / "data").mkdir(parents=True)
    (package / "data" / "a.py").write_text("from .b import x\n", encoding="utf-8")
    (package / "data" / "b.py").write_text("def f():\n    from . import c\n", encoding="utf-8")
    (package / "data" / "c.py").write_text("import generator.data.a\n", encoding="utf-8")
    assert _cycles(_module_graph(package)) == [["data.a", "data.b", "data.c"]]
