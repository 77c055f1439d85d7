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
