"""Build the Pagefind index of the archive from its papers, while MkDocs renders their pages.

`Indexer.start` runs as soon as the archive is collected: on a thread of its own, it hands each
paper to the Pagefind binary that `pagefind[bin]` ships, run as a service (the protocol of
Pagefind's own Python API, whose client waits 0.1 s per answer: 3 hours for 100,000 papers),
as a small HTML record (`paper_record`): the title in an <h1>, so that it outweighs the
abstract, then the abstract, the filters and the metadata the result list shows. The binary
works on the second core while MkDocs renders on the first; `Indexer.finish` waits for it and
moves the bundle into the built site.

Pagefind 1.5 needs about 120 KB of memory per paper to write its index, however small the
record, so an archive of more than SHARD_PAGES papers is indexed in parts, each its own bundle
(`pagefind/`, `pagefind/part-2/`, …), merged in the browser by Pagefind's `mergeIndex`: 100,000
papers take 7 parts of at most 2 GB each instead of 12 GB at once.

Every first query loads the page table of each bundle's metadata file: per page, its hash (the
name of its fragment file) and its word count. Pagefind's hashes are random hex strings that do
not compress, 6.7 bytes a page after gzip; `compact` renames the pages to a base-36 counter,
and the papers are handed to Pagefind shortest first, so that neighbouring entries of the table
share their word count: about 2 bytes a page.

Besides Pagefind's bundle, two small files of ours go to `site/pagefind/`, read by
overrides/assets/search.js:

- `papers-search.json`: the parts to merge into the search.
- `papers-sorts.json`: the pages newest first with their upvotes and comment counts, fetched
  only when a search is sorted. Pagefind's own sorts (data-pagefind-sort) live in the metadata file that every first
  query loads, at about 2 bytes a page each: 400 KB more at 100,000 papers.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .model import GeneratorError, Paper
from .render import Renderer, html_text, page_url, tex_text
from .reproducible import SIGNATURE, read_pf, stabilize_bundle, write_pf

PAGEFIND_VERSION = "1.5.2"
"""The Pagefind whose index format `compact` rewrites (pinned in pyproject.toml)."""
SHARD_PAGES = 12_500
"""Most papers per Pagefind bundle: about 1.75 GB of memory with Pagefind 1.5.2 (15,000 took
2.1 GB), which leaves room for the build that runs beside it within 4 GB."""
MANIFEST = "papers-search.json"
SORTS = "papers-sorts.json"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def pagefind_executable() -> Path:
    """Path of the Pagefind binary inside the pagefind_bin wheel."""
    try:
        from pagefind_bin import get_executable
    except ImportError:  # pragma: no cover - the dependency is declared
        raise GeneratorError("pagefind is not installed: pip install 'pagefind[bin]'") from None
    return get_executable()


def paper_url(paper: Paper, directory_urls: bool = True) -> str:
    """The URL of a paper's page as Pagefind results give it: from the site root, with a `/`."""
    return "/" + page_url(Renderer.paper_path(paper), directory_urls)


def paper_record(paper: Paper, language: str = "en") -> str:
    """What Pagefind indexes of a paper: the text of its page and the data of overrides/main.html.

    Not a template: it is never shown, and 100,000 of them are built while MkDocs renders.
    Every value from the dumps is escaped (html_text), as on the paper's page; the title and
    abstract are their plain text (tex_text: `UFO³`), so a result shows no TeX source.
    """
    year = str(paper.date.year) if paper.date else "Undated"
    data = [f'<span data-pagefind-filter="year">{year}</span>']
    data += [f'<span data-pagefind-filter="tag">{html_text(tag)}</span>' for tag in paper.tags]
    if paper.organization:
        data.append(f'<span data-pagefind-filter="organization">{html_text(paper.organization)}</span>')
    if paper.date:
        data.append(f'<span data-pagefind-meta="date">{paper.date.isoformat()}</span>')
    if paper.upvotes is not None:
        data.append(f'<span data-pagefind-meta="upvotes">{paper.upvotes}</span>')
    if paper.comments:
        data.append(f'<span data-pagefind-meta="comments">{paper.comments}</span>')
    abstract = f"<p>{html_text(tex_text(paper.abstract))}</p>" if paper.abstract else ""
    return (f'<html lang="{html_text(language)}"><body><h1>{html_text(tex_text(paper.title))}</h1>{abstract}'
            f'<div data-pagefind-ignore>{"".join(data)}</div></body></html>')


