"""Pagefind's file format: read and rewrite the index files of the Pagefind we pin.

Two rewrites, both of this exact format, so both behind one check (`unknown_format`): on any
other version of Pagefind's files, the bundle is left as Pagefind wrote it (searchable, only
larger and not byte-stable), with one warning.

- `compact` renames the pages of a bundle to a base-36 counter (a first query fetches the
  page table: 2 bytes a page instead of 7), and widens the ranges of its word-list chunks so
  that a query word loads every chunk of the words it starts (`extend_chunks`).
- `stabilize_bundle` makes the bundle byte-identical between two builds: Pagefind (1.5) writes
  its filter indexes from hash maps, so their order changes from run to run, and with it the
  files' names. Each filter file is rewritten with its values by name and renamed by its new
  content, and the metadata file that lists them with it.

The files are gzip-compressed CBOR behind a `pagefind_dcd` signature. The papers' records carry
no sort keys (the indexer writes the sort orders to a file of its own), so the metadata's sort
orders are empty and left alone.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import cbor2

from ..data.model import GeneratorError

PAGEFIND_VERSION = "1.5.2"
"""The Pagefind whose index format this module reads and rewrites (pinned in pyproject.toml)."""
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"

SIGNATURE = b"pagefind_dcd"


def read_pf(path: Path):
    """The CBOR content of a Pagefind index file."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind index file")
    return cbor2.loads(data[len(SIGNATURE):])


def write_pf(folder: Path, prefix: str, digits: int, suffix: str, item) -> str:
    """Write an index file named by its content; return its name as Pagefind refers to it."""
    # Definite lengths and the shortest integers, as Pagefind's encoder (minicbor) writes them.
    data = SIGNATURE + cbor2.dumps(item)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return name


def unknown_format(bundle: Path) -> str | None:
    """Why the bundle at `bundle` (a folder holding `pagefind-entry.json`) is not of the format
    this module rewrites, PAGEFIND_VERSION's; None when it is. Reads the entry file and each
    language's metadata file, whose first field is the version that wrote it. Raises
    GeneratorError when the entry file is missing or not JSON (Pagefind did not finish)."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeneratorError(f"{entry_path}: not Pagefind's entry file: {exc}") from None
    if entry.get("version") != PAGEFIND_VERSION:
        return f"its entry file is of Pagefind {entry.get('version')!r}, not {PAGEFIND_VERSION}"
    for info in (entry.get("languages") or {}).values():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        try:
            version = read_pf(meta_path)[0]
        except (OSError, ValueError, IndexError, TypeError) as exc:
            return f"{meta_path.name} is not of the format we know ({exc})"
        if version != PAGEFIND_VERSION:
            return f"{meta_path.name} is of Pagefind {version!r}, not {PAGEFIND_VERSION}"
    return None


def stabilize_bundle(pagefind: Path) -> None:
    """Rewrite the filter files of one bundle in one order; rename them and its metadata file."""
    entry_path = pagefind / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = pagefind / f"pagefind.{info['hash']}.pf_meta"
        version, pages, chunks, filters, *rest = read_pf(meta_path)
        stable_filters = []
        for name, filter_hash in sorted(filters):
            path = pagefind / "filter" / f"{filter_hash}.pf_filter"
            filter_name, entries = read_pf(path)
            path.unlink()
            entries = sorted(([value, sorted(ids)] for value, ids in entries), key=lambda e: e[0])
            digits = len(filter_hash) - len(lang) - 1
            stable_filters.append([name, write_pf(path.parent, lang, digits, ".pf_filter", [filter_name, entries])])
        meta_path.unlink()
        digits = len(info["hash"]) - len(lang) - 1
        meta = [version, pages, chunks, stable_filters, *rest]
        info["hash"] = write_pf(pagefind, f"pagefind.{lang}", digits, ".pf_meta", meta).split(".", 1)[1]
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def base36(n: int) -> str:
    """`n` in base 36, the shortest page id a URL can carry without escapes."""
    out = ""
    while True:
        n, digit = divmod(n, 36)
        out = _DIGITS[digit] + out
        if not n:
            return out


def extend_chunks(chunks: list[list[str]]) -> None:
    """Widen the word ranges of a bundle's word-list chunks (the metadata's [from, to, hash]
    rows, in order) so that a query word loads the chunk after its own when that one holds
    words it starts.

    Pagefind 1.5.2's search loads, for a query word, the chunks whose range holds the word
    (`request_indexes` in pagefind_web/src/lib.rs), and only when none does the chunks that may
    hold words it starts. Its ranges end one letter after the start two neighbouring chunks'
    words share, and a chunk often ends at a common word whose extensions start the next one
    (`llm`, then `llm2`…`llms`): a first search for `llm` loaded only the chunk that ends with it
    and missed LLMs and LLM-based (the stems `llms`, `llmbas`), which a later search for `llms`
    loaded. When a range ends with a whole word (`to`) that the next range starts with, the next
    range starts at that word: both chunks hold it now, and no other word falls in the widened
    range. (Moving the word into the next chunk instead takes rewriting most chunks: about 20 s
    for 9,205 papers.)"""
    for before, after in zip(chunks, chunks[1:]):
        if before[1] and after[0].startswith(before[1]):
            after[0] = before[1]


def compact(bundle: Path, first: int) -> list[str]:
    """Rename the pages of a bundle `first`, `first + 1`, … in base 36 and widen its chunks'
    ranges (`extend_chunks`); return the new page ids in page order. Only for a bundle of the
    format we know (`unknown_format` is None)."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    ids: list[str] = []
    for lang, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pf(meta_path)
        for page in meta[1]:
            new = base36(first + len(ids))
            # New ids have no `_`, unlike Pagefind's (`en_3f2a9c1`): no rename overwrites a fragment.
            os.replace(bundle / "fragment" / f"{page[0]}.pf_fragment", bundle / "fragment" / f"{new}.pf_fragment")
            page[0] = new
            ids.append(new)
        extend_chunks(meta[2])
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
