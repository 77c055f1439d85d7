"""What is published stays put, the way the archive is published (docs/permalinks.md).

Each test emulates the publish workflow: a fresh clone of this repository with the scenario's
dumps committed, an empty build cache, the site published before served on loopback as the
Pages address, and the workflow's own build step (its `run:` and `env:`, with
`steps.pages.outputs.base_url` the loopback address). After the second publish, every URL of
the first answers with its paper, or with a redirect page to it.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import QuietHandler, build_env
from test_workflows import EXPRESSION, PAGES, ROOT, load

from generator.data.record import fetch_record, read_previous

OLD = "Is Attention All You Need?"
NEW = "Is Attention All You Need!"  # `!` sorts first: from scratch it takes the bare slug


def paste(*entries: tuple[str, str | None]) -> str:
    """A dump of the old search page (FORMATS.md A): (title, date line or None for undated)."""
    lines = ["new", "", "Get trending papers in your email inbox!", "", "Subscribe", "", "Daily Papers", "",
             "byAK and the research community", "", "Nov 11", ""]
    for title, when in entries:
        lines += [title, "", f"We study {title.lower()} in depth.", ""]
        if when is not None:
            lines += ["  • 3 authors", "·", f"{when} 2", ""]
    return "\n".join(lines) + "\n"


class Pages:
    """The Pages host, on loopback: serves whatever was last published at one address."""

    def __init__(self, root: Path) -> None:
        self.live = root / "live"
        self.live.mkdir()
        handler = functools.partial(QuietHandler, directory=str(self.live))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, site: Path) -> None:
        """What deploy-pages does: the new site replaces the old one."""
        shutil.rmtree(self.live)
        shutil.copytree(site, self.live)

    def get(self, url: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base_url + "/" + url, timeout=30) as answer:
                return answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, ""


@pytest.fixture
def pages(tmp_path: Path):
    host = Pages(tmp_path)
    yield host
    host.server.shutdown()
    host.server.server_close()


def publish(tmp_path: Path, pages: Pages, dumps: dict[str, str], run: int) -> tuple[Path, str]:
    """One run of the publish workflow: a fresh clone holding `dumps` as content/raw, an empty
    build cache, the build step as the workflow writes it; the site is then published.
    Returns the built site and the step's standard error."""
    clone = tmp_path / f"run-{run}"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    raw = clone / "content" / "raw"
    shutil.rmtree(raw)
    raw.mkdir()
    for name, text in dumps.items():
        (raw / name).write_text(text, encoding="utf-8")
    step = next(s for s in load(PAGES)["jobs"]["build"]["steps"] if "generator build" in s.get("run", ""))

    def expand(value: str) -> str:
        known = {"steps.pages.outputs.base_url": pages.base_url}
        return EXPRESSION.sub(lambda m: known[m.group(1)], str(value))

    env = build_env()
    env.update({k: expand(v) for k, v in (step.get("env") or {}).items()})
    # This virtualenv's Python stands in for setup-python + `pip install .` (test_workflows
    # runs those); `python -m generator` in the clone runs the clone's code.
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    result = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", expand(step["run"])],
                            cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    site = clone / "site"
    pages.publish(site)
    return site, result.stderr


def exported(site: Path) -> dict:
    return json.loads(gzip.decompress((site / "papers.json.gz").read_bytes()))


REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def answers_with(pages: Pages, url: str, title: str) -> bool:
    """Whether the live site's `url` is the page of the paper titled `title`, or a redirect
    page (noindex, a canonical link) to it."""
    status, body = pages.get(url)
    if status != 200:
        return False
    moved = REFRESH.search(body)
    if moved:
        assert '<meta name="robots" content="noindex">' in body and 'rel="canonical"' in body
        target = urllib.parse.urljoin(url if url.endswith((".html", "/")) else url + "/", moved.group(1))
        status, body = pages.get(target)
        if status != 200:
            return False
    return f"<h1>{title}</h1>" in body or f">{title}</h1>" in body


def assert_every_url_answers(pages: Pages, before: dict) -> None:
    wrong = [p["url"] for p in before["papers"] if not answers_with(pages, p["url"], p["title"])]
    assert wrong == [], f"published URLs that no longer answer with their paper: {wrong}"


@pytest.mark.slow
def test_a_colliding_title_leaves_the_published_url_to_its_paper(tmp_path: Path, pages: Pages) -> None:
    first, log = publish(tmp_path, pages, {"2025-11-11-a.txt": paste((OLD, "Oct 1"))}, 1)
    assert "no published record" in log and "HTTP 404" in log  # the first publish says what it cannot promise
    before = exported(first)
    assert before["papers"][0]["url"] == "papers/2025/10/is-attention-all-you-need/"
    second, log = publish(tmp_path, pages, {"2025-11-11-a.txt": paste((OLD, "Oct 1")),
                                             "2025-11-12-b.txt": paste((NEW, "Oct 2"))}, 2)
    assert "Published record: " + pages.base_url in log
    after = {p["title"]: p for p in exported(second)["papers"]}
    assert after[OLD]["url"] == before["papers"][0]["url"] and after[NEW]["url"] != after[OLD]["url"]
    assert_every_url_answers(pages, before)


@pytest.mark.slow
def test_an_undated_paper_that_learns_its_date_keeps_its_url(tmp_path: Path, pages: Pages) -> None:
    title = "Compact Captures Carry No Date"
    first, _ = publish(tmp_path, pages, {"2025-11-11-a.txt": paste((title, None), ("Other Paper", "Oct 3"))}, 1)
    before = exported(first)
    assert {p["title"]: p["url"] for p in before["papers"]}[title] == "papers/undated/compact-captures-carry-no-date/"
    second, _ = publish(tmp_path, pages, {"2025-11-11-a.txt": paste((title, None), ("Other Paper", "Oct 3")),
                                          "2025-11-12-b.txt": paste((title, "Oct 9"))}, 2)
    after = {p["title"]: p for p in exported(second)["papers"]}
    assert after[title]["date"] == "2025-10-09"  # the date was learned: the scenario is real
    assert_every_url_answers(pages, before)
    # The listings know its date; its page stays where it was published.
    assert after[title]["url"] == "papers/undated/compact-captures-carry-no-date/"


