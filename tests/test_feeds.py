"""Atom feeds (generator/pages/feeds.py): one per tag and per organization beside the site's,
announced on their listings; ids from the archive's UUID and the papers' ids, the same at any
address; a rebuild renders only the feeds an edit touches."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path
from uuid import UUID, uuid5

import pytest

from generator.data.pipeline import collect
from generator.data.record import read_previous
from generator.pages import feeds as feeds_module
from generator.pages.feeds import FEED_SIZE, TOPIC_SUMMARY, entry_id
from generator.pages.render import RenderCache, Renderer, tex_text
from generator.pages.urls import Urls
from generator.site.config import default_settings

REPO = Path(__file__).resolve().parents[1]
ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def archive():
    return collect(default_settings(sources=[REPO / "content" / "raw"], tags=REPO / "content" / "tags.yml"))


@pytest.fixture(scope="module")
def pages(archive) -> dict[str, str]:
    return Renderer(archive, 50, Urls(site_url="https://example.org/archive/")).render()


def entries(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml.encode("utf-8")).findall("a:entry", ATOM)


def test_every_tag_and_organization_with_a_dated_paper_has_a_feed_of_its_newest(archive, pages) -> None:
    by_title = {p.title: p for p in archive.papers}
    tagged = {t for p in archive.papers if p.date for t in p.tags}
    tag_feeds = {k for k in pages if re.fullmatch(r"tags/[^/]+/feed\.xml", k)}
    org_feeds = {k for k in pages if re.fullmatch(r"orgs/[^/]+/feed\.xml", k)}
    assert len(tag_feeds) == len(tagged) > 5
    groups = Renderer(archive, 50).org_groups()
    assert len(org_feeds) == sum(1 for _, _, ps in groups if any(p.date for p in ps)) >= 3
    for path in tag_feeds:
        root = ET.fromstring(pages[path].encode("utf-8"))
        name = root.find("a:title", ATOM).text.split(": ", 1)[1]
        assert name in tagged, path
        # The tag's listing announces it, and the feed leads back to the listing.
        listing = pages[path.replace("feed.xml", "index.md")]
        assert 'feed:\n  href: "feed.xml"\n' in listing
        assert '<a href="feed.xml" type="application/atom+xml">Feed</a>' in listing
        assert root.find("a:link[@rel='alternate']", ATOM).get("href") == \
            "https://example.org/archive/" + path.replace("feed.xml", "")
        # Exactly the tag's newest dated papers, in the archive's order.
        want = [p for p in archive.papers if p.date and name in p.tags][:FEED_SIZE]
        got = [e.find("a:title", ATOM).text for e in root.findall("a:entry", ATOM)]
        assert got == [tex_text(p.title) for p in want], path
        for e in root.findall("a:entry", ATOM):
            paper = want[got.index(e.find("a:title", ATOM).text)]
            summary = e.find("a:summary", ATOM).text
            # Lean: the AI summary, else the abstract's head cut at a word.
            assert summary == tex_text(paper.summary) if paper.summary else len(summary) <= TOPIC_SUMMARY + 1
            assert e.find("a:id", ATOM).text == entry_id(archive.uuid, paper.id)
            assert by_title[paper.title] is paper
    for path in org_feeds:
        root = ET.fromstring(pages[path].encode("utf-8"))
        orgs = {e.find("a:author/a:name", ATOM).text for e in root.findall("a:entry", ATOM)}
        assert len(orgs) == 1 and root.find("a:title", ATOM).text.endswith(": " + orgs.pop()), path
        assert 'href="feed.xml"' in pages[path.replace("feed.xml", "index.md")]


def test_an_organization_of_undated_papers_only_has_no_feed_and_announces_none(archive, pages) -> None:
    assert "orgs/tencent/feed.xml" in pages and "feed:" in pages["orgs/tencent/index.md"]
    undated = [replace(p, date=None) if p.organization == "Tencent" else p for p in archive.papers]
    undated.sort(key=lambda p: p.date is None)  # the archive's order: undated papers last
    out = Renderer(replace(archive, papers=undated), 50).render()
    assert "orgs/tencent/feed.xml" not in out
    assert "feed:" not in out["orgs/tencent/index.md"] and "papers-feed" not in out["orgs/tencent/index.md"]


def test_ids_come_from_the_archive_uuid_and_the_paper_id_not_the_address(archive) -> None:
    one = Renderer(archive, 50, Urls(site_url="https://example.org/archive/")).render()
    two = Renderer(archive, 50, Urls(site_url="https://papers.example.net/")).render()
    three = Renderer(archive, 50, Urls()).render()
    for path in [k for k in one if k.endswith("feed.xml")]:
        ids = [re.findall(r"<id>([^<]+)</id>", pages[path]) for pages in (one, two, three)]
        assert ids[0] == ids[1] == ids[2], path
        assert all(i.startswith("urn:uuid:") for i in ids[0])
        assert one[path] != two[path]  # the links follow the address
    newest = next(p for p in archive.papers if p.date)
    want = f"urn:uuid:{uuid5(UUID(archive.uuid), newest.id)}"
    assert f"<id>{want}</id>" in one["feed.xml"]
    # The same paper is one entry in every feed that holds it.
    holding = [k for k, v in one.items() if k.endswith("feed.xml") and want in v]
    assert len(holding) >= 2
    # Another archive (another UUID) shares no id with this one.
    other = Renderer(replace(archive, uuid="0f4c6a56-3f9e-4e8e-9a59-2a5b8b1f3f11"), 50, Urls()).render()
    assert not set(re.findall(r"<id>([^<]+)</id>", other["feed.xml"])) & set(re.findall(r"<id>([^<]+)</id>", one["feed.xml"]))


def test_the_archive_uuid_is_made_once_and_read_back(tmp_path: Path) -> None:
    settings = default_settings(sources=[REPO / "content" / "raw"], related=0)
    settings.previous = tmp_path / "papers.json.gz"
    first = collect(settings, with_tags=False)
    assert UUID(first.uuid).version == 4
    again = collect(settings, with_tags=False)
    assert again.uuid != first.uuid  # nothing written yet: a new archive
    pages = Renderer(first, 50).render()
    settings.previous.write_text(pages["papers.json.gz"], encoding="utf-8")  # read gzipped or not
    assert json.loads(pages["papers.json.gz"])["archive"] == first.uuid
    assert read_previous(settings.previous).archive == first.uuid
    assert collect(settings, with_tags=False).uuid == first.uuid
    # A papers.json from before (no `archive`) or with a broken one: a new UUID, no crash.
    data = json.loads(pages["papers.json.gz"])
    data["archive"] = "not a uuid"
    settings.previous.write_text(json.dumps(data), encoding="utf-8")
    assert read_previous(settings.previous).archive is None
    assert UUID(collect(settings, with_tags=False).uuid) != UUID(first.uuid)


def feed_ids(docs: Path) -> dict[str, list[str]]:
    """Every <id> of every feed under a docs dir, by path."""
    return {p.relative_to(docs).as_posix(): re.findall(r"<id>([^<]+)</id>", p.read_text(encoding="utf-8"))
            for p in docs.rglob("feed.xml")}


def generate(docs: Path, site_url: str) -> None:
    env = {**os.environ, "SITE_URL": site_url, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "generator", "generate", "--docs-dir", str(docs)],
                            cwd=REPO, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:]


def test_feed_ids_are_equal_across_two_site_urls_and_a_fresh_checkout(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    generate(docs, "https://example.org/archive/")
    before = feed_ids(docs)
    link = re.search(r'<link rel="alternate" href="([^"]+)"/>\s*<updated>', (docs / "feed.xml").read_text()).group(1)
    assert link.startswith("https://example.org/archive/papers/")
    assert len(before) > 20 and sum(map(len, before.values())) > 300
    # Moved to a custom domain: the same ids, links under the new address.
    generate(docs, "https://papers.example.net/")
    assert feed_ids(docs) == before
    assert "https://papers.example.net/papers/" in (docs / "feed.xml").read_text()
    # A fresh checkout handed the published papers.json.gz (as the publish workflow is): the same ids.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy(docs / "papers.json.gz", fresh / "papers.json.gz")
    generate(fresh, "https://papers.example.net/")
    assert feed_ids(fresh) == before


def test_a_rebuild_renders_only_the_feeds_an_edit_touches(archive, monkeypatch) -> None:
    rendered: list[str] = []
    real = feeds_module.Feeds._render

    def counting(self, feed):
        rendered.append(feed.path)
        return real(self, feed)

    monkeypatch.setattr(feeds_module.Feeds, "_render", counting)
    cache = RenderCache()
    urls = Urls(site_url="https://example.org/archive/")
    first = dict(Renderer(archive, 50, urls, cache=cache).outputs())
    feeds = {k for k in first if k.endswith("feed.xml")}
    assert set(rendered) == feeds
    # A new paper of one tag and one organization, newer than every other.
    base = next(p for p in archive.papers if p.date and p.organization and p.tags)
    tag = base.tags[0]
    new = replace(base, id="a-new-paper-on-feeds", title="A New Paper on Feeds", date=date(2031, 1, 5),
                  tags=(tag,), related=())
    edited = replace(archive, papers=[new, *archive.papers])
    rendered.clear()
    renderer = Renderer(edited, 50, urls, cache=cache)
    second = dict(renderer.outputs())
    tag_feed = renderer.tag_folder(tag) + "/feed.xml"
    org_feed = renderer.org_page(new).replace("index.md", "feed.xml")
    assert sorted(rendered) == sorted({"feed.xml", tag_feed, org_feed})
    for path in feeds - set(rendered):
        assert second[path] == first[path], path  # byte-identical
    assert "A New Paper on Feeds" in second[tag_feed] and "A New Paper on Feeds" in second[org_feed]
