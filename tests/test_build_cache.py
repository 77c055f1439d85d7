"""The build cache (site/caches.py): a second build does work in proportion to the edit and
writes what a build from scratch writes, with `mkdocs build` and with `generator build`; a site
that is not as the last build left it is built from scratch; a failed build leaves the last
site as it was; search bundles whose papers did not change are kept."""

from __future__ import annotations

import filecmp
import gzip
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from markupsafe import Markup
from test_search_index import sample_papers as sample
from test_serve import first_dump, paste, sample_project, tree

from generator.pages.urls import Urls
from generator.search import indexer as search
from generator.search.indexer import Indexer, arrival_order, newest_first, parts_of
from generator.site.caches import LEGACY_FILE, STATE_FILE
from generator.site.manifest import FORMAT, CorruptCache, decode, encode

BUILDS = {
    "mkdocs build": [sys.executable, "-m", "mkdocs", "build"],
    "generator build": [sys.executable, "-m", "generator", "build"],
}


def build(root: Path, command: str = "mkdocs build", *args: str, ok: bool = True) -> str:
    """Build `root` in a new process as `command` does; its log."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    result = subprocess.run([*BUILDS[command], *args], cwd=root, capture_output=True, text=True, env=env)
    assert (result.returncode == 0) == ok, result.stderr[-3000:]
    return result.stderr + result.stdout


def written(log: str) -> tuple[int, int]:
    """(paper pages written, unchanged) as the build's log says."""
    found = re.search(r"papers: (\d+) paper pages written, (\d+) unchanged", log)
    assert found, log
    return int(found[1]), int(found[2])


def assert_same_site(built: Path, fresh: Path) -> None:
    assert tree(built / "site") == tree(fresh / "site")
    _, mismatch, errors = filecmp.cmpfiles(built / "site", fresh / "site", tree(fresh / "site"), shallow=False)
    assert mismatch == [] and errors == []


def from_scratch(root: Path, published: Path, tmp: Path) -> Path:
    """A new project with `root`'s dumps and tag rules and the papers.json of `published`
    (what was published keeps its ids and related lists in both), built without a cache."""
    fresh = sample_project(tmp)
    shutil.rmtree(fresh / "content" / "raw")
    shutil.copytree(root / "content" / "raw", fresh / "content" / "raw")
    shutil.copy(root / "content" / "tags.yml", fresh / "content" / "tags.yml")
    shutil.copy(published, fresh / "content" / "papers.json.gz")
    log = build(fresh)
    assert "building everything: no build cache yet" in log
    return fresh


@pytest.mark.parametrize("command", BUILDS)
def test_a_second_build_keeps_what_did_not_change_and_equals_a_build_from_scratch(tmp_path: Path, command: str):
    root = sample_project(tmp_path / "root")
    log = build(root, command)
    assert "building everything: no build cache yet" in log
    assert (root / ".cache" / "papers" / STATE_FILE).is_file()
    total = sum(written(log))

    # Round 1: a paper appended, a new dump of two papers, a tag rule changed.
    dump = first_dump(root)
    dump.write_text(dump.read_text(encoding="utf-8") + paste("Build Cache Paper on Quantum Gardening"),
                    encoding="utf-8")
    (root / "content" / "raw" / "zz_new.txt").write_text(
        paste("Second Cache Paper on Orbital Bees").replace("Jan 6, 2031", "Jan 7, 2031"), encoding="utf-8")
    tags = root / "content" / "tags.yml"
    tags.write_text(tags.read_text(encoding="utf-8").replace("    match: [", "    match: [quantum gardening, ", 1),
                    encoding="utf-8")
    published = tmp_path / "published-1.json"
    shutil.copy(root / "content" / "papers.json.gz", published)
    log = build(root, command)
    assert "matches the site: what did not change is kept" in log
    pages, kept = written(log)
    assert pages + kept == total + 2 and kept > total // 2, log
    assert "kept from the last build" in log or "search index" in log
    assert_same_site(root, from_scratch(root, published, tmp_path / "fresh-1"))

    # Round 2: the new dump deleted (its papers are gone), an abstract changed.
    (root / "content" / "raw" / "zz_new.txt").unlink()
    text = dump.read_text(encoding="utf-8")
    dump.write_text(text.replace("We garden with qubits.", "We garden with qubits and bees."), encoding="utf-8")
    shutil.copy(root / "content" / "papers.json.gz", published)
    log = build(root, command)
    assert "matches the site" in log
    assert sum(written(log)) == total + 1
    assert_same_site(root, from_scratch(root, published, tmp_path / "fresh-2"))


