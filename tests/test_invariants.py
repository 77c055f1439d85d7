"""Invariants of every built site, and `check_invariants` for other tests to call after a build.

1. Every paper read is published once: distinct papers that the generator's own collect/merge
   finds in the sources = paper pages = `papers.json` entries = Pagefind records.
2. No executable markup: only the site's own scripts, no event-handler attributes, no
   `javascript:` URLs, no element that the site's templates never write.
3. Two builds of the same input are byte-identical (`assert_same_bytes`, used on the hostile
   dumps of test_hardening.py, whose build includes a good sample).
4. A failed build leaves the previous site untouched and no staging folder behind.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import build_env

from generator.data.mathtext import INLINE_ELEMENTS, MATHML_ELEMENTS
from generator.data.pipeline import collect
from generator.pages.export import load_export
from generator.pages.urls import GENERATED_DIRS
from generator.site.config import default_settings

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "content" / "raw"

# Every element Material and Markdown write for the archive (from the sample site), and every
# element our own templates name. An element outside these on a page came from dump text.
_OWN_TEMPLATES = [*(REPO / "generator" / "theme").rglob("*.html"), *(REPO / "generator" / "pages" / "templates").glob("*")]
SITE_ELEMENTS = frozenset(
    tag.lower() for path in _OWN_TEMPLATES if path.is_file()
    for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9-]*)", path.read_text(encoding="utf-8"))
) | frozenset({
    "a", "article", "body", "br", "button", "code", "div", "figure", "footer", "form", "g", "h1",
    "h2", "head", "header", "html", "input", "kbd", "label", "li", "line", "link", "main", "meta",
    "nav", "noscript", "ol", "option", "p", "path", "rect", "script", "section", "select", "small",
    "span", "strong", "svg", "table", "tbody", "td", "text", "th", "thead", "title", "tr", "ul",
}) | MATHML_ELEMENTS | INLINE_ELEMENTS  # what TeX in a title or abstract becomes (generator/mathtext.py)
# Folders whose scripts are the site's own.
SCRIPT_DIRS = ("assets/", "pagefind/")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data:text/html)", re.I)
# Hostile fixtures mark the elements and attributes they try to smuggle in with this word.
MARKER = "pwned"


class _Scan(HTMLParser):
    """Start tags with their attributes, in document order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def site_scripts(html: str) -> list[dict[str, str]]:
    """The attributes of every <script> element of a page."""
    return [attrs for tag, attrs in _Scan(html).tags if tag == "script"]


