"""TeX in titles and abstracts, as a reader should see it: MathML and text, made at build time.

Hugging Face shows arXiv titles and abstracts with their TeX rendered (`UFO$^3$`, `2.3\\times`,
`\\textit{…}`, `{\\em …}`, ``quotes''); the dumps keep the source. `convert(text)` reads a text
once and gives its HTML (escaped text, inline `<math>` elements, `<em>`, `<strong>`, `<code>`)
and its plain text for the places that take no markup (`<title>`, meta descriptions, the feed,
search records, "Find it on" queries): `UFO$^3$` is `UFO<math>…</math>` and `UFO³`.

What is math. A `\\(…\\)` pair; or a `$…$` pair that follows Pandoc's `tex_math_dollars` rule
(the opening `$` has a non-space right after it, the closing one a non-space right before it
and no digit right after it) and whose content looks like TeX: it holds one of `\\ ^ _ { }`,
or it is at most 3 characters without a digit (`$f$`, `$τ$`). So money stays text: `$5 million`,
`for under $3, reaching`, `$1,000 to $2,000` (the content would end in a space). A formula is
converted by latex2mathml and its output is rebuilt from a whitelist of MathML elements and
attributes, every text escaped: a formula the converter rejects, or whose output leaves the
whitelist (`\\href`, `\\style`, `\\color`, an unknown command), is shown as written, escaped,
and reported (`problems`).

Outside math, the text-mode TeX that arXiv abstracts carry is read too: escapes (`\\%`, `\\&`,
`\\$`, `\\_`), spacing (`\\ `, `\\,`), accents (`Schr\\"odinger`, `Bolet\\'{\\i}n`), styles
(`\\textbf`, `\\textit`, `\\emph`, `\\texttt`, `{\\em …}`, `{\\it …}`), symbols (`\\times`,
`\\approx`, `\\deg`), TeX quotes and dashes (``…'', `---`, `58--75`), `\\url`, `\\href`,
`\\footnote`; grouping braces around a command (`{\\deg}`, `131{,}072`) go. An author's own
macro (`\\ourmethod`) shows as its name. Other braces, and text without TeX, stay as written.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from xml.etree.ElementTree import Element

from latex2mathml.converter import convert_to_element
from latex2mathml.symbols_parser import convert_symbol

from .model import Paper, Problem

# Longest $…$ content read as math: a formula in a title or an abstract is short; a long
# run between two dollar signs is prose about money.
MATH_MAX = 120

# A text without any of these has nothing to convert: it is only escaped (most titles).
_WORK = re.compile(r"[$\\`{]|--|''")
# A character reference latex2mathml writes (`&#x3B1;`), turned back into the character.
_ENTITY = re.compile(r"&#x([0-9A-Fa-f]*);")

# \name{…} shown as its argument, inside this element (None: no element).
_STYLES = {
    "textbf": "strong", "b": "strong", "bm": "strong", "boldsymbol": "strong",
    "textit": "em", "emph": "em", "textsl": "em",
    "texttt": "code",
    "textsc": None, "textrm": None, "textsf": None, "textup": None, "textnormal": None,
    "text": None, "mbox": None, "underline": None, "mathrm": None, "mathbf": "strong",
}
# {\em …}: the rest of the group in this element.
_SWITCHES = {"em": "em", "it": "em", "sl": "em", "bf": "strong", "tt": "code", "sc": None, "rm": None}
# Commands whose argument is not text: dropped with it.
_DROPPED = {"color", "label", "cite", "citep", "citet", "ref", "vspace", "hspace"}
_WORDS = {
    "eg": "e.g.", "ie": "i.e.", "etal": "et al.", "etc": "etc.", "vs": "vs.", "LaTeX": "LaTeX",
    "TeX": "TeX", "deg": "°", "textdegree": "°", "textgreater": ">", "textless": "<",
    "textasciitilde": "~", "textbar": "|", "textbackslash": "\\", "textendash": "–",
    "textemdash": "—", "ldots": "…", "dots": "…", "i": "ı", "j": "ȷ", "ss": "ß", "o": "ø",
    "O": "Ø", "ae": "æ", "AE": "Æ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł",
    "allowbreak": "", "nobreakdash": "", "noindent": "", "xspace": "", "centering": "",
    "quad": " ", "qquad": " ",
}
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
            "=": "\u0304", ".": "\u0307"}
# \<char> other than an accent: this text (else the character itself: \% is %, \1 is 1).
_ESCAPES = {",": "\u2009", " ": " ", ";": " ", ":": " ", "!": "", "\\": " ", "/": "", "-": ""}

# What latex2mathml writes and a browser shows as mathematics, nothing else: no href, style,
# mathcolor, no element that loads or links. With the inline elements of text-mode TeX, the
# only elements a title or abstract can bring into a page.
MATHML_ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup",
    "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mstyle", "mtable", "mtr",
    "mtd", "mpadded", "mphantom", "menclose",
})
INLINE_ELEMENTS = frozenset({"em", "strong", "code"})
_ATTRIBUTES = {
    "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "accent",
    "accentunder", "movablelimits", "largeop", "symmetric", "minsize", "maxsize", "form",
    "displaystyle", "scriptlevel", "columnalign", "columnspacing", "rowspacing", "columnlines",
    "rowlines", "frame", "framespacing", "linethickness", "width", "height", "depth", "notation",
    "rowalign", "columnspan", "rowspan", "voffset", "align",
}
_VALUE = re.compile(r"[\w .%+-]{0,40}")
_ARITY = {"msup": 2, "msub": 2, "mfrac": 2, "mroot": 2, "mover": 2, "munder": 2, "msubsup": 3,
          "munderover": 3}
_SUP = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
_SUB = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")


@dataclass(frozen=True)
class Converted:
    """A title or abstract read once: what each kind of output shows."""

    html: str
    """Escaped HTML: text, inline <math> elements, <em>, <strong>, <code>."""
    text: str
    """Plain text, for places that take no markup (`UFO³`, `x^(n+1)`)."""
    rejected: tuple[str, ...] = ()
    """Formulas shown as written, each with the reason: `'$\\\\href{…}$': attribute href`."""


class _Reject(Exception):
    """A formula whose MathML is not shown (the message says why)."""


@lru_cache(maxsize=32_768)
def convert(text: str) -> Converted:
    """Read the TeX of one title or abstract (already on one line, see `clean`).

    Never raises: a formula that cannot be shown is in `rejected` and shown as written."""
    if not _WORK.search(text):
        return Converted(html.escape(text), text)
    out = _Out()
    reader = _Reader(text)
    reader.read(0, len(text), out)
    return Converted("".join(out.html), "".join(out.text), tuple(reader.rejected))


_WS = re.compile(r"\s+")
# Control characters and non-characters are invalid in HTML and XML; they never display.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean(value: object) -> str:
    """Text on one line, without characters that HTML and XML forbid (what every title and
    abstract is before it is read here or written into a page)."""
    text = str(value)
    # Printable ASCII with single spaces is clean already: most text, without two regex passes.
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip()
    return _WS.sub(" ", _INVISIBLE.sub("", text)).strip()


def to_html(text: str) -> str:
    """The HTML of a title or abstract: escaped, its TeX as MathML and inline elements."""
    return convert(text).html


def to_text(text: str) -> str:
    """The plain text of a title or abstract: `UFO$^3$` is `UFO³`, `\\textit{x}` is `x`."""
    return convert(text).text


def problems(papers: Iterable[Paper]) -> list[Problem]:
    """A problem per formula that is shown as written, at the paper's first source line."""
    found = []
    for paper in papers:
        for field in (paper.title, paper.abstract):
            # Only a formula is rejected, and one opens with `$` or `\(`: the texts without
            # either (49 in 50) are not read here (that took 1.3 s for 100,000 papers).
            if ("$" in field or "\\" in field) and (rejected := convert(clean(field)).rejected):
                where = paper.sources[0] if paper.sources else None
                for why in rejected:
                    found.append(Problem(where.file if where else "?", where.line if where else 0,
                                         f"TeX shown as written, not as math: {why}"))
    return found