def test_a_site_changed_by_hand_is_built_from_scratch(tmp_path: Path):
    root = sample_project(tmp_path / "root")
    build(root)
    page = next((root / "site" / "tags").rglob("index.html"))
    page.unlink()
    log = build(root)
    assert re.search(r"building everything: site/tags/.* is not as the last build left it", log)
    assert page.is_file()
    assert written(log)[1] == 0


def test_a_failed_build_leaves_the_last_site_as_it_was(tmp_path: Path):
    root = sample_project(tmp_path / "root")
    build(root, "generator build")
    before = {name: (root / "site" / name).read_bytes() for name in tree(root / "site")}
    dump = first_dump(root)
    good = dump.read_text(encoding="utf-8")
    # Pages change (a new paper), and the build fails at its end: a binary dump is a problem.
    dump.write_text(good + paste("A Paper That Never Lands"), encoding="utf-8")
    (root / "content" / "raw" / "binary.txt").write_bytes(b"\x00\x01\x02 not text \xff\xfe" * 20)
    log = build(root, "generator build", "--strict", ok=False)
    assert "left as it was" in log
    assert {name: (root / "site" / name).read_bytes() for name in tree(root / "site")} == before
    assert not (root / ".cache" / "papers" / STATE_FILE).exists(), "no state of a failed build"
    # The next build starts from scratch and is right.
    (root / "content" / "raw" / "binary.txt").unlink()
    dump.write_text(good, encoding="utf-8")
    published = tmp_path / "published.json"
    shutil.copy(root / "content" / "papers.json.gz", published)
    log = build(root, "generator build")
    assert "building everything" in log
    assert_same_site(root, from_scratch(root, published, tmp_path / "fresh"))


