"""What the pages say: counts only when the data has them, comments as comments, arXiv links,
bounded and distinct folders for tags and organizations, and write errors as one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from render_helpers import paper, renderer

from generator.data.model import GeneratorError, Paper
from generator.pages.export import load_export
from generator.pages.render import Renderer, front_matter, write_outputs

REPO = Path(__file__).resolve().parents[1]


def page(r: Renderer, p: Paper) -> str:
    meta, body = r.paper_parts(p)
    return front_matter(meta) + body


def body(r: Renderer, p: Paper) -> str:
    """The page without its front matter."""
    return r.paper_parts(p)[1]


# Counts ------------------------------------------------------------------------------------------

def test_comments_are_shown_as_comments_and_upvotes_only_when_known():
    one, many, none = paper(1, comments=1), paper(2, comments=7), paper(3)
    r = renderer(one, many, none)
    assert "<span>1 comment</span>" in page(r, one)
    assert "<span>7 comments</span>" in page(r, many)
    for p in (one, many, none):
        assert "upvote" not in body(r, p) and "▲" not in body(r, p)
    assert "comment" not in body(r, none).split("<footer")[0]
    # One rule for upvotes everywhere (listings, home, search results): shown when above zero.
    zero, one_vote = paper(4, upvotes=0, comments=0), paper(5, upvotes=1)
    r = renderer(zero, one_vote)
    assert "▲" not in body(r, zero) and "<span>0 comments</span>" in body(r, zero)
    assert "<span>▲ 1 upvote</span>" in body(r, one_vote)


def test_comments_link_to_the_discussion_when_the_arxiv_id_is_known():
    p = paper(1, comments=2, arxiv_id="2510.06107")
    text = page(renderer(p), p)
    assert '<a href="https://huggingface.co/papers/2510.06107#community">2 comments</a>' in text
    # "Find it on" goes straight to the paper (its links are written in the browser from this).
    assert '<section class="papers-find" data-pagefind-ignore="all" data-papers-arxiv="2510.06107">' in text
    meta = text.split("---")[1]
    assert 'arxiv_id: "2510.06107"' in meta and "comments: 2" in meta


def test_listing_items_show_counts_above_zero():
    r = renderer(paper(1, comments=1, upvotes=5), paper(2, comments=0))
    assert "· ▲ 5 upvotes · 1 comment</small>" in r.item(r.by_id["paper-1"], "index.md")
    assert "comment" not in r.item(r.by_id["paper-2"], "index.md") and "▲" not in r.item(r.by_id["paper-2"], "index.md")


def test_most_upvoted_and_most_discussed_appear_only_with_their_counts():
    plain = renderer(paper(1, comments=0), paper(2, comments=0))
    home, search = plain.home_page(), plain.render()["search.md"]
    assert "Most upvoted" not in home and "Most discussed" not in home
    assert 'value="upvotes"' not in search and 'value="comments"' in search

    talked = renderer(paper(1, comments=3), paper(2, comments=9), paper(3))
    home, search = talked.home_page(), talked.render()["search.md"]
    assert "Most upvoted" not in home and 'value="upvotes"' not in search
    discussed = home.split("## Most discussed")[1].split("</ul>")[0]
    assert discussed.index("Paper 2") < discussed.index("Paper 1") and "Paper 3" not in discussed
    assert 'value="comments">Most discussed' in search

    voted = renderer(paper(1, upvotes=4), paper(2, upvotes=0))
    assert "## Most upvoted" in voted.home_page() and 'value="upvotes"' in voted.render()["search.md"]
    assert 'value="comments"' not in voted.render()["search.md"]


# Organizations and tags ------------------------------------------------------------------------

def test_papers_with_only_an_org_name_are_on_organization_pages():
    named = paper(1, organization="Acme Lab")  # today's search page: a display name, no id
    with_id = paper(2, organization="Acme Lab", org_id="acme-lab")
    alone = paper(3, organization="Widget Works")
    r = renderer(named, with_id, alone)
    out = r.render()
    assert [(n, len(ps)) for _, n, ps in r.org_groups()] == [("Acme Lab", 2), ("Widget Works", 1)]
    acme = out["orgs/acme-lab/index.md"]
    assert "Paper 1" in acme and "Paper 2" in acme
    assert "Paper 3" in out["orgs/widget-works/index.md"]
    assert 'href="../../../../orgs/acme-lab/"' in page(r, named)
    assert "0 papers carry no organization" in out["orgs/index.md"]


def test_org_and_tag_folders_are_bounded_and_distinct():
    long_word = "組" * 300
    base = "Laboratory of Extremely Long Names for Research on Language Models and Everything Else"
    orgs = [paper(1, organization=long_word, org_id=long_word),
            paper(2, organization=base + " North", org_id=None),
            paper(3, organization=base + " South", org_id=None)]
    tags = (base + " One", base + " Two")
    r = renderer(*[replace(p, tags=tags) for p in orgs])
    out = r.render()
    folders = {path.split("/")[1] for path in out if path.startswith("orgs/") and path != "orgs/index.md"}
    assert len(folders) == 3
    tag_folders = {path.split("/")[1] for path in out if path.startswith("tags/") and path != "tags/index.md"}
    assert len(tag_folders) == 2
    for folder in folders | tag_folders:
        assert len(folder.encode()) <= 84, folder
    # Every link to them goes to the folder that exists.
    text = page(r, r.by_id["paper-3"])
    for folder in tag_folders:
        assert f"tags/{folder}/" in text


# Writing -----------------------------------------------------------------------------------------

def test_a_file_that_cannot_be_written_is_a_generator_error_naming_it(tmp_path: Path):
    (tmp_path / "papers").write_text("a file where a folder goes")
    with pytest.raises(GeneratorError, match=r"cannot write .*papers"):
        write_outputs(tmp_path, {"papers/2025/10/x.md": "x"})
    with pytest.raises(GeneratorError, match="cannot write .*too long"):
        write_outputs(tmp_path, {"tags/" + "x" * 300 + "/index.md": "x"})


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


DUMP = """new

