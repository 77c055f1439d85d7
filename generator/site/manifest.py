"""The build cache on disk: a versioned JSON manifest and content-addressed parts, no pickle.

`<cache_dir>/manifest.json` names what the cached results were made under and lists the
files that hold them:

    {"format": FORMAT, "code": code_hash(), "key": the build key (caches.build_key),
     "parts": {name: {"object": "<blake2b-256 hex>.json", "bytes": size}},
     "sitemaps": {"inputs": digest of (paper URLs, date), "outputs": [{"path": site path,
                  "object": "<hex>.gz", "bytes": size}]} or null}

Every part and payload is a file of `<cache_dir>/objects/` named by the BLAKE2b-256 digest of
its bytes, checked when read: a file whose bytes do not match its name is a corrupt cache.
Parts are JSON in the tagged form `encode` writes (a JSON list is a list; every JSON object
has one key naming what it is: `t` tuple, `s` set, `f` frozenset, `d` dict as [key, value,
...], `u` bytes that are UTF-8 text, `b` other bytes in base64, `D` date, `M`
markupsafe.Markup (HTML already escaped), `o` an object of a class in `CLASSES`, `S` a string
of LONG characters or more, `r` the n-th such object or string again: a listing page's
Markdown, held by two caches, is written once). Reading them builds only those types, setting their attributes without
calling any of their code, so a hostile cache folder can make the build start from scratch
or fail, but not run anything (pickle runs code on load). Files are written to a temporary
name and renamed; the manifest last, so a reader sees the old cache or the whole new one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import date
from pathlib import Path

from markupsafe import Markup

from ..data.model import Paper, Source
from ..data.parse import paused_gc
from ..data.tags import Tag, Taxonomy
from ..pages.feeds import Feed
from ..pages.render import Listing
from ..pages.urls import Urls
from ..search.indexer import KeptBundle
from .preview import Kept

FORMAT = 2
"""The manifest's format version: a manifest of another one is not read (build from scratch)."""
MANIFEST = "manifest.json"
OBJECTS = "objects"
CLASSES: dict[str, type] = {cls.__name__: cls for cls in (Paper, Source, Tag, Taxonomy, Listing, Feed, Urls,
                                                          Kept, KeptBundle)}
"""The only classes a part may hold (by name): plain value objects, rebuilt attribute by attribute."""
_PACKAGE = Path(__file__).resolve().parents[1]


class CorruptCache(ValueError):
    """The build cache cannot be read as written: it is ignored (build from scratch)."""