def no_pickle_in(folder: Path) -> None:
    """The build cache holds data only: the manifest, and objects of JSON or gzipped sitemaps;
    no pickle (protocol 2 and later start with PROTO, 0x80) and no compiled code (Jinja's
    bytecode cache, marshalled code objects)."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert files
    for path in files:
        assert path.suffix != ".pickle" and path.read_bytes()[:1] != b"\x80", path
        assert path.relative_to(folder).as_posix() == STATE_FILE or (
            path.parent.name == "objects" and path.suffix in (".json", ".gz")), path


def test_a_corrupt_foreign_or_hostile_build_cache_is_one_line_and_a_full_build(tmp_path: Path):
    root = sample_project(tmp_path / "root")
    build(root)
    cache = root / ".cache" / "papers"
    manifest = json.loads((cache / STATE_FILE).read_text(encoding="utf-8"))
    assert manifest["format"] == FORMAT and manifest["key"] and manifest["code"]
    no_pickle_in(cache)
    total = sum(written(build(root)))
    assert written(build(root)) == (0, total), "an intact build cache is used"

    def rebuilt(log: str, why: str) -> None:
        lines = [line for line in log.splitlines() if "build cache" in line or "building everything" in line]
        assert len(lines) == 1 and why in lines[0], lines
        assert written(log) == (total, 0)
        assert (cache / STATE_FILE).is_file(), "a new build cache is left"
        no_pickle_in(cache)

    # Garbage for a manifest; and a build cache of the pickle era that runs code when loaded.
    (cache / STATE_FILE).write_text("{not json", encoding="utf-8")
    marker = tmp_path / "pickle-ran"
    (cache / LEGACY_FILE).write_bytes(pickle.dumps(Evil(str(marker))))
    (cache / "templates").mkdir()  # where earlier versions kept the theme's compiled templates
    (cache / "templates" / "__jinja2_0123.cache").write_bytes(b"compiled code")
    rebuilt(build(root), "building everything: the build cache is ignored: manifest.json is not JSON")
    assert not marker.exists() and not (cache / LEGACY_FILE).exists()
    # Another format version.
    manifest = json.loads((cache / STATE_FILE).read_text(encoding="utf-8"))
    (cache / STATE_FILE).write_text(json.dumps({**manifest, "format": FORMAT + 1}), encoding="utf-8")
    rebuilt(build(root), f"is of format {FORMAT + 1}, this code reads format {FORMAT}")
    # Another code hash.
    manifest = json.loads((cache / STATE_FILE).read_text(encoding="utf-8"))
    (cache / STATE_FILE).write_text(json.dumps({**manifest, "code": "0" * 32}), encoding="utf-8")
    rebuilt(build(root), "the generator's code changed since the last build")
    # A part whose bytes are not those its name (their digest) says.
    manifest = json.loads((cache / STATE_FILE).read_text(encoding="utf-8"))
    part = cache / "objects" / manifest["parts"]["render"]["object"]
    part.write_bytes(part.read_bytes().replace(b"Papers Archive", b"Papers Archivf", 1))
    rebuilt(build(root), "does not hold what the manifest lists")


class Evil:
    """A pickle that creates a file when loaded."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_part_builds_only_the_listed_value_types():
    from generator.data.model import Paper

    papers = sample()[:3]
    value = {"papers": papers, "again": (papers[0], [papers[0]]), "keys": {(1, "a"): frozenset({"x"}), "b": b"\x00\xff"},
             "set": {2, 3}, "date": papers[0].date, "markup": Markup("<b>x</b>")}
    back = decode(encode(value))
    assert back == value and type(back["markup"]) is Markup and type(back["keys"]) is dict
    assert back["again"][0] is back["again"][1][0] is back["papers"][0], "objects met twice are shared"
    assert type(back["again"]) is tuple and type(back["again"][1]) is list and type(back["set"]) is set
    assert isinstance(back["papers"][0], Paper) and back["papers"][0] == papers[0]
    with pytest.raises(TypeError, match="cannot hold a pathlib"):
        encode({"x": Path("/")})
    # A listing page's Markdown is held by two caches: written once. Bytes of UTF-8 text stay text.
    page = "# A listing page\n\n" + "\n".join(f"- [{p.title}](../{p.id}/)" for p in sample()) + "\n"
    line = '{"id":"été","title":"x"}'.encode()
    value = {"listings": {"dates/2025/12": ("Listing", {"dates/2025/12/index.md": page})},
             "listing_pages": {"dates/2025/12/index.md": ((), "".join(page))}, "records": [line, line]}
    data = encode(value)
    as_json = lambda text: json.dumps(text)[1:-1].encode()  # noqa: E731
    assert len(page) > 600 and data.count(as_json(page[:400])) == 1, "a long string met twice is written once"
    assert data.count(as_json(line.decode())) == 2, "UTF-8 bytes are written as text, not base64"
    assert decode(data) == value and type(decode(data)["records"][0]) is bytes
    for hostile in (b'{"o":["system","x",1]}', b'{"o":["Paper","__class__",1]}', b'{"z":1}', b'{"t":[1],"s":[2]}',
                    b'{"b":"not base64!"}', b"[1,", b'{"r":7}', b'{"S":[1]}', b'{"u":3}', b'[{"S":"x"},{"r":1}]'):
        with pytest.raises(CorruptCache):
            decode(hostile)


def test_the_cache_option_turns_it_off(tmp_path: Path):
    root = sample_project(tmp_path / "root")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - papers:\n", "  - papers:\n      cache: false\n", 1),
                      encoding="utf-8")
    assert "cache: false" in config.read_text(encoding="utf-8")
    build(root)
    log = build(root)
    assert not (root / ".cache" / "papers").exists()
    assert written(log)[1] == 0


# Published search bundles --------------------------------------------------------------------

