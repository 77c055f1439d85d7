"""Tag papers from a taxonomy that users edit without code (content/tags.yml)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .model import ConfigError, Paper

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
    """Matches phrases by words: one tokenisation per paper, then only the phrases its words can start."""

    def __init__(self, taxonomy: Iterable[Tag]):
        self.taxonomy = tuple(taxonomy)
        # first word -> (tag index, is an exclusion, the other words, the phrase as " w1 w2 ")
        self.by_first_word: dict[str, list[tuple[int, bool, frozenset[str], str]]] = {}
        for index, tag in enumerate(self.taxonomy):
            for exclusion, phrases in ((False, tag.match), (True, tag.exclude)):
                for phrase in phrases:
                    entry = (index, exclusion, frozenset(phrase[1:]), f" {' '.join(phrase)} ")
                    self.by_first_word.setdefault(phrase[0], []).append(entry)
        self.first_words = set(self.by_first_word)

    def tags_for(self, text: str) -> tuple[str, ...]:
        """Names of the tags whose phrases occur in the text, as whole words."""
        tokens = _words(text)
        present = set(tokens)
        words = present & self.first_words
        if not words:
            return ()
        joined = f" {' '.join(tokens)} "
        found: tuple[set[int], set[int]] = (set(), set())  # matched, vetoed
        for word in words:
            for index, exclusion, others, phrase in self.by_first_word[word]:
                hits = found[exclusion]
                # Every word present somewhere is a cheap test; only then look for them in order.
                if index not in hits and others <= present and (not others or phrase in joined):
                    hits.add(index)
        matched, vetoed = found
        return tuple(self.taxonomy[i].name for i in sorted(matched - vetoed))


def apply_tags(papers: list[Paper], taxonomy: Iterable[Tag]) -> list[Paper]:
    """Papers with their tags set from title and abstract."""
    tagger = Tagger(taxonomy)
    return [replace(p, tags=tagger.tags_for(f"{p.title}\n{p.abstract}")) for p in papers]
