"""Tag papers from a taxonomy that users edit without code (content/tags.yml, format: TAGS.md).

Each occurrence of a tag's phrases scores its points, `title_weight` times more in the title (n
occurrences of one phrase in one text count as n ** `repeat_power`); a phrase inside a longer phrase of the same tag (an `ignore` phrase scores 0) counts only as the
longer one. A paper gets the tags whose points reach their threshold and that no exclusion
vetoes; of those, the ones at least `min_share` as strong as the strongest (strength: points
over threshold), at most `max_tags`, the strongest.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .model import ConfigError, Paper, paper_with

WORD = re.compile(r"\w+")
RULE_KEYS = ("description", "match", "title", "ignore", "exclude", "threshold")
TOP_KEYS = ("tags", "max_tags", "title_weight", "min_share", "repeat_power")
# At most this many tags a paper, the strongest: a curator gives two or three.
MAX_TAGS = 3
# An occurrence in the title counts this many times one in the abstract: a title names the topic.
TITLE_WEIGHT = 3.0
# A tag far weaker than the paper's strongest is a topic mentioned in passing beside the main one;
# off unless tags.yml sets it, so files written before it tag as they did (but for MAX_TAGS).
MIN_SHARE = 0.0
# n occurrences of one phrase in one text count as n ** REPEAT_POWER occurrences: 1 counts every
# one fully, as files written before it expect; below 1 a word repeated stops piling up points.
REPEAT_POWER = 1.0

Phrases = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Tag:
    """One tag of the taxonomy."""

    name: str
    """Display name, also the key of the tag page."""
    match: Phrases
    """Phrases as word tuples, counted in the title and in the abstract."""
    exclude: Phrases = ()
    """Phrases that veto the tag wherever they occur, whatever the points."""
    description: str = ""
    """One line shown on the tag's page."""
    points: tuple[float, ...] = ()
    """Points of each `match` phrase, in order; empty for 1 each."""
    title: Phrases = ()
    """Phrases counted in the title only."""
    title_points: tuple[float, ...] = ()
    """Points of each `title` phrase, in order; empty for 1 each."""
    ignore: Phrases = ()
    """Longer phrases inside which the tag's phrases do not count (0 points)."""
    threshold: float = 1.0
    """Points a paper needs for the tag."""


@dataclass(frozen=True)
class Taxonomy:
    """The tags of tags.yml and the rules that apply to all of them; iterates over the tags."""

    tags: tuple[Tag, ...] = ()
    """The tags, by name (casefolded)."""
    max_tags: int = MAX_TAGS
    """At most this many tags a paper: those whose points are the largest share of their threshold."""
    title_weight: float = TITLE_WEIGHT
    """What an occurrence in the title counts, in occurrences in the abstract."""
    min_share: float = MIN_SHARE
    """A tag's strength (points over threshold) must be at least this share of the strongest."""
    repeat_power: float = REPEAT_POWER
    """n occurrences of one phrase in the title or in the abstract count as n ** repeat_power."""

    def __iter__(self) -> Iterator[Tag]:
        return iter(self.tags)

    def __len__(self) -> int:
        return len(self.tags)

    def __getitem__(self, index: int) -> Tag:
        return self.tags[index]


def _words(text: str) -> tuple[str, ...]:
    # NFKC first, so ligatures (`ﬁ`) and full-width letters from PDF-extracted abstracts match plain text.
    return tuple(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


class _Map(dict):
    """A YAML mapping that remembers the line of each key (1-based)."""

    line: int = 0
    lines: dict


class _List(list):
    """A YAML sequence that remembers the line of each item (1-based)."""

    line: int = 0
    lines: list


class _LineLoader(yaml.SafeLoader):
    """A safe loader that keeps lines for error messages and refuses duplicate keys (YAML would
    keep the last one silently)."""


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line, out.lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key that is a list or a mapping", key_node.start_mark) from None
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {out.lines[key]})", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _List:
    out = _List(loader.construct_object(item, deep=True) for item in node.value)
    out.line, out.lines = node.start_mark.line + 1, [item.start_mark.line + 1 for item in node.value]
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class _Problems(list):
    """Problems of one file as `line: message` pairs."""

    def add(self, line: int, message: str) -> None:
        self.append((line, message))


def _yaml_error(path: Path, exc: yaml.YAMLError) -> str:
    """A YAML error as one `file:line: message` line: PyYAML's own spans several."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and start is not None and (mark is None or start.line != mark.line):
        problem += f" ({context} that starts at line {start.line + 1})"
    elif context:
        problem += f" ({context})"
    return f"{path}:{mark.line + 1 if mark is not None else 1}: not valid YAML: {problem}"


def _kind(value: object) -> str:
    """What a YAML value is, in the words of the format: text, number, list, mapping."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "nothing" if value is None else type(value).__name__


