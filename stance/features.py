"""How text becomes features, in one place: folding, targets, the scikit-learn pipeline and the numpy scorer.

A text's target travels beside it as data, never inside the text. The pipeline reads documents that are either a
plain text or a ``(text, target)`` pair (:func:`documents`): the word and character blocks see the folded text only;
a ``target`` block, present when the model was fitted with targets, is the target value as one feature of its own.
A model per target value (:class:`TargetPipelines`, :class:`Scorer`) routes each row by its target with
:func:`route`, the only place that decides which model scores which row.

:class:`Scorer` holds the fitted pipeline(s) as plain arrays (vocabularies, idf, coefficients, intercepts, classes,
routing) and scores with numpy alone: no scikit-learn, no scipy, no pickle. Its probabilities equal
``pipeline.predict_proba`` to 1e-9 (``tests/test_features.py`` checks every seed sentence). It is saved as
``model.npz`` (:meth:`Scorer.save`) and read back with ``numpy.load(..., allow_pickle=False)``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from functools import lru_cache
from importlib import resources
from itertools import chain

import numpy as np

__all__ = ["Masker", "ROLE", "Cues", "cue_lists", "TargetOverlap", "target_word_lists", "DEFAULT_PARAMS", "FEATURES", "fold", "normalise_target", "normalise_targets", "documents", "route",
           "build_pipeline", "TargetPipelines", "CompactModel", "Scorer", "scale",
           "fit_temperature"]

DEFAULT_PARAMS = {
    "features": "word+char",
    "word_ngrams": (1, 2),
    "char_ngrams": (2, 5),
    "C": 3.0,
    "min_df": 1,
    "sublinear_tf": True,
    "mask_actors": False,
    "cues": False,
    "negation": False,
}
FEATURES = ("word", "char", "word+char")
FORMAT = 4  # model.npz: every model's arrays plus a JSON layout (format 1 and 2 were joblib pickles; format 3 marked
# the two words after any negator, not the negated cues, so its word block would read differently)
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "—": " - ", "–": "-", "\u00a0": " "})
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token_pattern
_SPACES = re.compile(r"\s\s+")


def fold(text: str) -> str:
    """What the features see: lower case, straight quotes, plain dashes.

    >>> fold("Russia’s “NO” — now")
    'russia\\'s "no"  -  now'
    """
    return text.translate(_FOLD).lower()


ROLE = "ACTOR"  # what an actor mention becomes before featurisation
_WORD = re.compile(r"(?<![\w.])\w+")
_CAPITALISED = re.compile(r"[A-Z][\w'’-]*")
_RUN = re.compile(r"[A-Z][\w'’-]*(?:[ \t]+(?:[A-Z][\w'’-]*|(?:al|bin|ibn|de|van|von|der|da|el)(?=[ \t]+[A-Z])))*")
# adjacent masks ("X and Y", "X's Y") read as one role token; _ROLES_1: the first rules, without "X's Y"
_ROLES = re.compile(r"\x00(?:(?:['’]s[ \t]+|[\s,]*(?:and|&)?[\s]*)\x00)*")
_ROLES_1 = re.compile(r"\x00(?:[\s,]*(?:and|&)?[\s]*\x00)*")
_MARK = "\x00"
_POSSESSIVE = re.compile(ROLE + r"'s?(?!\w)")  # "ACTOR's decision": the possessive reads as one role token, ACTOR_s
# a lowercase noun after "the <mention>": not a verb ("said", "welcomed", "urges"), an adverb or a function word
_NAMES_NOUN = re.compile(r"[ \t]+(?!(?:said|had|did|would|could|should|will|shall|can|may|might|must|also|then|and|or|nor|"
                         r"but|to|on|in|at|for|of|with|by|from|that|which|who|whom|whose|last|next|this|earlier|later|"
                         r"itself|again|now|still|never|not|already|only|while|after|before|since|over|under|into|"
                         r"against|about|around|ago|alone|too|today|tonight|yesterday|tomorrow|here|there|the|a|an|"
                         r"be|been|being|do|get|got|went|came|took|made|saw|gave|told|sought|thought|felt|kept|led|"
                         r"left|met|put|ran|sent|set|stood|won|began|broke|chose|drew|fell|grew|held|knew|lost|paid|"
                         r"rose|sold|spoke|struck|threw|wrote)(?![\w'’-]))[a-z][a-z-]*(?<!s)(?<!ed)(?<!ly)(?![\w'’-])")
_LETTERS = re.compile(r"[^\W\d_][\w'’-]*")


def title_case(text: str) -> bool:
    """Whether a text is written in title case, as headlines are: no full stop at its end and, after its first word,
    at least three words of four letters or more, at most one of them (and a fifth at most) lowercase.

    >>> title_case("Moscow and Tehran Present United Front"), title_case("Putin met Araghchi in the Kremlin on Monday.")
    (True, False)
    """
    if text.rstrip(" \t\n\"'”’)]").endswith("."):
        return False
    long = [w for w in _LETTERS.findall(text)[1:] if len(w) >= 4]
    lower = sum(w[0].islower() for w in long)
    return len(long) >= 3 and lower <= 1 and 5 * lower <= len(long)


def _the_before(before: str) -> int:
    r"""Where a "the" or "The" that ends ``before`` starts (a word of its own, then only spaces or tabs, a final
    line break aside), or -1: what ``re.search(r"(?:(?<=\s)|^)[Tt]he[ \t]+$", before)`` finds, read from the end
    instead of scanning the whole text before a mention."""
    end = len(before) - before.endswith("\n")  # "$" also matches before a final line break
    i = end
    while i > 0 and before[i - 1] in " \t":
        i -= 1
    p = i - 3
    if i == end or p < 0 or before[p + 1 : i] != "he" or before[p] not in "Tt" or p and not before[p - 1].isspace():
        return -1
    return p


_NEXT_WORD = re.compile(r"\W*(\w+)")
_FIRST_WORD = re.compile(r"\w+")


def first_word(alias: str) -> str:
    """The first word of an alias ("" for none, as "@handle" has): what :func:`alias_index` groups are keyed by."""
    m = _FIRST_WORD.match(alias)
    return m.group(0) if m else ""


def alias_index(aliases: list[str], skip: int) -> dict[str, tuple[tuple[int, ...], frozenset[str]]]:
    """Aliases that share a first word (``skip`` characters long), by their second word ("" for none): each
    group's lengths, longest first, and the set of its aliases. A few aliases make one group, "". The masker and
    :meth:`stance.actors.Registry.mentions` find aliases with it (here, since this module imports nothing of ours)."""
    if len(aliases) <= 8:  # few: one group, tried whatever word follows (grouping pays only for many)
        return {"": (tuple(sorted({len(a) for a in aliases}, reverse=True)), frozenset(aliases))}
    groups: dict[str, list[str]] = {}
    for alias in aliases:
        m = _NEXT_WORD.match(alias, skip)
        groups.setdefault(m.group(1) if m else "", []).append(alias)
    return {w: (tuple(sorted({len(a) for a in g}, reverse=True)), frozenset(g)) for w, g in groups.items()}


def longest_alias(groups: dict, text: str, start: int, after: int) -> int:
    """The end of the longest alias of ``groups`` (:func:`alias_index`) written at ``start`` and not followed by a
    word character, or -1; ``after``: where the first word ends in ``text``. Only the aliases whose second word is
    the text's next word, and those without one (group ""), can be written there."""
    if len(groups) == 1 and "" in groups:  # a few aliases: one group, whatever word follows
        found = None
    else:
        nxt = _NEXT_WORD.match(text, after)
        found = groups.get(nxt.group(1)) if nxt is not None else None
    size = len(text)
    for group in (found, groups.get("")):
        if group is not None:
            for n in group[0]:
                stop = start + n  # str.isalnum() or "_" is what \w matches
                if stop <= size and not (stop < size and (text[stop].isalnum() or text[stop] == "_")) \
                        and text[start:stop] in group[1]:
                    return stop
    return -1


