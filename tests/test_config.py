"""The plugin's options: one schema (generator/site/config.py) with its defaults and checks, and the
command line reading mkdocs.yml exactly as `mkdocs build` does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.data.model import ConfigError
from generator.pages.export import load_export
from generator.site.config import PapersConfig, default_settings, papers_config

REPO = Path(__file__).resolve().parents[1]
ENV = {**{k: v for k, v in os.environ.items() if k != "SITE_URL"}, "NO_MKDOCS_2_WARNING": "1",
       "PYTHONPATH": str(REPO)}


def project(root: Path, plugin: str) -> Path:
    """A site of the sample dumps and tag rules in the repository's layout (content/raw,
    content/tags.yml), whose mkdocs.yml has `plugin` as its plugins entry."""
    (root / "content").mkdir(parents=True)
    shutil.copytree(REPO / "content" / "raw", root / "content" / "raw")
    shutil.copy(REPO / "content" / "tags.yml", root / "content" / "tags.yml")
    (root / "mkdocs.yml").write_text(
        "site_name: Options\ndocs_dir: content\ntheme:\n  name: material\n  font: false\n"
        f"markdown_extensions: [attr_list]\nplugins:\n{plugin}\n", encoding="utf-8")
    return root


def generator(root: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m generator ARGS` run in `root`, where its mkdocs.yml is."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=root, capture_output=True,
                          text=True, env=ENV)


def check_and_build(root: Path) -> tuple[list[dict], list[dict]]:
    """The papers of `check --json` and of the built site's papers.json."""
    check = generator(root, "check", "--json", "check.json")
    assert check.returncode == 0, check.stderr
    build = generator(root, "build", "--no-search")
    assert build.returncode == 0, build.stderr
    checked = json.loads((root / "check.json").read_text(encoding="utf-8"))["papers"]
    built = load_export(root / "site")["papers"]
    return checked, built


@pytest.mark.slow
def test_check_and_build_agree_when_the_plugin_has_no_options(tmp_path: Path) -> None:
    """`plugins: [papers]`: the defaults are PapersConfig's, for check as for the build (they
    once tagged every paper in check and none in the site)."""
    checked, built = check_and_build(project(tmp_path, "  - papers"))
    assert len(built) == 394
    assert checked == built
    # No `tags:` option, no tags (README: "leave out for no tags"), whatever lies in content/.
    assert not any(p["tags"] for p in built)


@pytest.mark.slow
def test_check_reads_mkdocs_yml_as_mkdocs_does(tmp_path: Path) -> None:
    """MkDocs' own loader: `!ENV` and its default resolve as in `mkdocs build`."""
    root = project(tmp_path, '  - papers:\n      tags: !ENV [PAPERS_TEST_NO_SUCH_VARIABLE, "content/tags.yml"]')
    checked, built = check_and_build(root)
    assert checked == built
    assert sum(1 for p in built if p["tags"]) > 300


def test_defaults_come_from_the_schema() -> None:
    config = papers_config()
    assert isinstance(config, PapersConfig)
    assert dict(config) == {"sources": ["content/raw"], "tags": None, "page_years": {}, "related": 5,
                            "page_size": 50, "search": True, "cache": True,
                            "cache_dir": ".cache/papers", "fast_pages": True}
    settings = default_settings(Path("/site"), tags="tags.yml")
    assert settings.sources == [Path("/site/content/raw")] and settings.tags == Path("/site/tags.yml")
    assert (settings.page_years, settings.related, settings.page_size) == ({}, 5, 50)


@pytest.mark.parametrize(("options", "named"), [
    ({"page_years": {"a.txt": 3000}}, "page_years"),
    ({"page_years": {"a.txt": "2025"}}, "page_years"),
    ({"page_years": {"a.txt": True}}, "page_years"),
    ({"page_years": ["a.txt"]}, "page_years"),
    ({"page_size": 0}, "page_size"),
    ({"related": -1}, "related"),
    ({"related": True}, "related"),
    ({"sources": "content/raw"}, "sources"),
    ({"no_such_option": 1}, None),
])
def test_options_check_their_own_values(options: dict, named: str | None) -> None:
    if named is None:  # an unknown option is a warning, as MkDocs makes it
        papers_config(options)
        return
    with pytest.raises(ConfigError, match=f"'{named}'"):
        papers_config(options)


def test_every_bad_page_year_is_named() -> None:
    with pytest.raises(ConfigError) as error:
        papers_config({"page_years": {"a.txt": 1899, "b.txt": 2025, "c.txt": 3000}})
    assert "a.txt" in str(error.value) and "c.txt" in str(error.value) and "b.txt" not in str(error.value)


@pytest.mark.parametrize("command", [["check"], ["generate", "--docs-dir", "out"], ["build", "--no-search"]])
def test_a_bad_option_in_mkdocs_yml_is_one_error_line(tmp_path: Path, command: list[str]) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "content").mkdir()
    (root / "mkdocs.yml").write_text(
        "site_name: Options\ndocs_dir: content\nplugins:\n  - papers:\n      page_years: {a.txt: 3000}\n",
        encoding="utf-8")
    result = generator(root, *command)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "page_years" in errors[0] and "a.txt" in errors[0], result.stderr