Get trending papers in your email inbox!

Subscribe

Daily Papers

byAK and the research community

Nov 11

Sparse Widgets for Tiny Models

We study widgets for tiny models.

{org}
·
Oct 7 2

Dense Gadgets Revisited

We revisit gadgets.

  • 3 authors
·
Oct 6
"""


@pytest.mark.parametrize("length", [190, 300])
def test_a_long_non_latin_organization_builds_and_check_agrees(tmp_path: Path, length: int):
    """One long word of CJK: its slug is `zu-zu-…`, 3 characters a character (too long a file
    name unbounded). Longer than an organization line can be (parse.MAX_ORG_LINE), it is a
    problem that check and build both report; either way the build ends without a traceback."""
    raw = tmp_path / "raw"
    raw.mkdir()
    org = "組" * length
    (raw / "2025-11-11-org.txt").write_text(DUMP.format(org=org), encoding="utf-8")
    check = run("check", str(raw), "--json", str(tmp_path / "check.json"), "--no-related")
    assert check.returncode == 0, check.stdout + check.stderr
    built = run("build", "--sources", str(raw), "--site-dir", str(tmp_path / "site"), "--no-search")
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
    site = load_export(tmp_path / "site")
    checked = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert [(p["id"], p["organization"]) for p in site["papers"]] == [
        (p["id"], p["organization"]) for p in checked["papers"]]
    problems = [line for line in check.stdout.splitlines() if line.startswith("2025-11-11-org.txt:")]
    assert all(problem in built.stderr for problem in problems)
    if length < 200:
        assert any(p["organization"] == org for p in site["papers"])
        org_pages = [p for p in (tmp_path / "site" / "orgs").iterdir() if p.is_dir()]
        assert len(org_pages) == 1 and len(org_pages[0].name) <= 84
        assert not problems
    else:
        assert problems


def test_generate_reports_an_unwritable_docs_dir_in_one_line(tmp_path: Path):
    raw, docs = tmp_path / "raw", tmp_path / "docs"
    raw.mkdir()
    docs.mkdir()
    (raw / "2025-11-11-a.txt").write_text(DUMP.format(org="  • 3 authors"), encoding="utf-8")
    (docs / "papers").write_text("a file where the papers folder goes")
    result = run("generate", "--sources", str(raw), "--docs-dir", str(docs))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and str(docs / "papers") in errors[0], result.stderr
