"""Make Pagefind's index byte-identical between two builds of the same site.

Pagefind (1.5) writes its filter indexes from hash maps, so their order changes from run to
run, and with it the files' names: the values of each filter come in any order. Its fragments,
word indexes and page order are stable. Here each filter file is rewritten with its values by
name and renamed by its new content, and the metadata file that lists them with it.

The files are gzip-compressed CBOR behind a `pagefind_dcd` signature. The papers' records carry
no sort keys (search.py writes the sort orders to a file of its own), so the metadata's sort
orders are empty and left alone.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

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
