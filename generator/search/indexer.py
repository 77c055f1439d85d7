"""Build the Pagefind index of the archive from its papers, while MkDocs renders their pages.

`Indexer.start` runs as soon as the archive is collected: on a thread of its own, it hands each
paper to the Pagefind binary that `pagefind[extended]` ships, run as a service (the protocol of
Pagefind's own Python API, whose client waits 0.1 s per answer: 3 hours for 100,000 papers),
as a small HTML record (`paper_record`): the title in an <h1>, so that it outweighs the
abstract, then the abstract, the filters and the metadata the result list shows. The binary
works on the second core while MkDocs renders on the first; `Indexer.finish` waits for it and
moves the bundle into the built site.

Pagefind 1.5 needs about 120 KB of memory per paper to write its index, however small the
record, so an archive of more than SHARD_PAGES papers is indexed in parts, each its own bundle
(`pagefind/`, `pagefind/part-2/`, …), merged in the browser by Pagefind's `mergeIndex`: 100,000
papers take 8 parts of at most 2 GB each instead of 12 GB at once.

Under `mkdocs serve` the parts are different (IndexParts): about PREVIEW_PART papers each,
a paper's part chosen by a hash of its id, so that an edit makes one part again in the
background and the others are kept.

Every first query loads the page table of each bundle's metadata file: per page, its hash (the
name of its fragment file) and its word count. Pagefind's hashes are random hex strings that do
not compress, 6.7 bytes a page after gzip; `compact` renames the pages to a base-36 counter,
and the papers are handed to Pagefind shortest first, so that neighbouring entries of the table
share their word count: about 2 bytes a page.

Besides Pagefind's bundle, two small files of ours go to `site/pagefind/`, read by
generator/theme/assets/search.js:

- `papers-search.json`: the parts to merge into the search, and the first page number of each.
- `papers-sorts.json`: the pages newest first with their upvotes, comment counts and GitHub
  stars (`stars`, only when some paper has them), fetched
  only when a search is sorted. Pagefind's own sorts (data-pagefind-sort) live in the metadata file that every first
  query loads, at about 2 bytes a page each: 400 KB more at 100,000 papers.
- `papers-words.txt`: the archive's words and how many papers hold each (terms.vocabulary),
  fetched only when a query word is in no paper, to show the nearest word's results instead.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..data.model import GeneratorError, Paper
from ..pages.render import html_text, tex_text
from ..pages.urls import Urls
from .bundle import compact, read_fragment, read_fragments, stabilize_bundle, unknown_format
from .service import PagefindService
from .terms import hidden_terms, vocabulary

SHARD_PAGES = 12_500
"""Papers per Pagefind bundle (the newest may hold up to a quarter more, parts_of): about 1.75
GB of memory with Pagefind 1.5.2 (15,000 took 2.1 GB), which leaves room for the build that
runs beside it within 4 GB."""
MANIFEST = "papers-search.json"
SORTS = "papers-sorts.json"
CODE_FILTER, CODE_VALUE = "code", "yes"
"""The Pagefind filter of the papers whose captures give a GitHub repository, and its value."""
WORDS = "papers-words.txt"


def paper_record(paper: Paper, language: str = "en") -> str:
    """What Pagefind indexes of a paper: the text of its page and the data of generator/theme/main.html.

    Not a template: it is never shown, and 100,000 of them are built while MkDocs renders.
    Every value from the dumps is escaped (html_text), as on the paper's page; the title and
    abstract are their plain text (tex_text: `UFO³`), so a result shows no TeX source. Metadata
    fields `title_terms` and `terms` hold the words terms.hidden_terms adds to the title's and
    to the abstract's (and organization's); `organization` makes the organization's name found,
    `authors` the authors' names when a capture gives them (Paper.author_names). The hidden
    fields are searched and weighed by generator/theme/assets/search.js (its META_WEIGHTS), never shown.
    """
    year = str(paper.date.year) if paper.date else "Undated"
    data = [f'<span data-pagefind-filter="year">{year}</span>']
    data += [f'<span data-pagefind-filter="tag">{html_text(tag)}</span>' for tag in paper.tags]
    if paper.organization:
        data.append(f'<span data-pagefind-filter="organization">{html_text(paper.organization)}</span>')
    if paper.github_repo:  # the search page's "Has code" (only papers with code carry the filter)
        data.append(f'<span data-pagefind-filter="{CODE_FILTER}">{CODE_VALUE}</span>')
    if paper.date:
        data.append(f'<span data-pagefind-meta="date">{paper.date.isoformat()}</span>')
    if paper.upvotes is not None:
        data.append(f'<span data-pagefind-meta="upvotes">{paper.upvotes}</span>')
    if paper.comments:
        data.append(f'<span data-pagefind-meta="comments">{paper.comments}</span>')
    # Searched (Pagefind 1.5 searches metadata) but never shown: see terms.py. The
    # organization is found by its name too, not only through its filter.
    known: set[str] = set()
    for meta, text in (("title_terms", paper.title), ("terms", f"{paper.abstract} {paper.organization or ''}")):
        terms = hidden_terms(text, known)
        if terms:
            data.append(f'<span data-pagefind-meta="{meta}">{html_text(" ".join(terms))}</span>')
    if paper.organization:
        data.append(f'<span data-pagefind-meta="organization">{html_text(paper.organization)}</span>')
    if paper.author_names:
        data.append(f'<span data-pagefind-meta="authors">{html_text(", ".join(paper.author_names))}</span>')
    abstract = f"<p>{html_text(tex_text(paper.abstract))}</p>" if paper.abstract else ""
    return (f'<html lang="{html_text(language)}"><body><h1>{html_text(tex_text(paper.title))}</h1>{abstract}'
            f'<div data-pagefind-ignore>{"".join(data)}</div></body></html>')


def newest_first(papers: Iterable[Paper], urls: Urls) -> list[Paper]:
    """Papers by date, newest first, undated last; papers of one date by URL."""
    ordered = sorted(papers, key=urls.search_record)
    # A stable sort: papers of one date keep their URL order.
    ordered.sort(key=lambda p: p.date.isoformat() if p.date else "", reverse=True)
    return ordered


def searched_text(paper: Paper) -> str:
    """Everything of `paper` that its search record makes searchable, as one text: title,
    abstract, organization and authors' names (as written, TeX and all)."""
    return " ".join((paper.title, paper.abstract, paper.organization or "", " ".join(paper.author_names or ())))


