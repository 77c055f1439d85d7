"""Whole-pipeline benchmark: synthetic archives of 1,000, 10,000 and 100,000 papers.

For each size it writes a synthetic corpus (benchmarks/synth.py), builds it with
`python -m generator build` in a fresh process, and reads the stage timings the `papers`
plugin records (PAPERS_TIMINGS). It prints, per stage, the median wall time of the runs and
the peak memory, the files written, the site size and the Pagefind index size; then, at
10,000 papers, how many Markdown files one more 50-paper dump rewrites and how long the
next build then takes.

    .venv/bin/python benchmarks/bench_scale.py                    # 1k, 10k (3 runs), 100k (1 run)
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000 10000 --runs 3
    .venv/bin/python benchmarks/bench_scale.py --write-page       # also rewrite PERFORMANCE.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from synth import Corpus, make_corpus, write_dump  # noqa: E402

STAGES = ["parse+merge", "tags", "related", "markdown", "mkdocs", "pagefind"]
# The real-world corpus beside the repository (not in a user's clone): the shape to compare with.
REAL = REPO.parent / "shared" / "corpus" / "real"
TARGETS = {100_000: 360.0, 10_000: 45.0}
SITE_LIMIT = 1 << 30
MEMORY_LIMIT_MIB = 4096


def project(root: Path, corpus: Path) -> Path:
    """A copy of this project's configuration whose sources are the synthetic corpus."""
    root.mkdir(parents=True, exist_ok=True)
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("sources: [content/raw]", f"sources: [{corpus}]")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "overrides", root / "overrides", dirs_exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    shutil.copy(REPO / "content" / "tags.yml", root / "content" / "tags.yml")
    return root


def build(root: Path, command: str = "build") -> tuple[dict, float]:
    """One build in a fresh process; (plugin stage stats, wall seconds)."""
    stats_file = root / "timings.json"
    stats_file.unlink(missing_ok=True)
    env = {**os.environ, "PAPERS_TIMINGS": str(stats_file), "NO_MKDOCS_2_WARNING": "1"}
    args = [sys.executable, "-m", "generator", command]
    start = time.perf_counter()
    result = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed in {root}:\n{result.stderr[-3000:]}")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return stats, wall


def tree_size(folder: Path) -> tuple[int, int]:
    """(bytes of all files, number of files) under a folder."""
    total = files = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            total += os.stat(os.path.join(dirpath, name)).st_size
            files += 1
    return total, files


def markdown_files(root: Path) -> int:
    return sum(1 for p in (root / "content").rglob("*.md"))


def incremental(root: Path, corpus_dir: Path, corpus: Corpus) -> tuple[int, int]:
    """Add one 50-paper dump of new papers; return (Markdown files rewritten, Markdown files)."""
    newest = date(2026, 1, 10)
    write_dump(corpus_dir, corpus, 50, 99_999, newest=newest)
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate"], cwd=root, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if result.returncode != 0:
        sys.exit(f"generate failed:\n{result.stderr[-3000:]}")
    written = int(result.stdout.rsplit(": ", 1)[1].split(" files written")[0])
    return written, markdown_files(root)


def run_size(papers: int, runs: int, work: Path, check_incremental: bool) -> dict:
    corpus_dir = work / f"corpus-{papers}"
    corpus = make_corpus(corpus_dir, papers)
    root = project(work / f"project-{papers}", corpus_dir)
    results = []
    for run in range(runs):
        # A cold start each run: no generated pages, no site.
        for name in ("site", "content/papers", "content/dates", "content/tags", "content/orgs"):
            shutil.rmtree(root / name, ignore_errors=True)
        stats, wall = build(root)
        stats["total s"] = wall
        results.append(stats)
        print(f"  {papers:>7,} papers, run {run + 1}: {wall:6.1f} s", flush=True)
    site_bytes, site_files = tree_size(root / "site")
    index_bytes, _ = tree_size(root / "site" / "pagefind")
    row = {
        "papers": papers,
        "runs": runs,
        **{f"{s} s": statistics.median(r.get(f"{s} s", 0.0) for r in results) for s in STAGES},
        "total s": statistics.median(r["total s"] for r in results),
        # Pagefind indexes while MkDocs renders: the build's peak is at most the two peaks together.
        "peak MiB": max(r.get("rss after mkdocs MiB", 0) + r.get("pagefind rss MiB", 0) for r in results),
        "markdown peak MiB": max(r.get("rss after markdown MiB", 0) for r in results),
        "pagefind MiB": max(r.get("pagefind rss MiB", 0) for r in results),
        "files written": results[-1].get("files written", 0) + site_files,
        "markdown files": results[-1].get("files written", 0),
        "site bytes": site_bytes,
        "index bytes": index_bytes,
        "shape": site_shape(root / "site"),
    }
    if check_incremental:
        written, total = incremental(root, corpus_dir, corpus)
        row["incremental written"], row["incremental total"] = written, total
        # Then `build` again in a new process, as a writer would after adding the dump.
        _, row["second build s"] = build(root)
    return row


def shape(papers: list[dict]) -> dict:
    """What makes a site big, per paper: tags (each a listing entry), abstract and title length."""
    n = max(len(papers), 1)
    return {"papers": len(papers), "tags": sum(len(p["tags"]) for p in papers) / n,
            "abstract": sum(len(p["abstract"] or "") for p in papers) / n,
            "title": sum(len(p["title"]) for p in papers) / n}


