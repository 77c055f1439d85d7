"""Make Pagefind's index byte-identical between two builds of the same site.

Pagefind (1.5) writes its filter indexes and the sort orders of its metadata file from hash
maps, so their order changes from run to run, and with it the files' names: the values of each
filter come in any order, and pages with equal sort values (two papers of one day) in any order
among themselves. Its fragments and word indexes are already stable. Here the unstable files are
rewritten in one order (filter values by name; pages of equal sort value by page number) and
renamed by their new content, and pagefind-entry.json points at the new metadata file.

The files are gzip-compressed CBOR behind a `pagefind_dcd` signature; the small CBOR codec below
covers what Pagefind writes (integers, strings, arrays, maps).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

SIGNATURE = b"pagefind_dcd"
# An element's text as a sort value: <span data-pagefind-sort="date">2025-11-11</span>.
_SORT = re.compile(rb'data-pagefind-sort="([^"\[\]:]+)"[^>]*>([^<]*)<')
_SORT_INLINE = re.compile(rb'data-pagefind-sort="([^"\[\]:]+):([^"]*)"')


def _decode(data: bytes, i: int = 0):
    head = data[i]
    major, info = head >> 5, head & 31
    i += 1
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        value = int.from_bytes(data[i:i + size], "big")
        i += size
    else:
        raise ValueError(f"CBOR item not written by Pagefind at byte {i - 1}")
    if major == 0:
        return value, i
    if major == 1:
        return -1 - value, i
    if major == 2:
        return data[i:i + value], i + value
    if major == 3:
        return data[i:i + value].decode("utf-8"), i + value
    if major == 4:
        items = []
        for _ in range(value):
            item, i = _decode(data, i)
            items.append(item)
        return items, i
    if major == 5:
        mapping = {}
        for _ in range(value):
            key, i = _decode(data, i)
            mapping[key], i = _decode(data, i)
        return mapping, i
    if major == 7 and value in (20, 21, 22):
        return {20: False, 21: True, 22: None}[value], i
    raise ValueError(f"CBOR item not written by Pagefind at byte {i - 1}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError(f"integer too large for CBOR: {value}")


def _encode(item) -> bytes:
    if item is None or isinstance(item, bool):
        return bytes([0xF6 if item is None else (0xF5 if item else 0xF4)])
    if isinstance(item, int):
        return _head(0, item) if item >= 0 else _head(1, -1 - item)
    if isinstance(item, bytes):
        return _head(2, len(item)) + item
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(item, list):
        return _head(4, len(item)) + b"".join(_encode(x) for x in item)
    if isinstance(item, dict):
        return _head(5, len(item)) + b"".join(_encode(k) + _encode(v) for k, v in item.items())
    raise TypeError(type(item))


def read_pf(path: Path):
    """The CBOR content of a Pagefind index file."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind index file")
    item, end = _decode(data, len(SIGNATURE))
    if end != len(data):
        raise ValueError(f"{path}: trailing bytes")
    return item


def _write_pf(folder: Path, prefix: str, digits: int, suffix: str, item) -> str:
    """Write an index file named by its content; return its hash as Pagefind names it."""
    data = SIGNATURE + _encode(item)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return name


def _sort_values(site_dir: Path, pagefind: Path, pages: list) -> list[dict[str, bytes]]:
    """Each page's sort values, read from its built HTML as Pagefind read them."""
    values = []
    for fragment_hash, *_ in pages:
        fragment = json.loads(gzip.decompress((pagefind / "fragment" / f"{fragment_hash}.pf_fragment")
                                              .read_bytes())[len(SIGNATURE):])
        path = site_dir / fragment["url"].lstrip("/")
        html = (path / "index.html" if not path.suffix else path).read_bytes()
        found = {m[1].decode(): m[2].strip() for m in _SORT.finditer(html)}
        found.update({m[1].decode(): m[2].strip() for m in _SORT_INLINE.finditer(html)})
        values.append(found)
    return values


def _stable_order(order: list[int], keys: list[bytes | None]) -> list[int]:
    """Pagefind's order, with each run of pages of equal sort value (`keys[page]`) by page number."""
    out: list[int] = []
    run: list[int] = []
    for page in order:
        if run and keys[page] != keys[run[0]]:
            out += sorted(run)
            run = []
        run.append(page)
    return out + sorted(run)


def stabilize(site_dir: Path) -> None:
    """Rewrite the unstable files of every Pagefind bundle under `site_dir/pagefind` (a large
    archive is indexed in parts, each a bundle) in one order, named by content."""
    for entry_path in sorted((site_dir / "pagefind").rglob("pagefind-entry.json")):
        _stabilize_bundle(site_dir, entry_path.parent)


def _stabilize_bundle(site_dir: Path, pagefind: Path) -> None:
    entry_path = pagefind / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry["languages"].items():
        meta_path = pagefind / f"pagefind.{info['hash']}.pf_meta"
        version, pages, chunks, filters, sorts, *rest = read_pf(meta_path)
        stable_filters = []
        for name, filter_hash in sorted(filters):
            path = pagefind / "filter" / f"{filter_hash}.pf_filter"
            filter_name, entries = read_pf(path)
            path.unlink()
            entries = sorted(([value, sorted(ids)] for value, ids in entries), key=lambda e: e[0])
            digits = len(filter_hash) - len(lang) - 1
            stable_filters.append([name, _write_pf(path.parent, lang, digits, ".pf_filter", [filter_name, entries])])
        if sorts:
            values = _sort_values(site_dir, pagefind, pages)
            sorts = [
                [name, _stable_order(order, [found.get(name) for found in values])]
                for name, order in sorted(sorts)
            ]
        meta_path.unlink()
        digits = len(info["hash"]) - len(lang) - 1
        meta = [version, pages, chunks, stable_filters, sorts, *rest]
        info["hash"] = _write_pf(pagefind, f"pagefind.{lang}", digits, ".pf_meta", meta).split(".", 1)[1]
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