def executable_markup(site_dir: Path, page: Path, html: str) -> list[str]:
    """Everything on one built page that could run code or that no template writes."""
    found: list[str] = []
    where = page.relative_to(site_dir).as_posix()
    page_url = "https://site.invalid/" + where
    # Pages the generator writes from dump text; others (a user's own Markdown page) may hold
    # any element, but no page may hold executable markup.
    from_dumps = where.split("/")[0] in GENERATED_DIRS or where in ("index.html", "search/index.html")
    for tag, attrs in _Scan(html).tags:
        if from_dumps and tag not in SITE_ELEMENTS:
            found.append(f"{where}: <{tag}> is not an element of the site")
        if tag == "script":
            src = attrs.get("src")
            if src is None:
                if attrs.get("type") != "application/json":
                    found.append(f"{where}: inline <script {attrs}>")
            else:
                target = urlsplit(urljoin(page_url, src))
                path = PurePosixPath(target.path).as_posix().lstrip("/")
                if target.netloc != "site.invalid" or not path.startswith(SCRIPT_DIRS) or ".." in path:
                    found.append(f"{where}: script from {src!r}")
                elif not (site_dir / path).is_file():
                    found.append(f"{where}: script {src!r} is not in the site")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append(f"{where}: <meta http-equiv=refresh>")
        if tag == "base":
            found.append(f"{where}: <base>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{where}: event handler {name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)):
                found.append(f"{where}: {name}={value!r} on <{tag}>")
            if MARKER in name.lower() or (name == "id" and value.lower() == MARKER) or (
                name == "class" and MARKER in value.lower().split()
            ):
                found.append(f"{where}: <{tag} {name}={value!r}> came from dump text")
    return found


def papers_read(sources: list[Path]) -> int:
    """Distinct papers the generator's own collect/merge finds in the sources."""
    archive = collect(default_settings(sources=list(sources), tags=None), with_tags=False, with_related=False)
    return len(archive.papers)


def pagefind_records(site_dir: Path) -> int:
    """Pages in the Pagefind index for the site's language, over every bundle (0 without one)."""
    lang = re.search(r'<html lang="([^"]+)"', (site_dir / "index.html").read_text(encoding="utf-8"))
    total = 0
    for entry in (site_dir / "pagefind").rglob("pagefind-entry.json"):
        languages = json.loads(entry.read_text(encoding="utf-8"))["languages"]
        total += languages[lang.group(1) if lang else "en"]["page_count"]
    return total


def check_invariants(site_dir: Path, sources: list[Path] | Path) -> dict[str, int]:
    """Assert the invariants of a built site; return what was counted."""
    sources = [sources] if isinstance(sources, Path) else list(sources)
    data = load_export(site_dir)
    urls = [p["url"] for p in data["papers"]]
    pages = {p.parent.relative_to(site_dir).as_posix() + "/" for p in (site_dir / "papers").rglob("index.html")}
    counts = {
        "read": papers_read(sources),
        "pages": len(pages),
        "json": data["count"],
        "json entries": len(data["papers"]),
        "pagefind": pagefind_records(site_dir),
    }
    assert len(set(counts.values())) == 1, counts
    assert len({p["id"] for p in data["papers"]}) == len(urls), "duplicate ids in papers.json"
    assert set(urls) == pages, sorted(set(urls) ^ pages)[:10]
    found: list[str] = []
    html_pages = 0
    for page in sorted(site_dir.rglob("*.html")):
        html_pages += 1
        found += executable_markup(site_dir, page, page.read_text(encoding="utf-8"))
    assert not found, "\n".join(found[:30])
    counts["html pages"] = html_pages
    return counts


def run_build(*args: str, cwd: Path = REPO, site_url: str | None = None) -> subprocess.CompletedProcess:
    """`python -m generator build ARGS` as a user runs it, with SITE_URL `site_url` (or none)."""
    return subprocess.run([sys.executable, "-m", "generator", "build", *args], cwd=cwd,
                          capture_output=True, text=True, env=build_env(site_url))


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under a folder by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def tree_state(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under a folder with the hash of its bytes and its modification time."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def assert_same_bytes(a: Path, b: Path) -> int:
    """Assert two built sites are byte-identical; return the number of files compared."""
    first, second = tree_bytes(a), tree_bytes(b)
    assert sorted(first) == sorted(second), sorted(set(first) ^ set(second))[:10]
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"{len(differ)} files differ between two builds of the same input: {differ[:10]}"
    return len(first)


def assert_no_leftovers(site_dir: Path) -> None:
    """No staging or previous folder of the atomic swap is left beside the site."""
    for name in (f".{site_dir.name}.building", f".{site_dir.name}.previous"):
        assert not (site_dir.parent / name).exists(), name


@pytest.mark.slow
def test_sample_site_keeps_the_invariants(sample_site: Path) -> None:
    counts = check_invariants(sample_site, [SAMPLES])
    assert counts["read"] == 394
    assert counts["html pages"] > counts["pages"]


def _project_copy(root: Path) -> Path:
    """A project with mkdocs.yml, the theme overrides, tag rules and one sample dump."""
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    (root / "content" / "raw").mkdir(parents=True)
    shutil.copy(REPO / "content" / "tags.yml", root / "content" / "tags.yml")
    shutil.copy(sorted(SAMPLES.glob("*.txt"))[-1], root / "content" / "raw")
    return root


@pytest.mark.slow
def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    project = _project_copy(tmp_path / "project")
    site = project / "site"
    result = run_build(cwd=project)
    assert result.returncode == 0, result.stderr[-3000:]
    check_invariants(site, [project / "content" / "raw"])
    before = tree_state(site)
    assert before

    (project / "content" / "tags.yml").write_text("tags:\n  - name: [unclosed\n", encoding="utf-8")
    result = run_build(cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(r"tags\.yml:\d+: not valid YAML", result.stderr), result.stderr[-2000:]
    assert re.search(r"^Error: build failed, .* left as it was", result.stderr, re.M), result.stderr[-2000:]
    assert tree_state(site) == before
    assert_no_leftovers(site)