@pytest.mark.slow
def test_a_new_dump_that_changes_a_year_leaves_the_url(tmp_path: Path, pages: Pages) -> None:
    title = "A Paper Whose Year Was Inferred"
    first, _ = publish(tmp_path, pages, {"2025-11-11-a.txt": paste((title, "Oct 1"))}, 1)
    before = exported(first)
    assert before["papers"][0]["date"] == "2025-10-01"
    # A capture with the year written beats an inferred one (merge._paper).
    second, _ = publish(tmp_path, pages, {"2025-11-11-a.txt": paste((title, "Oct 1")),
                                          "2025-11-12-b.txt": paste((title, "Oct 1, 2024"))}, 2)
    after = exported(second)["papers"][0]
    assert after["date"] == "2024-10-01"
    assert_every_url_answers(pages, before)


@pytest.mark.slow
def test_an_archive_published_before_the_upgrade_keeps_its_urls(tmp_path: Path, pages: Pages) -> None:
    # An archive built by the old code published a plain papers.json (no .gz), with papers at
    # their date's folder: after the upgrade its papers.json is the record.
    first, _ = publish(tmp_path, pages, {"2025-11-11-a.txt": paste((OLD, "Oct 1"))}, 1)
    before = exported(first)
    (pages.live / "papers.json").write_text(json.dumps(before), encoding="utf-8")
    (pages.live / "papers.json.gz").unlink()
    _, log = publish(tmp_path, pages, {"2025-11-11-a.txt": paste((OLD, "Oct 1")),
                                       "2025-11-12-b.txt": paste((NEW, "Oct 2"))}, 2)
    assert f"Published record: {pages.base_url}/papers.json\n" in log
    assert_every_url_answers(pages, before)


@pytest.mark.slow
def test_a_paper_that_became_another_leaves_a_redirect_that_stays(tmp_path: Path, pages: Pages) -> None:
    # A title corrected under the same arXiv id: the published page redirects to the paper's
    # new one, and the redirect is published again by the publish after.
    def card(title: str) -> str:  # FORMATS.md D: the link gives the arXiv id
        return (f"# Daily Papers\n\n### [{title}](https://huggingface.co/papers/2510.01234)\n\n"
                f"We study {title.lower()}.\n")

    typo, fixed = "Attenton Is All You Need", "Attention Is All You Need, Corrected"
    first, _ = publish(tmp_path, pages, {"2025-11-11-a.md": card(typo)}, 1)
    before = exported(first)
    assert before["papers"][0]["arxiv_id"] == "2510.01234", before
    second, _ = publish(tmp_path, pages, {"2025-11-11-a.md": card(fixed)}, 2)
    data = exported(second)
    new_id = data["papers"][0]["id"]
    assert data["redirects"] == [{"url": before["papers"][0]["url"], "id": new_id}]
    old_url = before["papers"][0]["url"]
    assert answers_with(pages, old_url, fixed)
    # Not in the sitemap, not a paper of the archive.
    sitemaps = "".join(gzip.decompress(p.read_bytes()).decode() for p in second.glob("sitemap-papers-*.xml.gz"))
    assert old_url not in sitemaps and new_id in sitemaps
    third, _ = publish(tmp_path, pages, {"2025-11-11-a.md": card(fixed)}, 3)
    assert exported(third)["redirects"] == data["redirects"]
    assert answers_with(pages, old_url, fixed)


def test_the_record_is_fetched_only_from_the_address_given(tmp_path: Path, pages: Pages) -> None:
    path, why = fetch_record(pages.base_url, tmp_path / "got")
    assert path is None and "HTTP 404" in why and "may change its URL" in why
    (pages.live / "papers.json.gz").write_bytes(b"not gzip, not json")
    path, why = fetch_record(pages.base_url + "/", tmp_path / "got")
    assert path is None and "is not a papers.json" in why
    (pages.live / "papers.json.gz").write_bytes(gzip.compress(json.dumps({"count": 1, "papers": [
        {"id": "a-paper", "url": "papers/2025/10/a-paper/", "title": "A Paper", "related": []},
        {"id": "escape", "url": "../../etc/escape/", "title": "Escape", "related": []}],
        "archive uuid": "kept"}).encode()))
    path, why = fetch_record(pages.base_url, tmp_path / "got")
    assert why == "" and path is not None
    record = read_previous(path)
    assert record.folders == {"a-paper": "papers/2025/10"}  # a URL the generator never makes is not followed
    assert record.extra == {"archive uuid": "kept"}
    (tmp_path / "closed").mkdir()
    closed = Pages(tmp_path / "closed")
    closed.server.server_close()
    path, why = fetch_record(closed.base_url, tmp_path / "got")
    assert path is None and "could not be read" in why


def test_the_workflow_passes_the_pages_address_and_keeps_the_build_cache() -> None:
    steps = load(PAGES)["jobs"]["build"]["steps"]
    build = next(s for s in steps if "generator build" in s.get("run", ""))
    assert '--published "$SITE_URL"' in build["run"]
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert steps.index(cache) < steps.index(build)
    assert set(cache["with"]["path"].split()) == {".cache/papers", "site", "content/papers"}
    assert "hashFiles('content/**'" in cache["with"]["key"]
    assert cache["with"]["restore-keys"].strip() == "papers-build-"