def code_hash() -> str:
    """A hex digest of the generator's code: its .py files and templates (paths and bytes)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".j2", ".html", ".js", ".css") and path.is_file():
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def encode(value: object) -> bytes:
    """`value` in the tagged JSON form (module docstring), ASCII (JSON escapes the rest; faster
    to write than UTF-8). Raises TypeError for a value
    of another type than str, int, float, bool, None, list, tuple, set, frozenset, dict, bytes,
    date, Markup and the classes of CLASSES. Objects met twice are written once (`r`), as pickle
    would share them."""
    return b"".join(_Encoder().pieces(value))


class _Encoder:
    """The tagged form of one value, written in pieces (`pieces`): the containers near the top
    a piece per item, so that a part of a gigabyte (the render cache at 100,000 papers) is never
    one string in memory, nor its tagged copy whole."""

    DEPTH = 2
    """Levels of containers written item by item (a part, then each of its caches); below
    them, one json.dumps an item (a paper's entry, a listing's pages). Deeper costs time:
    at 4, a dumps per value, the render cache at 10,000 papers took 1.0 s to write, not 0.7 s."""
    LONG = 512
    """Strings of this many characters or more are numbered (`S`) and written once (`r`)."""

    def __init__(self) -> None:
        self.memo: dict[int, int] = {}
        self.keep: list[object] = []  # the objects numbered, alive while `memo` holds their ids
        self.texts: dict[str, int] = {}  # the long strings numbered, by value

    def dumps(self, v: object) -> bytes:
        return json.dumps(self.enc(v), separators=(",", ":"), allow_nan=True).encode("ascii")

    def enc(self, v: object) -> object:
        t = type(v)
        if t is str:
            if len(v) < self.LONG:
                return v
            seen = self.texts.get(v)
            if seen is not None:
                return {"r": seen}
            self.texts[v] = len(self.keep)
            self.keep.append(v)
            return {"S": v}
        if v is None or t is int or t is float or t is bool:
            return v
        if t is list:
            return [self.enc(x) for x in v]
        if t is tuple:
            return {"t": [self.enc(x) for x in v]}
        if t is dict:
            out = []
            for k, x in v.items():
                out.append(self.enc(k))
                out.append(self.enc(x))
            return {"d": out}
        if t is bytes:
            try:
                return {"u": v.decode("utf-8")}
            except UnicodeDecodeError:
                return {"b": base64.b64encode(v).decode("ascii")}
        if t is date:
            return {"D": v.isoformat()}
        if t is Markup:
            return {"M": str(v)}
        if t is set or t is frozenset:
            return {"s" if t is set else "f": [self.enc(x) for x in v]}
        if CLASSES.get(t.__name__) is t:
            seen = self.memo.get(id(v))
            if seen is not None:
                return {"r": seen}
            out = [t.__name__]
            for k, x in vars(v).items():
                out.append(k)
                out.append(self.enc(x))
            self._number(v)
            return {"o": out}
        raise TypeError(f"the build cache cannot hold a {t.__module__}.{t.__qualname__}")

    def _number(self, v: object) -> None:
        self.memo[id(v)] = len(self.keep)  # numbered after its parts, as `decode` meets them
        self.keep.append(v)

    def pieces(self, v: object, depth: int = DEPTH):
        """The bytes of `v`'s tagged JSON, in document order (that of `enc`, so objects are
        numbered alike)."""
        t = type(v)
        if depth == 0 or not (t is list or t is dict or t is tuple or CLASSES.get(t.__name__) is t):
            yield self.dumps(v)
            return
        if t is list or t is tuple:
            yield b"[" if t is list else b'{"t":['
            for i, x in enumerate(v):
                if i:
                    yield b","
                yield from self.pieces(x, depth - 1)
            yield b"]" if t is list else b"]}"
        elif t is dict:
            yield b'{"d":['
            for i, (k, x) in enumerate(v.items()):
                yield b"," if i else b""
                yield self.dumps(k)
                yield b","
                yield from self.pieces(x, depth - 1)
            yield b"]}"
        else:
            seen = self.memo.get(id(v))
            if seen is not None:
                yield b'{"r":%d}' % seen
                return
            yield b'{"o":[' + self.dumps(t.__name__)
            for k, x in vars(v).items():
                yield b"," + self.dumps(k) + b","
                yield from self.pieces(x, depth - 1)
            self._number(v)
            yield b"]}"


def put_value(folder: Path, value: object) -> dict:
    """Store `value`'s tagged JSON (encode) in `folder`/objects as `put` does, written a piece
    at a time (a part of a gigabyte is never whole in memory). Raises TypeError as encode,
    OSError."""
    objects = folder / OBJECTS
    objects.mkdir(parents=True, exist_ok=True)
    partial = objects / f".{os.getpid()}.json.partial"
    digest = hashlib.blake2b(digest_size=32)
    size = 0
    buffer: list[bytes] = []
    held = 0
    # Millions of small containers, none in a cycle: the collector's passes tripled the time.
    with open(partial, "wb") as out, paused_gc():
        for piece in _Encoder().pieces(value):
            buffer.append(piece)
            held += len(piece)
            if held >= 1 << 20:
                chunk = b"".join(buffer)
                digest.update(chunk)
                out.write(chunk)
                size += held
                buffer, held = [], 0
        chunk = b"".join(buffer)
        digest.update(chunk)
        out.write(chunk)
        size += held
    name = digest.hexdigest() + ".json"
    os.replace(partial, objects / name)
    return {"object": name, "bytes": size}


def decode(data: bytes) -> object:
    """The value `encode` wrote as `data`. Raises CorruptCache for anything else (no code of
    the data's choosing runs: only the types of `encode`'s list are made)."""
    objects: list[object] = []

    def hook(obj: dict) -> object:
        if len(obj) != 1:
            raise CorruptCache("an object of the build cache has no single tag")
        (tag, v), = obj.items()
        if tag == "t":
            return tuple(v)
        if tag == "d":
            return dict(zip(v[::2], v[1::2], strict=True))
        if tag == "r":
            return objects[v]
        if tag == "o":
            cls = CLASSES[v[0]]
            made = object.__new__(cls)
            for k, x in zip(v[1::2], v[2::2], strict=True):
                if type(k) is not str or k.startswith("__"):
                    raise CorruptCache("an attribute name of the build cache is not a plain name")
                object.__setattr__(made, k, x)
            objects.append(made)
            return made
        if tag == "S":
            if type(v) is not str:
                raise CorruptCache("a long string of the build cache is not a string")
            objects.append(v)
            return v
        if tag == "u":
            return v.encode("utf-8")
        if tag == "b":
            return base64.b64decode(v, validate=True)
        if tag == "D":
            return date.fromisoformat(v)
        if tag == "M":
            return Markup(str(v))
        if tag == "s":
            return set(v)
        if tag == "f":
            return frozenset(v)
        raise CorruptCache(f"unknown tag {tag!r} in the build cache")

    try:
        with paused_gc():
            return json.loads(data, object_hook=hook)
    except CorruptCache:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the bytes, the answer is: not a cache
        raise CorruptCache(f"{type(exc).__name__}: {exc}"[:200]) from None


def put(folder: Path, data: bytes, suffix: str) -> dict:
    """Store `data` in `folder`/objects under the digest of its bytes (`suffix` appended);
    its listing for the manifest: {"object": file name, "bytes": size}. Raises OSError."""
    name = hashlib.blake2b(data, digest_size=32).hexdigest() + suffix
    path = folder / OBJECTS / name
    if not path.is_file():
        _write(path, data)
    return {"object": name, "bytes": len(data)}


def get(folder: Path, listing: object) -> bytes:
    """The bytes of a listed object, checked against its name. Raises CorruptCache."""
    if not isinstance(listing, dict) or not isinstance(listing.get("object"), str):
        raise CorruptCache("a part of the manifest names no object")
    name = listing["object"]
    if "/" in name or "\\" in name or name.startswith("."):
        raise CorruptCache(f"the object name {name!r} is not a digest")
    try:
        data = (folder / OBJECTS / name).read_bytes()
    except OSError as exc:
        raise CorruptCache(f"{OBJECTS}/{name} cannot be read ({type(exc).__name__})") from None
    if hashlib.blake2b(data, digest_size=32).hexdigest() != name.split(".", 1)[0]:
        raise CorruptCache(f"{OBJECTS}/{name} does not hold what the manifest lists")
    return data


def write_manifest(folder: Path, manifest: dict) -> None:
    """Write `manifest` as `folder`/manifest.json (at once: renamed from a partial file),
    then delete the objects it does not list. Raises OSError."""
    _write(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    listed = {part["object"] for part in manifest["parts"].values()}
    listed |= {out["object"] for out in (manifest.get("sitemaps") or {}).get("outputs", ())}
    for path in (folder / OBJECTS).iterdir():
        if path.name not in listed:
            path.unlink(missing_ok=True)


def read_manifest(folder: Path) -> dict | None:
    """The manifest in `folder`, None when there is none. Raises CorruptCache when it is not a
    JSON object of this FORMAT (the message says which)."""
    path = folder / MANIFEST
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptCache(f"{MANIFEST} cannot be read ({type(exc).__name__})") from None
    try:
        manifest = json.loads(data)
    except ValueError:
        raise CorruptCache(f"{MANIFEST} is not JSON") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("parts"), dict):
        raise CorruptCache(f"{MANIFEST} is not a build cache manifest")
    if manifest.get("format") != FORMAT:
        raise CorruptCache(f"{MANIFEST} is of format {manifest.get('format')!r}, this code reads format {FORMAT}")
    return manifest


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