class _Out:
    def __init__(self) -> None:
        self.html: list[str] = []
        self.text: list[str] = []

    def put(self, text: str) -> None:
        self.html.append(html.escape(text))
        self.text.append(text)

    def wrap(self, tag: str | None, inner: _Out) -> None:
        body = "".join(inner.html)
        self.html.append(f"<{tag}>{body}</{tag}>" if tag and body else body)
        self.text.extend(inner.text)


class _Reader:
    """One pass over a text; `read` writes the range [i, end) to an _Out."""

    SPECIAL = re.compile(r"[$\\`{'\"-]")
    """Where the scan stops: math, a command, a group, a quote or a dash may start there."""
    QUOTE_END = re.compile(r"''|\"|(?<!`)``(?!`)")
    """What closes a TeX quote opened with ``: '' as TeX has it, or " as many abstracts have it."""
    TEXLIKE = re.compile(r"[\\^_{}]")
    """What makes a short $…$ run TeX rather than prices: a command, a script, a group."""
    COMMAND = re.compile(r"\\([A-Za-z]+)")
    """A TeX command's name after its backslash (`\\alpha`, `\\textbf`)."""

    def __init__(self, text: str) -> None:
        self.t = text
        self.quoted = False
        self.rejected: list[str] = []

    def read(self, i: int, end: int, out: _Out) -> None:
        t = self.t
        while i < end:
            m = self.SPECIAL.search(t, i, end)
            if not m:
                out.put(t[i:end])
                return
            if m.start() > i:
                out.put(t[i:m.start()])
                i = m.start()
            c = t[i]
            if c == "$":
                i = self.dollar(i, end, out)
            elif c == "\\":
                i = self.command(i, end, out)
            elif c == "{":
                i = self.group(i, end, out)
            elif t.startswith("``", i) and not t.startswith("```", i) and (i == 0 or t[i - 1] != "`"):
                # Two backticks open a quote that something closes (three are Markdown's fence).
                if self.quoted or self.QUOTE_END.search(t, i + 2, end):
                    out.put("”" if self.quoted else "“")
                    self.quoted = not self.quoted
                else:
                    out.put("``")
                i += 2
            elif self.quoted and (t.startswith("''", i) or c == '"'):
                out.put("”")
                self.quoted = False
                i += 1 if c == '"' else 2
            elif t.startswith("---", i) and 0 < i and t[i - 1].isalnum() and i + 3 < end and t[i + 3].isalnum():
                out.put("—")
                i += 3
            elif t.startswith("--", i) and 0 < i and t[i - 1].isdigit() and i + 2 < end and t[i + 2].isdigit():
                out.put("–")
                i += 2
            else:
                out.put(c)
                i += 1

    def closing(self, i: int, end: int) -> int:
        """Index of the } matching the { at i, or -1."""
        depth = 0
        t = self.t
        k = i
        while k < end:
            c = t[k]
            if c == "\\":
                k += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return k
            k += 1
        return -1

    def argument(self, k: int, end: int) -> tuple[int, int] | None:
        """The inside of a {…} argument starting at k (spaces allowed before it), or None."""
        while k < end and self.t[k] == " ":
            k += 1
        if k < end and self.t[k] == "{":
            j = self.closing(k, end)
            if j > 0:
                return k + 1, j
        return None

    def group(self, i: int, end: int, out: _Out) -> int:
        j = self.closing(i, end)
        if j < 0:
            out.put("{")
            return i + 1
        inner = self.t[i + 1:j]
        # TeX grouping ({\em …}, {\deg}, 131{,}072) goes; braces in prose stay.
        if inner.startswith("\\") or len(inner) <= 1 and not inner.isalnum():
            self.read(i + 1, j, out)
        else:
            out.put("{")
            self.read(i + 1, j, out)
            out.put("}")
        return j + 1

    def dollar(self, i: int, end: int, out: _Out) -> int:
        t = self.t
        j = t.find("$", i + 1, end)
        if j > i + 1:
            body = t[i + 1:j]
            if (len(body) <= MATH_MAX and not body[0].isspace() and not body[-1].isspace()
                    and not (j + 1 < end and t[j + 1].isdigit())
                    and (self.TEXLIKE.search(body) or len(body) <= 3 and not any(ch.isdigit() for ch in body))):
                self.math(body, t[i:j + 1], out)
                return j + 1
        out.put("$")
        return i + 1

    def math(self, tex: str, source: str, out: _Out) -> None:
        try:
            markup, text = mathml(tex)
        except _Reject as why:
            self.rejected.append(f"'{source}': {why}")
            out.put(source)
            return
        out.html.append(markup)
        out.text.append(text)

    def command(self, i: int, end: int, out: _Out) -> int:
        t = self.t
        m = self.COMMAND.match(t, i, end)
        if m is None:
            return self.symbol(i, end, out)
        name, k = m.group(1), m.end()
        if name in _STYLES and (arg := self.argument(k, end)):
            inner = _Out()
            self.read(arg[0], arg[1], inner)
            out.wrap(_STYLES[name], inner)
            return arg[1] + 1
        if name in _SWITCHES:
            inner = _Out()
            self.read(k + (k < end and t[k] == " "), end, inner)
            out.wrap(_SWITCHES[name], inner)
            return end
        if name == "url" and (arg := self.argument(k, end)):
            out.put(t[arg[0]:arg[1]])
            return arg[1] + 1
        if name == "href" and (arg := self.argument(k, end)):
            shown = self.argument(arg[1] + 1, end)
            if shown:
                self.read(shown[0], shown[1], out)
                return shown[1] + 1
            out.put(t[arg[0]:arg[1]])
            return arg[1] + 1
        if name == "footnote" and (arg := self.argument(k, end)):
            out.put(" (")
            self.read(arg[0], arg[1], out)
            out.put(")")
            return arg[1] + 1
        if name in _DROPPED and (arg := self.argument(k, end)):
            return arg[1] + 1
        if name in _WORDS:
            out.put(_WORDS[name])
            return k
        code = convert_symbol("\\" + name)
        if code and re.fullmatch(r"[0-9A-Fa-f]{1,6}", code) and int(code, 16) <= 0x10FFFF:
            out.put(chr(int(code, 16)))
            return k
        # An author's own macro (\ourmethod, \veomni): its name is the best guess at its text.
        out.put(name)
        return k

    def symbol(self, i: int, end: int, out: _Out) -> int:
        """A backslash followed by anything but a letter."""
        t = self.t
        if i + 1 >= end:
            out.put("\\")
            return end
        c = t[i + 1]
        if c == "(":
            j = t.find("\\)", i + 2, end)
            if j > i + 2:
                self.math(t[i + 2:j].strip(), t[i:j + 2], out)
                return j + 2
        if c in _ACCENTS:
            # object\'s is an escaped apostrophe, not an accented s.
            if (c == "'" and i > 0 and t[i - 1].isalpha() and t.startswith("s", i + 2)
                    and not (i + 3 < end and t[i + 3].isalpha())):
                out.put("'")
                return i + 2
            base = self.accent_base(i + 2, end)
            if base:
                out.put(unicodedata.normalize("NFC", base[0] + _ACCENTS[c]))
                return base[1]
        out.put(_ESCAPES.get(c, c))
        return i + 2

    def accent_base(self, k: int, end: int) -> tuple[str, int] | None:
        """The letter an accent sits on, from k (`o`, `{o}`, `{\\i}`, `\\i`), and where it ends."""
        t = self.t
        if k < end and t[k].isalpha():
            return t[k], k + 1
        for dotless in ("\\i", "\\j"):
            if t.startswith(dotless, k) and not (k + 2 < end and t[k + 2].isalpha()):
                return dotless[1], k + 2
        if k < end and t[k] == "{":
            j = self.closing(k, end)
            inner = t[k + 1:j] if j > 0 else ""
            if len(inner) == 1 and inner.isalpha():
                return inner, j + 1
            if inner in ("\\i", "\\j"):
                return inner[1], j + 1
        return None


