"""Find dump files, read and decode their bytes, and hand the text to the parser."""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable
from pathlib import Path

from .model import Dump, GeneratorError, Problem
from .parse import parse, paused_gc

# Files of a folder that are read as dumps; a file named on the command line is read whatever
# its name. Capture tools save markdown (FORMATS.md D, E): `.md` is read too, but for a folder's
# README.md, which is not a dump.
DUMP_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
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
    """Decode a dump's bytes to text with `\\n` line ends, or None for binary data."""
    problems: list[Problem] = []
    # Whether the text may hold NULs or CRs, known from the bytes for UTF-8 (faster tests on
    # bytes: only the bytes 0 and 13 decode to them, the Windows-1252 fallback included).
    may_hold_nul = may_hold_cr = True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None, [Problem(name, 0, "not a text dump: invalid UTF-16", "error")]
    else:
        sample = data[:65536]
        # One pass over the sample (deleting the controls), not one `count` per control byte.
        controls = len(sample) - len(sample.translate(None, _CONTROL))
        if b"\x00" in sample or (sample and controls > len(sample) // 100):
            return None, [Problem(name, 0, "not a text dump: binary data", "error")]
        may_hold_nul = b"\x00" in data
        may_hold_cr = b"\r" in data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            problems.append(Problem(name, line, "not valid UTF-8: bytes decoded as Windows-1252"))
            text = data.decode("utf-8", errors=_CP1252_FALLBACK)
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
