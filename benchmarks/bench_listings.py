"""How stable the listing pages are: a synthetic archive (10,000 papers by default), then one
more 50-paper dump of new papers; how many listing pages (dates, tags, organizations) keep
their bytes, and how many of the older pages (page-N.md, not an index page) do.

    .venv/bin/python benchmarks/bench_listings.py [PAPERS]
"""

from __future__ import annotations

import re
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from synth import make_corpus, write_dump  # noqa: E402

from generator.data.pipeline import collect  # noqa: E402
from generator.pages.render import Renderer  # noqa: E402
from generator.site.config import default_settings  # noqa: E402

LISTING = re.compile(r"(dates/(\d{4}/\d{2}|undated)|tags/[^/]+|orgs/[^/]+)/(index|page-\d+)\.md")


def listing_pages(corpus: Path) -> dict[str, str]:
    """The listing pages of an archive of the dumps in a folder, by docs path."""
    settings = default_settings(sources=[corpus], tags=REPO / "content" / "tags.yml", related=0)
    archive = collect(settings)
    renderer = Renderer(archive, settings.page_size)
    pages = {**renderer.date_pages(), **renderer.tag_pages(), **renderer.org_pages()}
    return {path: text for path, text in pages.items() if LISTING.fullmatch(path)}


def main() -> None:
    papers = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "corpus"
        corpus = make_corpus(folder, papers)
        before = listing_pages(folder)
        write_dump(folder, corpus, 50, 99_999, newest=date(2026, 1, 10))
        after = listing_pages(folder)
    same = [p for p in before if after.get(p) == before[p]]
    older = [p for p in before if "/page-" in p]
    older_same = [p for p in older if after.get(p) == before[p]]
    print(f"{papers:,} papers + one 50-paper dump: listing pages {len(before):,} -> {len(after):,}")
    print(f"  unchanged: {len(same):,} of {len(before):,} ({len(same) / len(before):.1%})")
    print(f"  older pages (page-N) unchanged: {len(older_same):,} of {len(older):,}"
          f" ({len(older_same) / max(1, len(older)):.1%})")
    changed = sorted({p.rsplit("/", 1)[0] for p in older if p not in older_same})
    print(f"  listings whose older pages changed: {len(changed)} {changed[:8]}")


if __name__ == "__main__":
    main()
