"""Tag papers from a taxonomy that users edit without code (content/tags.yml)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .model import ConfigError, Paper, paper_with

WORD = re.compile(r"\w+")
RULE_KEYS = ("match", "exclude", "description")


@dataclass(frozen=True)
class Tag:
    """One tag of the taxonomy."""

    name: str
    """Display name, also the key of the tag page."""
    match: tuple[tuple[str, ...], ...]
    """Phrases as word tuples; any one of them, as whole words, tags a paper."""
    exclude: tuple[tuple[str, ...], ...] = ()
    """Phrases that veto the tag even when a match phrase is present."""
    description: str = ""
    """One line shown on the tag's page."""


def _words(text: str) -> tuple[str, ...]:
    # NFKC first, so ligatures (`ﬁ`) and full-width letters from PDF-extracted abstracts match plain text.
    return tuple(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys: YAML would keep the last one silently."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    seen: dict = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _phrases(name: str, key: str, raw: object, errors: list[str]) -> tuple[tuple[str, ...], ...]:
    """One rule's phrase list as word tuples; what is wrong goes to `errors`."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        errors.append(f"tag {name!r}: '{key}' must be a list of phrases, got {type(raw).__name__}")
        return ()
    phrases = []
    for item in raw:
        # YAML reads unquoted yes/no/on/off/true/false as booleans and `~`/`null` as nothing.
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            errors.append(f"tag {name!r}: '{key}' phrase {item!r} is not text; put it in quotes")
            continue
        words = _words(str(item))
        if not words:
            errors.append(f"tag {name!r}: '{key}' phrase {str(item)!r} has no letters or digits")
            continue
        phrases.append(words)
    return tuple(phrases)


def load_taxonomy(path: str | Path) -> tuple[Tag, ...]:
    """Read and check tags.yml; every error in it is reported at once."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise ConfigError(f"{path}: tag rules not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tags"), dict):
        raise ConfigError(f"{path}: expected a mapping 'tags:' of tag names to rules")
    errors: list[str] = []
    unknown_top = sorted(str(k) for k in data if k != "tags")
    if unknown_top:
        errors.append(f"unknown top-level keys {unknown_top} (only 'tags' is read)")
    tags: list[Tag] = []
    names: dict[tuple[str, ...], str] = {}
    for key, rule in data["tags"].items():
        if key is None or isinstance(key, bool):
            errors.append(f"tag name {key!r} is not text; put it in quotes")
            continue
        name = str(key).strip()
        if not _words(name):
            errors.append(f"tag {name!r}: a tag name needs letters or digits")
            continue
        # Names that differ only in case or punctuation would share one tag page.
        if _words(name) in names:
            other = names[_words(name)]
            errors.append(f"tag {name!r}: same name as tag {other!r} apart from case or punctuation")
            continue
        names[_words(name)] = name
        if isinstance(rule, list):
            rule = {"match": rule}
        if not isinstance(rule, dict):
            errors.append(f"tag {name!r}: expected a list of phrases or a mapping with 'match'")
            continue
        unknown = sorted(str(k) for k in rule if k not in RULE_KEYS)
        if unknown:
            errors.append(f"tag {name!r}: unknown keys {unknown} (expected {', '.join(RULE_KEYS)})")
        before = len(errors)
        match = _phrases(name, "match", rule.get("match"), errors)
        if not match and len(errors) == before:
            errors.append(f"tag {name!r}: no match phrases")
        exclude = _phrases(name, "exclude", rule.get("exclude"), errors)
        description = rule.get("description")
        if description is None:
            description = ""
        elif not isinstance(description, str):
            errors.append(f"tag {name!r}: 'description' must be text, got {type(description).__name__}")
            description = ""
        tags.append(Tag(name, match, exclude, " ".join(description.split())))
    if errors:
        raise ConfigError(f"{path}: " + "; ".join(errors))
    return tuple(sorted(tags, key=lambda t: t.name.casefold()))


class Tagger:
    """Finds the taxonomy's phrases with one regular expression over the normalised text.

    The expression is a trie of the phrases: from each word it follows the text's words as far
    as some phrase goes and captures that stretch; every phrase that ends on the way (`large
    language` on the way to `large language model`) is found with it.
    """

    def __init__(self, taxonomy: Iterable[Tag]):
        self.taxonomy = tuple(taxonomy)
        # phrase -> [bits of the tags it matches, bits of the tags it vetoes]
        bits: dict[tuple[str, ...], list[int]] = {}
        for index, tag in enumerate(self.taxonomy):
            for exclusion, phrases in ((False, tag.match), (True, tag.exclude)):
                for phrase in phrases:
                    bits.setdefault(phrase, [0, 0])[exclusion] |= 1 << index
        trie: dict = {}
        for phrase in bits:
            node = trie
            for word in phrase:
                node = node.setdefault(word, {})
            node[_END] = True
        # A captured stretch stands for every phrase it starts with, itself included.
        self.by_words: dict[tuple[str, ...], tuple[int, int]] = {}
        for phrase in bits:
            matches = vetoes = 0
            for end in range(1, len(phrase) + 1):
                more_matches, more_vetoes = bits.get(phrase[:end], (0, 0))
                matches |= more_matches
                vetoes |= more_vetoes
            self.by_words[phrase] = (matches, vetoes)
        # The same by captured text; stretches spelled with other separators are added as met.
        self.by_text = {" ".join(words): found for words, found in self.by_words.items()}
        # In text whose non-word characters are all spaces, a space is fast to find; matching
        # only it and looking ahead from there lets the next phrase start inside this one.
        self.pattern = re.compile(f" (?=({_alternatives(trie)}))") if trie else None
        self.names: dict[int, tuple[str, ...]] = {}  # tag bits -> tag names

    def tags_for(self, text: str) -> tuple[str, ...]:
        """Names of the tags whose phrases occur in the text, as whole words."""
        if self.pattern is None:
            return ()
        matched = vetoed = 0
        text = unicodedata.normalize("NFKC", text).casefold().translate(_SPACES)
        for stretch in set(self.pattern.findall(" " + text)):
            found = self.by_text.get(stretch)
            if found is None:
                found = self.by_text[stretch] = self.by_words[tuple(WORD.findall(stretch))]
            matched |= found[0]
            vetoed |= found[1]
        tags = matched & ~vetoed
        names = self.names.get(tags)
        if names is None:
            names = self.names[tags] = tuple(t.name for i, t in enumerate(self.taxonomy) if tags >> i & 1)
        return names


_END = ""  # marks the end of a phrase in the trie: no word is empty


class _Spaces(dict):
    """A str.translate table that turns each non-word character into a space, filled as met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = char if WORD.fullmatch(char) else " "
        return self[code]


_SPACES = _Spaces()


def _alternatives(node: dict) -> str:
    """A regular expression for the words that continue a trie node, each with what follows it."""
    return _by_letter(sorted(w for w in node if w != _END), node, 0)


def _after(node: dict) -> str:
    """What follows a word at this node: the words of longer phrases, or the end of the word."""
    if len(node) == 1 and _END in node:
        return r"(?!\w)"
    longer = f" ++{_alternatives(node)}"
    # The longer phrases first: the capture then reaches the last phrase the text continues to.
    return rf"(?:{longer}|(?!\w))" if _END in node else longer


def _by_letter(words: list[str], node: dict, depth: int) -> str:
    """Alternatives for sorted `words` that share their first `depth` characters, branching one
    character at a time: at each step the engine compares a character, not every word."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[depth : depth + 1], []).append(word)
    branches = []
    for group in groups.values():
        if len(group) == 1:
            branches.append(re.escape(group[0][depth:]) + _after(node[group[0]]))
            continue
        shared = depth + 1
        while all(len(w) > shared for w in group) and len({w[shared] for w in group}) == 1:
            shared += 1
        branches.append(re.escape(group[0][depth:shared]) + _by_letter(group, node, shared))
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


def apply_tags(papers: list[Paper], taxonomy: Iterable[Tag],
               cache: dict[tuple[str, str], tuple[str, ...]] | None = None) -> list[Paper]:
    """Papers with their tags set from title and abstract. `cache` maps (title, abstract) to
    the tags this taxonomy gives them: filled in place, and only papers not in it are matched
    (the caller empties it when the taxonomy changes)."""
    tagger = Tagger(taxonomy)
    if cache is None:
        return [paper_with(p, "tags", tagger.tags_for(f"{p.title}\n{p.abstract}")) for p in papers]
    out = []
    for p in papers:
        key = (p.title, p.abstract)
        tags = cache.get(key)
        if tags is None:
            tags = cache[key] = tagger.tags_for(f"{p.title}\n{p.abstract}")
        out.append(paper_with(p, "tags", tags))
    return out