def _shown(value: object) -> str:
    """A value for an error message: as written when it is text or a number, else its kind."""
    return repr(value) if isinstance(value, (str, int, float)) else _kind(value)


def _number(value: object) -> float | None:
    """A YAML number (not a boolean) as a float, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _phrases(name: str, key: str, raw: object, line: int, problems: _Problems,
             points: bool = True) -> tuple[Phrases, tuple[float, ...]]:
    """One rule's phrases as word tuples with their points; what is wrong goes to `problems`.

    `raw` is a phrase, a list of phrases (1 point each) or, where `points`, a mapping of points
    to a phrase or a list of phrases."""
    if raw is None:
        return (), ()
    groups: list[tuple[float, object, int]] = []
    if isinstance(raw, _Map) and points:
        for value, group in raw.items():
            number = _number(value)
            if number is None or number <= 0:
                problems.add(raw.lines[value], f"tag {name!r}: '{key}' points {value!r} are not a number above 0 "
                             "(write `2: [phrase, phrase]`)")
                continue
            groups.append((number, group, raw.lines[value]))
    else:
        groups.append((1.0, raw, line))
    words: list[tuple[str, ...]] = []
    scores: list[float] = []
    for score, group, at in groups:
        if isinstance(group, str):
            group = _List([group])
            group.lines = [at]
        if not isinstance(group, list):
            kind = "a list of phrases or a mapping of points to phrases" if points else "a list of phrases"
            problems.add(at, f"tag {name!r}: '{key}' must be {kind}, got {_kind(group)}")
            continue
        lines = getattr(group, "lines", [at] * len(group))
        for item, item_line in zip(group, lines, strict=True):
            # YAML reads unquoted yes/no/on/off/true/false as booleans and `~`/`null` as nothing.
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                problems.add(item_line, f"tag {name!r}: '{key}' phrase {item!r} is not text; put it in quotes")
                continue
            phrase = _words(str(item))
            if not phrase:
                problems.add(item_line, f"tag {name!r}: '{key}' phrase {str(item)!r} has no letters or digits")
                continue
            words.append(phrase)
            scores.append(score)
    return tuple(words), tuple(scores)


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and check tags.yml (format: TAGS.md). Returns the tags by name and the rules for all.

    Raises ConfigError when the file is missing, not UTF-8, not valid YAML or breaks a rule:
    every problem at once, a line each, as `file:line: message`."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except FileNotFoundError:
        raise ConfigError(f"{path}: tag rules not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(_yaml_error(path, exc)) from None
    if not isinstance(data, _Map) or not isinstance(data.get("tags"), _Map):
        line = data.line if isinstance(data, _Map) else 1
        raise ConfigError(f"{path}:{line}: expected a mapping 'tags:' of tag names to rules")
    problems = _Problems()
    for key in data:
        if key not in TOP_KEYS:
            problems.add(data.lines[key], f"unknown top-level key {str(key)!r} (expected {', '.join(TOP_KEYS)})")
    max_tags = data.get("max_tags", MAX_TAGS)
    if isinstance(max_tags, bool) or not isinstance(max_tags, int) or max_tags < 1:
        problems.add(data.lines.get("max_tags", 1), f"'max_tags' must be a whole number of 1 or more, got {_shown(max_tags)}")
        max_tags = MAX_TAGS
    title_weight = _number(data.get("title_weight", TITLE_WEIGHT))
    if title_weight is None or title_weight < 0:
        problems.add(data.lines.get("title_weight", 1),
                     f"'title_weight' must be a number of 0 or more, got {_shown(data.get('title_weight'))}")
        title_weight = TITLE_WEIGHT
    min_share = _number(data.get("min_share", MIN_SHARE))
    if min_share is None or not 0 <= min_share <= 1:
        problems.add(data.lines.get("min_share", 1),
                     f"'min_share' must be a number from 0 to 1, got {_shown(data.get('min_share'))}")
        min_share = MIN_SHARE
    repeat_power = _number(data.get("repeat_power", REPEAT_POWER))
    if repeat_power is None or not 0 < repeat_power <= 1:
        problems.add(data.lines.get("repeat_power", 1),
                     f"'repeat_power' must be a number above 0 and at most 1, got {_shown(data.get('repeat_power'))}")
        repeat_power = REPEAT_POWER
    tags: list[Tag] = []
    names: dict[tuple[str, ...], str] = {}
    for key, rule in data["tags"].items():
        line = data["tags"].lines[key]
        if key is None or isinstance(key, bool):
            problems.add(line, f"tag name {key!r} is not text; put it in quotes")
            continue
        name = str(key).strip()
        if not _words(name):
            problems.add(line, f"tag {name!r}: a tag name needs letters or digits")
            continue
        # Names that differ only in case or punctuation would share one tag page.
        if _words(name) in names:
            problems.add(line, f"tag {name!r}: same name as tag {names[_words(name)]!r} apart from case or punctuation")
            continue
        names[_words(name)] = name
        tag = _rule(name, rule, line, problems)
        if tag is not None:
            tags.append(tag)
    if problems:
        raise ConfigError("\n".join(f"{path}:{line}: {message}" for line, message in sorted(problems)))
    return Taxonomy(tuple(sorted(tags, key=lambda t: t.name.casefold())), max_tags, title_weight, min_share,
                    repeat_power)


def _rule(name: str, rule: object, line: int, problems: _Problems) -> Tag | None:
    """One tag from its rule in tags.yml; None, with what is wrong in `problems`, when it has none."""
    if isinstance(rule, list):  # the short form: just the phrases
        rule = _Map(match=rule)
        rule.line, rule.lines = line, {"match": line}
    if not isinstance(rule, _Map):
        problems.add(line, f"tag {name!r}: expected a list of phrases or a mapping with 'match'")
        return None
    unknown = [k for k in rule if k not in RULE_KEYS]
    if unknown:
        problems.add(rule.lines.get(unknown[0], line),
                     f"tag {name!r}: unknown keys {sorted(map(str, unknown))} (expected {', '.join(RULE_KEYS)})")

    def at(key: str) -> int:
        return rule.lines.get(key, line)

    before = len(problems)
    match, points = _phrases(name, "match", rule.get("match"), at("match"), problems)
    title, title_points = _phrases(name, "title", rule.get("title"), at("title"), problems)
    if not match and not title and len(problems) == before:
        problems.add(line, f"tag {name!r}: no match phrases")
    ignore, _ = _phrases(name, "ignore", rule.get("ignore"), at("ignore"), problems, points=False)
    exclude, _ = _phrases(name, "exclude", rule.get("exclude"), at("exclude"), problems, points=False)
    threshold = _number(rule.get("threshold", 1))
    if threshold is None or threshold <= 0:
        problems.add(at("threshold"), f"tag {name!r}: 'threshold' must be a number above 0, got {_shown(rule.get('threshold'))}")
        threshold = 1.0
    description = rule.get("description")
    if description is None:
        description = ""
    elif not isinstance(description, str):
        problems.add(at("description"), f"tag {name!r}: 'description' must be text, got {_kind(description)}")
        description = ""
    return Tag(name, match, exclude, " ".join(description.split()),
               () if set(points) <= {1.0} else points, title, () if set(title_points) <= {1.0} else title_points,
               ignore, threshold)


class Tagger:
    """Scores a paper's title and abstract against a taxonomy with one regular expression.

    The expression is a trie of the phrases: at each word where some phrase starts it captures
    the longest stretch of text that a phrase spells from there; every shorter phrase that ends
    on the way (`large language` on the way to `large language model`) is found with it.
    """

    def __init__(self, taxonomy: Taxonomy | Iterable[Tag]):
        if not isinstance(taxonomy, Taxonomy):
            taxonomy = Taxonomy(tuple(taxonomy))
        self.taxonomy = taxonomy
        self.tags = taxonomy.tags
        # phrase -> {tag index: points}, in the title and in the abstract; an `ignore` phrase scores 0.
        in_title: dict[tuple[str, ...], dict[int, float]] = {}
        in_abstract: dict[tuple[str, ...], dict[int, float]] = {}
        vetoes: dict[tuple[str, ...], int] = {}
        for index, tag in enumerate(self.tags):
            anywhere = tuple(zip(tag.match, tag.points or (1.0,) * len(tag.match), strict=True))
            title = tuple(zip(tag.title, tag.title_points or (1.0,) * len(tag.title), strict=True))
            ignored = tuple((phrase, 0.0) for phrase in tag.ignore)
            for table, phrases in ((in_title, anywhere + title + ignored), (in_abstract, anywhere + ignored)):
                for phrase, points in phrases:
                    scores = table.setdefault(phrase, {})
                    scores[index] = max(points, scores.get(index, 0.0))
            for phrase in tag.exclude:
                vetoes[phrase] = vetoes.get(phrase, 0) | 1 << index
        phrases = set(in_title) | set(vetoes)
        trie: dict = {}
        for phrase in phrases:
            node = trie
            for word in phrase:
                node = node.setdefault(word, {})
            node[_END] = True
        # A captured stretch stands for every phrase it starts with, itself included: per tag
        # (longest first) the length of each in characters and its points, and the tags vetoed.
        self.found: tuple[dict[str, tuple[tuple[tuple[int, int, float], ...], int]], ...] = ({}, {})
        for phrase in phrases:
            for part, table in enumerate((in_title, in_abstract)):
                entries: list[tuple[int, int, float]] = []
                vetoed = 0
                for end in range(len(phrase), 0, -1):
                    prefix = phrase[:end]
                    length = len(" ".join(prefix))
                    entries.extend((index, length, points) for index, points in table.get(prefix, {}).items())
                    vetoed |= vetoes.get(prefix, 0)
                self.found[part][" ".join(phrase)] = (tuple(entries), vetoed)
        # In text whose words are separated by single spaces, a space is fast to find; matching
        # only it and looking ahead from there lets the next phrase start inside this one.
        self.pattern = re.compile(f" (?=({_alternatives(trie)}))") if trie else None

    def scores(self, title: str, abstract: str = "") -> tuple[dict[int, float], int]:
        """A paper's points per tag, {index in `self.tags`: points} for the tags it scored any,
        and the vetoed tags as an int whose bit `index` is set for each."""
        total: dict[int, float] = {}
        vetoed = 0
        if self.pattern is None:
            return total, vetoed
        power = self.taxonomy.repeat_power
        for part, text, weight in ((0, title, self.taxonomy.title_weight), (1, abstract, 1.0)):
            if not text:
                continue
            text = " " + " ".join(unicodedata.normalize("NFKC", text).casefold().translate(_SPACES).split())
            found = self.found[part]
            points: dict[int, float] = {}
            ends: dict[int, int] = {}
            # (tag index, phrase, points) -> occurrences, when repeats count less than fully.
            counts: dict[tuple[int, str, float], int] = {}
            for m in self.pattern.finditer(text):
                start = m.start()
                entries, vetoes = found[m.group(1)]
                vetoed |= vetoes
                for index, length, score in entries:
                    end = start + length
                    # A phrase inside a longer phrase of the same tag, found earlier, does not count.
                    if ends.get(index, -1) >= end:
                        continue
                    ends[index] = end
                    if not score:
                        continue
                    if power == 1.0:
                        points[index] = points.get(index, 0.0) + score
                    else:
                        key = (index, text[start + 1 : end + 1], score)
                        counts[key] = counts.get(key, 0) + 1
            for (index, _, score), n in counts.items():
                points[index] = points.get(index, 0.0) + score * n**power
            for index, score in points.items():
                total[index] = total.get(index, 0.0) + weight * score
        return total, vetoed

    def tags_for(self, title: str, abstract: str = "") -> tuple[str, ...]:
        """Names of the tags a paper gets, in taxonomy order: those whose points reach their
        threshold and no exclusion vetoes, at most `max_tags`, the largest shares of their
        threshold (then the most points, then the first by name)."""
        total, vetoed = self.scores(title, abstract)
        passed = [(score / self.tags[i].threshold, score, i) for i, score in total.items()
                  if score >= self.tags[i].threshold - 1e-9 and not vetoed >> i & 1]
        if passed:
            strongest = max(strength for strength, _, _ in passed)
            passed = [one for one in passed if one[0] >= self.taxonomy.min_share * strongest - 1e-9]
        if len(passed) > self.taxonomy.max_tags:
            passed = sorted(passed, key=lambda s: (-s[0], -s[1], s[2]))[: self.taxonomy.max_tags]
        return tuple(self.tags[i].name for i in sorted(i for _, _, i in passed))


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
    longer = f" {_alternatives(node)}"
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


def text_key(title: str, abstract: str) -> str:
    """A paper's title and abstract as the tag cache's key: a 128-bit BLAKE2b hex digest (32
    characters), so that the build cache holds no second copy of every abstract."""
    return hashlib.blake2b(f"{title}\0{abstract}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def apply_tags(papers: list[Paper], taxonomy: Taxonomy | Iterable[Tag],
               cache: dict[str, tuple[str, ...]] | None = None) -> list[Paper]:
    """Papers with their tags set from title and abstract (Tagger.tags_for). `cache` maps
    text_key(title, abstract) to the tags this taxonomy gives them: filled in place, and only
    papers not in it are matched (the caller empties it when the taxonomy changes)."""
    tagger = Tagger(taxonomy)
    if cache is None:
        return [paper_with(p, "tags", tagger.tags_for(p.title, p.abstract)) for p in papers]
    out = []
    for p in papers:
        key = text_key(p.title, p.abstract)
        tags = cache.get(key)
        if tags is None:
            tags = cache[key] = tagger.tags_for(p.title, p.abstract)
        out.append(paper_with(p, "tags", tags))
    return out
