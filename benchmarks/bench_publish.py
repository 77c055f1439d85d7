"""A publish after one new dump, as the Pages workflow runs it, with and without its build cache.

    python benchmarks/bench_publish.py --papers 10000

Emulates .github/workflows/pages.yml on this machine: a repository of `--papers` synthetic
papers (benchmarks/synth.py) is published once from a fresh clone (the site then served on
loopback as the Pages address) and what actions/cache keeps (`.cache/papers`, `site`,
`content/papers`) is archived with `tar --posix`, as actions/cache archives it; then a 50-paper
dump is committed and published twice from a fresh clone at the same path: with nothing
restored, and with that archive restored. Each publish runs the workflow's build step (its
`run:` and `env:`). Prints the seconds of each, and whether the two sites are byte-identical.
"""

from __future__ import annotations

import argparse
import filecmp
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from synth import make_corpus, write_dump  # noqa: E402

CACHED = (".cache/papers", "site", "content/papers")
"""What the workflow's actions/cache step keeps (its `path:`)."""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


def build_step() -> dict:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    return next(s for s in workflow["jobs"]["build"]["steps"] if "generator build" in s.get("run", ""))


def publish(origin: Path, clone: Path, base_url: str, live: Path, restore: Path | None) -> float:
    """A fresh clone of `origin` at `clone`, the cache archive `restore` unpacked into it, the
    build step run; the site is published into `live`. Returns the step's seconds (the
    restore's included)."""
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", str(origin), str(clone)], check=True)
    start = time.perf_counter()
    if restore is not None:
        subprocess.run(["tar", "-xf", str(restore), "-C", str(clone)], check=True)
    step = build_step()
    expand = functools.partial(re.sub, r"\$\{\{\s*steps\.pages\.outputs\.base_url\s*\}\}", base_url)
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    env.update({k: expand(str(v)) for k, v in (step.get("env") or {}).items()})
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["NO_MKDOCS_2_WARNING"] = "1"
    result = subprocess.run(["bash", "-e", "-c", expand(step["run"])], cwd=clone, env=env,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"the build step failed:\n{result.stderr[-3000:]}")
    said = [line for line in result.stderr.splitlines() if "build cache" in line or "building everything" in line]
    print("   ", *said[:2], sep="\n    ")
    shutil.rmtree(live, ignore_errors=True)
    shutil.copytree(clone / "site", live)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    try:
        origin = work / "origin"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(origin)], check=True)
        raw = origin / "content" / "raw"
        shutil.rmtree(raw)
        corpus = make_corpus(raw, args.papers)
        git = ["git", "-C", str(origin), "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
        subprocess.run([*git, "add", "-A", "content/raw"], check=True)
        subprocess.run([*git, "commit", "--quiet", "-m", "synthetic papers"], check=True)
        live = work / "live"
        live.mkdir()
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(live)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        clone = work / "repo"  # one path for every run, as the runner's workspace

        first = publish(origin, clone, base_url, live, None)
        print(f"first publish, {args.papers:,} papers, nothing cached: {first:.1f} s")
        archive = work / "cache.tar"
        start = time.perf_counter()
        subprocess.run(["tar", "--posix", "-cf", str(archive), "-C", str(clone), *CACHED], check=True)
        print(f"cache archived: {archive.stat().st_size / 2**20:,.0f} MiB in {time.perf_counter() - start:.1f} s")

        write_dump(raw, corpus, 50, 99_999, newest=date(2026, 1, 5))
        subprocess.run([*git, "add", "-A", "content/raw"], check=True)
        subprocess.run([*git, "commit", "--quiet", "-m", "one new dump"], check=True)
        cold = publish(origin, clone, base_url, live, None)
        cold_site = work / "cold-site"
        shutil.copytree(clone / "site", cold_site)
        print(f"after one new dump, without the cache: {cold:.1f} s")
        # The live site is the cold build's: same record as the cached run sees.
        warm = publish(origin, clone, base_url, live, archive)
        print(f"after one new dump, cache restored:    {warm:.1f} s (restore included)")
        match, mismatch, errors = filecmp.cmpfiles(cold_site, clone / "site", [
            str(p.relative_to(cold_site)) for p in cold_site.rglob("*") if p.is_file()], shallow=False)
        print(f"sites byte-identical: {not mismatch and not errors} ({len(match):,} files compared, "
              f"{len(mismatch)} differ, {len(errors)} missing)")
        server.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
