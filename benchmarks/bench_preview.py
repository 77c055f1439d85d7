"""Preview benchmark: how long `mkdocs serve` takes to show an edit, and how many builds it runs.

For each size it writes a synthetic corpus (benchmarks/synth.py) into a copy of the project
(bench_scale.project), starts `mkdocs serve` on a free port, waits for its first build, then
makes five kinds of edit, `--runs` times each, one at a time:

- append: a new paper appended to a dump;
- abstract: the abstract of that paper changed;
- delete: that paper deleted;
- dump: a new 50-paper dump added, as a writer pastes today's page (papers of the days after
  the archive's newest);
- tags: a tag rule changed in content/tags.yml (a phrase added to a tag's match list).

For each it prints the median time from the edit (the file written) to the end of the rebuild
(MkDocs' "Documentation built in" line in the server's log) and the number of builds the edit
caused (counted until the server has been idle for `--settle` seconds). With `--browser`, the
home page is open in headless Chromium all along (as a writer keeps it open), and the table
also gives the time from the edit until the page has reloaded, with the appended paper listed
after an append.

    .venv/bin/python benchmarks/bench_preview.py                          # 1,000 and 10,000 papers, 5 runs
    .venv/bin/python benchmarks/bench_preview.py --sizes 10000 --runs 3 --browser
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scale import project  # noqa: E402
from synth import make_corpus, write_dump  # noqa: E402

KINDS = ["append", "abstract", "delete", "dump", "tags"]
BUILDING = "Building documentation"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`mkdocs serve` of the project at `root` in a subprocess, its log in a file."""

    def __init__(self, root: Path, port: int | None = None) -> None:
        self.root = root
        self.port = port or free_port()
        self.log_path = root / "serve.log"
        self.log_file = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"],
            cwd=root, stdout=self.log_file, stderr=subprocess.STDOUT, env=env)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def builds(self) -> int:
        """Builds finished so far: the first, before the server starts serving, and one per
        "Reloading browsers", which the server logs after each rebuild. (MkDocs' own
        "Documentation built in 1.89 seconds" would miss some: MkDocs drops a message of its
        build logger that it logged before, and two builds can take the same time.)"""
        log = self.log()
        return ("Serving on http" in log) + log.count("Reloading browsers")

    def started(self) -> int:
        """Builds started so far (the first, before serving, included)."""
        return self.log().count(BUILDING)

    def wait_built(self, count: int, timeout: float = 600) -> float:
        """Wait until `count` builds have finished; the time it happened (perf_counter)."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"mkdocs serve stopped:\n{self.log()[-3000:]}")
            if self.builds() >= count:
                return time.perf_counter()
            time.sleep(0.02)
        raise TimeoutError(f"no build {count} within {timeout} s:\n{self.log()[-3000:]}")

    def settle(self, quiet: float) -> None:
        """Wait until no build has started or finished for `quiet` seconds."""
        last = (self.started(), self.builds())
        idle_since = time.perf_counter()
        while time.perf_counter() - idle_since < quiet:
            time.sleep(0.1)
            now = (self.started(), self.builds())
            if now != last or now[0] > now[1]:
                last, idle_since = now, time.perf_counter()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log_file.close()


def entry(title: str, abstract: str, when: str = "Oct 7") -> str:
    """One dated paper of a layout A dump, with 2 comments; `when` as the page shows a date
    (`Oct 7`, `Jan 1, 2026`)."""
    return f"{title}\n\n{abstract}\n\n  • 3 authors\n·\n{when} 2\n\n"


class Editor:
    """The five edits, on the project at `root` whose dumps are in `corpus_dir`."""

    def __init__(self, root: Path, corpus_dir: Path, corpus) -> None:
        self.root, self.corpus_dir, self.corpus = root, corpus_dir, corpus
        self.dump = sorted(corpus_dir.glob("*-synth_*.txt"))[0]
        self.n = 0
        self.title = self.abstract = ""
        self.tag_phrase = 0
        self.dumps = 0
        self.newest = corpus.start + timedelta(days=corpus.days)
        """The newest paper's date (synth.Corpus dates its papers up to start + days)."""

    def entry(self) -> str:
        """The appended paper, dated the day after the archive's newest paper: the newest, so
        that the home page lists it."""
        when = self.newest + timedelta(days=1)
        return entry(self.title, self.abstract, f"{when:%b} {when.day}, {when.year}")

    def edit(self, kind: str) -> None:
        if kind == "append":
            self.n += 1
            self.title = f"Preview Benchmark Paper Number {self.n} on Quantum Gardening"
            self.abstract = f"We study quantum gardening, case {self.n}, with a new benchmark."
            with self.dump.open("a", encoding="utf-8") as f:
                f.write(self.entry())
        elif kind == "abstract":
            text = self.dump.read_text(encoding="utf-8")
            changed = self.abstract.replace("a new benchmark", "a changed benchmark")
            self.dump.write_text(text.replace(self.abstract, changed), encoding="utf-8")
            self.abstract = changed
        elif kind == "delete":
            text = self.dump.read_text(encoding="utf-8")
            self.dump.write_text(text.replace(self.entry(), ""), encoding="utf-8")
        elif kind == "dump":
            # Today's page pasted: 50 papers of the last days, newer than the archive's.
            self.dumps += 1
            self.newest += timedelta(days=20)  # past the appended paper's day too
            write_dump(self.corpus_dir, self.corpus, 50, 90_000 + self.dumps, newest=self.newest)
        elif kind == "tags":
            self.tag_phrase += 1
            path = self.root / "content" / "tags.yml"
            text = path.read_text(encoding="utf-8")
            phrase = f"quantum gardening {self.tag_phrase}"
            path.write_text(text.replace("    match: [", f"    match: [{phrase}, ", 1), encoding="utf-8")
        else:
            raise ValueError(kind)