def _balanced(tex: str) -> bool:
    depth = 0
    skip = False
    for c in tex:
        if skip:
            skip = False
        elif c == "\\":
            skip = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@lru_cache(maxsize=4096)
def mathml(tex: str) -> tuple[str, str]:
    """One formula (the inside of `$…$`) as inline MathML and as plain text.

    Raises _Reject when latex2mathml fails on it or its output leaves the whitelist."""
    if not _balanced(tex):
        raise _Reject("unbalanced braces")
    try:
        root = convert_to_element(tex)
    except Exception as exc:  # noqa: BLE001 -- any failure of the converter on dump text means "show it as written"
        raise _Reject(f"{type(exc).__name__}: {exc}") from None
    body = [_node(child) for child in root]
    return "<math>" + "".join(h for h, _ in body) + "</math>", "".join(t for _, t in body)


def _chars(text: str) -> str:
    """latex2mathml's text, with its &#x…; references read back (to be escaped again)."""
    def char(m: re.Match) -> str:
        code = int(m.group(1) or "0", 16)
        if not 0x20 <= code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF or 0x7F <= code <= 0x9F:
            raise _Reject(f"character reference {m.group(0)}")
        return chr(code)
    return _ENTITY.sub(char, text)


def _node(e: Element) -> tuple[str, str]:
    if e.tag not in MATHML_ELEMENTS or e.tag == "math":
        raise _Reject(f"element {e.tag}")
    if (e.tail or "").strip():
        raise _Reject("text between elements")
    attrs = []
    for key, value in e.attrib.items():
        if key not in _ATTRIBUTES or not _VALUE.fullmatch(value):
            raise _Reject(f"attribute {key}")
        attrs.append(f' {key}="{html.escape(value)}"')
    own = _chars(e.text or "")
    if own.startswith("\\") or own in ("{", "}"):
        raise _Reject(f"unknown command {own}")
    kids = [_node(child) for child in e]
    if e.tag in _ARITY and len(kids) != _ARITY[e.tag]:
        raise _Reject(f"{e.tag} with {len(kids)} parts")
    markup = f"<{e.tag}{''.join(attrs)}>{html.escape(own)}{''.join(h for h, _ in kids)}</{e.tag}>"
    return markup, _plain(e.tag, own, [t for _, t in kids])


def _script(text: str, table: dict, mark: str) -> str:
    mapped = text.translate(table)
    if all(a != b for a, b in zip(text, mapped)):
        return mapped
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


def _plain(tag: str, own: str, kids: list[str]) -> str:
    if tag == "msup":
        return kids[0] + _script(kids[1], _SUP, "^")
    if tag == "msub":
        return kids[0] + _script(kids[1], _SUB, "_")
    if tag == "msubsup":
        return kids[0] + _script(kids[1], _SUB, "_") + _script(kids[2], _SUP, "^")
    if tag == "mfrac":
        a, b = (k if len(k) <= 1 else f"({k})" for k in kids)
        return f"{a}/{b}"
    if tag == "msqrt":
        inner = "".join(kids)
        return "√" + (inner if len(inner) <= 1 else f"({inner})")
    if tag == "mroot":
        return f"{kids[1]}√({kids[0]})"
    if tag == "mspace":
        return " "
    if tag == "mtr":
        return " ".join(kids) + "; "
    return own + "".join(kids)
