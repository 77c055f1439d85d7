"""Words a reader types that Pagefind would not find in a paper's text as written.

Pagefind indexes each whitespace-separated word whole (letters and digits only: `DeepSeek-R1`
is `deepseekr1`) and, for a compound, its parts as `convert_case` cuts them: at punctuation,
case changes and between letters and digits, keeping parts of two characters or more. So
`DeepSeek-R1` gives `deep` and `seek` but never `r1`, `GPT-4o` never `4o`, and
`$\\text{Transformer}^2$` gives `texttransformer2`, not `transformer2`. Chinese and Japanese
text in a page that is not in those languages is one long word.

`hidden_terms` lists, for a text, the extra words that make these findable; generator/search/indexer.py
puts them in metadata fields of the paper's record (Pagefind 1.5 searches metadata) that the
result list never shows:

- every compound cut at its punctuation, as the suffixes of its parts (`DeepSeek-R1-Distill`:
  `r1distill`, `distill`): with Pagefind's prefix matching, any run of parts (`R1`,
  `R1-Distill`) is then found; a dot between digits stays (`Qwen2.5-VL`: `vl`, and the whole
  `qwen25vl` is Pagefind's own);
- the words of a TeX text as it reads once rendered (`UFO$^3$` as `ufo3`,
  `$\\text{Transformer}^2$` as `transformer2`, `$\\pi_0$` as `pi0`), and words glued to a
  formula as parts of a compound (`LLM$\\times$MapReduce` renders as `LLM×MapReduce`, one word
  to Pagefind: `mapreduce` is added);
- each run of Han or kana characters as windows of up to CJK_WINDOW characters from each of its
  characters, so that any part of it (`语言模型` in `大语言模型的`) is the start of a window,
  whichever way a segmenter would cut it.

generator/theme/assets/search.js normalizes a query the same way (letters and digits of each word).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from itertools import filterfalse

from ..pages.render import tex_text

CJK_WINDOW = 12
"""Longest run of Han or kana characters a query word is matched against."""

_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
# A compound's parts: cut at anything but letters and digits, except a dot between two digits.
_CUT = re.compile(r"[^\w.]+|_+|(?<!\d)\.|\.(?!\d)")
_URL = re.compile(r"^(?:[a-z]+://|www\.)|\.(?:com|org|io|ai|net|edu)(?:/|$)", re.IGNORECASE)
# A TeX command: its name and whether an argument follows (`\\text{`), or a spacing command (`\\,`).
_TEX_COMMAND = re.compile(r"\\(?:([A-Za-z]+)\*?(\s*\{)?|[,;:! ])")
# Font switches (`{\\em x}`), read as nothing, like the commands with an argument.
_FONT_SWITCHES = frozenset("em it bf rm sf tt sc sl small large Large tiny displaystyle textstyle scriptstyle".split())
_GREEK = frozenset("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
                   "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta "
                   "Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split())
_TEX_MARK = re.compile(r"[$^_{}]")
_NOT_ASCII_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_EDGES = ".,;:!?()[]\"'"


def normalize(word: str) -> str:
    """`word` as Pagefind indexes it: its letters and digits (NFKC), lower case; '' for none."""
    if word.isascii():  # most words: NFKC changes nothing, and the scan is done in C
        return word.lower() if word.isalnum() else _NOT_ASCII_ALNUM.sub("", word).lower()
    word = unicodedata.normalize("NFKC", word)
    return "".join(c for c in word if c.isalnum()).lower()


def plain_tex(text: str) -> str:
    """`text` with TeX markup undone as a reader types what it shows: `UFO$^3$` -> `UFO3`,
    `$\\text{Transformer}^2$` -> `Transformer2`, a Greek letter by its name (`$\\pi_0$` -> `pi0`),
    any other command (`\\times`, `\\,`) a cut between two words' parts
    (`LLM$\\times$MapReduce` -> `LLM-MapReduce`); text without `$` or `\\` is returned as it is."""
    if "$" not in text and "\\" not in text:
        return text
    text = _TEX_COMMAND.sub(_command_text, text)
    return _TEX_MARK.sub("", text)


def _command_text(match: re.Match[str]) -> str:
    """What one TeX command reads as in plain_tex: a Greek letter its name, a command with an
    argument (`\\text{`) or a font switch nothing (its argument stays), a symbol (`\\times`)
    or a space (`\\,`) a cut between the parts of a compound."""
    name, argument = match.groups()
    if name is None:
        return "-"
    if name in _GREEK:
        return name
    if argument is not None or name in _FONT_SWITCHES:
        return ""
    return "-"


def compound_parts(word: str) -> list[str]:
    """The normalized suffixes of a compound's parts, the whole left out: `DeepSeek-R1-Distill`
    -> [`r1distill`, `distill`]; `Qwen2.5-VL` -> [`vl`]; [] for a word of one part or a URL."""
    if word.isalnum() or word.strip(_EDGES).isalnum() or _URL.search(word):
        return []  # one part (most words, punctuation at their ends or not), or a URL
    parts = [p for p in (normalize(p) for p in _CUT.split(word)) if p]
    return [joined for joined in ("".join(parts[i:]) for i in range(1, len(parts))) if len(joined) > 1]


def cjk_windows(text: str) -> list[str]:
    """Windows of up to CJK_WINDOW characters starting at each Han or kana character of `text`."""
    out = []
    for run in _CJK_RUN.findall(text):
        out += [run[i:i + CJK_WINDOW] for i in range(len(run))]
    return out


def hidden_terms(text: str, known: set[str] | None = None) -> list[str]:
    """The words to index for `text` beyond what Pagefind reads in it (see the module's
    docstring), each once, in order of appearance; none that is in `known` (normalized words),
    and every one added to it."""
    known = set() if known is None else known
    seen = known
    words = text.split()
    if text.isascii() and "$" not in text and "\\" not in text:
        # Most texts: no TeX, no CJK. Only words with punctuation need more than lower case,
        # and only they are compounds.
        seen.update(map(str.lower, filter(str.isalnum, words)))
        punctuated = list(filterfalse(str.isalnum, words))
        seen.update(map(normalize, punctuated))
        out: list[str] = []
        for word in punctuated:
            for part in compound_parts(word):
                if part not in seen:
                    seen.add(part)
                    out.append(part)
        return out
    # Pagefind reads the text as the page shows it (`LLM×MapReduce`, `Transformer²`): its
    # letters and digits in lower case, without NFKC (`transformer²`, which `transformer2`
    # does not find: normalize's form is added).
    tex = "$" in text or "\\" in text
    shown = tex_text(text) if tex else text
    for word in shown.split():
        seen.add("".join(filter(str.isalnum, word)).lower())
    out = []

    def add(term: str, shortest: int = 2) -> None:
        if len(term) >= shortest and term not in seen:
            seen.add(term)
            out.append(term)

    for word in shown.split():
        add(normalize(word))
        for part in compound_parts(word):
            add(part)
    if tex:
        for word in plain_tex(text).split():
            add(normalize(word))
            for part in compound_parts(word):
                add(part)
    for window in cjk_windows(text):
        add(window, 1)
    return out


VOCABULARY_SHORTEST = 3
"""Shortest word of the vocabulary: a query word of two letters is never corrected."""
VOCABULARY_LONGEST = 30
# ASCII characters other than letters and digits cut words, as Pagefind cuts a compound's parts.
_ASCII_CUTS = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})
_TEX_NAME = re.compile(r"\\[A-Za-z]+")
_ALNUM_RUN = re.compile(r"[^\W_]+")


def vocabulary(texts: Iterable[str]) -> list[tuple[int, list[str]]]:
    """The words of an archive with the number of texts (papers) holding each: one entry per
    count, largest first, as (count, words in alphabetical order).

    A word is a run of letters and digits, lower case (NFKC), as Pagefind reads the parts of a
    compound (`Chain-of-Thought` gives `chain`, `of`, `thought`; `MapReduce` stays whole), of
    VOCABULARY_SHORTEST to VOCABULARY_LONGEST characters, not only digits, with no Han or kana
    (CJK text has no typos to correct here); TeX command names (`\\times`) are not words.
    generator/theme/assets/search.js corrects a query word that matches nothing to the nearest of
    them (by edit distance, then count)."""
    counts: Counter[str] = Counter()
    for text in texts:
        if "\\" in text:
            text = _TEX_NAME.sub(" ", text)
        if text.isascii():  # most texts: C-level calls only
            counts.update(set(text.lower().translate(_ASCII_CUTS).split()))
        else:
            counts.update(set(_ALNUM_RUN.findall(unicodedata.normalize("NFKC", text).lower())))
    words = {word: n for word, n in counts.items()
             if VOCABULARY_SHORTEST <= len(word) <= VOCABULARY_LONGEST and not word.isdigit()
             and not _CJK_RUN.search(word)}
    by_count: dict[int, list[str]] = {}
    for word, n in words.items():
        by_count.setdefault(n, []).append(word)
    return [(n, sorted(by_count[n])) for n in sorted(by_count, reverse=True)]
