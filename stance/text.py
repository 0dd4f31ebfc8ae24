"""Normalise scraped news text and split it into sentences with offsets into the original.

Normalisation repairs what scraped news really contains and leaves well-formed text alone:

- mixed line endings (``\\r\\n``, ``\\r``) become ``\\n``; non-breaking and other odd spaces become a space;
- HTML entities (``&amp;``, ``&#8217;``) and UTF-8 read as cp1252 (``â€™``) are decoded;
- stray backslash escapes before punctuation (``\\$100``) lose the backslash;
- split abbreviations (``U. S .``) are joined (``U.S.``), and a possessive split from its word (``Nicaragua ’s``)
  rejoins it;
- letter-spaced words (``A b b a s A ragh c h i h a s``) are joined and re-segmented into words
  (``Abbas Araghchi has``) with a word list and the document's own vocabulary.

Curly quotes and dashes are valid Unicode and are kept as written (the model folds them when it builds features).
Zero-width characters and soft hyphens are kept too, so a sentence's text is what the source holds at its offsets (a
zero-width non-joiner is part of Persian spelling); what reads the words (the features, the holder finder) sees the
text through :func:`visible`.

Every step keeps a map from each output character to the original character it came from, so sentence offsets always
point into the text as the user gave it.

>>> [s.text for s in split_sentences("Putin Hosts Araghchi\\nThe U. S . struck. Russia \\\\$100 condemned it.")]
['Putin Hosts Araghchi', 'The U.S. struck.', 'Russia $100 condemned it.']
"""

from __future__ import annotations

import bisect
import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Sentence", "normalize", "split_sentences", "visible"]


@dataclass(frozen=True)
class Sentence:
    """One sentence: its index in the document, ``[start, end)`` offsets into the original text, normalised text."""

    index: int
    start: int
    end: int
    text: str


