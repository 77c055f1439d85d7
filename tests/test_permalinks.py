"""Permalinks: a paper that a build published keeps its id and URL when later dumps bring a
paper whose title slugs the same (DESIGN.md: a later colliding slug gets the suffix)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from generator.data.merge import _slug, assign_ids, merge, title_key
from generator.data.model import Dump, Record, Source
from generator.data.pipeline import read_previous
from generator.data.record import keep_places
from generator.pages.export import load_export, papers_json
from generator.pages.urls import Urls

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2025, 11, 11)
OLD = "Attention Is All You Need?"
NEW = "Attention Is All You Need!"  # `!` sorts before `?`: the bare slug's first claimant


def dump(name: str, *titles: str) -> Dump:
    records = tuple(
        Record(title, f"Abstract of {title}.", Source(name, 10 * n + 1), month=10, day=1 + n, comments=0)
        for n, title in enumerate(titles)
    )
    return Dump(name, "A", records)


def ids_by_title(papers) -> dict[str, str]:
    return {p.title: p.id for p in papers}


def test_titles_of_the_scenario_slug_alike_and_the_newcomer_sorts_first():
    # Without this, the tests below would not test a collision.
    assert _slug(OLD) == _slug(NEW) == "attention-is-all-you-need"
    assert sorted([title_key(OLD), title_key(NEW)])[0] == title_key(NEW)


def test_published_paper_keeps_its_id_when_a_colliding_title_arrives():
    first, _ = merge([dump("2025-11-11-a.txt", OLD)], today=TODAY)
    assert ids_by_title(first) == {OLD: "attention-is-all-you-need"}
    previous = read_previous_from(first)
    later, _ = merge([dump("2025-11-11-a.txt", OLD), dump("2025-11-12-b.txt", NEW)], today=TODAY,
                     previous_ids=previous)
    ids = ids_by_title(later)
    assert ids[OLD] == "attention-is-all-you-need"
    assert ids[NEW].startswith("attention-is-all-you-need-") and ids[NEW] != ids[OLD]
    # Without a previous build the collision goes by sorted key, as before.
    fresh = ids_by_title(merge([dump("2025-11-11-a.txt", OLD), dump("2025-11-12-b.txt", NEW)], today=TODAY)[0])
    assert fresh[NEW] == "attention-is-all-you-need"


def read_previous_from(papers) -> dict[str, str]:
    """The ids a build's papers.json hands the next one, through the real reader."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "papers.json"
        path.write_text(papers_json(papers, Urls()), encoding="utf-8")
        return read_previous(path).ids


def test_a_suffixed_paper_keeps_its_suffix_when_its_rival_is_gone():
    both, _ = merge([dump("a.txt", NEW, OLD)], today=TODAY)
    previous = read_previous_from(both)
    suffixed = ids_by_title(both)[OLD]
    assert suffixed != "attention-is-all-you-need"
    alone, _ = merge([dump("a.txt", OLD)], today=TODAY, previous_ids=previous)
    assert ids_by_title(alone) == {OLD: suffixed}


def test_assign_ids_with_previous_ids_stays_unique():
    keys = {title_key(t): t for t in [OLD, NEW, "Attention is all you need", "Other"]}
    # Two keys claim one id in a hand-edited file: the first keeps it, the other is renamed.
    previous = {title_key(OLD): "attention-is-all-you-need", title_key("Other"): "attention-is-all-you-need"}
    ids = assign_ids(keys.items(), previous)
    assert ids[title_key(OLD)] == "attention-is-all-you-need"
    assert len(set(ids.values())) == len(keys)
    assert ids[title_key("Other")] == "other"


def test_read_previous_keeps_only_ids_that_are_slugs(tmp_path: Path):
    path = tmp_path / "papers.json"
    path.write_text(json.dumps({"papers": [
        {"id": "good-id", "title": "Good  TITLE", "related": ["x"]},
        {"id": "../../etc/passwd", "title": "Escape"},
        {"id": "a" * 200, "title": "Too long"},
        {"id": 7, "title": "Not a string"},
    ]}), encoding="utf-8")
    previous = read_previous(path)
    assert previous.ids == {"good title": "good-id"}
    assert previous.related == {"good-id": ["x"]}
    path.write_text("{not json", encoding="utf-8")
    assert read_previous(path).ids == {} and read_previous(tmp_path / "missing.json").ids == {}