CHROMIUM = Path(os.environ.get("PAPERS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def still_the_same_document(page) -> bool:
    """True while the page still holds the document marked with `window.papersNotReloaded`;
    False once the live reload has replaced it (a poll during the reload finds no document)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        return page.evaluate("window.papersNotReloaded === true")
    except PlaywrightError as error:
        if "context was destroyed" in str(error):
            return False
        raise


def measure(server: Server, editor: Editor, kind: str, settle: float, page=None) -> tuple[float, int, float | None]:
    """One edit: (seconds from the edit to the end of its rebuild, builds it caused, seconds
    from the edit until `page` reloaded, and after an append lists the new paper; None
    without a page)."""
    before = server.builds()
    if page is not None:
        page.evaluate("window.papersNotReloaded = true")
    start = time.perf_counter()
    editor.edit(kind)
    shown = built = None
    # Both watched at once: the end of the rebuild (the server's log) and the page's reload.
    while built is None or (page is not None and shown is None):
        now = time.perf_counter()
        if now - start > 300:
            sys.exit(f"no rebuild and reload within 300 s after the {kind} edit")
        if built is None and server.builds() > before:
            built = now
        if page is not None and shown is None and not still_the_same_document(page):
            page.wait_for_load_state("load")
            if kind == "append":
                page.get_by_text(editor.title).first.wait_for(timeout=30_000)
            shown = time.perf_counter() - start
        time.sleep(0.02)
    server.settle(settle)
    return built - start, server.builds() - before, shown


def run_size(papers: int, runs: int, work: Path, settle: float, browser=None) -> dict[str, tuple]:
    corpus_dir = work / f"corpus-{papers}"
    corpus = make_corpus(corpus_dir, papers)
    root = project(work / f"project-{papers}", corpus_dir)
    server = Server(root)
    try:
        start = time.perf_counter()
        server.wait_built(1)
        server.settle(settle)
        print(f"{papers:,} papers: first build {time.perf_counter() - start:.1f} s", flush=True)
        page = None
        if browser is not None:
            page = browser.new_page()
            page.goto(server.url)
            page.wait_for_load_state("load")
        editor = Editor(root, corpus_dir, corpus)
        times: dict[str, list[float]] = {k: [] for k in KINDS}
        builds: dict[str, list[int]] = {k: [] for k in KINDS}
        shown: dict[str, list[float]] = {k: [] for k in KINDS}
        for run in range(runs):
            for kind in KINDS:
                seconds, count, reload = measure(server, editor, kind, settle, page)
                times[kind].append(seconds)
                builds[kind].append(count)
                if reload is not None:
                    shown[kind].append(reload)
                page_note = f", page reloaded after {reload:5.2f} s" if reload is not None else ""
                print(f"  run {run + 1} {kind:8} {seconds:5.2f} s, {count} build(s){page_note}", flush=True)
        return {k: (statistics.median(times[k]), max(builds[k]),
                    statistics.median(shown[k]) if shown[k] else None) for k in KINDS}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=5, help="edits of each kind (default 5)")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds without a build after which an edit's builds are counted (default 3)")
    parser.add_argument("--work", type=Path, help="keep the corpora and projects here (default: a temp dir)")
    parser.add_argument("--browser", action="store_true",
                        help="keep the home page open in headless Chromium (PAPERS_CHROMIUM, default "
                             "/usr/bin/chromium) and time each edit until it has reloaded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp, contextlib.ExitStack() as stack:
        work = args.work or Path(tmp)
        browser = None
        if args.browser:
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            stack.callback(browser.close)
        rows = {n: run_size(n, args.runs, work, args.settle, browser) for n in args.sizes}
    print(f"\n| edit | {' | '.join(f'{n:,} papers' for n in rows)} |")
    print(f"|---|{'---:|' * len(rows)}")
    for kind in KINDS:
        cells = []
        for n in rows:
            seconds, count, shown = rows[n][kind]
            cell = f"{seconds:.1f} s, {count} build{'s' if count != 1 else ''}"
            cells.append(cell + (f"; page {shown:.1f} s" if shown is not None else ""))
        print(f"| {kind} | {' | '.join(cells)} |")
    print(f"\nmedian of {args.runs} edits each: edit to end of rebuild"
          + ("; page: edit to the reloaded page in Chromium" if args.browser else "")
          + "; builds: the most one edit caused")


if __name__ == "__main__":
    main()
