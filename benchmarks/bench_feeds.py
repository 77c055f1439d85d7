"""What the tags' and organizations' Atom feeds (generator/pages/feeds.py) cost: files, bytes,
render time, on a synthetic archive (benchmarks/synth.py) and on the real corpus beside the
repository when it is there; and the bytes at 100,000 papers, measured or bounded.

The synthetic archive has forty organizations; a real one has thousands, most with a few
papers. A feed holds at most FEED_SIZE entries, so the feeds hold at most one entry per paper
per tag and per organization: `bound` is that many entries at the measured bytes per entry,
plus a feed's header per tag and organization, which no distribution of organizations exceeds.

    .venv/bin/python benchmarks/bench_feeds.py --papers 10000
    .venv/bin/python benchmarks/bench_feeds.py --papers 100000 --real
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from synth import make_corpus  # noqa: E402

from generator.data.pipeline import collect  # noqa: E402
from generator.pages.feeds import FEED_SIZE  # noqa: E402
from generator.pages.render import Renderer  # noqa: E402
from generator.pages.urls import Urls  # noqa: E402
from generator.site.config import default_settings  # noqa: E402

REAL = REPO.parent / "shared" / "corpus" / "real"
SITE_URL = "https://user.github.io/papers-archive/"


def measure(sources: list[Path]) -> dict:
    """Collect `sources` (no related papers), render every tag's and organization's feed with
    absolute links (as the Pages workflow builds); what they hold and cost."""
    archive = collect(default_settings(sources=sources, tags=REPO / "content" / "tags.yml", related=0))
    renderer = Renderer(archive, 50, Urls(site_url=SITE_URL))
    members: dict[str, list] = defaultdict(list)
    for p in archive.papers:
        for t in p.tags:
            members[t].append(p)
    feeds = [renderer.topic_feed("tag:" + name, name, renderer.tag_folder(name), ps) for name, ps in members.items()]
    for key, name, ps in renderer.org_groups():
        feeds.append(renderer.topic_feed("org:" + key, name, renderer.org_page(ps[0]).rsplit("/", 1)[0], ps))
    feeds = [f for f in feeds if f is not None]
    start = time.perf_counter()
    sizes = [len(renderer.feeds.render(f).encode("utf-8")) for f in feeds]
    seconds = time.perf_counter() - start
    entries = sum(len(f.papers) for f in feeds)
    empty = len(renderer.feeds.render(feeds[0].__class__(**{**feeds[0].__dict__, "papers": ()})).encode("utf-8"))
    return {"papers": len(archive.papers), "tags": len(members), "orgs": len(renderer.org_groups()),
            "feeds": len(feeds), "entries": entries, "bytes": sum(sizes), "seconds": seconds,
            "entry": (sum(sizes) - empty * len(feeds)) / max(entries, 1), "header": empty,
            "tag entries": sum(1 for p in archive.papers for _ in p.tags),
            "org papers": sum(1 for p in archive.papers if p.organization)}


def report(name: str, m: dict, scale: float = 1.0) -> None:
    print(f"{name}: {m['papers']:,} papers, {m['tags']} tags, {m['orgs']:,} organizations: {m['feeds']:,} feeds, "
          f"{m['entries']:,} entries, {m['bytes'] / 2**20:.1f} MiB ({m['entry']:.0f} B an entry, "
          f"{m['header']} B a feed's header), rendered in {m['seconds']:.2f} s")
    if scale != 1.0:
        # A tag's feed is full (FEED_SIZE) already; organizations grow with the papers, each
        # paper with one an entry of its organization's feed at most.
        tags = m["tags"] * FEED_SIZE * m["entry"]
        orgs = min(m["org papers"] * scale, m["orgs"] * scale * FEED_SIZE) * m["entry"]
        bound = tags + orgs + (m["tags"] + m["orgs"] * scale) * m["header"]
        print(f"  at 100,000 papers: at most {bound / 2**20:.0f} MiB ({m['orgs'] * scale:,.0f} organizations as this "
              f"corpus has per paper, every paper with an organization an entry of its feed, as if none reached "
              f"{FEED_SIZE}; {m['org papers']:,} of its papers have one)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000, help="synthetic papers (default 10,000)")
    parser.add_argument("--real", action="store_true", help="also measure the real corpus, scaled to 100,000")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        make_corpus(Path(tmp), args.papers)
        m = measure([Path(tmp)])
        report("synthetic", m)
    if args.real and REAL.is_dir():
        m = measure([REAL])
        report("real corpus", m, 100_000 / m["papers"])


if __name__ == "__main__":
    main()
