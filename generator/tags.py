"""Tag papers from a taxonomy that users edit without code (content/tags.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

import yaml

from .model import ConfigError, Paper

WORD = re.compile(r"\w+")


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
    return tuple(WORD.findall(text.casefold()))


def load_taxonomy(path: str | Path) -> tuple[Tag, ...]:
    """Read and check tags.yml; every error in it is reported at once."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: tag rules not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tags"), dict):
        raise ConfigError(f"{path}: expected a mapping 'tags:' of tag names to rules")
    errors: list[str] = []
    tags: list[Tag] = []
    for name, rule in data["tags"].items():
        if isinstance(rule, list):
            rule = {"match": rule}
        if not isinstance(rule, dict):
            errors.append(f"tag {name!r}: expected a list of phrases or a mapping with 'match'")
            continue
        unknown = set(rule) - {"match", "exclude", "description"}
        if unknown:
            errors.append(f"tag {name!r}: unknown keys {sorted(unknown)}")
        phrases = {}
        for key in ("match", "exclude"):
            raw = rule.get(key) or []
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list) or not all(isinstance(p, (str, int, float)) for p in raw):
                errors.append(f"tag {name!r}: '{key}' must be a list of phrases")
                raw = []
            phrases[key] = tuple(w for w in (_words(str(p)) for p in raw) if w)
        if not phrases["match"]:
            errors.append(f"tag {name!r}: no match phrases")
        tags.append(Tag(str(name), phrases["match"], phrases["exclude"], str(rule.get("description") or "")))
    if errors:
        raise ConfigError(f"{path}: " + "; ".join(errors))
    return tuple(sorted(tags, key=lambda t: t.name.casefold()))


class Tagger:
    """Matches phrases by words: one tokenisation per paper, set look-ups for the rest."""

    def __init__(self, taxonomy: Iterable[Tag]):
        self.taxonomy = tuple(taxonomy)
        self.first_words = {p[0] for t in self.taxonomy for p in (*t.match, *t.exclude)}

    @staticmethod
    def _present(phrases: tuple[tuple[str, ...], ...], words: set[str], joined: str) -> bool:
        for phrase in phrases:
            if phrase[0] not in words:
                continue
            if len(phrase) == 1 or f" {' '.join(phrase)} " in joined:
                return True
        return False

    def tags_for(self, text: str) -> tuple[str, ...]:
        """Names of the tags whose phrases occur in the text, as whole words."""
        tokens = WORD.findall(text.casefold())
        words = set(tokens) & self.first_words
        if not words:
            return ()
        joined = f" {' '.join(tokens)} "
        return tuple(
            t.name
            for t in self.taxonomy
            if self._present(t.match, words, joined) and not self._present(t.exclude, words, joined)
        )


def apply_tags(papers: list[Paper], taxonomy: Iterable[Tag]) -> list[Paper]:
    """Papers with their tags set from title and abstract."""
    tagger = Tagger(taxonomy)
    return [replace(p, tags=tagger.tags_for(f"{p.title}\n{p.abstract}")) for p in papers]
