"""`mkdocs serve` as a writer uses it: one build per edit, live reload under the site's CSP, and
a page that shows the edit; and `mkdocs build` after an edit equal to a build from scratch."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_preview import Server, entry, still_the_same_document  # noqa: E402

from generator.site.csp import POLICY, SERVE_POLICY  # noqa: E402
from generator.site.finish import PREVIEW_META  # noqa: E402
from generator.site.preview import SEARCH_STATUS  # noqa: E402


def sample_project(root: Path) -> Path:
    """A copy of the repository's site: its config, theme overrides, sample dumps and tag rules."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    (root / "content").mkdir()
    shutil.copytree(REPO / "content" / "raw", root / "content" / "raw")
    shutil.copy(REPO / "content" / "tags.yml", root / "content" / "tags.yml")
    for name in ("performance.md",):
        if (REPO / "content" / name).exists():
            shutil.copy(REPO / "content" / name, root / "content" / name)
    return root


@contextmanager
def served(root: Path) -> Iterator[Server]:
    """`mkdocs serve` of the project at `root`, once its first build is done and it is idle."""
    server = Server(root)
    try:
        server.wait_built(1, timeout=300)
        server.settle(2)
        yield server
    finally:
        server.stop()


def first_dump(root: Path) -> Path:
    return sorted((root / "content" / "raw").glob("*.txt"))[0]


def paste(title: str) -> str:
    """A pasted old search page (FORMATS.md A) with one paper, newer than every sample paper."""
    return ("\nnew\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n"
            "byAK and the research community\n\nJan 6, 2031\n\n"
            + entry(title, "We garden with qubits.", "Jan 5, 2031"))


def test_serve_reloads_an_edited_dump_with_one_build_and_no_console_error(tmp_path: Path, browser):
    root = sample_project(tmp_path / "site")
    with served(root) as server:
        assert server.builds() == 1
        # Generated pages are not in the watched docs dir: only the user's own files are.
        assert not (root / "content" / "papers").exists()
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url)
        page.wait_for_load_state("load")
        meta = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
        assert meta == SERVE_POLICY
        page.evaluate("window.papersNotReloaded = true")
        title = "Serve Test Paper on Quantum Gardening"
        with first_dump(root).open("a", encoding="utf-8") as f:
            f.write(paste(title))
        start = time.perf_counter()
        # Polled from here: wait_for_function evaluates a string, which the CSP forbids.
        while still_the_same_document(page):
            assert time.perf_counter() - start < 120, server.log()
            time.sleep(0.1)
        page.wait_for_load_state("load")
        print(f"reloaded after {time.perf_counter() - start:.1f} s")
        server.settle(3)
        assert server.builds() == 2, server.log()
        assert server.started() == 2
        # The appended paper is the newest: the home page lists it, and it has its own page.
        link = page.get_by_role("link", name=title).first
        link.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").first.inner_text().strip() == title
        assert errors == []


def test_serve_rebuilds_when_a_users_own_page_changes(tmp_path: Path):
    root = sample_project(tmp_path / "site")
    (root / "content" / "about.md").write_text("# About\n\nFirst text.\n", encoding="utf-8")
    with served(root) as server:
        (root / "content" / "about.md").write_text("# About\n\nSecond text.\n", encoding="utf-8")
        server.wait_built(2, timeout=120)
        server.settle(3)
        assert server.builds() == 2
        html = urllib.request.urlopen(server.url + "about/").read().decode()
        assert "Second text." in html


def build(root: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_build_after_an_edit_equals_a_build_from_scratch(tmp_path: Path):
    again = sample_project(tmp_path / "again")
    build(again)
    dump = first_dump(again)
    text = dump.read_text(encoding="utf-8")
    # An edit of every kind: a paper appended, an abstract changed, a tag rule changed.
    text += paste("Build Test Paper on Quantum Gardening")
    dump.write_text(text, encoding="utf-8")
    tags = again / "content" / "tags.yml"
    tags.write_text(tags.read_text(encoding="utf-8").replace("    match: [", "    match: [quantum gardening, ", 1),
                    encoding="utf-8")
    fresh = sample_project(tmp_path / "fresh")
    # What was published: a paper keeps its id and related list (pipeline.Previous) in both.
    shutil.copy(again / "content" / "papers.json.gz", fresh / "content" / "papers.json.gz")
    build(again)
    shutil.copy(dump, fresh / "content" / "raw" / dump.name)
    shutil.copy(tags, fresh / "content" / "tags.yml")
    build(fresh)
    assert tree(again / "site") == tree(fresh / "site")
    _, mismatch, errors = filecmp.cmpfiles(again / "site", fresh / "site", tree(fresh / "site"), shallow=False)
    assert mismatch == [] and errors == []


def test_the_published_policy_stays_strict():
    assert "'unsafe-inline'" not in POLICY
    assert re.search(r"script-src 'self' 'unsafe-inline'", SERVE_POLICY)


def test_search_says_when_it_lags_behind_the_last_edit(tmp_path: Path, browser):
    root = sample_project(tmp_path / "site")
    with served(root) as server:
        # The first build makes its index before it ends: search is up to date.
        status = json.loads(urllib.request.urlopen(server.url + SEARCH_STATUS).read())
        assert status == {"updating": False}
        page = browser.new_page()
        lagging = {"updating": True}
        page.route(f"**/{SEARCH_STATUS}", lambda route: route.fulfill(json=lagging))
        status_line = page.locator("[data-papers-search-status]")
        counted = status_line.filter(has_text=re.compile(r"\d+ papers?\b"))  # the results are in
        page.goto(server.url + "search/?q=language")
        counted.wait_for(timeout=30_000)
        assert "catching up with your last edit" in status_line.inner_text()
        lagging["updating"] = False
        page.reload()
        counted.wait_for(timeout=30_000)
        assert "catching up" not in status_line.inner_text()


def test_published_pages_do_not_ask_whether_search_lags(tmp_path: Path):
    site = sample_project(tmp_path / "site")
    build(site)
    assert not (site / "site" / SEARCH_STATUS).exists()
    assert PREVIEW_META not in (site / "site" / "search" / "index.html").read_text(encoding="utf-8")