def site_shape(site: Path) -> dict:
    """The shape of a built site's papers (papers.json holds one paper a line)."""
    with open(site / "papers.json", encoding="utf-8") as f:
        return shape([json.loads(line.rstrip().rstrip(",")) for line in f if line.startswith('{"id"')])


def real_shape() -> dict | None:
    """The shape of the real corpus, parsed and tagged as a build would, when it is present."""
    if not REAL.is_dir():
        return None
    sys.path.insert(0, str(REPO))
    from generator.data.pipeline import collect
    from generator.site.config import default_settings

    archive = collect(default_settings(sources=[REAL], tags=REPO / "content" / "tags.yml", related=0))
    return shape([{"tags": p.tags, "abstract": p.abstract, "title": p.title} for p in archive.papers])


def shape_line(name: str, s: dict) -> str:
    return (f"{name} ({s['papers']:,} papers): {s['tags']:.1f} tags, a {s['abstract']:,.0f}-character "
            f"abstract and a {s['title']:.0f}-character title a paper")


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def table(rows: list[dict]) -> str:
    head = ["papers", *STAGES, "total", "peak memory", "files written", "site", "index"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for r in rows:
        cells = [f"{r['papers']:,}"] + [f"{r[f'{s} s']:.1f} s" for s in STAGES] + [
            f"**{r['total s']:.1f} s**", f"{r['peak MiB']:,.0f} MiB", f"{r['files written']:,}",
            mib(r["site bytes"]), mib(r["index bytes"]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdicts(rows: list[dict]) -> list[str]:
    out = []
    for r in rows:
        n = r["papers"]
        if n in TARGETS:
            out.append(f"{n:,} papers: total {r['total s']:.0f} s (target ≤ {TARGETS[n]:.0f} s): "
                       f"{'met' if r['total s'] <= TARGETS[n] else 'MISSED'}")
        if n == 100_000:
            out.append(f"100,000 papers: peak memory {r['peak MiB']:,.0f} MiB (target ≤ {MEMORY_LIMIT_MIB:,}): "
                       f"{'met' if r['peak MiB'] <= MEMORY_LIMIT_MIB else 'MISSED'}")
            out.append(f"100,000 papers: site with index {mib(r['site bytes'])} = {r['site bytes'] / 1e6:,.0f} MB "
                       f"(target ≤ 1 GiB): "
                       f"{'met' if r['site bytes'] <= SITE_LIMIT else 'MISSED'}")
        share = r["related s"] / r["total s"] if r["total s"] else 0
        out.append(f"{n:,} papers: related papers take {share:.1%} of the build (target < 10%): "
                   f"{'met' if share < 0.10 else 'MISSED'}")
        if "incremental written" in r:
            share = r["incremental written"] / r["incremental total"]
            if "second build s" in r:
                ratio = r["second build s"] / r["total s"]
                out.append(f"{n:,} papers + one 50-paper dump: the next build takes {r['second build s']:.1f} s, "
                           f"{ratio:.0%} of a first build (target ≤ 25%): {'met' if ratio <= 0.25 else 'MISSED'}")
            out.append(f"{n:,} papers + one 50-paper dump: {r['incremental written']:,} of "
                       f"{r['incremental total']:,} Markdown files rewritten ({share:.2%}, target ≤ 2%): "
                       f"{'met' if share <= 0.02 else 'MISSED'}")
    return out


PAGE = """# Performance

How long the whole pipeline takes on synthetic archives made from the sample dumps, on a
2-core machine with 24 GB of memory. Each stage's time is the median of the runs; peak memory
is the peak resident set of the build plus that of the largest Pagefind process (the index is
built in the background while MkDocs renders); the site size counts every file of
`site/`, the Pagefind index included.

{table}

{verdicts}

The synthetic papers have the shape of real ones, which is what sizes a site (each tag is an
entry in a tag listing):

{shapes}

Reproduce it with:

```sh
.venv/bin/python benchmarks/bench_scale.py --write-page
```

Stages: *parse+merge* reads the dumps and merges titles; *tags* applies `content/tags.yml`;
*related* finds five similar papers per paper (TF-IDF, in chunks); *markdown* writes the
pages (only those whose content changed); *mkdocs* is MkDocs and Material rendering the site
(the paper pages filled into one theme render per URL depth, see docs/configuration.md); *pagefind* is
what the search index adds to the build.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size below 100,000 (default 3)")
    parser.add_argument("--big-runs", type=int, default=1, help="runs at 100,000 papers or more (default 1)")
    parser.add_argument("--work", type=Path, help="keep the corpora and sites here (default: a temp dir)")
    parser.add_argument("--write-page", action="store_true", help="rewrite PERFORMANCE.md (the project's, not the site's) with the table")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    rows = []
    try:
        for n in args.sizes:
            runs = args.big_runs if n >= 100_000 else args.runs
            rows.append(run_size(n, runs, work, check_incremental=(n == 10_000)))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(rows))
    print()
    for line in verdicts(rows):
        print(line)
    real = real_shape()
    shapes = [shape_line("synthetic", r["shape"]) for r in rows[-1:]]
    shapes += [shape_line("real corpus", real)] if real else []
    print()
    for line in shapes:
        print(line)
    if args.write_page:
        text = PAGE.format(table=table(rows), verdicts="\n".join(f"- {v}" for v in verdicts(rows)),
                           shapes="\n".join(f"- {s}" for s in shapes))
        (REPO / "PERFORMANCE.md").write_text(text, encoding="utf-8")
        print("\nwrote PERFORMANCE.md")
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "bench_scale.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