def changed(papers: list, k: int) -> list:
    """`papers` with the abstract of the k-th one changed."""
    return [replace(p, abstract=p.abstract + " Changed.") if n == k else p for n, p in enumerate(papers)]


@pytest.fixture
def small_bundles(monkeypatch):
    """Bundles of at most 150 papers (the 394 sample papers then take three)."""
    monkeypatch.setattr(search, "SHARD_PAGES", 150)


def index_again(before: list, after: list, tmp_path: Path) -> str:
    """Index `before`, then `after` keeping the bundles that did not change; assert that the
    index equals `after` indexed afresh, file for file. Returns the second index's last line."""
    urls = Urls()
    last = tmp_path / "last"
    first = Indexer(log=lambda _m: None)
    first.start(before, urls)
    first.finish(last)
    messages: list[str] = []
    again = Indexer(log=messages.append, kept=first.bundles)
    again.start(after, urls)
    again.finish(last)  # takes the kept bundles from last/pagefind
    fresh = tmp_path / "fresh"
    alone = Indexer(log=lambda _m: None)
    alone.start(after, urls)
    alone.finish(fresh)
    assert tree(last) == tree(fresh)
    _, mismatch, errors = filecmp.cmpfiles(last, fresh, tree(fresh), shallow=False)
    assert mismatch == [] and errors == []
    return messages[-1]


def test_an_index_that_keeps_bundles_equals_one_made_afresh(small_bundles, tmp_path: Path):
    papers = sample()
    assert len(parts_of(papers, Urls())) == 3
    # One paper of the newest run changed: its bundle is made again, the other two are kept.
    edited = changed(papers, papers.index(newest_first(papers, Urls())[0]))
    assert "2 of them kept from the last build" in index_again(papers, edited, tmp_path)


def test_new_papers_change_the_newest_bundle_only(small_bundles, tmp_path: Path):
    # A new dump of the newest papers: the bundles of older papers are kept (the publish after
    # one new dump indexes again only the newest bundle), and the index equals one made afresh.
    papers = sample()
    newest = arrival_order(papers, Urls())[-10:]
    older = [p for p in papers if p not in newest]
    assert [len(part.papers) for part in parts_of(older, Urls())] == [150, 150, len(older) - 300]
    assert "2 of them kept from the last build" in index_again(older, papers, tmp_path)


def test_a_redirect_whose_paper_is_gone_leaves_a_cached_site(tmp_path: Path):
    # A corrected title leaves a redirect at the paper's first URL (docs/permalinks.md). When the
    # paper itself leaves the archive, a cached build, which keeps the last site's files, must
    # not keep that redirect to a page that is gone: the site equals one built from scratch.
    def card(title: str, arxiv_id: str) -> str:  # FORMATS.md D: the link gives the arXiv id
        return f"# Daily Papers\n\n### [{title}](https://huggingface.co/papers/{arxiv_id})\n\nWe study {title.lower()}.\n"

    root = sample_project(tmp_path / "root")
    raw = root / "content" / "raw"
    shutil.rmtree(raw)
    raw.mkdir()
    (raw / "2025-11-10-stays.md").write_text(card("Sparse Mixtures That Stay", "2510.05678"), encoding="utf-8")
    (raw / "2025-11-11-a.md").write_text(card("Attenton Is All You Need", "2510.01234"), encoding="utf-8")
    build(root)
    first = json.loads(gzip.decompress((root / "site" / "papers.json.gz").read_bytes()))
    old = next(p["url"] for p in first["papers"] if p["arxiv_id"] == "2510.01234")
    (raw / "2025-11-11-a.md").write_text(card("Attention Is All You Need, Corrected", "2510.01234"), encoding="utf-8")
    build(root)
    redirect = root / "site" / old / "index.html"
    assert 'http-equiv="refresh"' in redirect.read_text(encoding="utf-8")
    (raw / "2025-11-11-a.md").unlink()
    log = build(root)
    assert "build cache in" in log and "matches the site" in log, log
    assert not redirect.exists(), "a redirect to a paper that is gone"
    assert_same_site(root, from_scratch(root, root / "site" / "papers.json.gz", tmp_path / "fresh"))