class _Mapped:
    """A string and, for each of its characters, the offset of the original character it stands for."""

    __slots__ = ("text", "origin")

    def __init__(self, text: str, origin: list[int] | range):
        self.text, self.origin = text, origin

    def sub(self, pattern: re.Pattern, repl) -> _Mapped:
        """Like ``pattern.sub(repl, text)``, mapping replacement characters onto the span they replace."""
        parts, origin, last = [], [], 0
        for m in pattern.finditer(self.text):
            new = repl(m)
            if new == m.group(0):
                continue
            a, b = m.span()
            parts.append(self.text[last:a])
            origin.extend(self.origin[last:a])
            parts.append(new)
            width = b - a
            origin.extend(self.origin[a + (j * width) // len(new)] for j in range(len(new)))
            last = b
        if not parts:
            return self
        parts.append(self.text[last:])
        origin.extend(self.origin[last:])
        return _Mapped("".join(parts), origin)


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ENTITY = re.compile(r"&(?:#\d{2,6}|#[xX][0-9a-fA-F]{2,6}|[a-zA-Z]{2,8});")
_MOJIBAKE = re.compile(r"(?:â€[\x80-\xbf\u0152-\u2122\u02c6\u02dc\u0153\u0161\u017e\u0178\u0160\u017d]|Ã[\x80-\xbf]|Â[\xa0-\xbf])+")
_ESCAPE = re.compile(r"(?<!\\)\\([$%&_#*~^\[\]{}\"'])")  # "\$100" -> "$100"; "\\" stays
_SPLIT_POSSESSIVE = re.compile(r"(?<=[A-Za-z]) +(?=[’']s(?![\w’'-]))")  # "Nicaragua ’s government"
_SPLIT_ABBREV = re.compile(r"(?<![.\w])([A-Z])\. ?([A-Z]) \.|(?<![.\w])(U)\. ([SNK])\.")
_LETTER_RUN = re.compile(
    r"(?<![\w.])(?:[A-Za-z] (?:[A-Za-z]{2,4} (?=[A-Za-z](?:\W|$)))?){2,}[A-Za-z](?![\w])"
)
_LETTER_PAIR = re.compile(r"[A-Za-z] [A-Za-z](?!\w)")  # how every letter run ends: a quick test before the slow one


def _unescape_entity(m: re.Match) -> str:
    out = html.unescape(m.group(0))
    return m.group(0) if out == m.group(0) else out.replace("\u00a0", " ")


def _cp1252_byte(ch: str) -> bytes:
    try:
        return ch.encode("cp1252")
    except UnicodeEncodeError:
        return bytes([ord(ch)]) if ord(ch) < 256 else b"\xff"  # cp1252's five holes pass through as raw bytes


def _fix_mojibake(m: re.Match) -> str:
    try:
        return b"".join(map(_cp1252_byte, m.group(0))).decode("utf-8")
    except UnicodeDecodeError:
        return m.group(0)


def _fix_abbrev(m: re.Match) -> str:
    first, second = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return f"{first}.{second}."


@lru_cache(maxsize=1)
def _wordlist() -> dict[str, float]:
    """Cost of each known word: ``log(rank)``-style, as in Zipf-based word segmentation."""
    lines = resources.files("stance").joinpath("words.txt").read_text(encoding="utf-8").split()
    n = math.log(len(lines))
    return {w: math.log((rank + 1) * n) for rank, w in enumerate(lines)}


_UNKNOWN = 22.0  # cost of a piece that is no known word: more than any two known words, so unknowns stay whole


def _segment(chunk: str, local: frozenset[str]) -> list[str]:
    """Split a run of letters into words, cheapest first: the document's own words, then the word list."""
    words = _wordlist()
    low = chunk.lower()
    best = [0.0] + [math.inf] * len(chunk)
    back = [0] * (len(chunk) + 1)
    for end in range(1, len(chunk) + 1):
        for start in range(max(0, end - 24), end):
            piece = low[start:end]
            if piece in local:
                cost = 4.0
            elif piece in words:
                cost = words[piece]
            elif len(piece) == 1:
                cost = _UNKNOWN * 2
            else:
                cost = _UNKNOWN + 0.05 * len(piece)
            if best[start] + cost < best[end]:
                best[end], back[end] = best[start] + cost, start
    out, end = [], len(chunk)
    while end:
        out.append(chunk[back[end] : end])
        end = back[end]
    return out[::-1]


def _despace(m: re.Match, local: frozenset[str]) -> str:
    letters = m.group(0).replace(" ", "")
    if letters.isupper():
        return letters
    # A capital after a lower-case letter starts a new word ("AbbasAraghchi"); each piece is then segmented.
    chunks = re.findall(r"[A-Z]?[^A-Z]*", letters)
    words = [w for chunk in chunks if chunk for w in _segment(chunk, local)]
    # Single letters left side by side are an acronym ("A A A" -> "AAA"), so a second pass finds nothing to join.
    return re.sub(r"\b(\w)((?: \w\b)+)", lambda m: m.group(0).replace(" ", ""), " ".join(words))


def _has(text: str, needles: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``needles``: a substring every match of a step's pattern contains, so the
    step's regex (slow to scan where it starts with a look-behind) runs only on the texts it can change."""
    return any(n in text for n in needles)


def _normalize(text: str) -> _Mapped:
    mapped = _Mapped(text, range(len(text)))  # a list only once a step changes something
    if _has(text, ("\r", "\u2028", "\u2029", "\x85")):
        mapped = mapped.sub(_NEWLINES, lambda m: "\n")
    mapped = mapped.sub(_SPACES, lambda m: " ")
    mapped = mapped.sub(_ENTITY, _unescape_entity)
    if _has(mapped.text, ("â€", "Ã", "Â")):
        mapped = mapped.sub(_MOJIBAKE, _fix_mojibake)
    if "\\" in mapped.text:
        mapped = mapped.sub(_ESCAPE, lambda m: m.group(1))
    if _has(mapped.text, (" .", "U. ")):  # "X. Y ." and "U. S." are the two shapes
        mapped = mapped.sub(_SPLIT_ABBREV, _fix_abbrev)
    if _has(mapped.text, (" ’s", " 's")):
        mapped = mapped.sub(_SPLIT_POSSESSIVE, lambda m: "")
    if _LETTER_PAIR.search(mapped.text) and _LETTER_RUN.search(mapped.text):
        local = frozenset(w.lower() for w in re.findall(r"[A-Za-z]{3,}", _LETTER_RUN.sub(" ", mapped.text)))
        mapped = mapped.sub(_LETTER_RUN, lambda m: _despace(m, local))
    return mapped


def visible(text: str) -> str:
    """``text`` without zero-width characters and soft hyphens: the words as a reader sees them.

    >>> visible("Rus\u200bsia con\u00addemned")
    'Russia condemned'
    """
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text


def normalize(text: str) -> str:
    """Repair scraping damage in ``text``; well-formed text comes back unchanged.

    >>> normalize("Araghchi said. Foreign Minister A b b a s A ragh c h i h a s arrived in the U. S . with \\\\$100")
    'Araghchi said. Foreign Minister Abbas Araghchi has arrived in the U.S. with $100'
    """
    return _normalize(text).text


# --- sentence splitting -------------------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen sen rep gov lt col sgt capt cmdr adm maj prof st rev hon pres supt jr sr vs no nos mt ft dept "
    "univ inc corp co ltd bros jan feb mar apr jun jul aug sep sept oct nov dec approx est fig al etc".split()
)
_STARTERS = frozenset(
    "The A An He She It They We I But And In On At This That These Those His Her Its Their Our Yet So If When While "
    "As After Before Now Meanwhile However Still".split()
)
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Za-z0-9])")
_QUOTE = re.compile(r"“[^“”\n]{0,600}”|\"[^\"\n]{0,600}\"")