def words_file(papers: Iterable[Paper]) -> str:
    """The text of WORDS for `papers`: a line per number of papers, most first, `count<TAB>` then
    the words held by that many papers, space-separated, in alphabetical order (terms.vocabulary)."""
    return "".join(f"{count}\t{' '.join(words)}\n" for count, words in vocabulary(map(searched_text, papers)))


def index_bundle(papers: list[Paper], output: Path, urls: Urls, language: str = "en",
                 stop: threading.Event | None = None) -> float:
    """Index `papers` into one Pagefind bundle at `output`, in this order, each under its
    `urls.search_record` URL; return the peak memory of Pagefind in MiB. Raises GeneratorError
    when Pagefind fails, or "search index cancelled" once `stop` is set."""
    service = PagefindService()
    done = threading.Event()
    if stop is not None:  # a cancelled index stops Pagefind at once, even while it writes
        threading.Thread(target=_kill_when, args=(stop, done, service), name="pagefind-cancel", daemon=True).start()
    try:
        index_id = service.wait(service.send({"type": "NewIndex", "config": None}, answer=True))["index_id"]
        for n, paper in enumerate(papers):
            if stop is not None and n % 500 == 0 and stop.is_set():
                raise GeneratorError("search index cancelled")
            service.send({"type": "AddFile", "index_id": index_id, "url": urls.search_record(paper),
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
    except GeneratorError:
        if stop is not None and stop.is_set():
            raise GeneratorError("search index cancelled") from None
        raise
    finally:
        done.set()
        service.close()


def _kill_when(stop: threading.Event, done: threading.Event, service: PagefindService) -> None:
    """Kill `service` once `stop` is set, unless `done` is set first."""
    while not done.is_set():
        if stop.wait(0.2):
            service.kill()
            return


def _check_order(bundle: Path, ids: list[str], papers: list[Paper], urls: Urls) -> None:
    """Pagefind numbers pages in the order they were added: check it at both ends of the table."""
    if len(ids) != len(papers):
        raise GeneratorError(f"pagefind indexed {len(ids)} of {len(papers)} papers in {bundle}")
    for k in sorted({0, len(ids) // 2, len(ids) - 1}):
        url = read_fragment(bundle / "fragment" / f"{ids[k]}.pf_fragment")["url"]
        if url != urls.search_record(papers[k]):
            raise GeneratorError(f"pagefind put {url} at page {k} of {bundle}, "
                                 f"not {urls.search_record(papers[k])}")


@dataclass(frozen=True)
class Part:
    """One bundle of a published index: `papers` in the order Pagefind gets them, their pages
    numbered from `first` (search.bundle.compact)."""

    papers: list[Paper]
    first: int


def arrival_order(papers: Iterable[Paper], urls: Urls) -> list[Paper]:
    """Papers in the order an archive grows: oldest date first, undated papers last (they come
    with new compact captures), papers of one date by URL."""
    ordered = sorted(papers, key=urls.search_record)
    ordered.sort(key=lambda p: p.date.isoformat() if p.date else "9999")  # stable: URL order kept
    return ordered


def parts_of(papers: Iterable[Paper], urls: Urls) -> list[Part]:
    """The bundles of a published index of `papers`: runs of SHARD_PAGES papers of
    `arrival_order`, counted from the oldest, so that new papers change the newest bundle only
    and every older one is kept (`Indexer` with `kept`; a dump of older papers moves the runs
    after them). The papers after the last full run are a bundle of their own when they are at
    least SHARD_PAGES / 4, else part of the newest full run (at most 1.25 * SHARD_PAGES papers:
    about 2.2 GB of Pagefind's memory). Each bundle is handed to Pagefind newest, then shortest first
    (`shortest_first`), its pages numbered from `first`, SHARD_PAGES times its place from the
    oldest: ascending, as search.js reads them.

    One bundle up to SHARD_PAGES papers: Pagefind ranks within a bundle (its word statistics
    are the bundle's), so splitting an archive of 9,205 real papers in two lowered recall@10
    of the search-quality set (tests/test_search_quality.py)."""
    ordered = arrival_order(papers, urls)
    if not ordered:
        return []
    full, rest = divmod(len(ordered), SHARD_PAGES)
    count = full + 1 if not full or rest >= SHARD_PAGES / 4 else full
    runs = [ordered[k * SHARD_PAGES:(k + 1) * SHARD_PAGES] for k in range(count - 1)]
    runs.append(ordered[(count - 1) * SHARD_PAGES:])
    # Within a bundle newest first, then shortest first (a stable sort): an archive of one
    # bundle is indexed in the order it was before bundles were counted from the oldest.
    return [Part(shortest_first(newest_first(run, urls)), k * SHARD_PAGES) for k, run in enumerate(runs)]


def shortest_first(papers: list[Paper]) -> list[Paper]:
    """`papers` by word count (title and abstract split on spaces, close to Pagefind's), a
    stable sort: neighbouring entries of a bundle's page table then share their word count."""
    return sorted(papers, key=lambda p: len(p.title.split()) + len(p.abstract.split()))


def part_key(part: Part, urls: Urls, language: str) -> str:
    """What a published bundle is made of, as a digest: every field of its papers that
    `paper_record` reads, each paper's URL, their order, the first page number, the language.
    Two bundles of one key are byte-identical (with the same code and Pagefind, which the
    build cache checks: site/caches.py)."""
    digest = hashlib.blake2b(repr((part.first, language)).encode(), digest_size=16)
    for p in part.papers:
        digest.update(repr((urls.search_record(p), p.title, p.abstract, p.tags, p.organization, p.date,
                            p.upvotes, p.comments, p.author_names, p.github_repo)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass
class KeptBundle:
    """A bundle of the last published index that this index holds again (Indexer `kept`)."""

    name: str
    """Its folder in the last build's `pagefind/` ("" for the bundle at its root)."""
    ids: list[str | None]
    """Its page ids, in the order of its papers (None for a paper Pagefind left out)."""


PREVIEW_PART = 2_000
"""Papers per part of the index under `mkdocs serve` (IndexParts): an edit makes one part
again, about a fifth of the index of 10,000 papers."""
PREVIEW_FIRST = 1_000_000
"""Part k of a preview's index numbers its pages from k * PREVIEW_FIRST (search.bundle.compact),
so that a part made again leaves the others' page ids alone."""


@dataclass
class IndexParts:
    """The search index of one `mkdocs serve` in parts that are made again alone: each paper
    belongs to a part by a stable hash of its id, and a part whose papers equal (as values) those
    it was made of is not indexed again. Published builds index as `parts_of` says instead:
    parts by date, which their first query loads fewer bytes of, and which new papers leave
    alone but the newest."""

    folder: Path
    """Where the parts' bundles live for the session."""
    count: int = 0
    """Parts, fixed at the first index of the session: at least one per PREVIEW_PART papers."""
    made: dict[int, tuple[tuple[Paper, ...], Path, list[str | None]]] = field(default_factory=dict)
    """Per part: the papers it holds (in order), its bundle, and their page ids."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while an index is made from the parts: one at a time."""
    indexed: int = 0
    """Parts indexed by the last index (the others were kept)."""

    def part_of(self, paper: Paper) -> int:
        """The part of `paper`: a hash of its id, the same in every build."""
        digest = hashlib.blake2b(paper.id.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count


class Indexer:
    """The search index of one build: `start` runs right after the archive is collected and
    indexes in the background while MkDocs renders the pages, `finish` after MkDocs has written
    the site. With `parts` (`mkdocs serve`), the index is made of IndexParts."""

    def __init__(self, log: Callable[[str], None] = print, parts: IndexParts | None = None,
                 kept: dict[str, KeptBundle] | None = None) -> None:
        self.log = log
        self.preview_parts = parts
        self.kept = kept or {}
        """The last published index's bundles by part_key, from the build cache: a bundle of
        this index with one of these keys is taken from the last build's `pagefind/` (`finish`)
        instead of being indexed again."""
        self.bundles: dict[str, KeptBundle] = {}
        """This index's bundles by part_key (what the build cache keeps for the next build)."""
        self._taken: list[tuple[str, str]] = []
        """(folder in the last index, folder in this one) of each bundle kept."""
        self.papers = 0
        self.parts = 0
        self.seconds = 0.0
        """Time the background indexing took, from `start` to its end."""
        self.peak_mib = 0.0
        """Peak memory of the largest Pagefind process."""
        self.format_warning: str | None = None
        """Said once when Pagefind's files are not of the format search.bundle rewrites."""
        self.unindexed: list[Paper] = []
        """Papers Pagefind left out of the index (no word to index): the build reports each."""
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._output: Path | None = None
        self._stop = threading.Event()

    def report_unindexed(self, warn: Callable[[str], None]) -> int:
        """Each paper Pagefind left out of the index (`unindexed`), as a warning by `warn`
        naming where it was read (the build goes on; `--strict` fails on it); returns how many."""
        for paper in self.unindexed:
            where = f"{paper.sources[0].file}:{paper.sources[0].line}" if paper.sources else paper.id
            warn(f"{where}: not in the search index: Pagefind found no word to index in {paper.title[:80]!r}")
        return len(self.unindexed)

    def cancel(self) -> None:
        """Stop indexing soon (`mkdocs serve`: a newer build has started); `finish` then raises
        GeneratorError("search index cancelled")."""
        self._stop.set()

    def start(self, papers: list[Paper], urls: Urls | None = None, language: str = "en") -> None:
        """Begin indexing `papers` (model.Paper) on a thread of its own, under their URLs by
        `urls` (directory URLs when None), in `language` (an HTML lang code)."""
        self.papers = len(papers)
        if not papers:
            return
        # Not in the site folder: MkDocs empties it after this point.
        self._output = Path(tempfile.mkdtemp(prefix="papers-pagefind-"))
        self._thread = threading.Thread(target=self._run, args=(list(papers), urls or Urls(), language),
                                        name="pagefind", daemon=True)
        self._thread.start()

    def _index_part(self, part: list[Paper], bundle: Path, urls: Urls, language: str, first: int) -> list[str | None]:
        """Index `part` into the bundle at `bundle`, its pages numbered from `first`; return
        their page ids in order, None for a paper that Pagefind left out (it indexes no page
        without a word in it: a title of punctuation and no abstract), which is added to
        `unindexed` and the bundle made again without it. Raises GeneratorError as
        index_bundle does."""
        self.peak_mib = max(self.peak_mib, index_bundle(part, bundle, urls, language, self._stop))
        unknown = unknown_format(bundle)
        found = None
        if unknown is not None or len(list((bundle / "fragment").glob("*.pf_fragment"))) != len(part):
            found = {f["url"]: page for page, f in read_fragments(bundle).items()}
        if unknown is not None:
            # Another Pagefind than the pinned one: its files are left as it wrote them.
            if not self.format_warning:
                self.format_warning = f"search index kept as Pagefind wrote it (not compacted, not byte-stable): {unknown}"
                self.log(self.format_warning)
            assert found is not None
            left_out = [p for p in part if urls.search_record(p) not in found]
            self.unindexed.extend(left_out)
            return [found.get(urls.search_record(p)) for p in part]
        if found is not None:
            left_out = {id(p) for p in part if urls.search_record(p) not in found}
            if left_out:
                self.unindexed.extend(p for p in part if id(p) in left_out)
                shutil.rmtree(bundle)
                kept = self._index_part([p for p in part if id(p) not in left_out], bundle, urls, language, first)
                ids = iter(kept)
                return [None if id(p) in left_out else next(ids) for p in part]
        ids = compact(bundle, first)
        _check_order(bundle, ids, part, urls)
        # Pagefind writes some files in a different order on every run.
        stabilize_bundle(bundle)
        return list(ids)

    def _run(self, papers: list[Paper], urls: Urls, language: str) -> None:
        began = time.perf_counter()
        try:
            assert self._output is not None
            order = newest_first(papers, urls)
            if self.preview_parts is not None:
                with self.preview_parts.lock:
                    names, page_of, firsts = self._preview_parts(order, urls, language)
            else:
                parts = parts_of(papers, urls)
                self.parts = len(parts)
                names = [""] + [f"part-{k}/" for k in range(2, len(parts) + 1)]
                firsts = [part.first for part in parts]
                page_of = {}
                for part, name in zip(parts, names):
                    key = part_key(part, urls, language)
                    kept = self.kept.get(key)
                    if kept is not None:
                        ids = kept.ids
                        self._taken.append((kept.name, name))
                        self.unindexed.extend(p for p, page in zip(part.papers, ids) if page is None)
                    else:
                        ids = self._index_part(part.papers, self._output / name, urls, language, part.first)
                    self.bundles[key] = KeptBundle(name, ids)
                    page_of.update((urls.search_record(p), page) for p, page in zip(part.papers, ids) if page is not None)
            order = [p for p in order if urls.search_record(p) in page_of]
            sorts = {"pages": [page_of[urls.search_record(p)] for p in order], "upvotes": [p.upvotes or 0 for p in order],
                     "comments": [p.comments or 0 for p in order]}
            if any(p.github_stars for p in order):  # else no sort by stars is offered (search.md.j2)
                sorts["stars"] = [p.github_stars or 0 for p in order]
            # The first page number of each bundle, so that search.js knows a result's bundle by
            # its id (base 36); none when Pagefind's own ids were kept (another format).
            manifest = {"bundles": names[1:], "sorts": SORTS, "words": WORDS, "firsts": None if self.format_warning else firsts}
            (self._output / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            (self._output / SORTS).write_text(json.dumps(sorts, separators=(",", ":")), encoding="utf-8")
            (self._output / WORDS).write_text(words_file(order), encoding="utf-8")
        except BaseException as exc:  # reported by finish(), on the build's thread
            self._error = exc
        self.seconds = time.perf_counter() - began

    def _preview_parts(self, order: list[Paper], urls: Urls, language: str) -> tuple[list[str], dict[str, str], list[int]]:
        """Serve: the index as IndexParts, the parts whose papers changed indexed again, the
        others kept, all linked into the output bundle (hard links: the parts' own files can
        be replaced while the site serves this index). Returns the bundle names (the first
        part at the root, "" ), the page id of each search record URL and the first page
        number of each bundle."""
        cache = self.preview_parts
        assert cache is not None and self._output is not None
        if not cache.count:
            cache.count = max(1, math.ceil(len(order) / PREVIEW_PART))
        groups: list[list[Paper]] = [[] for _ in range(cache.count)]
        for paper in order:
            groups[cache.part_of(paper)].append(paper)
        names: list[str] = []
        page_of: dict[str, str] = {}
        firsts: list[int] = []
        cache.indexed = 0
        for k, group in enumerate(groups):
            if not group:
                continue
            part = shortest_first(group) if len(group) <= SHARD_PAGES else group
            key = tuple(part)
            made = cache.made.get(k)
            if made is None or made[0] != key:
                bundle = Path(tempfile.mkdtemp(prefix=f"part-{k}-", dir=cache.folder))
                ids = self._index_part(part, bundle, urls, language, k * PREVIEW_FIRST)
                if made is not None:
                    shutil.rmtree(made[1], ignore_errors=True)
                made = cache.made[k] = (key, bundle, ids)
                cache.indexed += 1
            else:
                self.unindexed.extend(p for p, page in zip(part, made[2]) if page is None)
            name = f"part-{k + 1}/" if names else ""
            _link_tree(made[1], self._output / name)
            names.append(name)
            firsts.append(k * PREVIEW_FIRST)
            page_of.update((urls.search_record(p), page) for p, page in zip(part, made[2]) if page is not None)
        self.parts = len(names)
        return names, page_of, firsts


    def finish(self, site_dir: Path) -> float:
        """Wait for the index, move it to `site_dir/pagefind`; return the seconds the build waited."""
        began = time.perf_counter()
        bundle = site_dir / "pagefind"
        # The last build's index, where the build cache put it back (site/preview.py): its
        # bundles that this index keeps are moved from there.
        last = site_dir.with_name(site_dir.name + ".papers-last-index")
        shutil.rmtree(last, ignore_errors=True)
        if bundle.exists():
            os.replace(bundle, last)
        try:
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
            for old, new in self._taken:
                _move_bundle(last / old, bundle / new)
        finally:
            shutil.rmtree(last, ignore_errors=True)
        waited = time.perf_counter() - began
        kept = f", {len(self._taken)} of them kept from the last build" if self._taken else ""
        self.log(f"search index built in {self.seconds:.1f} s ({waited:.1f} s after the pages): {self.papers} papers"
                 + (f" in {self.parts} parts" if self.parts > 1 else "") + kept
                 + f", Pagefind peak {self.peak_mib:,.0f} MiB")
        return waited


def index_papers(papers: list[Paper], site_dir: Path, urls: Urls | None = None,
                 log: Callable[[str], None] = print) -> Indexer:
    """Index `papers` into `site_dir/pagefind` at once (tests and benchmarks); the finished Indexer."""
    indexer = Indexer(log)
    indexer.start(papers, urls)
    indexer.finish(site_dir)
    return indexer


_PART_FOLDER = re.compile(r"part-\d+")


def _move_bundle(source: Path, target: Path) -> None:
    """Move the bundle at `source` to `target` (both in one file system): its files and
    folders, not the other bundles nested in the index's root bundle (`part-N/`) nor the
    index's own files (MANIFEST, SORTS). Raises GeneratorError when it is not there (the
    build cache checked the site, so something else changed it meanwhile)."""
    if not (source / "pagefind-entry.json").is_file():
        raise GeneratorError(f"search index: the bundle kept from the last build is gone from {source}")
    target.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(source):
        if entry.name in (MANIFEST, SORTS, WORDS) or (entry.is_dir() and _PART_FOLDER.fullmatch(entry.name)):
            continue
        os.replace(entry.path, target / entry.name)


def _link_tree(source: Path, target: Path) -> None:
    """Hard links of every file under `source` at the same places under `target` (copies
    where the file system has no hard links). Raises OSError when neither can be made."""
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link, dirs_exist_ok=True)
