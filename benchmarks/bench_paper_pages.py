"""Paper pages: filled into one theme render per depth (the stand-in, site/paper_pages.py)
against rendered directly, one theme render each, through the calls MkDocs makes for a page.

Builds a synthetic archive in-process with `mkdocs build`; when the plugin writes the paper
pages, each is also rendered directly (Page, get_context, on_page_context, the lean template,
on_post_page: what render_shell does with the paper's own values). Prints the median ms per page
of each way over `--runs` passes, and what the difference comes to at 100,000 papers, as a share
of the 100,000-paper build (`--build-seconds`, bench_scale.py's figure).

    .venv/bin/python benchmarks/bench_paper_pages.py [--papers 3000] [--runs 3] [--build-seconds 236]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_scale import project  # noqa: E402
from mkdocs.commands.build import build, get_context  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402
from mkdocs.structure.pages import Page  # noqa: E402
from synth import make_corpus  # noqa: E402

from generator.site import paper_pages  # noqa: E402
from generator.site.lean_pages import LEAN  # noqa: E402


def render_directly(page: paper_pages.PaperPage, body: str, config, env, nav, files) -> str:
    """One paper page rendered by the theme with its own values (no placeholders)."""
    file = File(page.src_uri, config.docs_dir, config.site_dir, config.use_directory_urls)
    mk_page = Page(None, file, config)
    mk_page.title = page.title
    mk_page.markdown = ""
    mk_page.content = body
    mk_page.meta = {"title": page.title, "description": page.description,
                    "paper": {"id": file.name, "date": page.date}, "hide": ["toc"], "template": LEAN}
    config._current_page = mk_page
    try:
        context = get_context(nav, files, config, mk_page)
        context = config.plugins.on_page_context(context, page=mk_page, config=config, nav=nav)
        html = env.get_template(LEAN).render(context)
        return config.plugins.on_post_page(html, page=mk_page, config=config)
    finally:
        config._current_page = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=3000, help="papers in the synthetic archive (default 3000)")
    parser.add_argument("--runs", type=int, default=3, help="passes over the pages each way (default 3)")
    parser.add_argument("--build-seconds", type=float, default=236.0,
                        help="the 100,000-paper build's wall time to compare with (default 236, bench_scale.py)")
    args = parser.parse_args()
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    times: dict[str, list[float]] = {"stand-in": [], "direct": [], "template": []}
    pages_seen = 0

    original = paper_pages.write_pages

    def measured_write_pages(pages, shell_for, docs_dir, site_dir, urls, last):
        nonlocal pages_seen
        pages = list(pages)
        pages_seen = len(pages)
        result = original(pages, shell_for, docs_dir, site_dir, urls, last)
        plugin = config.plugins["papers"].state
        docs = plugin.files.documentation_pages()
        bodies = [page.body(docs_dir) for page in pages]
        for _ in range(args.runs):
            began = time.perf_counter()
            for page, body in zip(pages, bodies):
                shell_for(page).fill(urls.url(page.src_uri), page, body)
            times["stand-in"].append((time.perf_counter() - began) / len(pages))
            began = time.perf_counter()
            for page, body in zip(pages, bodies):
                render_directly(page, body, config, plugin.env, plugin.nav, docs)
            times["direct"].append((time.perf_counter() - began) / len(pages))
            # The least a direct render can do: the template alone, with one context reused.
            template = plugin.env.get_template(LEAN)
            first = pages[0]
            file = File(first.src_uri, config.docs_dir, config.site_dir, config.use_directory_urls)
            context = get_context(plugin.nav, docs, config, Page(None, file, config))
            began = time.perf_counter()
            for page, body in zip(pages, bodies):
                context["page"].content = body
                context["page"].meta = {"title": page.title, "description": page.description,
                                        "paper": {"date": page.date}, "template": LEAN}
                template.render(context)
            times["template"].append((time.perf_counter() - began) / len(pages))
        return result

    with tempfile.TemporaryDirectory(prefix="bench-paper-pages-") as tmp:
        root = project(Path(tmp) / "site", Path(tmp) / "raw")
        make_corpus(Path(tmp) / "raw", args.papers)
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
        (root / "mkdocs.yml").write_text(text.replace("search: true", "search: false"), encoding="utf-8")
        cwd = os.getcwd()
        os.chdir(root)
        try:
            paper_pages.write_pages = measured_write_pages
            import generator.site.build as plugin_module
            plugin_module.write_pages = measured_write_pages
            config = load_config(str(root / "mkdocs.yml"))
            build(config)
        finally:
            os.chdir(cwd)
    stand_in, direct, template = (statistics.median(times[k]) * 1000 for k in ("stand-in", "direct", "template"))
    extra = (direct - stand_in) / 1000 * 100_000
    print(f"{pages_seen:,} paper pages, median of {args.runs} passes each:")
    print(f"  stand-in (fill one theme render): {stand_in:.3f} ms a page")
    print(f"  rendered directly by the theme:   {direct:.3f} ms a page")
    print(f"  the template alone (one context): {template:.3f} ms a page (no on_post_page: a lower bound)")
    least = (template - stand_in) / 1000 * 100_000
    print(f"at 100,000 papers rendering directly costs {extra:.0f} s more ({least:.0f} s at the least): "
          f"{extra / args.build_seconds:.0%} ({least / args.build_seconds:.0%}) of a {args.build_seconds:.0f} s build")


if __name__ == "__main__":
    main()