_NEXT_CHAR = re.compile(r"\s*(\S)")
_NEXT_WORD = re.compile(r"\s+[\"“‘'(\[]?(\w+)")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


def _is_boundary(line: str, m: re.Match) -> bool:
    """Whether the punctuation matched at ``m`` in ``line`` ends a sentence (looks only at the neighbouring words,
    so a line of any length is split in linear time)."""
    i = m.start()
    while i > 0 and not line[i - 1].isspace():
        i -= 1
    word = line[i : m.start()].lstrip("\"“‘'([")
    following = _NEXT_CHAR.match(line, m.end())
    if following and following.group(1).islower():
        # "... Council. hile Moscow": a lower-case start follows only a plain full stop after an ordinary word.
        return m.group(0) == "." and word.isalpha() and len(word) > 1 and word.lower() not in _ABBREVIATIONS
    if line[m.start()] != ".":
        return True
    if word.lower() in _ABBREVIATIONS or len(word) == 1 and "A" <= word <= "Z":
        return False
    if _INITIALS.fullmatch(word):  # U.S., U.N., D.C., a.m.: only before a typical sentence start
        following = _NEXT_WORD.match(line, m.end())
        return bool(following) and following.group(1) in _STARTERS
    return True


def _line_ends(line: str) -> list[int]:
    """End offsets (exclusive) of the sentences in one line, the line's end included."""
    quoted = [q.span() for q in _QUOTE.finditer(line)]  # ordered and disjoint
    starts = [a for a, _ in quoted]
    ends = []
    for m in _BOUNDARY.finditer(line):
        k = bisect.bisect_left(starts, m.start()) - 1  # the last quotation opening before the match
        inside = k >= 0 and m.end() < quoted[k][1]
        if not inside and _is_boundary(line, m):
            ends.append(m.end())
    ends.append(len(line))
    return ends


_AFTER_BREAK = re.compile(r" *(\S)")


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of logical lines: a line break ends a sentence unless it only wraps one (next line starts lower-case)."""
    spans, start = [], 0
    for m in re.finditer(r"\n", text):
        j = m.start()
        while j > start and text[j - 1].isspace():
            j -= 1
        last = text[j - 1] if j > start else ""
        after = _AFTER_BREAK.match(text, m.end())
        wraps = last and last not in ".!?:”\"'" and after is not None and after.group(1).islower()
        if not wraps:
            spans.append((start, m.start()))
            start = m.end()
    spans.append((start, len(text)))
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Normalise ``text`` and split it into sentences whose offsets point into ``text`` itself.

    Spans are ordered, do not overlap and together cover every non-whitespace character of ``text``.
    """
    mapped = _normalize(text)
    norm, origin = mapped.text, mapped.origin
    spans = []
    for line_start, line_end in _lines(norm):
        line = norm[line_start:line_end].replace("\n", " ")
        start = 0
        for end in _line_ends(line):
            piece = line[start:end]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                trail = len(piece) - len(piece.rstrip())
                spans.append((line_start + start + lead, line_start + end - trail))
            start = end
    # Map to the original text; a removed character between two sentences goes to the sentence before it.
    bounds = [[origin[a], origin[b - 1] + 1] for a, b in spans]
    for i, (a, b) in enumerate(bounds):
        nxt = bounds[i + 1][0] if i + 1 < len(bounds) else len(text)
        gap = text[b:nxt]
        if gap.strip():
            bounds[i][1] = b + len(gap.rstrip())
    if bounds and text[: bounds[0][0]].strip():
        bounds[0][0] = len(text) - len(text.lstrip())
    return [
        Sentence(i, a, b, " ".join(norm[s:e].split()))
        for i, ((a, b), (s, e)) in enumerate(zip(bounds, spans))
    ]