def newest_first(papers: Iterable[Paper], directory_urls: bool = True) -> list[Paper]:
    """Papers by date, newest first, undated last; papers of one date by URL."""
    ordered = sorted(papers, key=lambda p: paper_url(p, directory_urls))
    # A stable sort: papers of one date keep their URL order.
    ordered.sort(key=lambda p: p.date.isoformat() if p.date else "", reverse=True)
    return ordered


def base36(n: int) -> str:
    """`n` in base 36, the shortest page id a URL can carry without escapes."""
    out = ""
    while True:
        n, digit = divmod(n, 36)
        out = _DIGITS[digit] + out
        if not n:
            return out


class _Service:
    """One `pagefind --service` process: requests go in as they are made, a thread reads answers."""

    def __init__(self) -> None:
        self._errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen([str(pagefind_executable()), "--service"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self._errors)
        # Niced: Pagefind works with the core MkDocs leaves idle, not with MkDocs' own. Set
        # from here, not by preexec_fn, which is unsafe in a process that runs threads.
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 10)
        except (AttributeError, OSError):  # not on this system: Pagefind runs at normal priority
            pass
        self._sent = 0
        self._wanted: set[int] = set()
        self._answers: dict[int, dict] = {}
        self.error: str | None = None
        self._closed = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        while chunk := self.process.stdout.read1(1 << 16):
            *messages, buffer = (buffer + chunk).split(b",")
            for message in messages:
                answer = json.loads(base64.b64decode(message))
                payload = answer.get("payload") or {}
                with self._changed:
                    if payload.get("type") == "Error":
                        self.error = self.error or str(payload.get("message", payload))
                    if answer.get("message_id") in self._wanted:
                        self._answers[answer["message_id"]] = payload
                    self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def send(self, payload: dict, answer: bool = False) -> int:
        """Send a request; with `answer`, keep its answer for `wait`. Return its message id."""
        self._sent += 1
        if answer:
            self._wanted.add(self._sent)
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode()
        try:
            self.process.stdin.write(base64.b64encode(message) + b",")
        except BrokenPipeError:
            raise GeneratorError(f"pagefind stopped: {self.stderr()}") from None
        return self._sent

    def wait(self, message_id: int) -> dict:
        """The answer to a request sent with `answer`; a GeneratorError if any request failed."""
        self.process.stdin.flush()
        with self._changed:
            while message_id not in self._answers and not self._closed and self.error is None:
                self._changed.wait()
            if self.error is not None:
                raise GeneratorError(f"pagefind failed: {self.error}")
            if message_id not in self._answers:
                raise GeneratorError(f"pagefind stopped: {self.stderr()}")
            return self._answers.pop(message_id)

    def peak_mib(self) -> float:
        """The process's peak resident memory so far (Linux; 0 elsewhere)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0.0
        return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0.0)

    def stderr(self) -> str:
        self._errors.seek(0)
        lines = self._errors.read().decode(errors="replace").strip().splitlines()
        return " ".join(lines[-3:]) or f"exit status {self.process.poll()}"

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._errors.close()


def index_bundle(papers: list[Paper], output: Path, directory_urls: bool = True,
                 language: str = "en") -> float:
    """Index `papers` into one Pagefind bundle at `output`, in this order; return its peak MiB."""
    service = _Service()
    try:
        index_id = service.wait(service.send({"type": "NewIndex", "config": None}, answer=True))["index_id"]
        for paper in papers:
            service.send({"type": "AddFile", "index_id": index_id, "url": paper_url(paper, directory_urls),
                          "file_contents": paper_record(paper, language), "file_path": None})
        # The files come back in the answer and are written here: Pagefind's WriteFiles answers
        # before its files are all on disk, and a service that then stops leaves some empty.
        answer = service.wait(service.send({"type": "GetFiles", "index_id": index_id}, answer=True))
        peak = service.peak_mib()
        for file in answer["files"]:
            path = output / file["path"]
            if output not in path.parents:
                raise GeneratorError(f"pagefind returned a file outside its folder: {file['path']!r}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(file["content"]))
        return peak
    finally:
        service.close()


def compact(bundle: Path, first: int, log: Callable[[str], None] = print) -> list[str] | None:
    """Rename the pages of a bundle `first`, `first + 1`, … in base 36; return the new ids in
    page order, or None (with a warning) when the bundle is not of the Pagefind we know."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeneratorError(f"{entry_path}: not Pagefind's entry file: {exc}") from None
    if entry.get("version") != PAGEFIND_VERSION:
        log(f"search index kept as Pagefind wrote it: version {entry.get('version')}, not {PAGEFIND_VERSION}")
        return None
    ids: list[str] = []
    for lang, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pf(meta_path)
        if meta[0] != PAGEFIND_VERSION:
            log(f"search index kept as Pagefind wrote it: {meta_path.name} is of version {meta[0]!r}")
            return None
        for page in meta[1]:
            new = base36(first + len(ids))
            # New ids have no `_`, unlike Pagefind's (`en_3f2a9c1`): no rename overwrites a fragment.
            os.replace(bundle / "fragment" / f"{page[0]}.pf_fragment", bundle / "fragment" / f"{new}.pf_fragment")
            page[0] = new
            ids.append(new)
        meta_path.unlink()
        digits = len(info["hash"]) - len(lang) - 1
        info["hash"] = write_pf(bundle, f"pagefind.{lang}", digits, ".pf_meta", meta).split(".", 1)[1]
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return ids


