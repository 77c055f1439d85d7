"""Find dump files, read and decode their bytes, and hand the text to the parser."""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable
from pathlib import Path

from .api import is_api_json, parse_api
from .capture import parse
from .model import Dump, GeneratorError, Problem
from .parse import paused_gc

# Files of a folder that are read as dumps; a file named on the command line is read whatever
# its name. Capture tools save markdown (FORMATS.md D, E, G): `.md` is read too, but for a
# folder's README.md, which is not a dump; `.json` is the API's JSON (form I).
DUMP_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".json", ""}
NOT_DUMPS = {"readme"}
# Bytes that never occur in text: NUL and the C0 controls other than tab, LF, FF, CR.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the bytes that are not UTF-8 as Windows-1252 (its five holes as Latin-1)."""
    assert isinstance(exc, UnicodeDecodeError)
    bad = exc.object[exc.start : exc.end]
    chars = []
    for byte in bad:
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars), exc.end


_CP1252_FALLBACK = "papers-cp1252"
codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def find_dumps(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their dump files, sorted by name; keep files as given."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in DUMP_SUFFIXES
                    and p.stem.lower() not in NOT_DUMPS
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            raise GeneratorError(f"no such file or folder: {path}")
    return found


def decode(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    """Decode a dump's bytes to text with `\\n` line ends, or None (with one error) for binary
    data or a saved HTML page.

    Each paste is decoded in its own encoding (FORMATS.md F): a file is cut where a UTF-16
    paste starts, at its byte-order mark or, without one, where NULs start to alternate with
    text (what PowerShell's `>>` appends to a UTF-8 dump: UTF-16 little-endian, Windows'
    own), and where a UTF-8 byte-order mark follows UTF-16 text. UTF-8 bytes that do not
    decode are read as Windows-1252, with a warning naming the line."""
    problems: list[Problem] = []
    # Whether the text may hold NULs or CRs, known from the bytes for UTF-8 (faster tests on
    # bytes: only the bytes 0 and 13 decode to them, the Windows-1252 fallback included).
    may_hold_nul = may_hold_cr = True
    # The bytes 0xFE and 0xFF never occur in UTF-8: without them and NUL there is no UTF-16 (each
    # a memchr over the bytes).
    if b"\x00" not in data and b"\xfe" not in data and b"\xff" not in data:
        sample = data[:65536]
        # One pass over the sample (deleting the controls), not one `count` per control byte.
        controls = len(sample) - len(sample.translate(None, _CONTROL))
        if sample and controls > len(sample) // 100:
            return None, [Problem(name, 0, "not a text dump: binary data", "error")]
        may_hold_nul = False
        may_hold_cr = b"\r" in data
        text = _utf8(data, name, 0, problems)
    else:
        parts = _encoded_parts(data)
        if parts is None:
            return None, [Problem(name, 0, "not a text dump: binary data", "error")]
        texts: list[str] = []
        for start, end, encoding in parts:
            if encoding == "utf-8":
                texts.append(_utf8(data[start:end], name, sum(t.count("\n") for t in texts), problems))
            else:
                texts.append(data[start:end].decode(encoding, errors="replace"))
        text = "".join(texts)
    # A byte-order mark opens each paste that was appended to the file (FORMATS.md F).
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    if may_hold_cr and "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if may_hold_nul and "\x00" in text:
        text = text.replace("\x00", "")
    if text.lstrip("\ufeff \t\n")[:15].lower().startswith(("<!doctype html", "<html", "<?xml")):
        return None, [Problem(name, 0, "not a text dump: an HTML page (save the page as text)", "error")]
    return text, problems


def _utf8(data: bytes, name: str, lines_before: int, problems: list[Problem]) -> str:
    """UTF-8 bytes as text; bytes that are not UTF-8 read as Windows-1252, with a warning."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = lines_before + data.count(b"\n", 0, exc.start) + 1
        problems.append(Problem(name, line, "not valid UTF-8: bytes decoded as Windows-1252"))
        return data.decode("utf-8", errors=_CP1252_FALLBACK)


_UTF16_MARKS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
# Only NULs in the first 64 KiB of a UTF-8 run make a file binary; a stray one further on is
# dropped from the text.
_SAMPLE = 65536


def _encoded_parts(data: bytes) -> list[tuple[int, int, str]] | None:
    """The (start, end, encoding) runs of bytes that hold NULs or UTF-16 byte-order marks, or
    None when they are binary: NULs that do not alternate with text, or UTF-16 that decodes to
    control characters."""
    cuts: list[tuple[int, str]] = [(0, "utf-8")]
    pos, n = 0, len(data)
    while pos < n:
        start, encoding = cuts[-1]
        if encoding == "utf-8":
            found = _next_utf16_start(data, pos, start)
            if found is None:
                break
            if found[1] is None:
                return None
            cuts.append(found)  # type: ignore[arg-type]
            pos = found[0] + 2
        else:
            # UTF-16 runs to the next UTF-8 byte-order mark on a code unit boundary (a UTF-8
            # paste appended after it), or to the end.
            at = data.find(codecs.BOM_UTF8, pos)
            while at >= 0 and (at - start) % 2:
                at = data.find(codecs.BOM_UTF8, at + 1)
            if at < 0:
                break
            cuts.append((at, "utf-8"))
            pos = at + 3
    parts = [(start, end, enc) for (start, enc), (end, _) in zip(cuts, [*cuts[1:], (n, "")]) if end > start]
    for start, end, enc in parts:
        if enc == "utf-8":
            chunk = data[start:min(end, start + _SAMPLE)]
            controls = len(chunk) - len(chunk.translate(None, _CONTROL))
            size = len(chunk)
        else:
            sample = data[start:min(end, start + _SAMPLE) // 2 * 2].decode(enc, errors="replace")
            controls = sum(1 for c in sample if c < " " and c not in "\t\n\r\x0c")
            size = len(sample)
        if size and controls > size // 100:
            return None
    return parts


def _next_utf16_start(data: bytes, pos: int, run_start: int) -> tuple[int, str | None] | None:
    """Where the next UTF-16 paste starts at or after `pos` in a UTF-8 run that started at
    `run_start`, and its encoding: at a UTF-16 byte-order mark, or at the text byte before the
    first NUL of NUL-interleaved text (little-endian, without a mark). (at, None) for a NUL in
    the run's first 64 KiB that no text alternates with (binary data); None when no UTF-16
    paste follows."""
    found = [(at, enc) for mark, enc in _UTF16_MARKS.items() if (at := data.find(mark, pos)) >= 0]
    nul = data.find(b"\x00", pos)
    while nul >= 0:
        if nul > pos and data[nul - 1] != 0 and data[nul + 1:nul + 2] != b"\x00" and data[nul + 2:nul + 3] in (b"\x00", b""):
            found.append((nul - 1, "utf-16-le"))
            break
        if nul - run_start < _SAMPLE:
            found.append((nul, None))
            break
        nul = data.find(b"\x00", nul + 1)  # a stray NUL far into the text: dropped later
    return min(found, key=lambda f: f[0]) if found else None


def read_dump(path: Path, cache: dict[tuple[str, bytes], Dump] | None = None) -> Dump:
    """Read, decode and parse one file; unreadable files become a Dump with one error.

    `cache` maps (file name, BLAKE2b digest of its bytes) to its Dump: a file whose bytes were
    parsed before (`mkdocs serve` rebuilding after an edit of another dump) is not parsed again.
    The cache is updated in place."""
    # A name that is not UTF-8 reaches Python with surrogates, which no output can encode
    # (papers.json, pages): shown with U+FFFD instead.
    name = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Dump(name, "?", (), problems=(Problem(name, 0, f"cannot read: {exc.strerror}", "error"),))
    if cache is None:
        # No digest without a cache: hashing the bytes costs a fifth of their parse time.
        return _parse_bytes(data, name)
    key = (name, hashlib.blake2b(data, digest_size=16).digest())
    if key not in cache:
        cache[key] = _parse_bytes(data, name)
    return cache[key]


def _parse_bytes(data: bytes, name: str) -> Dump:
    text, problems = decode(data, name)
    if text is None:
        return Dump(name, "?", (), problems=tuple(problems))
    # A `.json` file is the API's JSON (form I); so is a file of another name that holds JSON
    # and reads as an API response.
    dump = None
    if name.lower().endswith(".json"):
        dump = parse_api(text, name)
    elif is_api_json(text):
        dump = parse_api(text, name)
        if dump.layout == "?":
            dump = None
    if dump is None:
        dump = parse(text, name)
    # A rejected file is reported in one line: a decoding warning would only repeat it.
    if problems and dump.layout != "?":
        dump = Dump(dump.file, dump.layout, dump.records, dump.pastes, tuple(problems) + dump.problems)
    return dump


def read_dumps(paths: Iterable[str | Path], cache: dict[tuple[str, bytes], Dump] | None = None) -> list[Dump]:
    """Read every dump under the given files and folders, in name order. With `cache` (see
    read_dump), dumps whose bytes are unchanged are not parsed again, and the cache keeps only
    the dumps read now."""
    with paused_gc():
        dumps = [read_dump(p, cache) for p in find_dumps(paths)]
    if cache is not None:  # forget edited and deleted dumps
        keep = {id(d) for d in dumps}
        for key in [k for k, d in cache.items() if id(d) not in keep]:
            del cache[key]
    return dumps
