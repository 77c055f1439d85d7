"""Paper pages filled into one theme render (generator/site/paper_pages.py) equal MkDocs' own rendering.

The sample dumps (with directory URLs and without) and the hostile dumps of test_hardening are
built twice, once with the default `fast_pages` and once with `fast_pages: false` (every paper
page an MkDocs page): every paper page must be byte-identical, and the sitemap must name the
same pages.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_SITE_URL, build_env, sitemap_locs
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
        cwd=root, capture_output=True, text=True, env=build_env(SAMPLE_SITE_URL),  # for the sitemap
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


def test_sitemap_is_an_index_with_papers_in_files_of_at_most_50000(tmp_path: Path) -> None:
    """split_sitemap: MkDocs' pages stay in sitemap-pages.xml, paper pages (given, and any MkDocs
    listed itself) go to gzipped sitemaps within the protocol's 50,000 URLs, once each."""
    from generator.pages.urls import Urls
    from generator.site.paper_pages import SITEMAP_URLS, split_sitemap

    base = "https://example.org/archive/"
    mkdocs_entry = "\n    <url>\n         <loc>{}</loc>\n         <lastmod>2025-01-02</lastmod>\n    </url>"
    listed = ["", "dates/", "papers/2025/01/rendered-by-mkdocs/", "tags/a-b/"]
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(mkdocs_entry.format(base + u) for u in listed) + "\n</urlset>", encoding="utf-8")
    papers = [f"papers/2025/01/p-{n}/" for n in range(2 * SITEMAP_URLS + 1)]
    assert split_sitemap(tmp_path, papers, Urls(site_url=base)) == len(papers) + 1
    index = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    children = re.findall(r"<loc>([^<]*)</loc>", index)
    assert children == [base + "sitemap-pages.xml"] + [base + f"sitemap-papers-{n}.xml.gz" for n in (1, 2, 3)]
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode() == index
    pages = re.findall(r"<loc>([^<]*)</loc>", (tmp_path / "sitemap-pages.xml").read_text(encoding="utf-8"))
    assert pages == [base, base + "dates/", base + "tags/a-b/"]
    counts, locs = [], []
    for n in (1, 2, 3):
        text = gzip.decompress((tmp_path / f"sitemap-papers-{n}.xml.gz").read_bytes()).decode()
        found = re.findall(r"<loc>([^<]*)</loc>", text)
        counts.append(len(found))
        locs += found
    assert max(counts) <= SITEMAP_URLS
    assert sorted(locs) == sorted([base + u for u in papers] + [base + "papers/2025/01/rendered-by-mkdocs/"])
    # A second call (the sitemap is an index already) changes nothing.
    assert split_sitemap(tmp_path, papers, Urls(site_url=base)) == 0
    assert (tmp_path / "sitemap.xml").read_text(encoding="utf-8") == index
