"""Paper pages filled into one theme render (generator/shell.py) equal MkDocs' own rendering.

The sample dumps (with directory URLs and without) and the hostile dumps of test_hardening are
built twice, once with the default `fast_pages` and once with `fast_pages: false` (every paper
page an MkDocs page): every paper page must be byte-identical, and the sitemap must name the
same pages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, sitemap_locs
from test_hardening import write_sources

SAMPLES = REPO / "content" / "raw"


def _project(root: Path, fast: bool, directory_urls: bool = True) -> Path:
    root.mkdir(parents=True)
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if not directory_urls:
        text = "use_directory_urls: false\n" + text
    option = "      tags: content/tags.yml\n"
    assert option in text
    if not fast:
        text = text.replace(option, option + "      fast_pages: false\n")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "overrides", root / "overrides")
    (root / "content").mkdir()
    shutil.copy(REPO / "content" / "tags.yml", root / "content" / "tags.yml")
    return root


def _build(root: Path, sources: Path) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--no-search", "--sources", str(sources)],
        cwd=root, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "site"


def _pages(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in (site / "papers").rglob("*.html")}


def _locs(site: Path) -> list[str]:
    return sorted(sitemap_locs(site))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["samples", "hostile", "file URLs"])
def test_paper_pages_equal_mkdocs_rendering(tmp_path: Path, kind: str) -> None:
    sources = write_sources(tmp_path / "sources") if kind == "hostile" else SAMPLES
    directory_urls = kind != "file URLs"
    fast = _build(_project(tmp_path / "fast", True, directory_urls), sources)
    slow = _build(_project(tmp_path / "slow", False, directory_urls), sources)
    fast_pages, slow_pages = _pages(fast), _pages(slow)
    assert len(slow_pages) >= (394 if kind == "samples" else 10)
    assert sorted(fast_pages) == sorted(slow_pages)
    differ = [name for name in slow_pages if fast_pages[name] != slow_pages[name]]
    assert differ == [], f"{len(differ)} paper pages differ, e.g. {differ[:3]}"
    assert _locs(fast) == _locs(slow)
    assert len(_locs(fast)) > len(slow_pages)