class Masker:
    """Replaces actor mentions with the role token ``ACTOR`` before featurisation, so that "Japan condemned X" and
    "Kenya condemned X" give the same features.

    A mention is a registry alias (``aliases``: the registry's names and aliases, matched case-sensitively as whole
    words, the longest at each place, left to right, as :meth:`stance.actors.Registry.mentions` does) or, in what is
    left, a run of capitalised words not at the start of the text whose words are not ``keep`` words (function words
    such as "The", "We", "President" stay). Consecutive mentions ("Kenyan President William Ruto", "X and Y") become
    one token, and so does a possessive mention right before another ("Kenya's President William Ruto", as "Kenyan
    President William Ruto" does). In a title-case text ("Moscow and Tehran Present United Front") capitalisation is no
    sign of a name, so only the aliases are masked. The masker is data (two word lists and the version of these rules,
    ``rules``), saved in ``model.npz`` so prediction masks as training did: a model saved before version 2 keeps
    version 1 (no possessive join, capitals are names in headlines too). From version 3 a mention after "the" that
    names the noun after it reads as a possessive: "welcomed the AU decision" as "welcomed the AU's decision"
    (``ACTOR_s decision``), not as "welcomed ACTOR", which in readouts is a visit ("welcomed President X to ...").

    >>> m = Masker(["Japan", "North Korea"], ["the", "we"])
    >>> m("Japan strongly condemned North Korea's launch, Prime Minister Fumio Kishida said.")
    "ACTOR strongly condemned ACTOR's launch, ACTOR said."
    >>> m("The ministry said We will not accept it.")
    'The ministry said We will not accept it.'
    >>> m("Japan Condemns Missile Launch by North Korea")
    'ACTOR Condemns Missile Launch by ACTOR'
    >>> m("Japan's Prime Minister Fumio Kishida spoke.")
    'ACTOR spoke.'
    >>> m("Japan welcomed the North Korea decision, and the North Korea envoy said it would.")
    "ACTOR welcomed ACTOR's decision, and ACTOR's envoy said it would."
    >>> m("Japan welcomed the North Korea team to the talks, as the North Korea said it would.")
    "ACTOR welcomed ACTOR's team to the talks, as ACTOR said it would."
    """

    RULES = 3  # the version of the masking rules a new masker follows

    def __init__(self, aliases=(), keep=(), rules: int = RULES):
        self.aliases = sorted({a for a in aliases if a and _WORD.match(a)})
        self.keep = sorted({k.lower() for k in keep if k})
        if rules not in range(1, Masker.RULES + 1):
            raise ValueError(f"masking rules {rules!r}: this version of stance knows 1 to {Masker.RULES}")
        self.rules = rules
        self._roles = _ROLES if rules >= 2 else _ROLES_1
        self._keep = frozenset(self.keep)
        index: dict[str, list[str]] = {}
        for alias in self.aliases:
            index.setdefault(first_word(alias), []).append(alias)
        # an alias's first word -> its aliases, grouped by their second word (alias_index: each group's lengths
        # longest first and the set of them, as stance.actors.Registry finds mentions) when the word is first met,
        # so loading a model groups nothing; only words that can be first words are visited: capitalised ones and
        # the few others
        self._index: dict[str, list[str] | dict] = index
        others = sorted((k for k in index if not re.match(r"[A-Z0-9]", k)), key=len, reverse=True)
        self._scan = re.compile(r"(?<![\w.])(?:[A-Z0-9]\w*" + "".join("|" + re.escape(k) + r"(?!\w)" for k in others)
                                + ")")
        self._memo: dict[str, str] | None = None  # text -> fold(text), when remembering (training)

    def remember(self) -> Masker:
        """Keep every :meth:`fold` result in memory, so that the folds and settings of one training run mask each
        text once (the masker :func:`stance.model.masker_for` builds for fitting does; a loaded model's does not)."""
        if self._memo is None:
            self._memo = {}
        return self

    def __eq__(self, other) -> bool:
        return isinstance(other, Masker) and (self.aliases, self.keep, self.rules) == (other.aliases, other.keep,
                                                                                         other.rules)

    def __getstate__(self) -> dict:
        return {"aliases": self.aliases, "keep": self.keep, "rules": self.rules}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["aliases"], state["keep"], state.get("rules", 1))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The ``[start, end)`` spans of the mentions the masker replaces, in order."""
        out, end, size, index = [], 0, len(text), self._index
        for m in self._scan.finditer(text):
            found = index.get(m.group(0))
            if found is None:
                continue
            start = m.start()
            if start < end:
                continue
            if type(found) is list:
                found = index[m.group(0)] = alias_index(found, len(m.group(0)))
            stop = longest_alias(found, text, start, m.end())
            if stop >= 0:
                out.append((start, stop))
                end = stop
        if self.rules >= 2 and title_case(text):
            return out
        names, last, keep = [], 0, self._keep
        lead = size - len(text.lstrip(" \t\"'“‘(["))  # a run starting at or before this is at the start of the text
        for a, b in [*out, (size, size)]:
            for run in _RUN.finditer(text, last, a):
                if " " in run.group(0) or "\t" in run.group(0):
                    words = [(w.start(), w.end()) for w in _CAPITALISED.finditer(text, run.start(), run.end())]
                else:  # one word: the run itself
                    words = [run.span()]
                while words and text[words[0][0]:words[0][1]].lower().rstrip("'’s") in keep \
                        or words and text[words[0][0]:words[0][1]].lower() in keep:
                    words.pop(0)
                while words and text[words[-1][0]:words[-1][1]].lower() in keep:
                    words.pop()
                if not words:
                    continue
                first = words[0][0]
                if first <= lead and len(words) < 2:  # at the start of the text: only a run of two words or more
                    continue
                names.append((first, words[-1][1]))
            last = b
        return sorted(out + names)

    def _marked(self, text: str) -> str:
        pieces, last = [], 0
        for a, b in self.spans(text):
            before = text[last:a]
            the = _the_before(before)  # "the United States" and "United States" mask alike
            pieces += [before[:the] if the >= 0 else before, _MARK]
            if self.rules >= 3 and (the >= 0 or text.startswith(("the ", "The "), a)) and _NAMES_NOUN.match(text, b):
                pieces.append("'s")  # "the AU decision": the AU's decision
            last = b
        pieces.append(text[last:])
        return "".join(pieces)

    def __call__(self, text: str) -> str:
        """``text`` with each mention (and each run of adjacent mentions) replaced by ``ACTOR``."""
        return self._roles.sub(ROLE, self._marked(text))

    def fold(self, text: str) -> str:
        """The masked, folded text the features see: :func:`fold` of the text around ``ACTOR`` tokens."""
        memo = self._memo
        if memo is not None:
            hit = memo.get(text)
            if hit is None:
                hit = _POSSESSIVE.sub(ROLE + "_s", self._roles.sub(ROLE, fold(self._marked(text))))
                if len(memo) < 500_000:
                    memo[text] = hit
            return hit
        return _POSSESSIVE.sub(ROLE + "_s", self._roles.sub(ROLE, fold(self._marked(text))))


@lru_cache(maxsize=1)
def cue_lists() -> dict[str, tuple[str, ...]]:
    """``stance/cues.csv``: stance -> its cue phrases (matched as word prefixes: "condemn" finds "condemned"), and
    ``negation`` -> the words and phrases that negate a cue after them (matched as whole words: "refused to")."""
    out: dict[str, list[str]] = {}
    with resources.files("stance").joinpath("cues.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["stance"], []).append(row["cue"])
    return {k: tuple(v) for k, v in out.items()}


_SCOPE_WORD = re.compile(r"(?u)\b\w\w+\b")  # the word block's tokens
_WORD_END = re.compile(r"\w*")
_CLAUSE_END = re.compile(r"[,;:.!?()\"]|\b(?:but|while|whereas|although|though)\b")


class Cues:
    """Stance-cue terms of a (folded) text, negation-aware: each cue phrase of a stance (``cues``) found in the text
    gives the term ``cue: <stance>``, or ``cue: not <stance>`` when a ``negators`` word or phrase stands in the same
    clause within ``window`` characters before it ("refused to condemn", "stopped short of condemning", "did not
    welcome"); a text without any cue gives ``cue: none``. The lists are data (``stance/cues.csv``), saved in ``model.npz`` with the model that uses them.

    >>> c = Cues({"condemn": ["condemn"], "support": ["welcom"]}, ["not", "refused"])
    >>> c.terms("actor condemned it, but did not welcome the plan; actor refused to condemn.")
    ['cue: condemn', 'cue: not support', 'cue: not condemn']
    >>> c.terms("actor met actor.")
    ['cue: none']
    """

    def __init__(self, cues: dict, negators=(), window: int = 40, prep=None):
        self.cues = {k: sorted(set(v)) for k, v in sorted(cues.items()) if v}
        self.negators = sorted(set(negators))
        self.window = int(window)
        self.prep = prep  # the pipeline's analyser reads raw documents: prep folds (and masks) them first
        alt = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # noqa: E731
        names = {f"c{i}": stance for i, stance in enumerate(self.cues)}
        self._names = names
        self._cue = re.compile(r"\b(?:" + "|".join(f"(?P<{g}>{alt(self.cues[st])})" for g, st in names.items())
                               + ")") if names else None
        self._negator = re.compile(r"(?<![\w'])(?:" + alt(self.negators) + r")(?![\w'])") if self.negators else None

    def __eq__(self, other) -> bool:
        return isinstance(other, Cues) and self.layout() == other.layout()

    def layout(self) -> dict:
        return {"cues": self.cues, "negators": self.negators, "window": self.window}

    def found(self, text: str):
        """Each cue of a folded text, in order: its match, its stance and whether a negator stands before it in its
        clause (within ``window`` characters): the one rule both :meth:`terms` and :meth:`mark` follow."""
        for m in self._cue.finditer(text) if self._cue is not None else ():
            before = text[max(0, m.start() - self.window): m.start()]
            ends = [e.end() for e in _CLAUSE_END.finditer(before)]
            before = before[ends[-1]:] if ends else before
            yield m, self._names[m.lastgroup], self._negator is not None and self._negator.search(before) is not None

    def terms(self, text: str) -> list[str]:
        """The cue terms of a folded text, in order of the cues' places."""
        return [f"cue: not {stance}" if negated else f"cue: {stance}" for _, stance, negated in self.found(text)] \
            or ["cue: none"]

    def mark(self, text: str) -> str:
        """``text`` with each negated cue (:meth:`found`) written ``not_<word>``, every word of it, so "did not
        condemn" and "condemned" give different n-grams while the words around them ("the strikes", an ``ACTOR``)
        read as they always do. Marking only the cues scored 0.6095 macro F1 in grouped CV on the default labels,
        against 0.6057 for the two words after any negator (and 0.6111 for no marking, which reads "did not
        condemn" as condemn).

        >>> Cues({"condemn": ["condemn"]}, ["refused", "not"]).mark("actor refused to condemn the strikes, but did not say why.")
        'actor refused to not_condemn the strikes, but did not say why.'
        >>> Cues({"hedge": ["stopped short"], "condemn": ["condemn"]}, ["not"]).mark("ACTOR did not condemn ACTOR_s test.")
        'ACTOR did not not_condemn ACTOR_s test.'
        """
        pieces, last = [], 0
        for m, _, negated in self.found(text):
            if negated and m.start() >= last:
                end = _WORD_END.match(text, m.end()).end()
                pieces += [text[last:m.start()], _SCOPE_WORD.sub(lambda w: "not_" + w.group(0), text[m.start():end])]
                last = end
        pieces.append(text[last:])
        return "".join(pieces)

    def __call__(self, doc) -> list[str]:
        """The pipeline's analyser: the terms of a document (a text or a (text, target) pair), folded by ``prep``."""
        return self.terms(self.prep(doc) if self.prep is not None else fold(doc if isinstance(doc, str) else doc[0]))

    @classmethod
    def default(cls, prep=None) -> Cues:
        lists = cue_lists()
        return cls({k: v for k, v in lists.items() if k != "negation"}, lists.get("negation", ()), prep=prep)


def normalise_target(value) -> str | None:
    """A target value as the model keys it: ``None`` for no target (None, NaN, pandas NA, "" or the string "nan" a
    table writes for an empty cell), otherwise the value as a stripped string.

    >>> [normalise_target(v) for v in (None, float("nan"), "", " nan ", " Iran ", 7)]
    [None, None, None, None, 'Iran', '7']
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or type(value).__name__ in ("NAType",
                                                                                                      "NaTType"):
        return None
    text = str(value).strip()
    return None if text == "" or text.lower() == "nan" else text


def normalise_targets(targets, n: int) -> list[str | None]:
    """``n`` normalised targets (:func:`normalise_target`); ``None`` means no text has a target."""
    if targets is None:
        return [None] * n
    if isinstance(targets, (str, bytes)):
        raise TypeError("expected a list of targets, got a single string: wrap it in a list")
    out = [normalise_target(t) for t in targets]
    if len(out) != n:
        raise ValueError(f"{n} texts but {len(out)} targets")
    return out


def documents(texts: list[str], targets: list[str | None]) -> list:
    """What the pipeline reads: ``(text, target)`` pairs (a plain text reads as having no target)."""
    return list(zip(texts, targets))


def route(targets: list[str | None], known) -> dict[str | None, list[int]]:
    """Rows by the model that scores them: a target in ``known`` -> its rows; ``None`` -> every other row (no target,
    or a target without a model of its own), which the fallback scores.

    >>> route(["A", None, "B", "A"], {"A"})
    {'A': [0, 3], None: [1, 2]}
    """
    out: dict = {}
    for i, target in enumerate(targets):
        out.setdefault(target if target is not None and target in known else None, []).append(i)
    return out


def _text(doc) -> str:
    """The folded text of a document (a text or a (text, target) pair): the word and character blocks' input."""
    return fold(doc if isinstance(doc, str) else doc[0])


class MaskedText:
    """The word and character blocks' input when actors are masked: :meth:`Masker.fold` of a document's text."""

    def __init__(self, masker: Masker):
        self.masker = masker

    def __call__(self, doc) -> str:
        return self.masker.fold(doc if isinstance(doc, str) else doc[0])


class NegatedText:
    """The word block's input with ``negation``: the folded (and masked) text of ``prep`` with the words in a
    negated cues marked (:meth:`Cues.mark`), so "did not condemn" and "condemned" give different n-grams."""

    def __init__(self, prep, cues: Cues):
        self.prep, self.cues = prep, cues

    def __call__(self, doc) -> str:
        return self.cues.mark(self.prep(doc))


def _target_terms(doc) -> list[str]:
    """The target block's one feature: the document's target value, if any."""
    return [] if isinstance(doc, str) or doc[1] is None else [doc[1]]


@lru_cache(maxsize=1)
def target_word_lists() -> dict[str, tuple[str, ...]]:
    """``stance/target_words.csv``: kind (``hedge``, ``refute``, ``negation``, ``stop``) -> its words, matched as
    whole words of the folded text (:class:`TargetOverlap`)."""
    out: dict[str, list[str]] = {}
    with resources.files("stance").joinpath("target_words.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["kind"], []).append(row["word"])
    return {k: tuple(v) for k, v in out.items()}


_OVERLAP_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


class TargetOverlap:
    """Six features of a text read against its target (a claim, a headline's subject), after Ferreira & Vlachos
    (2016): a question mark in the text; a hedging word, a refuting word (``words``: the lists of
    ``stance/target_words.csv``); a negation in the text but not in the target; the share of the target's content
    words (not ``stop`` words) found in the text; their Jaccard overlap. A model fitted with targets has this block
    beside the target value (:func:`build_pipeline`); without targets there is no such block. It reads the folded
    text as written (actor names included: the overlap is about them), never the n-grams, and its values go to the
    classifier as they are (no idf, no normalisation), so the numpy scorer computes them with :meth:`values` alone.

    >>> o = TargetOverlap({"hedge": ["reportedly"], "refute": ["hoax"], "negation": ["not"], "stop": ["is", "the"]})
    >>> o.values("Putin is reportedly not dead?", "Putin is dead")
    [1.0, 1.0, 0.0, 1.0, 1.0, 0.5]
    >>> o.values("Putin is dead", None)
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """

    NAMES = ("target: question mark", "target: hedge word", "target: refuting word", "target: negation in text only",
             "target: its words in text", "target: word overlap")

    def __init__(self, words: dict):
        self.words = {k: sorted(set(v)) for k, v in sorted(words.items())}
        self._sets = {k: frozenset(self.words.get(k, ())) for k in ("hedge", "refute", "negation", "stop")}

    @classmethod
    def default(cls) -> TargetOverlap:
        return cls(target_word_lists())

    def layout(self) -> dict:
        return {"words": self.words}

    def __eq__(self, other) -> bool:
        return isinstance(other, TargetOverlap) and self.words == other.words

    def values(self, text: str, target: str | None) -> list[float]:
        """The six values of a text (as given: it is folded here) and its target (None: no target)."""
        sets = self._sets
        head = _OVERLAP_WORD.findall(fold(text))
        claim = _OVERLAP_WORD.findall(fold(target)) if target is not None else []
        hs, cs = set(head), set(claim)
        hc, cc = hs - sets["stop"], cs - sets["stop"]
        return [float("?" in text), float(not hs.isdisjoint(sets["hedge"])), float(not hs.isdisjoint(sets["refute"])),
                float(not hs.isdisjoint(sets["negation"]) and cs.isdisjoint(sets["negation"])),
                len(cc & hc) / len(cc) if cc else 0.0, len(cc & hc) / len(cc | hc) if cc | hc else 0.0]

    # the scikit-learn transformer protocol, as a FeatureUnion block of the reference pipeline
    def get_params(self, deep: bool = True) -> dict:
        return {"words": self.words}

    def set_params(self, **params) -> TargetOverlap:
        self.__init__(params.get("words", self.words))
        return self

    def fit(self, docs, y=None) -> TargetOverlap:
        return self

    def transform(self, docs):
        from scipy.sparse import csr_matrix

        rows = [self.values(d, None) if isinstance(d, str) else self.values(d[0], d[1]) for d in docs]
        return csr_matrix(np.asarray(rows, dtype=np.float64).reshape(len(rows), len(self.NAMES)))

    def fit_transform(self, docs, y=None):
        return self.transform(docs)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(self.NAMES, dtype=object)


def build_pipeline(params: dict | None = None, random_state: int = 0, with_target: bool = False,
                   masker: Masker | None = None):
    """The model: word and/or character TF-IDF n-grams (plus, ``with_target``, the target value as a feature of its
    own and the text-against-target features of :class:`TargetOverlap`) into a balanced logistic regression. It reads plain texts or ``(text, target)`` pairs (:func:`documents`).
    With ``mask_actors`` the n-grams read the text with actor mentions replaced (``masker``, or a capitalisation-only
    :class:`Masker`)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    p = {**DEFAULT_PARAMS, **(params or {})}
    if p["features"] not in FEATURES:
        raise ValueError(f"features must be one of {', '.join(FEATURES)}, not {p['features']!r}")
    parts = []
    prep = MaskedText(masker if masker is not None else Masker()) if p.get("mask_actors") else _text
    if "word" in p["features"].split("+"):
        parts.append(("word", TfidfVectorizer(preprocessor=NegatedText(prep, Cues.default()) if p.get("negation")
                                              else prep, ngram_range=tuple(p["word_ngrams"]),
                                              min_df=p["min_df"], sublinear_tf=p["sublinear_tf"])))
    if "char" in p["features"].split("+"):
        parts.append(("char", TfidfVectorizer(preprocessor=prep, analyzer="char_wb",
                                              ngram_range=tuple(p["char_ngrams"]), min_df=p["min_df"],
                                              sublinear_tf=p["sublinear_tf"])))
    if p.get("cues"):
        parts.append(("cues", TfidfVectorizer(analyzer=Cues.default(prep), lowercase=False,
                                              sublinear_tf=p["sublinear_tf"])))
    if with_target:
        parts.append(("target", TfidfVectorizer(analyzer=_target_terms, lowercase=False)))
        parts.append(("overlap", TargetOverlap.default()))
    return Pipeline([
        ("features", FeatureUnion(parts)),
        # newton-cg: the same penalised likelihood as lbfgs, solved in about 6 Newton steps instead of about 150
        # quasi-Newton ones, about 5 times faster on the default labels and nearer the optimum (bench/solver.py)
        ("classifier", LogisticRegression(C=p["C"], class_weight="balanced", max_iter=5000, solver="newton-cg",
                                          random_state=random_state)),
    ])


def _union_classes(models) -> np.ndarray:
    """The first model's classes, then every other class any model knows, sorted."""
    first = [str(c) for c in models[0].classes_]
    seen = {str(c) for m in models for c in m.classes_}
    return np.asarray(first + sorted(seen - set(first)))


class TargetPipelines:
    """The reference form of a model per target value: the fitted scikit-learn ``fallback`` Pipeline (every row,
    target as a feature) and one Pipeline per target value (``pipelines``, text only), routed by :func:`route`.
    Saved in ``pipeline.joblib`` as a plain dict (:meth:`state`), so the file names no class of ours."""

    def __init__(self, fallback, pipelines: dict):
        self.fallback = fallback
        self.pipelines = dict(pipelines)
        self.classes_ = _union_classes([fallback, *self.pipelines.values()])

    def predict_proba(self, texts, targets=None) -> np.ndarray:
        texts = list(texts)
        targets = normalise_targets(targets, len(texts))
        out = np.zeros((len(texts), len(self.classes_)))
        index = {c: i for i, c in enumerate(self.classes_)}
        for target, rows in route(targets, self.pipelines).items():
            pipe = self.fallback if target is None else self.pipelines[target]
            docs = [(texts[i], targets[i]) if target is None else texts[i] for i in rows]
            out[np.ix_(rows, [index[str(c)] for c in pipe.classes_])] = pipe.predict_proba(docs)
        return out

    def predict(self, texts, targets=None) -> np.ndarray:
        return self.classes_[self.predict_proba(texts, targets).argmax(axis=1)]

    def state(self) -> dict:
        return {"kind": "a model per target value", "fallback": self.fallback, "targets": self.pipelines}


def _char_wb(word: str, lo: int, hi: int) -> list[str]:
    """TfidfVectorizer(analyzer="char_wb") n-grams of one word, in scikit-learn's order."""
    w = f" {word} "
    size = len(w)
    out = []
    for n in range(lo, hi + 1):
        if n >= size:  # a short word counts once, whole
            out.append(w)
            break
        out.extend(w[i : i + n] for i in range(size - n + 1))
    return out


class _Preprocessed:
    """A vectoriser seen with another preprocessor (a :class:`NegatedText`'s inner one), for reading its settings."""

    def __init__(self, vec, preprocessor):
        self._vec, self.preprocessor = vec, preprocessor

    def __getattr__(self, name):
        return getattr(self._vec, name)


class CompactModel:
    """Arrays that reproduce one fitted ``Pipeline(FeatureUnion(TfidfVectorizer...), LogisticRegression)``."""

    def __init__(self, classes, coef: np.ndarray, intercept: np.ndarray, parts: list[dict],
                 masker: Masker | None = None):
        self.masker = masker  # None: the text is only folded
        self.classes = np.asarray([str(c) for c in classes])
        self.coef = np.asarray(coef, dtype=np.float64)
        self.coef_t = np.ascontiguousarray(self.coef.T)  # (features, classes)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        # name, analyzer ("word", "char_wb", "cues", "target" or "overlap"), ngram_range, sublinear_tf, vocabulary,
        # idf, offset (and cues, negation, overlap: the objects those blocks read with)
        self.parts = parts
        self.width = sum(len(p["idf"]) for p in parts)
        self._words: list[dict[str, np.ndarray]] = [{} for _ in parts]  # per char part: word -> its columns

    @classmethod
    def from_pipeline(cls, pipeline) -> CompactModel:
        """Read the arrays out of a fitted pipeline built by :func:`build_pipeline`."""
        parts, offset, masker = [], 0, None
        for name, vec in pipeline.named_steps["features"].transformer_list:
            if isinstance(vec, TargetOverlap):
                parts.append({"name": name, "analyzer": "overlap", "ngram_range": (1, 1), "sublinear_tf": False,
                              "vocabulary": {n: j for j, n in enumerate(vec.NAMES)}, "idf": np.ones(len(vec.NAMES)),
                              "offset": offset, "cues": None, "negation": None, "overlap": vec})
                offset += len(vec.NAMES)
                continue
            negation = None
            if isinstance(vec.preprocessor, NegatedText):
                vec, negation = _Preprocessed(vec, vec.preprocessor.prep), vec.preprocessor.cues
            if isinstance(vec.preprocessor, MaskedText):
                masker = vec.preprocessor.masker
            cues = None
            if vec.analyzer is _target_terms:
                analyzer = "target"
            elif isinstance(vec.analyzer, Cues):
                analyzer, cues = "cues", vec.analyzer
            elif (vec.preprocessor is _text or isinstance(vec.preprocessor, MaskedText)) and vec.analyzer in ("word", "char_wb") and (
                    vec.analyzer != "word" or vec.token_pattern == _TOKEN.pattern):
                analyzer = vec.analyzer
            else:
                analyzer = None
            if analyzer is None or vec.norm != "l2" or not vec.use_idf or vec.binary or vec.stop_words is not None:
                raise ValueError(f"feature block {name!r} has settings the numpy scorer does not reproduce")
            parts.append({"name": name, "analyzer": analyzer, "ngram_range": tuple(vec.ngram_range),
                          "sublinear_tf": bool(vec.sublinear_tf), "vocabulary": dict(vec.vocabulary_),
                          "idf": np.asarray(vec.idf_, dtype=np.float64), "offset": offset, "cues": cues, "negation": negation})
            offset += len(vec.idf_)
        clf = pipeline.named_steps["classifier"]
        return cls(clf.classes_, clf.coef_, clf.intercept_, parts, masker)

    # --- saving as arrays -----------------------------------------------------------------------------------------
    def arrays(self, prefix: str) -> tuple[dict, dict[str, np.ndarray]]:
        """The layout (JSON) and the arrays of this model, array names starting with ``prefix``. Each vocabulary is
        one separator-joined UTF-8 string, in column order."""
        layout = {"classes": [str(c) for c in self.classes], "parts": [],
                  "mask": None if self.masker is None else {"aliases": self.masker.aliases, "keep": self.masker.keep,
                                                             "rules": self.masker.rules}}
        out = {f"{prefix}coef": self.coef, f"{prefix}intercept": self.intercept}
        for j, part in enumerate(self.parts):
            terms = sorted(part["vocabulary"], key=part["vocabulary"].get)
            sep = next(chr(c) for c in range(1, 0x110000) if not any(chr(c) in t for t in terms))
            layout["parts"].append({"name": part["name"], "analyzer": part["analyzer"],
                                    "ngram_range": list(part["ngram_range"]), "sublinear_tf": part["sublinear_tf"],
                                    "offset": part["offset"], "sep": sep,
                                    **({"cues": part["cues"].layout()} if part.get("cues") is not None else {}),
                                    **({"negation": part["negation"].layout()} if part.get("negation") is not None
                                       else {}),
                                    **({"overlap": part["overlap"].layout()} if part.get("overlap") is not None
                                       else {})})
            out[f"{prefix}p{j}.idf"] = part["idf"]
            out[f"{prefix}p{j}.terms"] = np.frombuffer(sep.join(terms).encode("utf-8"), dtype=np.uint8)
        return layout, out

    @classmethod
    def from_arrays(cls, layout: dict, arrays, prefix: str) -> CompactModel:
        parts = []
        for j, p in enumerate(layout["parts"]):
            idf = np.asarray(arrays[f"{prefix}p{j}.idf"], dtype=np.float64)
            joined = arrays[f"{prefix}p{j}.terms"].tobytes().decode("utf-8")
            terms = joined.split(p["sep"]) if len(idf) else []
            if len(terms) != len(idf):
                raise ValueError(f"block {p['name']!r}: {len(terms)} terms for {len(idf)} idf weights")
            parts.append({"name": p["name"], "analyzer": p["analyzer"], "ngram_range": tuple(p["ngram_range"]),
                          "sublinear_tf": bool(p["sublinear_tf"]), "vocabulary": dict(zip(terms, range(len(terms)))),
                          "idf": idf, "offset": int(p["offset"]),
                          "cues": Cues(**p["cues"]) if p["analyzer"] == "cues" else None,
                          "negation": Cues(**p["negation"]) if p.get("negation") else None,
                          "overlap": TargetOverlap(**p["overlap"]) if p["analyzer"] == "overlap" else None})
        mask = layout.get("mask")
        masker = None if mask is None else Masker(mask["aliases"], mask["keep"], mask.get("rules", 1))
        return cls(layout["classes"], arrays[f"{prefix}coef"], arrays[f"{prefix}intercept"], parts, masker)

    # --- features -------------------------------------------------------------------------------------------------
    def _columns(self, k: int, part: dict, text: str, target: str | None) -> list:
        """The vocabulary columns of one part's features of a (folded) text and its target, as lists to concatenate."""
        vocab = part["vocabulary"]
        if part["analyzer"] == "target":
            return [[vocab[target]]] if target is not None and target in vocab else []
        if part["analyzer"] == "cues":
            return [[j for j in map(vocab.get, part["cues"].terms(text)) if j is not None]]
        lo, hi = part["ngram_range"]
        if part["analyzer"] == "word":
            tokens = _TOKEN.findall(text)
            grams = list(tokens) if lo == 1 else []
            for n in range(max(lo, 2), min(hi, len(tokens)) + 1):  # the n-grams in order, as tokens[i : i + n]
                grams.extend(map(" ".join, zip(*[tokens[k:] for k in range(n)])))
            get = vocab.get
            return [[j for j in map(get, grams) if j is not None]]
        cache = self._words[k]
        out = []
        for w in _SPACES.sub(" ", text).split():
            cols = cache.get(w)
            if cols is None:
                get = vocab.get
                cols = np.fromiter((j for j in map(get, _char_wb(w, lo, hi)) if j is not None), dtype=np.int64)
                if len(cache) < 200_000:
                    cache[w] = cols
            out.append(cols)
        return out

    def _blocks(self, texts: list[str], targets: list[str | None]):
        """Per feature block, the TF-IDF rows as sorted coordinates: (row, column, value) arrays."""
        folded = [fold(t) for t in texts] if self.masker is None else [self.masker.fold(t) for t in texts]
        for k, part in enumerate(self.parts):
            if part["analyzer"] == "overlap":  # values as they are: no idf, no normalisation
                dense = np.asarray([part["overlap"].values(t, g) for t, g in zip(texts, targets)], dtype=np.float64)
                r, c = np.nonzero(dense.reshape(len(texts), len(part["idf"])))
                yield r, c + part["offset"], dense[r, c]
                continue
            pieces, sizes = [], []
            marked = [part["negation"].mark(t) for t in folded] if part.get("negation") is not None else folded
            for text, target in zip(marked, targets):
                found = self._columns(k, part, text, target)
                pieces.extend(found)
                sizes.append(sum(map(len, found)))
            if not pieces or not sum(sizes):
                continue
            if all(type(c) is list for c in pieces):  # word and target blocks: one array from every list at once
                col = np.fromiter(chain.from_iterable(pieces), dtype=np.int64, count=sum(sizes))
            else:
                col = np.concatenate([np.asarray(c, dtype=np.int64) for c in pieces])
            row = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
            width = len(part["idf"])
            keys, counts = np.unique(row * width + col, return_counts=True)
            r, c = keys // width, keys % width
            tf = counts.astype(np.float64)
            if part["sublinear_tf"]:
                tf = np.log(tf) + 1.0
            v = tf * part["idf"][c]
            norms = np.sqrt(np.bincount(r, weights=v * v, minlength=len(texts)))
            yield r, c + part["offset"], v / norms[r]

    def transform(self, texts: list[str], targets=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF rows as coordinates: (row, column, value) arrays, columns as in the pipeline's FeatureUnion."""
        blocks = list(self._blocks(texts, normalise_targets(targets, len(texts))))
        if not blocks:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return tuple(np.concatenate(x) for x in zip(*blocks))

    # --- scores ---------------------------------------------------------------------------------------------------
    def decision_function(self, texts: list[str], targets=None) -> np.ndarray:
        scores = np.zeros((len(texts), self.coef_t.shape[1]))
        for r, c, v in self._blocks(texts, normalise_targets(targets, len(texts))):
            if len(r):  # rows come sorted: sum each row's run of weighted coefficients in one pass
                contrib = self.coef_t[c]
                contrib *= v[:, None]
                starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
                scores[r[starts]] += np.add.reduceat(contrib, starts, axis=0)
        return scores + self.intercept

    def predict_proba(self, texts: list[str], targets=None) -> np.ndarray:
        """Probabilities in the order of ``classes``: softmax of the decision (a sigmoid for two classes), as
        scikit-learn's LogisticRegression computes them."""
        d = self.decision_function(texts, targets)
        if d.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-d[:, 0]))
            return np.column_stack([1.0 - p, p])
        d = d - d.max(axis=1, keepdims=True)
        np.exp(d, out=d)
        return d / d.sum(axis=1, keepdims=True)

    def row(self, text: str, target: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """One text's (columns, values), for explanations."""
        _, c, v = self.transform([text], [target])
        return c, v

    def feature_names(self) -> np.ndarray:
        """Feature names in column order: words as written, character n-grams as ‹n-gram›, a target as
        ``target=X`` (built once)."""
        if getattr(self, "_names", None) is None:
            names = np.empty(self.width, dtype=object)
            for part in self.parts:
                wrap = {"word": "{}", "char_wb": "‹{}›", "target": "target={}", "cues": "[{}]",
                        "overlap": "[{}]"}[part["analyzer"]]
                for term, j in part["vocabulary"].items():
                    names[part["offset"] + j] = wrap.format(term)
            self._names = names
        return self._names


class Scorer:
    """What prediction uses: a ``fallback`` :class:`CompactModel` and, for a model per target value, one per target
    value (``models``, which read the text only). Rows go by :func:`route`; ``classes`` is the fallback's classes, then
    any other class a model knows; a model's probabilities land in its classes' columns, 0 elsewhere."""

    def __init__(self, fallback: CompactModel, models: dict[str, CompactModel] | None = None,
                 temperature: float = 1.0):
        self.temperature = float(temperature)  # 1: the pipeline's probabilities; else softmax(log p / T)
        self.fallback = fallback
        self.models = dict(models or {})
        self.classes = np.asarray(_union_classes([_Classes(m.classes) for m in (fallback, *self.models.values())]))
        index = {c: i for i, c in enumerate(self.classes)}
        self._columns = {id(m): np.array([index[str(c)] for c in m.classes]) for m in (fallback, *self.models.values())}

    def __getstate__(self) -> dict:  # ``_columns`` is keyed by object identity: rebuilt after a copy or a pickle
        return {"fallback": self.fallback, "models": self.models, "temperature": self.temperature}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["fallback"], state["models"], state.get("temperature", 1.0))

    @classmethod
    def from_pipeline(cls, pipeline) -> Scorer:
        """From the fitted reference: a Pipeline, or a :class:`TargetPipelines`."""
        if isinstance(pipeline, TargetPipelines):
            return cls(CompactModel.from_pipeline(pipeline.fallback),
                       {t: CompactModel.from_pipeline(p) for t, p in pipeline.pipelines.items()})
        return cls(CompactModel.from_pipeline(pipeline))

    def model_for(self, target: str | None) -> tuple[CompactModel, str | None]:
        """The model that scores a text with this (normalised) target, and the target that model sees."""
        key = next(iter(route([target], self.models)))
        return (self.fallback, target) if key is None else (self.models[key], None)

    def predict_proba(self, texts: list[str], targets=None) -> np.ndarray:
        """Probabilities in the order of ``classes``, each text scored by its model (texts batched per model)."""
        targets = normalise_targets(targets, len(texts))
        out = np.zeros((len(texts), len(self.classes)))
        for key, rows in route(targets, self.models).items():
            model = self.fallback if key is None else self.models[key]  # a target's own model reads the text only
            seen = [targets[i] for i in rows] if key is None else None
            out[np.ix_(rows, self._columns[id(model)])] = model.predict_proba([texts[i] for i in rows], seen)
        return scale(out, self.temperature)

    # --- model.npz ------------------------------------------------------------------------------------------------
    def save(self, path) -> None:
        """Write ``model.npz``: every model's arrays and a JSON layout (classes, blocks, routing), no pickle."""
        layout = {"format": FORMAT, "models": [], "targets": {}, "temperature": self.temperature}
        arrays: dict[str, np.ndarray] = {}
        for i, (target, model) in enumerate([(None, self.fallback), *sorted(self.models.items())]):
            part_layout, part_arrays = model.arrays(f"m{i}.")
            layout["models"].append(part_layout)
            arrays.update(part_arrays)
            if target is not None:
                layout["targets"][target] = i
        arrays["layout"] = np.frombuffer(json.dumps(layout).encode("utf-8"), dtype=np.uint8)
        with open(path, "wb") as f:
            np.savez(f, **arrays)

    @classmethod
    def load(cls, source) -> Scorer:
        """Read ``model.npz`` (a path or a binary file object) with ``allow_pickle=False``."""
        if isinstance(source, (bytes, bytearray)):
            source = io.BytesIO(source)
        with np.load(source, allow_pickle=False) as arrays:
            layout = json.loads(arrays["layout"].tobytes().decode("utf-8"))
            if layout.get("format") != FORMAT:
                raise ValueError(f"model.npz format {layout.get('format')!r}, expected {FORMAT} (saved by another version "
                                 "of stance: train it again)")
            models = [CompactModel.from_arrays(m, arrays, f"m{i}.") for i, m in enumerate(layout["models"])]
        return cls(models[0], {t: models[i] for t, i in layout["targets"].items()}, layout.get("temperature", 1.0))


def scale(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature scaling: softmax(log p / T), row by row (T = 1 leaves ``proba`` as it is; a 0 stays 0)."""
    if temperature == 1.0 or not len(proba):
        return proba
    with np.errstate(divide="ignore"):
        z = np.log(proba) / temperature
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    return z / z.sum(axis=1, keepdims=True)


def fit_temperature(proba: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of out-of-fold ``proba`` (rows) for the true class
    columns ``y``: a golden-section search over log T in [-2, 2]."""
    rows = np.arange(len(y))

    def nll(log_t: float) -> float:
        return float(-np.log(np.clip(scale(proba, math.exp(log_t))[rows, y], 1e-300, None)).mean())

    lo, hi, g = -2.0, 2.0, (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = nll(b)
    return round(math.exp((lo + hi) / 2), 6)


class _Classes:
    """Adapter so :func:`_union_classes` reads a compact model's ``classes`` as a pipeline's ``classes_``."""

    def __init__(self, classes):
        self.classes_ = classes
