"""The archive's whole pipeline against a bare Material build of the same paper pages.

Builds N synthetic papers (default 5,000) through `python -m generator build` (parse, tags,
related, Markdown, MkDocs with the archive's theme and listings), once without and once with
the Pagefind index, then, in the same run, a bare Material site holding the same paper Markdown
files with only an index page in the navigation and no plugin. Prints the median wall times
and the ratios.

    .venv/bin/python benchmarks/bench_ratio.py [--papers 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scale import project  # noqa: E402
from synth import make_corpus  # noqa: E402

BARE = """site_name: Bare Material
docs_dir: docs
theme:
  name: material
  font: false
plugins: []
nav:
  - Home: index.md
validation:
  nav:
    omitted_files: ignore
"""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-ratio-") as tmp:
        work = Path(tmp)
        make_corpus(work / "corpus", args.papers)
        archive = project(work / "archive", work / "corpus")
        bare = work / "bare"
        ours, searched, theirs = [], [], []
        for run in range(args.runs):
            for name in ("site", "content/papers", "content/dates", "content/tags", "content/orgs"):
                shutil.rmtree(archive / name, ignore_errors=True)
            ours.append(timed([sys.executable, "-m", "generator", "build", "--no-search"], archive))
            for name in ("site", "content/papers", "content/dates", "content/tags", "content/orgs"):
                shutil.rmtree(archive / name, ignore_errors=True)
            searched.append(timed([sys.executable, "-m", "generator", "build"], archive))
            if run == 0:  # the bare site: the same paper Markdown, one index page in the nav
                (bare / "docs").mkdir(parents=True)
                shutil.copytree(archive / "content" / "papers", bare / "docs" / "papers")
                (bare / "docs" / "index.md").write_text("# Papers\n", encoding="utf-8")
                (bare / "mkdocs.yml").write_text(BARE, encoding="utf-8")
            shutil.rmtree(bare / "site", ignore_errors=True)
            theirs.append(timed([sys.executable, "-m", "mkdocs", "build", "-q"], bare))
            print(f"run {run + 1}: archive {ours[-1]:.1f} s, with search {searched[-1]:.1f} s, "
                  f"bare Material {theirs[-1]:.1f} s", flush=True)
        pages = sum(1 for _ in (bare / "docs" / "papers").rglob("*.md"))
    a, s, b = statistics.median(ours), statistics.median(searched), statistics.median(theirs)
    print(f"\n{args.papers:,} papers ({pages:,} paper pages), median of {args.runs} runs:")
    print(f"  archive (parse, tags, related, Markdown, MkDocs): {a:.1f} s")
    print(f"  archive with the Pagefind index: {s:.1f} s")
    print(f"  bare Material, same paper Markdown, index-only nav: {b:.1f} s")
    print(f"  ratio: {a / b:.2f} (target ≤ 1.5): {'met' if a / b <= 1.5 else 'MISSED'}")
    print(f"  ratio with search: {s / b:.2f}")


if __name__ == "__main__":
    main()