def paste(*titles: str) -> str:
    """A dump of the old search page (FORMATS.md A) with dated entries."""
    lines = ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "",
             "byAK and the research community", "", "Nov 11", ""]
    for n, title in enumerate(titles):
        lines += [title, "", f"We study {title.lower()} in depth.", "", "  • 3 authors", "·", f"Oct {n + 1} 2", ""]
    return "\n".join(lines) + "\n"


def generate(raw: Path, docs: Path) -> dict[str, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--sources", str(raw), "--docs-dir", str(docs)],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    papers = load_export(docs)["papers"]
    return {p["title"]: p for p in papers}


def test_generate_twice_keeps_the_published_url(tmp_path: Path):
    raw, docs = tmp_path / "raw", tmp_path / "docs"
    raw.mkdir()
    (raw / "2025-11-11-a.txt").write_text(paste(OLD, "Something Else Entirely"), encoding="utf-8")
    before = generate(raw, docs)
    url = before[OLD]["url"]
    assert url.endswith("/attention-is-all-you-need/")
    (raw / "2025-11-12-b.txt").write_text(paste(NEW), encoding="utf-8")
    after = generate(raw, docs)
    assert after[OLD]["id"] == before[OLD]["id"] and after[OLD]["url"] == url
    assert after[NEW]["url"] != url
    # The page at the old URL is still the old paper's.
    page = (docs / (url.rstrip("/") + ".md")).read_text(encoding="utf-8")
    assert "Attention Is All You Need?</h1>" in page


def test_check_json_keeps_the_ids_the_build_published(tmp_path: Path):
    # `check --json` reads the papers.json the last build left in the docs dir, as the build
    # does: a published paper keeps its id there too, and the newcomer gets the suffix.
    (tmp_path / "raw").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: docs\ntheme:\n  name: material\nplugins:\n  - papers:\n      sources: [raw]\n",
        encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

    def run(*args: str) -> None:
        result = subprocess.run([sys.executable, "-m", "generator", *args], cwd=tmp_path,
                                capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr

    (tmp_path / "raw" / "2025-11-11-a.txt").write_text(paste(OLD), encoding="utf-8")
    run("generate")
    published = load_export(tmp_path / "docs")["papers"]
    (tmp_path / "raw" / "2025-11-12-b.txt").write_text(paste(NEW), encoding="utf-8")
    run("check", "--json", "check.json")
    checked = {p["title"]: p["id"] for p in json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))["papers"]}
    assert checked[OLD] == published[0]["id"] == "attention-is-all-you-need"
    assert checked[NEW] != checked[OLD]


def test_a_plain_papers_json_of_an_earlier_version_is_the_record_then_removed(tmp_path: Path):
    # An archive built before the export was gzipped left docs/papers.json: its ids and
    # folders are kept, and the file is replaced by papers.json.gz.
    raw, docs = tmp_path / "raw", tmp_path / "docs"
    raw.mkdir()
    (raw / "2025-11-11-a.txt").write_text(paste(OLD), encoding="utf-8")
    before = generate(raw, docs)
    (docs / "papers.json").write_text(json.dumps(load_export(docs)), encoding="utf-8")
    (docs / "papers.json.gz").unlink()
    (raw / "2025-11-12-b.txt").write_text(paste(NEW), encoding="utf-8")
    after = generate(raw, docs)
    assert after[OLD]["url"] == before[OLD]["url"] and after[NEW]["url"] != before[OLD]["url"]
    assert not (docs / "papers.json").exists()


def test_a_published_folder_is_kept_whatever_the_date_becomes(tmp_path: Path):
    first, _ = merge([dump("2025-11-11-a.txt", OLD)], today=TODAY)
    path = tmp_path / "papers.json.gz"
    path.write_bytes(gzip.compress(papers_json(first, Urls()).encode()))
    record = read_previous(path)  # gzipped or not, by its first bytes
    assert record.folders == {"attention-is-all-you-need": "papers/2025/10"}
    moved = [replace(p, date=date(2024, 3, 1)) for p in first]
    placed, redirects = keep_places(moved, record)
    assert Urls().paper(placed[0]) == "papers/2025/10/attention-is-all-you-need/" and redirects == {}
    # Without directory URLs the same place is read from `<id>.html`.
    path.write_text(papers_json(first, Urls(directory_urls=False)), encoding="utf-8")
    assert read_previous(path).folders == record.folders


def test_a_gone_id_is_never_given_to_another_paper():
    both, _ = merge([dump("a.txt", OLD)], today=TODAY)
    previous = {title_key(OLD): "attention-is-all-you-need"}
    later, _ = merge([dump("a.txt", NEW)], today=TODAY, previous_ids=previous)
    assert later[0].id != "attention-is-all-you-need"