def read_fragment(path: Path) -> dict:
    """One of Pagefind's fragments (a page's url, content, meta and filters)."""
    data = path.read_bytes()
    try:
        if not data.startswith(SIGNATURE):
            data = gzip.decompress(data)
        return json.loads(data[len(SIGNATURE):])
    except (OSError, ValueError) as exc:
        raise GeneratorError(f"{path}: not a Pagefind fragment ({len(data)} bytes): {exc}") from None


def read_fragments(bundle: Path) -> dict[str, dict]:
    """Every fragment of a bundle, by page id."""
    return {path.name.removesuffix(".pf_fragment"): read_fragment(path)
            for path in (bundle / "fragment").glob("*.pf_fragment")}


def _check_order(bundle: Path, ids: list[str], papers: list[Paper], directory_urls: bool) -> None:
    """Pagefind numbers pages in the order they were added: check it at both ends of the table."""
    if len(ids) != len(papers):
        raise GeneratorError(f"pagefind indexed {len(ids)} of {len(papers)} papers in {bundle}")
    for k in sorted({0, len(ids) // 2, len(ids) - 1}):
        url = read_fragment(bundle / "fragment" / f"{ids[k]}.pf_fragment")["url"]
        if url != paper_url(papers[k], directory_urls):
            raise GeneratorError(f"pagefind put {url} at page {k} of {bundle}, "
                                 f"not {paper_url(papers[k], directory_urls)}")


def parts_of(papers: list[Paper]) -> list[list[Paper]]:
    """The papers of each bundle: contiguous runs of the newest-first order, each shortest first
    (word count as split on spaces, close to Pagefind's), so that its page table compresses."""
    if not papers:
        return []
    count = math.ceil(len(papers) / SHARD_PAGES)
    size = math.ceil(len(papers) / count)
    out = []
    for k in range(count):
        run = papers[k * size:(k + 1) * size]
        out.append(sorted(run, key=lambda p: len(p.title.split()) + len(p.abstract.split())))
    return out


class Indexer:
    """The search index of one build: `start` runs right after the archive is collected and
    indexes in the background while MkDocs renders the pages, `finish` after MkDocs has written
    the site."""

    def __init__(self, log: Callable[[str], None] = print) -> None:
        self.log = log
        self.papers = 0
        self.parts = 0
        self.seconds = 0.0
        """Time the background indexing took, from `start` to its end."""
        self.peak_mib = 0.0
        """Peak memory of the largest Pagefind process."""
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._output: Path | None = None

    def start(self, papers: list[Paper], directory_urls: bool = True, language: str = "en") -> None:
        """Begin indexing `papers` (model.Paper) on a thread of its own."""
        self.papers = len(papers)
        if not papers:
            return
        # Not in the site folder: MkDocs empties it after this point.
        self._output = Path(tempfile.mkdtemp(prefix="papers-pagefind-"))
        self._thread = threading.Thread(target=self._run, args=(list(papers), directory_urls, language),
                                        name="pagefind", daemon=True)
        self._thread.start()

    def _run(self, papers: list[Paper], directory_urls: bool, language: str) -> None:
        began = time.perf_counter()
        try:
            assert self._output is not None
            order = newest_first(papers, directory_urls)
            parts = parts_of(order)
            self.parts = len(parts)
            names = [""] + [f"part-{k}/" for k in range(2, len(parts) + 1)]
            page_of: dict[str, str] = {}
            for part, name in zip(parts, names):
                bundle = self._output / name
                self.peak_mib = max(self.peak_mib, index_bundle(part, bundle, directory_urls, language))
                ids = compact(bundle, len(page_of), self.log)
                if ids is None:
                    page_of.update((f["url"], page) for page, f in read_fragments(bundle).items())
                else:
                    _check_order(bundle, ids, part, directory_urls)
                    page_of.update(zip((paper_url(p, directory_urls) for p in part), ids))
                # Pagefind writes some files in a different order on every run.
                stabilize_bundle(bundle)
            urls = [paper_url(p, directory_urls) for p in order]
            sorts = {"pages": [page_of[url] for url in urls], "upvotes": [p.upvotes or 0 for p in order],
                     "comments": [p.comments or 0 for p in order]}
            (self._output / MANIFEST).write_text(json.dumps({"bundles": names[1:], "sorts": SORTS}), encoding="utf-8")
            (self._output / SORTS).write_text(json.dumps(sorts, separators=(",", ":")), encoding="utf-8")
        except BaseException as exc:  # reported by finish(), on the build's thread
            self._error = exc
        self.seconds = time.perf_counter() - began

    def finish(self, site_dir: Path) -> float:
        """Wait for the index, move it to `site_dir/pagefind`; return the seconds the build waited."""
        began = time.perf_counter()
        bundle = site_dir / "pagefind"
        shutil.rmtree(bundle, ignore_errors=True)
        if self._thread is None:
            self.log("search index skipped: no papers")
            return time.perf_counter() - began
        self._thread.join()
        output, self._output, self._thread = self._output, None, None
        assert output is not None
        try:
            if self._error is not None:
                error = self._error
                message = str(error) if isinstance(error, GeneratorError) else f"{type(error).__name__}: {error}"
                raise GeneratorError(f"search index failed: {message}".splitlines()[0])
            shutil.move(output, bundle)
        finally:
            shutil.rmtree(output, ignore_errors=True)
        waited = time.perf_counter() - began
        self.log(f"search index built in {self.seconds:.1f} s ({waited:.1f} s after the pages): {self.papers} papers"
                 + (f" in {self.parts} parts" if self.parts > 1 else "") + f", Pagefind peak {self.peak_mib:,.0f} MiB")
        return waited


def index_papers(papers: list[Paper], site_dir: Path, directory_urls: bool = True,
                 log: Callable[[str], None] = print) -> Indexer:
    """Index `papers` into `site_dir/pagefind` at once (tests and benchmarks); the finished Indexer."""
    indexer = Indexer(log)
    indexer.start(papers, directory_urls)
    indexer.finish(site_dir)
    return indexer
