"""Who holds a stance toward whom in a sentence: rules over the actor registry (``stance.actors``).

>>> from stance.actors import Registry
>>> reg = Registry.from_rows([
...     {"name": "Russia", "kind": "state", "affiliation": "", "code": "RUS", "aliases": "Russia|Moscow"},
...     {"name": "Vladimir Putin", "kind": "person", "affiliation": "Russia", "code": "RUS", "aliases": "Putin"},
...     {"name": "Iran", "kind": "state", "affiliation": "", "code": "IRN", "aliases": "Iran|Tehran"},
... ])
>>> finder = Finder(reg)
>>> [(m.holder, m.target) for m in finder.find(["Putin said Moscow stands firmly with Tehran."])]
[('Vladimir Putin', 'Iran')]
>>> found = finder.find_all(["Russia condemned Tehran, while Iran thanked Moscow."])
>>> [(a.holder, a.target, a.start, a.end) for a in found[0]]
[('Russia', 'Iran', 0, 24), ('Iran', 'Russia', 25, 51)]

How holders are found (the codebook, ``labels/GUIDELINES.md``, says who counts):

- the subject of a verb of speech or judgement ("X said", "X, the foreign minister, has sharply criticized",
  "X's spokesman said", "with X saying"), the speaker after a quotation ('"...," said X'), the agent of a passive
  ("dismissed by X"), the source of "criticism from X" or "according to X", and the owner of a stated position
  ("X's remarks", "in X's view");
- "he", "she", "they" and titles ("the minister", "the president") resolve to the last matching actor of the sentence or
  of the sentences before it (``context``); a quotation without a speaker continues the speaker of the sentence before
  it, or takes the speaker of the sentence after it;
- a name that is not in the registry is reported as written only where a speaker stands, or with a title
  ("Senator Jane Doe"); other capitalised phrases (events, places, documents) are not actors;
- with no verb of speech or judgement, the holder is the sentence's subject: its first actor not inside a
  prepositional phrase (nor a list one governs) or a quotation, though "thousands of X", "Both houses of X" count;
  each of coordinated subjects ("The United States and the EU share concerns about X") holds it, none toward the
  others, unless a reciprocal word (``mutual``) follows them ("Russia and Iran remain united": toward each other);
- a spokesperson states the principal's position ("Merkel's spokesperson, Jane Doe, said", "the spokesperson for X");
  a passive verb of judgement takes its agent ("was seconded by X"); "a tweet by X" is X's; "Jane Doe of the X Command
  said" and "Sergei Lavrov, Russia's foreign minister, said" are the person's;
- a surname alone no alias names is the registry's one person of that surname, or a person of the one state its
  people are of; a quotation of the sentence before's holder that names no one keeps that stance's target.

The target is the first other actor after the verb in the holder's clause (not the holder's own side, nor a
broadcaster it spoke on, nor the holder's own description, nor an international body it acted "at"), else one inside
the quotation, else one elsewhere. The holder's own threatened action ("threatening more strikes") is toward whom
such actions were last done to.

The rules run as stages over one sentence: find mentions (registry aliases, names, resolved pronouns), group them into
noun phrases, match events (a verb of speech or judgement, or a construction, with its holder), then decide which
events give attributions and what each one's target is. The words the rules look for (verbs, titles, words that are
not names, role nouns, pronouns) are data: ``holder_words.csv`` in this package, one ``kind,word`` row each, read once
at first use. ``tests/holder_cases.csv`` holds one sentence per rule with the attributions it gives.

The kinds of ``holder_words.csv``: ``speech_verb`` and ``judgement_verb`` (their subject holds a stance; a phrase
such as "made it clear" matches across any spacing), ``inverted_verb`` (may precede its speaker: '"...," said X'),
``pure_speech_verb`` (speech only: a quotation after it continues its speaker), ``low_verb``, ``told_verb`` (its
object is the one spoken to), ``irregular_past`` (verbs that look like base forms but are not), ``title``,
``not_a_name`` (capitalised words that name no one), ``not_an_actor_head`` (last words of names of things: "Forum"),
``position_noun`` ("X's remarks"), ``pronoun`` (``means``: the pronoun it stands for, "his" -> "he"),
``title_pronoun`` and ``title_pronoun_modifier`` ("the foreign minister"), ``role`` (nouns between a subject and its
verb: "Iranian officials said"), ``role_before_name`` ("GOP frontrunner Donald Trump"), ``criticism_noun``
("criticism from X"), ``abbreviation`` (written with a full stop: "Gen."), ``name_particle`` ("bin", "van"),
``action_noun`` and ``action_verb`` (a stance on "the strikes" is on whoever struck: "Israeli strikes", "strikes by X",
"X struck", else the last doer of the same kind of action, ``means``: force, measures or internal, while the article
still names it), ``not_a_target_after`` ("the UN Charter": the UN is no target),
``voice_pronoun`` (``means``: author or participants), ``principal_title`` (whose own statements speak as themselves:
"President"), ``statement_noun`` ("Statement", "Readout": titles that name an issuer), ``owned_noun`` ("U.S.
commitment"), ``medium`` ("Twitter"), ``aimed_at`` (words before "at" that make an international body a target:
"lashed out at the UN"; else "at the U.N." is a venue), ``threat`` (after "threatening" or "warning of", an action to
come: "more strikes"; the holder's own, a stance toward whom such actions were last done to), ``spokesperson`` (one
named in apposition states the principal's position: "Merkel's spokesperson, Jane Doe, said" is Merkel's),
``post_noun`` ("a tweet by X", "in a post on Monday by X": X's stated position), ``mutual`` ("cooperation",
"partnership", "together": where no co-holder of a sentence has a target, each one's stance is toward the others:
"The leaders agreed to continue close cooperation"), ``armed_noun`` (who acts for a state by force, between it and
an action verb: "Israeli warplanes struck" is Israel's strike), ``appraisal`` (stems of verbs that judge an act
someone else did: "condemned the strikes on Iran" is toward the striker, never Iran; "imposed sanctions on Iran" is
not judged, it is done, and Iran is its target), ``body_head`` (the last word of a state body the registry lacks, after
the state's possessive: "Haiti's Transitional Presidential Council" is a body of Haiti, with its code),
``situation_noun`` (before "in X", X is where it happens, not whom a stance is toward: "concern about the
humanitarian situation in Haiti"), ``venue_noun`` (before "in X", X is where it was said: "at a
news conference held in Riyadh", "the summit in Doha"), ``sides_noun`` ("all parties to the conflict in Sudan",
"all Sudanese parties", "the warring sides in Ukraine": a call on every side, which the codebook gives no target),
``calm_verb`` ("urged Thailand and Cambodia to exercise restraint": a call on both sides to calm down has no target
either), ``mediate_word`` (stems before "between X and Y" that make the holder a go-between: "offered to mediate
between Kinshasa and Kigali" is a hedge toward neither side, since a sentence alone does not say which side the mediator is expected to back),
``each_object_verb`` (stems of verbs whose coordinated objects are each a target: "Poland condemned Russia and
Belarus" is toward both; a call on both sides is not one of them).

A document's own voice (``Voice``, which the caller knows: :meth:`Finder.voice` reads it from a statement's title):
"I", "we", "our", "my administration" are its author (the issuer first; each co-signer of a joint statement holds the
stance too), "the leaders", "the two presidents", "both sides" and a sentence-initial "They" its participants, and a
sentence with no verb of speech or judgement is the author's judgement of its subject (unless the subject is the
author's own side: "The United States condemns ..." stays the United States'). A person conveying her own side's
named position speaks for its owner ("reiterated ironclad U.S. commitment to X", "thanked X on behalf of President
Doe"). Without a voice, none of this applies. A transcript's speaker label ("PRESIDENT ZELENSKYY: ...") is the voice
of what follows it, voice or not: a principal as herself, an aide ("MS. JEAN-PIERRE:") for her side.

"a Security Council permanent member", "a member of NATO" name one state (in apposition, else the last doer or state
named), never the body; a medium ("via Twitter", "on Facebook": ``medium``) and a co-holder ("alongside X") are no
targets; "condemned the attack by X" is X's act (X the target), not X's stance.

World news: an unregistered titled person after a demonym or possessive ("Ghanaian President Jane Doe", "Ghana's
President Jane Doe") is a person of that state with its code, named without the titles; "Kenya's foreign minister" is
the state's Foreign Ministry when the registry has one. No stance is toward the holder's own side (a person's state,
a state's people and bodies, a ministry's state and government).
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from operator import attrgetter
from typing import NamedTuple

from stance.actors import Actor, Mention, Registry

__all__ = ["Attribution", "Finder", "Voice"]


@dataclass(frozen=True)
class Attribution:
    """One stance a sentence expresses: who holds it and whom it is about (canonical names where the registry knows
    them, codes from the registry), and ``[start, end)``, the character span of the clause it is expressed in."""

    holder: str
    holder_code: str
    target: str
    target_code: str
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Voice:
    """Who a document speaks as, which its sentences do not say: the caller knows it (a statement's issuer, from its
    title: :meth:`Finder.voice`). ``author`` is who "I", "we", "our", "my administration" are (several for a joint
    statement, the issuer first); ``participants`` who "the leaders", "the two presidents", "both sides" are (the
    principals of a readout's call or meeting, the issuer's first; by default the author). Registry names; a name
    the registry lacks stands for itself."""

    author: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()


# --- patterns of grammar (the word lists are in holder_words.csv) ----------------------------------------------------
# Between a subject and its verb: appositives, parentheses, adverbs, auxiliaries, times, role nouns.
_ADVERB = (r"(?:also|again|then|later|earlier|previously|once|now|never|not|even|still|already|further|first|"
           r"immediately|quickly|swiftly|openly|firmly|formally|recently|initially|subsequently|instead|too|[a-z]+ly)")
_AUX = (r"(?:has|have|had|is|are|was|were|will|would|could|can|may|might|must|should|shall|did|does|do|"
        r"(?:had|has|have|would|could|will|did|does|do|is|was)n[’']t|won[’']t|can[’']t|"
        r"went\s+on\s+to|(?:was|were|is|are)\s+(?:quick|expected|set|going|due|careful|eager|keen)\s+to|"
        r"(?:has|have|had)\s+been|seemed\s+to|appeared\s+to|tried\s+to|wanted\s+to|sought\s+to)")
_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WHEN = r"(?:\s+(?:on\s+)?(?:" + _DAYS + r"|today|yesterday))?"  # "said on Monday", "told reporters today"
_TIME = (r"(?:(?:on|last|this|late|early|earlier)\s+(?:" + _DAYS + r"|week|month|year|night|morning|evening|afternoon)"
         r"|" + _DAYS + r"|in\s+(?:a|an|his|her|their|its)\s+(?:statement|interview|letter|speech|tweet|post)s?"
         r"|(?:on|via)\s+(?:Twitter|Facebook|Instagram|social\s+media))")
_PASSIVE = re.compile(r"(?:^|\s)(?:was|were|been|being|be|is|are|get|got|gets)(?:\s+" + _ADVERB + r")?\s+$")
# the agent of a passive, after a time or manner it may carry: "was condemned on Monday by", "in a joint statement by"
_BY = re.compile(r"(?:,?\s+(?:" + _TIME + r"|in\s+(?:a|an)\s+joint\s+(?:statement|declaration|communiqu[ée])"
                 r"|" + _ADVERB + r"),?)?\s+by\s")
_RELATIVE = re.compile(r"\s*,?\s*(?:who|which)\b")  # "Rubio, who slammed", "the WFP, which blamed"
_BE = re.compile(r"(?<![\w’'-])(?:is|are|was|were|been|be|being|’s|'s|’re|'re)(?![\w’'-])")
_MODAL = re.compile(r"(?<![\w’'-])(?:did|does|do|will|would|could|can|may|might|must|should|shall|to|not|n[’']t|"
                    r"never)"
                    r"(?![\w’'-])")
_DETERMINER = re.compile(r"(?<![\w’'-])(?:a|an|the|his|her|its|their|our|my|your|this|that|any|no|such|whose)\s+$")
_AND = re.compile(r"(?:\s*\([^()]{1,40}\)|\s*,\s*(?:of|from)\s[^,;:“”\"()]{1,40}?,)?\s*(?:,?\s+and|\s+&)\s+"
                  r"(?:the\s+)?")
_LIST = re.compile(r"(?:\s*\([^()]{1,40}\))?\s*,\s+(?:the\s+)?")
_COORDINATED = re.compile(r"(?:\band|,|[—–]|\bbut|\bthen)\s*(?:(?:" + _ADVERB + r"|" + _AUX + r")\s+)*$")
_PREDICATE = re.compile(r"\s+(?:[a-z]+ed|[a-z]+s|has|had|is|was|were|are|will|would|could|did|does|can|may|might|"
                        r"must|should|also|then|[a-z]+ly)(?![\w’'-])")
_CLAUSE_START = re.compile(r"(?:^|[,;]\s+(?:and\s+)?)(?:(?:the|a|an)\s+)?$")
_LAST_WORD = re.compile(r"(?<![\w’'-])([a-z]+)\s+(?:(?:the|a|an)\s+)?$")
_OPENING_PARTICIPLE = re.compile(r"[\s“\"]*([A-Z][a-z]+ing)\s")


# A speaker after the verb ('"...," said X, a senior official'), the one spoken to, the principal of an aide.
_INVERTED_END = re.compile(r"\s*(?:[,.;:!?”\"()—–]|$|(?:in|on|at|during|from|who|of)\s)")
_APPOSITIVE_AFTER = re.compile(r",\s*[^,;:“”\"()]{1,120}?(?=[,.;:]|$)")
_NP_STOP = re.compile(r"[,;:!?()“”\"—–]|\.(?:\s|$)|"
                      r"(?<![\w’'-])(?:from|of|at|in|with|who|which|that|on|for|during|as|"
                      r"when|while|to|after|before|and|or|but|said|says|is|was|were|are|has|had|have|would|will|"
                      r"about|over|against|into|because|if|since)(?![\w’'-])")
_VENUE = re.compile(_WHEN +
                    r"\s+(?:(?P<to>to)|on|at|(?:in|during)\s+(?:an?|the|his|her|their)\s+(?:[\w-]+\s+){0,2}?"
                    r"(?:interviews?|appearance|statement|speech|post|tweet|op-ed|letter|remarks)\s+(?:on|with|to|in))"
                    r"\s+(?:the\s+)?")


# Positions without a verb of speech: "X's remarks", "criticism from X", "according to X"; relayed stances.
_FACED = re.compile(r"(?:fac\w*|dr[ae]w\w*|receiv\w*|c[oa]me\s+under|met\s+with|won|earn\w*|attract\w*|got)"
                    r"(?:\s+[a-z-]+){0,3}\s+$")
_ACCORDING = re.compile(r"(?<![\w-])(?:[Aa]ccording\s+to|in\s+the\s+(?:view|words|opinion)\s+of|[Ss]aid\s+by)\s+")
_CONDITIONAL = re.compile(r"(?<![\w’'-])(?:if|unless)\s+(?:the\s+)?$", re.I)
_DEMAND = re.compile(r"(?<![\w’'-])(?:should|must|ought|needs?\s+to|has\s+to|have\s+to)(?![\w’'-])")
_OBJECT_PRONOUN = re.compile(r"\s+(?:him|her|them|us|me)(?![\w’'-])")
_RELAY = re.compile(_WHEN +
                    r"(?:\s+that)?\s+(?:(?:the|former|then)\s+)?")
_HEADLINE_SPEAKER = re.compile(r"\s*[A-Z][^:]{0,40}:\s")


# Clauses: prepositions, subordinate and coordinate clauses, where one clause ends and the next begins.
_PREPOSITION = re.compile(
    r"(?:^|[\s(“\"])(?P<word>[A-Z][a-z]+\s+)?"
    r"(?i:of|for|to|in|on|at|by|with|from|during|about|against|over|under|between|among|into|amid|via|toward|"
    r"towards|through|across|behind|beyond|near|inside|outside|within|without|despite|including|alongside|versus|"
    r"vs\.|per|upon|onto|around)\s+(?:(?:the|a|an|his|her|their|its|our|this|that)\s+)?"
    r"(?:[A-Z][\w.’'-]*\s+|[a-z]+-[a-z]+\s+|(?:and|or|&)\s+)*$")
_WITH_ING = re.compile(r"(?:^|\s)with\s+(?:(?:the|a|an)\s+)?(?:[A-Z][\w.’'-]*\s+)*$")
_SPEAKS_FOR = re.compile(r"(?:office|campaign|spokes\w+|government|ministry|administration|lawyers?|attorneys?|allies|"
                         r"aides?|supporters|team|staff|family|representatives?|press\s+secretary)\s+of\s+"
                         r"(?:the\s+)?(?:[A-Z][\w.’'-]*\s+)*$"
                         r"|(?:spokes\w+|lawyers?|attorneys?|press\s+secretary)\s+for\s+"  # "a spokesperson for X"
                         r"(?:the\s+)?(?:[A-Z][\w.’'-]*\s+)*$")
_SUBORDINATOR = re.compile(r"(?<![\w’'-])(?i:while|when|whenever|after|before|if|as|because|since|although|though|"
                           r"unless|until|whether|once|that|which|who|whom|where)(?![\w’'-])")
_FRONTED = re.compile(r"\s*(?:Unlike|When|After|While|As|Although|Though|Before|Since|If|Because|Once|Despite|"
                      r"Like|Even\s+as|Even\s+though)\s[^,;:“”\"]{1,120},\s*(?:(?:the|former|then)\s+)?")
_BREAK = re.compile(r"[,;:]\s+|\s*[—–]\s*|(?<=\s)(?:while|but|whereas|although|though|and|yet)\b")
_CLAUSE_BREAK = re.compile(r"[,;:()“”\"—–]|(?<![\w’'-])(?:that|which|who|and|but|while)(?![\w’'-])")
_COORDINATE = re.compile(r"(?:while|whereas|but|and|yet|;)\s")
_QUOTE_CHARS = re.compile(r"[“”\"]")


# Pronouns and titles that stand for an actor named before; names not in the registry; phrases of several names.
_SPACED = re.compile(r"\S+")
_NOT_A_NAME = re.compile(r"[A-Z]{1,2}-[A-Z]{1,3}\b|[A-Z]-[A-Z][a-z]|[A-Z][a-z]+ing$|.*[’'](?:m|ve|re|ll|d|t|s)$")
_SENTENCE_THE = re.compile(r"[\s“\"‘']*(The)\s")


# --- the word table ------------------------------------------------------------------------------------------------
WORD_KINDS = ("speech_verb", "judgement_verb", "inverted_verb", "pure_speech_verb", "low_verb", "told_verb",
              "irregular_past", "title", "not_a_name", "not_an_actor_head", "position_noun", "pronoun",
              "title_pronoun", "title_pronoun_modifier", "role", "role_before_name", "criticism_noun", "abbreviation",
              "name_particle", "action_noun", "action_verb", "not_a_target_after", "voice_pronoun", "principal_title",
              "statement_noun", "owned_noun", "medium", "aimed_at", "threat", "spokesperson", "post_noun", "mutual",
              "armed_noun", "appraisal", "body_head",
              "situation_noun", "venue_noun", "sides_noun", "calm_verb", "mediate_word", "each_object_verb")


def _alt(words: list[str]) -> str:
    """A regex alternation of phrases, longest first ("made it clear" matches across any whitespace)."""
    return "|".join(sorted((r"\s+".join(map(re.escape, w.split())) for w in words), key=len, reverse=True))


def _trie(phrases: list[str]) -> str:
    """A regex matching any of ``phrases``, longest first, written as a trie ("sa(?:id|ys?|ying)"): the engine then
    tries a few letters at each place instead of hundreds of alternatives."""
    root: dict = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        keys = sorted(k for k in node if k)
        if not keys:
            return ""
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + build(node[ch]) for ch in keys]
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return ("(?:" + body + ")" if len(alts) == 1 else body) + "?"
        return body

    return build(root)


@dataclass(frozen=True)
class _Words:
    """The word lists of ``holder_words.csv`` and the patterns built from them (read-only once built)."""

    verb: re.Pattern  # a verb or verb phrase of speech or judgement
    verb_words: frozenset[str]  # its one-word verbs
    judgement: frozenset[str]  # the verbs of judgement ("backed", "condemned"), not of speech
    base_forms: frozenset[str]  # those that are base forms ("back", "hedge"): they need a modal or a plural subject
    inverted: frozenset[str]  # verbs that may come before their speaker ('"...," said X')
    pure_speech: frozenset[str]  # verbs of speech only (the holder becomes the speaker a quotation continues)
    low_verbs: frozenset[str]
    told: frozenset[str]  # verbs whose object is the one spoken to
    titles: frozenset[str]
    title_words: frozenset[str]  # the titles in lower case: "..., the Kenyan foreign minister, said"
    not_names: frozenset[str]  # capitalised words that name no one
    not_actor_heads: frozenset[str]  # last words of names of things that are not actors ("Forum", "Treaty")
    title_modifiers: frozenset[str]  # "vice", "prime", "foreign": words before a title pronoun
    role_words: frozenset[str]  # the ``role`` nouns ("minister", "spokesman")
    action: re.Pattern  # an action whose doer a stance is about: "the strikes", "Israeli strikes", "strikes by X"
    action_verb: re.Pattern  # "X struck", "X launched": X did the action
    action_kind: dict[str, str]  # an action word (lower case) -> its kind: "force", "measures", "internal"
    not_target_after: re.Pattern  # "the UN Charter", "EU law": the actor names a thing, not a target
    pronoun_of: dict[str, str]  # a pronoun -> the one it stands for ("his" -> "he")
    possessive: re.Pattern  # "X's remarks"
    gap: re.Pattern  # what may stand between a subject and its verb
    principal: re.Pattern  # "Mr. Sanders' campaign manager, Jeff Weaver, says"
    role_gap: re.Pattern  # "GOP frontrunner Donald Trump"
    from_: re.Pattern  # "criticism from X"
    pronoun: re.Pattern  # pronouns and titles that stand for an actor named before
    name: re.Pattern  # a capitalised name
    title_gap: re.Pattern  # titles joining two mentions ("U.S. President Donald Trump")
    voice: re.Pattern  # "I", "we", "our", "the leaders": the document's own voice (its author or participants)
    voice_of: dict[str, str]  # a voice pronoun (lower case) -> "author" or "participants"
    principal_titles: frozenset[str]  # titles of those whose own statements speak as themselves ("President")
    statement: re.Pattern  # "Statement by X", "Readout of X's call with Y": a title that names its issuer
    owned: re.Pattern  # "U.S. commitment", "President Doe's support": a position its owner holds
    media: frozenset[str]  # "Twitter", "Facebook": "on Twitter" is where a stance was said, not whom it is about
    venue_at: re.Pattern  # "at the U.N.": where it happened; group "aimed" set for "lashed out at", "aimed at"
    threat: re.Pattern  # "warning of future", "threatening more": the holder's own action to come (before the noun)
    spokesperson_before: re.Pattern  # "Merkel's spokesperson, " before the spokesperson's name
    spokespeople: frozenset[str]  # the ``spokesperson`` words
    posted: re.Pattern  # "a tweet by", "in a post on Monday by": the one after it stated a position
    spokesperson_after: re.Pattern  # ", a spokeswoman for (the) " after it
    appraisal: re.Pattern  # "condemned", "welcomes": a verb that judges an act, not one that does it
    place_before: re.Pattern  # "the violence in ", "all parties to the conflict in ": the state after is a place
    sides_after: re.Pattern  # "all Sudanese| parties": a demonym of every side
    both_calm: re.Pattern  # "(both) X| and Y to exercise restraint": a call on two sides to calm down
    mediate_between: re.Pattern  # "offered to mediate between |X and Y": a go-between, toward neither side
    each_object: re.Pattern  # "condemned", "accused": each of its coordinated objects is a target
    claimed_act: re.Pattern  # after "claimed": " the bombing", " responsibility" (a fact, no stance)
    body_heads: frozenset[str]  # "Council", "Commission": "Haiti's Transitional Presidential Council" is Haiti's
    spokesperson_gap: re.Pattern  # " spokesperson " between a body and a name the registry lacks: the body speaks
    mutual: re.Pattern  # "cooperation", "partnership", "together": co-holders' stance toward each other

    @classmethod
    def from_rows(cls, rows, source: str = "<rows>") -> _Words:
        by: dict[str, list[str]] = {k: [] for k in WORD_KINDS}
        pronoun_of: dict[str, str] = {}
        voice_of: dict[str, str] = {}
        action_kind: dict[str, str] = {}
        for line, row in enumerate(rows, 2):
            kind, word = row["kind"], row["word"]
            if kind not in by or not word or word != word.strip():
                raise ValueError(f"{source}:{line}: bad row {kind!r}, {word!r}")
            by[kind].append(word)
            if kind == "pronoun":
                pronoun_of[word] = row.get("means") or word
            if kind == "voice_pronoun":
                if row.get("means") not in ("author", "participants"):
                    raise ValueError(f"{source}:{line}: voice_pronoun {word!r} means 'author' or 'participants'")
                voice_of[word.lower()] = row["means"]
            if kind in ("action_noun", "action_verb"):
                if not row.get("means"):
                    raise ValueError(f"{source}:{line}: {kind} {word!r} needs its kind of action in 'means'")
                action_kind[word.lower()] = row["means"]
        verbs = by["speech_verb"] + by["judgement_verb"]
        single = [w for w in verbs if " " not in w]
        irregular = set(by["irregular_past"])
        role = "(?:" + _alt(by["role"]) + ")"
        abbrev = "(?:" + "|".join(map(re.escape, by["abbreviation"])) + r")\."
        name_word = r"(?:" + abbrev + r"|[A-Z]\.|[A-Z][\w’'-]*\w|[A-Z])"
        particles = "|".join(map(re.escape, by["name_particle"]))
        pronouns = "|".join(f"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in by["pronoun"])
        # voice pronouns: a lower-case first letter may be capitalised ("We"), an upper-case one stays ("I", not "i")
        # (a phrase in any case: "The Presidents", "the two Leaders")
        voices = ["(?i:" + r"\s+".join(map(re.escape, w.split())) + ")" if " " in w
                  else (re.escape(w[0]) if w[0].isupper() else f"[{w[0].upper()}{w[0]}]") + re.escape(w[1:])
                  for w in sorted(by["voice_pronoun"], key=len, reverse=True)]
        gap_item = (r"\s*\([^()]{1,40}\)"
                    r"|\s*,\s*[^,;:“”\"()]{1,110}?(?=\s*,)"
                    r"|,(?=\s)"
                    r"|\s+" + _ADVERB + r"(?:\s+(?:and|or)\s+[a-z]+ly)?(?![\w’'-])"
                    r"|\s+" + _AUX + r"(?![\w’'-])"
                    r"|\s+" + _TIME + r"(?![\w’'-])"
                    r"|[’']s?(?:\s+[a-z][a-z-]*){0,2}?\s+" + role + r"(?![\w’'-])"
                    r"|(?:\s+[a-z][a-z-]*){0,2}?\s+" + role + r"(?![\w’'-])")
        return cls(
            verb=re.compile(r"(?<![\w’'-])(?:" + _trie(verbs) + r")(?![\w’'-])"),
            verb_words=frozenset(single),
            judgement=frozenset(by["judgement_verb"]),
            base_forms=frozenset(w for w in single if not w.endswith(("s", "ed", "ing")) and w not in irregular),
            inverted=frozenset(by["inverted_verb"]),
            pure_speech=frozenset(by["pure_speech_verb"]),
            low_verbs=frozenset(by["low_verb"]),
            told=frozenset(by["told_verb"]),
            titles=frozenset(by["title"]),
            title_words=frozenset(t.lower() for t in by["title"] if t.isalpha()),
            not_names=frozenset(by["not_a_name"]),
            not_actor_heads=frozenset(by["not_an_actor_head"]),
            title_modifiers=frozenset(by["title_pronoun_modifier"]),
            role_words=frozenset(by["role"]),
            action=re.compile(r"(?<![\w’'-])(?:" + _alt(by["action_noun"]) + r")(?![\w’'-])"),
            action_verb=re.compile(r"(?:(?:[’']s)?\s+(?:" + _alt(by["armed_noun"]) + r"))?"
                                   r"(?:\s+(?:also|then|again|later|had|has|have|reportedly))*\s+(?:"
                                   + _alt(by["action_verb"]) + r")(?![\w’'-])"),
            action_kind=action_kind,
            not_target_after=re.compile(r"\s+(?:" + _alt(by["not_a_target_after"]) + r")(?![\w’'-])"),
            pronoun_of=pronoun_of,
            possessive=re.compile(r"[’']s?(?:\s+[a-z][a-z-]*){0,3}?\s+(?:" + _alt(by["position_noun"])
                                  + r")(?![\w-])"),
            gap=re.compile(r"(?:" + gap_item + r")*(?:\s*,?\s*(?:who|which))?\s+"),
            principal=re.compile(r"[’'‘]s?(?:\s+[a-z][a-z-]*){0,3}\s+" + role + r",?\s+(?:[A-Z][\w.’'-]*\s+)*$"),
            role_gap=re.compile(r"(?:[’']s)?(?:\s+(?:[a-z][a-z-]*|[A-Z][a-z]+)){0,3}?\s+(?:" + role + "|"
                                + _alt(by["role_before_name"]) + r")\s+"),
            from_=re.compile(r"(?<![\w-])(?:" + _alt(by["criticism_noun"]) + r")(?:\s+and\s+[a-z]+)?"
                             r"(?:\s+(?:on\s+)?[A-Z][a-z]+day)?(?:\s+(?:was|were|have|has|had)(?:\s+been)?\s+(?:paid|offered|"
                             r"sent|voiced|expressed|come|came))?\s+(?:from|by)\s+"),
            pronoun=re.compile(r"(?<![\w’'-])(?:" + pronouns + r"|"
                               r"[Tt]he\s+(?:[A-Z][a-z]+\s+(?=(?i:" + _alt(by["title_pronoun_modifier"]) + "|"
                               + _alt(by["title_pronoun"]) + r")))?(?:(?i:" + _alt(by["title_pronoun_modifier"])
                               + r")\s+)?(?i:" + _alt(by["title_pronoun"]) + r"))(?![\w’'-])"),
            name=re.compile(r"(?<![\w.@#’'-])" + name_word
                            + r"(?:\s+(?:(?:" + particles + r")\s+)?" + name_word + r")*"),
            title_gap=re.compile(r"(?:[’']s)?(?:\s+(?:" + name_word + r"|of|the))*\s+"),
            # a voice pronoun, also before a contraction ("we’re", "I’ve")
            voice=re.compile(r"(?<![\w’'-])(?:" + "|".join(voices) + r")(?=[’'](?:m|re|ve|ll|d)\b|(?![\w’'-]))"),
            voice_of=voice_of,
            principal_titles=frozenset(by["principal_title"]),
            media=frozenset(by["medium"]),
            threat=re.compile(r"(?<![\w’'-])(?:threat\w*|warn\w*)\s+(?:of\s+)?(?:(?:the|a)\s+)?(?:"
                              + _alt(by["threat"]) + r")(?:\s+[a-z][a-z-]*)?\s+$"),
            spokespeople=frozenset(by["spokesperson"]),
            spokesperson_before=re.compile(r"(?:[’']s?(?:\s+[a-z][a-z-]*){0,2}?\s+(?:" + _alt(by["spokesperson"])
                                           + r")\s*,\s*|(?:\s+[a-z][a-z-]*){0,2}?\s+(?:" + _alt(by["spokesperson"])
                                           + r")\s+)"),  # "Merkel's spokesperson, Jane Doe", "Kremlin spokesman X"
            body_heads=frozenset(by["body_head"]),
            place_before=re.compile(r"(?<![\w’'-])(?:(?:" + _alt(by["venue_noun"]) + r")(?:\s+[a-z]+){0,3}?"
                                    r"\s+in\s+(?:the\s+)?$|(?:(?:" + _alt(by["situation_noun"])
                                    + r")(?:\s+[a-z]+){0,4}?|"
                                    r"(?:all|both|the\s+warring|warring|rival|the\s+two)\s+(?:[a-z]+\s+)?(?:"
                                    + _alt(by["sides_noun"]) + r")(?:\s+to\s+the\s+(?:conflict|war|fighting))?)"
                                    r"\s+(?:in|of)\s+(?:the\s+)?(?:[a-z]+\s+)?$)"),
            both_calm=re.compile(r"(?:\s+and\s+(?:the\s+)?[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)?\s+to\s+(?:"
                                 + _alt(by["calm_verb"]) + r")(?![\w’'-])"),
            claimed_act=re.compile(r"\s+(?:responsibility|credit|(?:(?:the|a|an|this|that|these|those)\s+)?"
                                   r"(?:[a-z-]+\s+){0,2}?(?:" + _alt(by["action_noun"]) + r"))(?![\w’'-])"),
            each_object=re.compile(r"(?:" + _alt(by["each_object_verb"]) + r")[a-z]*$", re.I),
            mediate_between=re.compile(r"(?<![\w’'-])(?:" + _alt(by["mediate_word"]) + r")[a-z]*(?:\s+[a-z]+){0,3}?"
                                       r"\s+between\s+(?:the\s+)?$", re.I),
            sides_after=re.compile(r"\s+(?:" + _alt(by["sides_noun"]) + r")(?![\w’'-])"),
            appraisal=re.compile(r"(?:" + _alt(by["appraisal"]) + r")[a-z]*$", re.I),
            spokesperson_gap=re.compile(r"(?:[’']s)?\s+(?:[a-z][a-z-]*\s+){0,3}?(?:"
                                        + _alt(by["spokesperson"]) + r")\s*,?\s+"),
            spokesperson_after=re.compile(r"\s*,\s*(?:(?:an?|the|chief|senior|deputy)\s+)*(?:"
                                          + _alt(by["spokesperson"]) + r")\s+(?:for|of|at)\s+"),
            posted=re.compile(r"(?<![\w’'-])(?:[Aa]n?|[Tt]he)\s+(?:[a-z-]+\s+)?(?:" + _alt(by["post_noun"]) + r")"
                              r"(?:\s+(?:on|last|this)\s+[A-Za-z]+)?\s+(?:by|from)\s+"),
            venue_at=re.compile(r"(?<![\w’'-])(?:(?P<aimed>" + _alt(by["aimed_at"]) + r")\s+)?at\s+(?:the\s+)?$"),
            owned=re.compile(r"(?:-[A-Z][\w-]*)?(?:\s+(?i:administration|government))?"
                             r"(?:[’']s?(?:\s+[a-z][a-z-]*){0,2}?)?\s+(?:" + _alt(by["owned_noun"])
                             + r")(?![\w’'-])"),
            mutual=re.compile(r"(?<![\w’'-])(?:" + _alt(by["mutual"]) + r")(?![\w’'-])"),
            statement=re.compile(r"(?<![\w’'-])(?:" + _alt(by["statement_noun"]) + r")(?![\w’'-])"
                                 r"(?P<by>\s+(?:of|from|by)\s+(?:the\s+)?)?"),
        )


@cache
def _words() -> _Words:
    """The package's word table, read on first use (importing ``stance`` reads nothing)."""
    text = resources.files("stance").joinpath("holder_words.csv").read_text(encoding="utf-8")
    return _Words.from_rows(csv.DictReader(io.StringIO(text)), "holder_words.csv")


_CONTEXT_SIZE = 64
_AGENT_MEMORY = 2  # sentences without its doer's name after which an earlier action is no longer the one meant (a
# wire story reports the strike, then its toll or a quote, then the reactions: "X condemned the strikes")
_TARGET_PREFERENCE = ("quoted", "later", "before", "spoken_to", "name")  # after the first in the clause
_WINDOW = 600  # how far from its verb a target may be, in characters
_BIG = 1 << 62
_START = attrgetter("start")
_END = Mention(-1, -1, None, "", "end")  # the marker of a sentence without a holder


def _verbs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Verbs of speech or judgement in ``text[start:end]``: (start, end, verb), in order."""
    end = len(text) if end is None else end
    return [(m.start(), m.end(), m.group(0)) for m in _words().verb.finditer(text, start, end)]


def _has_verb(text: str, start: int, end: int) -> bool:
    return _words().verb.search(text, start, end) is not None


def _after_verb(text: str, start: int) -> bool:
    """Whether the phrase at ``start`` follows a verb ("endorsed Trump", "to back Ryan"): an object, not a subject."""
    m = _LAST_WORD.search(text, max(0, start - 30), start)
    if m is None:
        return False
    w = m.group(1)
    return w == "to" or w.endswith(("ed", "ing")) or w in _words().verb_words


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text (with their quotation marks); a quotation may start before or end after the sentence."""
    spans: list[tuple[int, int]] = []
    if '"' not in text and "“" not in text and "”" not in text:  # most sentences: no regex scan
        return spans
    open_at, straight = -1, False
    for m in _QUOTE_CHARS.finditer(text):
        q, i = m.group(0), m.start()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if q != '"':  # curly marks, read by where they stand when a typist used the wrong one
            opening = q == "“"
            if opening and not before.isspace() and before not in "([—–-" and (after.isspace() or after in ",.;"):
                opening = False
            elif not opening and before.isspace() and after.isalnum():
                opening = True
            if opening:
                if open_at < 0:
                    open_at, straight = i, False
            elif open_at >= 0:
                spans.append((open_at, i + 1))
                open_at = -1
            elif open_at < 0 and not spans:
                spans.append((0, i + 1))
        else:  # a straight quotation mark: opening after a space or at the start, else closing
            if open_at >= 0 and (straight or not before.isspace()):
                spans.append((open_at, i + 1))
                open_at = -1
            elif open_at < 0:
                if before.isspace() or before in "([—–-:" or i == 0:
                    open_at, straight = i, True
                elif not spans:
                    spans.append((0, i + 1))
    if open_at >= 0:
        spans.append((open_at, len(text)))
    return spans


def _inside(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The span (sorted, disjoint) that holds ``pos``, if any."""
    if not spans:
        return None
    i = bisect_right(spans, (pos, _BIG)) - 1
    return spans[i] if i >= 0 and spans[i][0] <= pos < spans[i][1] else None


def _after(items, pos: int) -> int:
    """Index of the first phrase or mention that starts at or after ``pos`` (items sorted by start)."""
    return bisect_left(items, pos, key=_START) if items else 0


def _has_title(name: str) -> bool:
    titles = _words().titles
    return any(w in titles for w in name.split())


def _surname(c: Mention) -> str | None:
    """The last word of a person's (or a name's) name, by which a later "Doe" refers back to it."""
    if c.role != "pronoun" and (c.actor is None and c.text or c.actor is not None and c.actor.kind == "person"):
        return c.name.rsplit(None, 1)[-1]
    return None


def _he(c: Mention) -> bool:
    if c.actor is not None:
        return c.actor.kind == "person"
    return c.role == "name" and (" " in c.text or _has_title(c.text))


def _they(c: Mention) -> bool:
    return c.actor is not None and c.actor.kind != "person"


class _Before(NamedTuple):
    """What precedes a noun phrase: whether a preposition governs it, and the exceptions that let it be a subject
    all the same ("with X saying", "the office of X said")."""

    governed: bool
    with_ing: bool
    speaks_for: bool


class _NP:
    """A noun phrase that names an actor: from ``start`` (titles and modifiers included) to its head mention."""

    __slots__ = ("start", "head", "end", "quoted", "before")

    def __init__(self, start: int, head: Mention, quoted: bool):
        self.start, self.head, self.end, self.quoted = start, head, head.end, quoted
        self.before: _Before | None = None  # read on first use


@dataclass(slots=True, eq=False)
class _Sentence:
    """One sentence as the stages see it: each stage reads the fields before its own and fills its own."""

    text: str
    quotes: list[tuple[int, int]]  # spans of quoted text
    mentions: list[Mention] = field(default_factory=list)  # registry aliases, names, resolved pronouns; in order
    phrases: list[_NP] = field(default_factory=list)  # mentions grouped into noun phrases
    events: list[_Event] = field(default_factory=list)  # verbs and constructions with their holders, best first
    subjects: dict[bool, _NP | None] = field(default_factory=dict)  # the subject found, by "of the main clause"
    attributions: list[Attribution] = field(default_factory=list)
    marker: Mention | None = None  # what the sentence leaves in the context: its holder, as speaker or subject
    unspoken: bool = False  # a quotation without a speaker (the next sentence's speaker may claim it)
    agents: list[tuple[int, Mention, str]] = field(default_factory=list)  # who did an action: (where, doer, kind)
    prior_agents: dict[str, Mention] = field(default_factory=dict)  # kind of action -> its doer in recent sentences
    victims: list[tuple[str, Mention]] = field(default_factory=list)  # whom an action was done to: (kind, victim)
    victim_at: dict[int, Mention] = field(default_factory=dict)  # an action noun's start -> whom it was done to
    prior_victims: dict[str, Mention] = field(default_factory=dict)  # kind of action -> its last victim before
    prior_agent_victims: dict[str, Mention] = field(default_factory=dict)  # kind -> whom the remembered doer's act hit
    voices: dict[int, tuple[Mention, ...]] = field(default_factory=dict)  # "we" of a joint statement: the others
    author: Mention | None = None  # who the document speaks as (Voice), if the caller said


@dataclass(slots=True, eq=False)
class _Event:
    """A verb (or construction) of speech or judgement and its holder.

    ``anchor`` is where the event starts (the holder, or the construction); ``[vstart, vend)`` the verb; ``tier`` its
    rank (0 a main-clause verb, 1 a subordinate one or a sentence subject, 2 a stated position, 3 a source: "according
    to X"); ``skip`` a span whose actors are not targets (the holder's own phrase); ``target`` one fixed by the
    construction ("X drew criticism from Y": X); ``quote`` the quotation the holder speaks; ``spoken_to`` and
    ``venue`` the start of the phrase spoken to ("told X", a target of last resort) or on ("said on X", never a
    target); ``clause`` the clause span, once known; ``order`` the sort key among events of a tier.
    """

    holder: Mention | None
    anchor: int
    vstart: int
    vend: int
    tier: int = 0
    skip: tuple[int, int] = (0, 0)
    target: Mention | None = None
    quote: tuple[int, int] | None = None
    speech: bool = False
    spoken_to: int | None = None
    venue: int | None = None
    clause: tuple[int, int] = (0, 0)
    order: float = -1.0
    co: frozenset[str] = frozenset()  # co-holders of a coordinated subject: not targets
    acted: tuple[int, int] | None = None  # a passive's subject, where the judged act is ("The strikes were condemned")
    relayed_by: str = ""  # "X said Y praised Z": for Y's event, X (who reports it, no target of Y's)
    relays: frozenset[str] = frozenset()  # for X's event, the holders whose stances it reports

    def __post_init__(self):
        self.order = self.anchor


class _Memory:
    """The context, indexed as it grows: the last actor "he"/"she" and "they" can stand for, the last one of each
    surname, and the marker of the sentence before."""

    __slots__ = ("surnames", "he", "they", "marker", "agent", "agents", "voice", "last", "victims", "surname_codes")

    def __init__(self, context: list):
        self.surnames: dict[str, Mention] = {}
        self.he = self.they = self.marker = self.agent = None
        # kind of action -> (its last doer, sentences since named, whom that act was done to)
        self.agents: dict[str, tuple[Mention, int, Mention | None]] = {}
        self.victims: dict[str, Mention] = {}  # kind of action -> whom it was last done to ("strikes on Iran")
        self.surname_codes: dict[str, Actor | tuple[str, str]] = {}  # the Finder's: surname -> its person, or
        # (state, code) of its people
        self.voice: dict[str, tuple[Mention, ...]] = {}  # "author" / "participants" -> who they are (Voice)
        self.last: Attribution | None = None  # the primary attribution of the sentence before
        self.add(context)

    def add(self, mentions: list) -> None:
        for c in mentions:
            actor = c.actor
            if actor is not None:
                if actor.kind == "person":
                    self.he = c
                    if c.role != "pronoun":
                        self.surnames[c.name.rsplit(None, 1)[-1]] = c
                else:
                    self.they = c
            elif c.text and c.role != "pronoun":
                self.surnames[c.text.rsplit(None, 1)[-1]] = c
                if c.role == "name" and (" " in c.text or _has_title(c.text)):
                    self.he = c
            if c.start < 0:
                self.marker = c

    def recent_agents(self) -> dict[str, Mention]:
        """The doers an unattributed action may refer to: per kind of action, the last doer named, while the
        article is still speaking of it ("the strikes" three paragraphs on); a sanction is not a strike."""
        return {kind: doer for kind, (doer, age, _) in self.agents.items() if age <= _AGENT_MEMORY}

    def recent_agent_victims(self) -> dict[str, Mention]:
        """Whom each remembered doer's action was done to, where the sentence that named the doer said it."""
        return {kind: v for kind, (_, age, v) in self.agents.items() if age <= _AGENT_MEMORY and v is not None}

    def remember_agents(self, s: _Sentence) -> None:
        """After a sentence: its doers are remembered by kind of action; a doer named again stays current."""
        named = {m.actor for m in s.mentions if m.actor is not None}
        self.agents = {kind: (doer, 0 if doer.actor in named else age + 1, v)
                       for kind, (doer, age, v) in self.agents.items()}
        done_to = dict(s.victims)
        at = None
        for p, doer, kind in s.agents:
            if p != at:  # of doers of one act ("The United States and Britain struck"), the first is remembered
                self.agents[kind] = (doer, 0, done_to.get(kind))
            at = p
        self.victims.update(s.victims)
        if s.agents:
            self.agent = s.agents[-1][1]

    def forget(self, dropped: list, kept: list) -> None:
        """Entries that fell out of the context no longer resolve anything."""
        surnames, he, they = self.surnames, self.he, self.they
        lost = False
        for c in dropped:
            if c is he or c is they:
                lost = True
            if (c.actor is None or c.actor.kind == "person") and c.role != "pronoun":
                last = c.name.rsplit(None, 1)[-1:]
                if last and surnames.get(last[0]) is c:
                    del surnames[last[0]]
        if lost:
            self.he = next((c for c in reversed(kept) if _he(c)), None)
            self.they = next((c for c in reversed(kept) if _they(c)), None)


# a transcript's speaker label: "PRESIDENT ZELENSKYY: ...", "THE VICE PRESIDENT: ..."
_SPEAKER_LABEL = re.compile(r"(?<![\w’'-])((?:[A-Z][A-Z.’'-]+\s+){0,3}[A-Z][A-Z’'-]+[A-Z]):\s")
_ISSUER_END = re.compile(r"[’'](?:s\s|\s)|\s+(?:on|to|regarding|following|at|in|for|after|about|concerning|"
                         r"with|between|during|ahead)\s|:")
_WITH = re.compile(r"\s(?:with|between)\s")


def _principal(phrase: str) -> bool:
    """Whether a title phrase ("President Jane Doe") names a principal, who speaks as herself."""
    return any(re.search(r"(?<![\w-])" + re.escape(t) + r"(?![\w-])", phrase) for t in _words().principal_titles)


class Finder:
    """Rule-based holder and target finding over a document, sentence by sentence.

    Pronouns, titles and quotations without a speaker resolve against the sentences before (``context``).
    """

    def __init__(self, registry: Registry):
        self.registry = registry
        # a surname no alias names (a common word: "Warren"; shared: "Ryan"): its one person in the registry, else a
        # person of the one state all its people are of, else nothing
        people: dict[str, list[Actor]] = {}
        for a in registry.actors.values():
            if a.kind == "person" and a.code:
                people.setdefault(a.name.rsplit(None, 1)[-1], []).append(a)
        self._surnames = {k: v[0] if len(v) == 1 else (v[0].side, v[0].code) for k, v in people.items()
                          if len({(a.side, a.code) for a in v}) == 1}

    # --- public -------------------------------------------------------------------------------------------------
    def voice(self, title: str, issuer: str = "") -> Voice:
        """Who a statement or readout speaks as, read from its title with the registry.

        "Statement from President Jane Doe on ..." -> Jane Doe (a principal, ``principal_title`` in
        ``holder_words.csv``, speaks as herself); "Statement by National Security Advisor John Roe" -> John Roe's
        state (an aide speaks for the issuing side); "Joint Statement by X and Y", "X-Y Joint Leaders' Statement" ->
        X and Y; "Readout of X's Call with Y" -> author X (or X's state), participants X and Y. A title that names no
        issuer ("Statement by the Press Secretary", "Fact Sheet: ...") speaks as ``issuer``.

        >>> reg = Registry.from_rows([
        ...     {"name": "Kenya", "kind": "state", "affiliation": "", "code": "KEN", "aliases": "Kenya"},
        ...     {"name": "United States", "kind": "state", "affiliation": "", "code": "USA", "aliases": "White House"},
        ...     {"name": "Jane Doe", "kind": "person", "affiliation": "United States", "code": "USA",
        ...      "aliases": "President Doe"},
        ...     {"name": "John Roe", "kind": "person", "affiliation": "United States", "code": "USA", "aliases": ""}])
        >>> Finder(reg).voice("Readout of President Doe’s Call with President William Ruto of Kenya")
        Voice(author=('Jane Doe',), participants=('Jane Doe', 'Kenya'))
        >>> Finder(reg).voice("Statement from National Security Advisor John Roe on Kenya", "United States")
        Voice(author=('United States',), participants=('United States',))
        """
        vocab = _words()
        if title.isupper():  # "CARBIS BAY G7 SUMMIT COMMUNIQUÉ"
            title = title.title()
        mentions = [m for m in self.registry.mentions(title) if m.actor is not None]
        found = list(vocab.statement.finditer(title))  # "Declaration Joint Statement from X": the one naming X
        m = next((x for x in found if x.group("by")), found[0] if found else None)
        authors: list[Mention] = []
        if m is not None and m.group("by"):
            stop = _ISSUER_END.search(title, m.end())
            end = stop.start() if stop else len(title)
            lo = m.end()
            for x in mentions:
                if m.end() <= x.start < end:
                    principal = x.actor.kind != "person" or _principal(title[lo : x.end])
                    authors.append(x if principal else Mention(x.start, x.end, self.registry.get(x.actor.side),
                                                               x.actor.side))
                    lo = x.end
        elif m is not None:  # "G7 Leaders' Statement", "U.S.-Japan Joint Leaders' Statement": named before it
            authors = [x for x in mentions if x.end <= m.start()]
        names = list(dict.fromkeys(x.name for x in authors))
        sides = {x.actor.affiliation for x in authors if x.actor is not None and x.actor.kind == "person"}
        names = [n for n in names if n not in sides] or ([issuer] if issuer else [])
        with_ = _WITH.search(title)
        participants: list[str] = []
        if with_ is not None:
            owner = [x for x in mentions if x.end <= with_.start()]
            stop = _ISSUER_END.search(title, with_.end())
            others = [x for x in mentions if with_.end() <= x.start < (stop.start() if stop else len(title))]
            for x in owner[-1:] + others:  # "with President Jane Doe of Kenya": Kenya is Jane Doe's side
                if x.name not in participants and not (x.actor.kind == "state" and any(
                        self.registry.roll_up(p) == x.name for p in participants[1:])):
                    participants.append(x.name)
            # "with Israeli Minister of Defense Benny Gantz": the person, not also his state
            sides = {self.registry.get(p).affiliation for p in participants if self.registry.get(p) is not None}
            participants = [p for p in participants if p not in sides]
            if len(participants) < 2:
                participants = []
        return Voice(tuple(names), tuple(participants) or tuple(names))

    def _voice_mentions(self, voice: Voice) -> dict[str, tuple[Mention, ...]]:
        def mention(name: str) -> Mention:  # a name the registry lacks: an actor without a code
            actor = self.registry.get(name) or Actor(name, "organisation", "", "", ())
            return Mention(-1, -1, actor, name)

        author = tuple(map(mention, voice.author))
        participants = tuple(map(mention, voice.participants)) or author
        return {k: v for k, v in (("author", author), ("participants", participants)) if v}

    def _labelled(self, label: str) -> Mention | None:
        """Who a transcript's speaker label speaks as, if the registry knows its actor: a principal as herself
        ("PRESIDENT ZELENSKYY"), an aide for her side ("MS. JEAN-PIERRE" in a briefing), as :meth:`voice` reads a
        title."""
        found = [m for m in self.registry.mentions(label.title()) if m.actor is not None]
        if not found:
            return None
        actor = found[-1].actor
        if actor.kind == "person" and not _principal(label.title()):
            actor = self.registry.get(actor.side) or actor
        return Mention(-1, -1, actor, actor.name)

    def find(self, sentences: list[str]) -> list[Attribution]:
        """One attribution per sentence: its primary stance's, or empty names when none is found."""
        return [found[0] if found else Attribution("", "", "", "") for found in self.find_all(sentences)]

    def find_all(self, sentences: list[str], context: list | None = None, voice: Voice | None = None
                 ) -> list[list[Attribution]]:
        """Every (holder, target) stance each sentence expresses, primary first; an empty list when none.

        ``sentences`` are consecutive sentences of one document. ``context``, when given, is extended in place with
        the mentions seen (the last 64 are kept), so that a document scored in chunks resolves "he", "the minister"
        or a quotation without a speaker across chunk boundaries: pass the same list with every chunk. ``voice``:
        who the document's "I", "we" and "the leaders" are (pass the same with every chunk); without it they are no
        one.
        """
        if isinstance(sentences, str):
            raise TypeError("find_all expects a list of sentences, not a string")
        context = context if context is not None else []
        memory = _Memory(context)
        memory.surname_codes = self._surnames
        if voice is not None:
            memory.voice = self._voice_mentions(voice)
        out: list[list[Attribution]] = []
        pending: _Sentence | None = None  # a quotation without a speaker, waiting for the next sentence's speaker
        for text in sentences:
            label = _SPEAKER_LABEL.search(text) if ":" in text else None
            speaker = self._labelled(label.group(1)) if label else None
            if speaker is not None and not text[: label.start()].strip(" \t0123456789:.APMCEST"):
                memory.voice = {**memory.voice, "author": (speaker,)}  # "PRESIDENT ZELENSKYY: Thank you so much."
                speaker = None
            s = _sentence(self.registry, text, context, memory)
            if speaker is not None:  # "Happy to see you — VICE PRESIDENT HARRIS: And you.": from the next sentence
                memory.voice = {**memory.voice, "author": (speaker,)}
            found, marker = s.attributions, s.marker
            if pending is not None and found and marker is not None and marker.role == "speaker" \
                    and text.lstrip()[:1] in ("“", '"'):
                # a quotation without a speaker, followed by more of it with one: '"..." "...," Putin said.'
                event = _Event(marker, 0, 0, 0, quote=(0, len(pending.text)), speech=True)
                out[-1] = _attributions(pending, [event])
            pending = s if s.unspoken and not found else None
            out.append(found)
            memory.remember_agents(s)
            memory.last = found[0] if found else None
            seen = [m for m in s.mentions if m.actor is not None or m.role == "name"]
            seen.append(marker if marker is not None else _END)
            context.extend(seen)
            memory.add(seen)
            over = len(context) - _CONTEXT_SIZE
            if over > 0:
                dropped = context[:over]
                del context[:over]
                memory.forget(dropped, context)
        return out


# --- one sentence ----------------------------------------------------------------------------------------------------
def _sentence(registry: Registry, text: str, context: list, memory: _Memory) -> _Sentence:
    """Run the stages over one sentence: match (mentions, phrases, events), then decide (the holder when no verb
    matched, the attributions, the marker the sentence leaves in the context)."""
    s = _Sentence(text, _quote_spans(text))
    if memory.voice:
        s.author = memory.voice["author"][0] if "author" in memory.voice else None
    s.mentions = _mentions(registry, s, context, memory)
    s.phrases = _noun_phrases(s)
    s.agents, s.prior_agents = _agents(s), memory.recent_agents()
    s.prior_victims, s.prior_agent_victims = memory.victims, memory.recent_agent_victims()
    s.events = _events(s)
    _subject_event(s)
    _unspoken_quotation(s, memory)
    s.attributions = _attributions(s, s.events)
    _continued_quotation(s, memory)
    if s.voices:
        _co_voices(s)
    if len(s.attributions) > 1:
        _mutual(s)
    s.marker = _marker(s)
    return s


def _subject_event(s: _Sentence) -> None:
    """No verb of speech or judgement: the subject holds the stance, unless a position noun comes first ("It was
    X's endorsement"). In a document with an author (``Voice``), such a sentence is the author's judgement of its
    subject ("The regime's brutality ..." in a statement), unless the subject is the author's own side."""
    if not any(e.tier <= 1 for e in s.events):
        subject = _subject(s) or _subject(s, main=False)
        author = s.author
        if author is not None and (subject is None and not s.events or subject is not None
                                   and all(subject.start < e.anchor for e in s.events)
                                   and not _own_side(author, subject.head)):
            here = Mention(0, 0, author.actor, author.text, "pronoun")
            s.events.insert(0, _Event(here, 0, 0, 0, tier=1, target=subject.head if subject else None,
                                      skip=(subject.start, subject.end) if subject else (0, 0)))
            return
        if subject is not None and all(subject.start < e.anchor for e in s.events) \
                and not any(e.tier == 3 for e in s.events):  # "X's plan is "...", according to Y": Y's, not X's
            # coordinated subjects ("The United States and the EU share concerns"): co-holders, not targets
            i = _after(s.phrases, subject.start)
            co = s.phrases[i + 1 : _list_end(s.text, s.phrases, i) + 1]  # a list ends with "and"
            end = co[-1].end if co else subject.end
            events = [_Event(subject.head, subject.start, end, end, tier=1, skip=(subject.start, end) if co
                             else (0, 0))]
            events += [_Event(np.head, np.start, end, end, tier=1, skip=(subject.start, end)) for np in co
                       if np.head.actor is not None and not np.quoted]
            names = frozenset(e.holder.name for e in events)
            near = len(events) > 1 and _words().mutual.search(s.text, end, end + 60) is not None
            for e in events:
                e.co = names  # nor "their", "our" of the co-holders
                if near:  # "Russia and Iran remain united": toward each other
                    e.target = next((x.holder for x in events if x.holder.name != e.holder.name), None)
            s.events[:0] = events
            _owners(s, s.events[:len(events)])


def _unspoken_quotation(s: _Sentence, memory: _Memory) -> None:
    """A quotation without a speaker: the speaker of the sentence before, if it was one."""
    if not s.events and s.quotes and sum(b - a for a, b in s.quotes) >= 0.6 * len(s.text.strip()):
        s.unspoken = True
        last = memory.marker
        if last is not None and last.role == "speaker":
            s.events = [_Event(Mention(0, 0, last.actor, last.text, "pronoun"), 0, 0, 0, quote=(0, len(s.text)),
                               speech=True)]


def _continued_quotation(s: _Sentence, memory: _Memory) -> None:
    """A quotation that goes on with the stance of the sentence before, its speaker's, and names no one else
    ("...with Moscow," Araghchi said. "Our relationship has grown even closer."): the same target."""
    last, found = memory.last, s.attributions
    if last is None or not last.target or not found or found[0].target or found[0].holder != last.holder \
            or sum(b - a for a, b in s.quotes) < 0.6 * len(s.text.strip()) \
            or any(v.name == last.target for _, v in s.victims):
        return  # (not when the target before is this quotation's victim: "This act of aggression against Iran ...")
    a = found[0]
    found[0] = Attribution(a.holder, a.holder_code, last.target, last.target_code, a.start, a.end)


_ACTION_GAP = re.compile(r"(?:[’']s?)?(?:\s+[a-z][a-z-]*){0,2}?\s+")
_NOT_MODIFIER = re.compile(r"(?<![\w’'-])(?:the|a|an|this|that|these|those|to|and|or|[a-z]+ed|[a-z]+s)(?![\w’'-])")
_ACTION_ON = re.compile(r"(?:\s+[a-z][a-z-]*){0,2}?\s+(?:on|in|against|targeting)\s+(?:the\s+)?")
_OBJECT_GAP = re.compile(r"\s+(?:the\s+)?")
_TARGETS_IN = re.compile(r"(?:\s+[a-z][a-z-]*){1,4}?\s+(?:in|on|across)\s+(?:the\s+)?(?:[a-z]+\s+)?")
# "strikes by", "the killing of Palestinian civilians by"
_JUDGED_BY = re.compile(r"(?:\s+(?:on|in|against|of)\s+(?:(?!by\s)[^,;:.]){1,40}?)?"
                        r"\s+(?:was|were|has\s+been|have\s+been|had\s+been|is|are)"
                        r"(?:\s+[a-z]+ly)?\s+[a-z]+(?:ed|en)\s+(?:[a-z]+\s+){0,3}?by\s")
# "the bombing of a market in Gaza City by Israel": the doer after the act's own phrase
_ACTION_OF_BY = re.compile(r"\s+(?:of|on|in|against|at)\s+[^,;:.!?“”\"()]{1,50}?\s+by\s+(?:the\s+)?")
_ACTION_BY = re.compile(r"(?:\s+[A-Za-z][a-z-]*){0,3}?\s+(?:by|from)\s+(?:the\s+)?")


def _action_kind(words: str) -> str:
    """The kind of an action word as matched ("strikes" -> "force", " also imposed" -> "measures")."""
    vocab = _words()
    tokens = words.lower().split()
    return next(vocab.action_kind[k] for k in (" ".join(tokens[i:]) for i in range(len(tokens)))
                if k in vocab.action_kind)  # the longest ending: " also seized power" -> "seized power"


def _agents(s: _Sentence) -> list[tuple[int, Mention, str]]:
    """Who did the actions the sentence names: "Israeli strikes", "Russia's invasion", "strikes by X" (at the action
    noun), "Israel struck" (at the verb), with the kind of action. A stance toward the action is a stance toward its
    doer."""
    vocab = _words()
    text, nps = s.text, s.phrases
    if not nps:
        return []
    out = []
    for m in vocab.action.finditer(text):
        p, q = m.span()
        on = _ACTION_ON.match(text, q)
        victim = _np_after(text, nps, on.end()) if on is not None else None
        if victim is not None and victim.head.actor is not None:
            s.victims.append((_action_kind(m.group(0)), victim.head))
            s.victim_at[p] = victim.head
        doer = None
        i = _after(nps, p) - 1
        if i >= 0 and nps[i].end <= p and nps[i].head.actor is not None \
                and _ACTION_GAP.fullmatch(text, nps[i].end, p) and not _has_verb(text, nps[i].end, p) \
                and not _NOT_MODIFIER.search(text, nps[i].end, p):
            doer = nps[i].head
        by = _ACTION_BY.match(text, q) or _ACTION_OF_BY.match(text, q)
        if by is not None and _JUDGED_BY.match(text, q):
            by = None  # "The attack was condemned by Germany": who judged it, not who did it
        if doer is None and by is not None:
            np = _np_after(text, nps, by.end())
            if np is not None and np.head.actor is not None:
                doer = np.head
        if doer is not None:
            out.append((p, doer, _action_kind(m.group(0))))
    for k, np in enumerate(nps):
        if np.head.actor is not None and not np.quoted:
            m = vocab.action_verb.match(text, np.end)
            if m is not None:
                first = k  # "The United States and Britain struck": both, the first named first
                while first > 0 and nps[first - 1].head.actor is not None and not nps[first - 1].quoted \
                        and (_AND.fullmatch(text, nps[first - 1].end, nps[first].start)
                             or first < k and _LIST.fullmatch(text, nps[first - 1].end, nps[first].start)):
                    first -= 1
                out += [(m.start(), other.head, _action_kind(m.group(0))) for other in nps[first : k + 1]]
                i = _after(nps, m.end())
                if i < len(nps) and nps[i].head.actor is not None \
                        and (_OBJECT_GAP.fullmatch(text, m.end(), nps[i].start)
                             or _TARGETS_IN.fullmatch(text, m.end(), nps[i].start)):
                    # "Israel struck Iran", "Israel struck targets in southern Lebanon"
                    s.victims.append((_action_kind(m.group(0)), nps[i].head))
    out.sort(key=lambda x: x[0])
    return out


def _marker(s: _Sentence) -> Mention | None:
    """The sentence's primary holder as the context remembers it: a speaker (a quotation after may continue it) or
    a subject."""
    if not s.attributions:
        return None
    h = next(e.holder for e in s.events if e.holder is not None and e.holder.name == s.attributions[0].holder)
    speech = any(e.speech or e.quote is not None for e in s.events if e.holder is h)
    return Mention(-1, -1, h.actor, h.name, "speaker" if speech else "subject")


def _mentions(registry: Registry, s: _Sentence, context: list, memory: _Memory) -> list[Mention]:
    """Registry mentions, plus names not in the registry and resolved pronouns and titles, in order."""
    vocab = _words()
    text, quotes = s.text, s.quotes
    out = registry.mentions(text)
    if "-" in text:
        out = [m for m in out if not _inside_name(text, m, out)]
    out = [m for m in out if not _surname_alias(text, m, out)]
    dateline = _DATELINE.match(text)
    if dateline is not None:  # "MANILA, Aug 11 (Reuters) - ": where it was filed and by whom, no actor of the story
        out = [m for m in out if m.start >= dateline.end()]
    first = _SENTENCE_THE.match(text)
    if first is not None and (not out or out[0].start > first.start(1)):
        # "The Kremlin said" for the alias "the Kremlin": aliases are case-sensitive, sentence starts are not
        at = first.start(1)
        found = registry.mentions("t" + text[at + 1 : at + 80])
        if found and found[0].start == 0 and (len(out) == 0 or at + found[0].end <= out[0].start):
            m = found[0]
            out.insert(0, Mention(at, at + m.end, m.actor, text[at : at + m.end]))
    taken = [(m.start, m.end) for m in out]
    covered = dict(taken)
    extra, k = [], 0
    for m in vocab.name.finditer(text):
        a, b = m.span()
        if covered.get(a, -1) >= b or b - a < 12 and text[a:b] in vocab.not_names \
                or dateline is not None and a < dateline.end():
            continue
        while k < len(taken) and taken[k][1] <= a:
            k += 1
        if k < len(taken) and taken[k][0] < b:
            # only the part after the registry mentions is a name of its own: "Republican Senator Jane Doe" ->
            # "Senator Jane Doe"; "Air Force Gen. John Hyten" has none
            j = k
            while j < len(taken) and taken[j][0] < b:
                a = max(a, taken[j][1])
                j += 1
            if text.startswith(("’s ", "'s "), a):  # "Ghana's President Jane Doe": the name after the possessive
                a += 3
            if a >= b:
                continue
        if " " in text[a:b]:
            toks = [[w.start(), w.end(), w.group(0)] for w in _SPACED.finditer(text, a, b)]
        else:
            toks = [[a, b, text[a:b]]]
        last = toks[-1]
        if last[2].endswith(("’s", "'s")):  # "Dr. Jane Doe’s" -> "Dr. Jane Doe"
            last[1] -= 2
            last[2] = last[2][:-2]
        i, j = 0, len(toks)
        while i < j and toks[i][2] in vocab.not_names:
            i += 1
        while j > i and (toks[j - 1][2] in vocab.not_names or toks[j - 1][2] in vocab.titles):
            j -= 1
        if i == j or not toks[j - 1][2] or toks[j - 1][2] in vocab.not_actor_heads \
                or _NOT_A_NAME.match(toks[i][2]):
            continue
        a, b, words = toks[i][0], toks[j - 1][1], [t[2] for t in toks[i:j]]
        if text[a - 1 : a] == "(":
            continue
        name = text[a:b]
        if name.isupper():
            if " " in name:
                continue  # a byline: "By JANE DOE"
            if len(name) > 3:  # "TRUMP:" -> Trump
                known = registry.lookup(name.title())
                if known is not None:
                    extra.append(Mention(a, b, known, name))
                    continue
        actor, shown = None, name
        lower = registry.lookup(name[0].lower() + name[1:])
        if lower is not None:  # "Al-Quaety, who ..." for the alias "al-Quaety": a particle capitalised
            extra.append(Mention(a, b, lower, name))
            continue
        if len(words) == 1 or len(words) == 2 and words[0] in vocab.titles:
            # the surname of someone named before: "Jane Doe ... Doe said" -> Jane Doe
            last = words[-1]
            c = next((x for x in reversed(out) if x.end <= a and _surname(x) == last), None) \
                or memory.surnames.get(last)
            if c is not None and c.name != name:
                actor, shown = c.actor, c.name
            elif c is None and len(words) == 1 and last in memory.surname_codes:
                # "Warren said", no Warren named before: the registry's one Warren; "Ryan said": a person of the one
                # state whose registry people are Ryans
                known = memory.surname_codes[last]
                person = known if isinstance(known, Actor) else Actor(name, "person", known[0], known[1], ())
                extra.append(Mention(a, b, person, name, "name"))
                continue
        extra.append(Mention(a, b, actor, shown if actor is None else name, "name" if actor is None else ""))
    if extra:
        out = sorted(out + extra, key=lambda x: x.start)
    out = _attributed(registry, text, out)
    if "member" in text:
        out = _members(text, out, memory)
    pronouns = []
    resolved: dict[str, Mention | None] = {}
    front = None
    for m in vocab.pronoun.finditer(text):
        a, b = m.span()
        i = _after(out, b)
        if quotes and _inside(quotes, a) or i and out[i - 1].end > a:
            continue
        word = m.group(0).lower()
        word = vocab.pronoun_of.get(word, word)
        found = _resolve_here(word, text, out, quotes, a)
        if found is None and word.rsplit(" ", 1)[-1] in vocab.spokespeople:
            # "the spokesperson for the German government" -> Germany; "the spokesperson" alone: one of a body or
            # state named before (a spokesperson speaks for the principal), not the last person
            after = _FOR_PRINCIPAL.match(text, b)
            i = _after(out, after.end()) if after else len(out)
            found = out[i] if i < len(out) and out[i].actor is not None and not text[after.end() : out[i].start] \
                .replace("the ", "").strip() else (None if after else _resolve_before(word, context, people=False)
                                                    or memory.they)
        if found is None:
            if word not in resolved:
                resolved[word] = memory.he if word in ("he", "she") else memory.they if word == "they" \
                    else _resolve_before(word, context)
            found = resolved[word]
        if word in ("he", "she") and a < 130:
            front = _FRONTED.match(text) or False if front is None else front
            if front and a < front.end():
                # "Unlike his rival, whom he refuses to bash, Sanders appears ...": the subject after the comma
                i = _after(out, front.end())
                after = out[i] if i < len(out) else None
                if after is not None and after.start - front.end() < 30 and after.actor is not None \
                        and after.actor.kind == "person":
                    found = after
        if found is not None:
            shown = found.name if found.actor is None else m.group(0)
            pronouns.append(Mention(a, b, found.actor, shown, "pronoun"))
        else:
            pronouns.append(Mention(a, b, None, "", "pronoun"))
    it = _IT_SAID.match(text)
    if it is not None and memory.they is not None and memory.they.actor is not None \
            and not (out and out[0].start < it.end()):
        verb = vocab.verb.match(text, it.end(1) + 1) or _IT_ACTED.match(text, it.end(1))
        if verb is not None:  # "It said", "It expelled a Canadian diplomat": the body or state named before
            pronouns.append(Mention(it.start(1), it.end(1), memory.they.actor, "It", "pronoun"))
    if pronouns:
        out = sorted(out + pronouns, key=lambda x: x.start)
    if memory.voice:
        out = _voiced(s, out, memory.voice)
    return out


# a sentence's subject "It", if a verb of speech or judgement or a past-tense act follows ("It is", "It seemed": no one)
_IT_SAID = re.compile(r"[\s“\"]*(It)(?=\s)")
_IT_ACTED = re.compile(r"\s+(?:also\s+|later\s+|then\s+)?"
                       r"(?!(?:seem|appear|emerg|happen|remain|follow|occurr|look|sound|turn)ed)"
                       r"[a-z]{3,}ed(?![\w’'-])")
_NAME_BEFORE = re.compile(r"[A-Z][a-z]+\s$")
_NAME_AFTER = re.compile(r"-[A-Z][a-z]+(?![\w’'-])")


_DATELINE = re.compile(r"[\s“\"]*[A-Z][A-Z.’' -]{1,40}(?:,\s+[A-Z][a-z]{2,9}\.?\s+\d{1,2})?"
                       r"\s*\([A-Z][\w ./-]{0,30}\)\s*[-—–]+\s*")
_FORENAMES = re.compile(r"(?<![\w’'.-])([A-Z][\w-]*[a-z])\s+([A-Z][\w-]*[a-z])\s+$")


def _surname_alias(text: str, m: Mention, mentions: list[Mention]) -> bool:
    """Whether a one-word alias of a body is the surname of a person named before it: "Thérèse Kayikwamba Wagner" is
    no Wagner Group (two capitalised words before it that no alias covers and that are no title)."""
    if m.actor is None or m.actor.kind != "organisation" or " " in m.text:
        return False
    names = _FORENAMES.search(text, max(0, m.start - 60), m.start)
    if names is None or any(o.end > names.start() and o.start < m.start for o in mentions if o is not m) \
            or text[max(0, names.start() - 4) : names.start()].lower() == "the ":
        return False  # "the Radical Left Democrats": a name of the body
    vocab = _words()
    return not any(w in vocab.titles or w in vocab.not_names for w in names.groups())


def _inside_name(text: str, m: Mention, mentions: list[Mention]) -> bool:
    """Whether a registry mention is a word of a hyphenated name of something else: "Agence France-Presse" names a
    news agency, not France ("U.S.-Iran tensions", "Israel-Hamas war" name both)."""
    after = _NAME_AFTER.match(text, m.end)
    if after is None or any(o.start == m.end + 1 for o in mentions):
        return False
    before = _NAME_BEFORE.search(text, max(0, m.start - 20), m.start)
    return before is not None and not any(o.end == m.start - 1 for o in mentions)


def _voiced(s: _Sentence, out: list[Mention], voice: dict[str, tuple[Mention, ...]]) -> list[Mention]:
    """The document's own voice: "I", "we", "our" are its author, "the leaders" its participants (``Voice``); the
    first of several stands in the sentence, the others are kept for :func:`_co_voices`."""
    vocab = _words()
    text, quotes = s.text, s.quotes
    found = []
    participants = voice.get("participants", ())
    if len(participants) > 1:
        # a readout's "They agreed ...", "Together, they ...": the participants, not the last state named
        for i, m in enumerate(out):
            before = text[: m.start].strip()
            if m.role == "pronoun" and m.text.lower() == "they" and (not before or before.endswith(",")
                                                                      and len(before) < 40):
                out[i] = Mention(m.start, m.end, participants[0].actor, m.text if participants[0].actor is not None
                                 else participants[0].text, "pronoun")
                s.voices[m.start] = participants[1:]
    for m in vocab.voice.finditer(text):
        a, b = m.span()
        if quotes and _inside(quotes, a):
            continue
        out = [x for x in out if not (x.role == "name" and a <= x.start and x.end <= b)]  # "The Presidents"
        i = _after(out, a)
        if i and out[i - 1].end > a or i < len(out) and out[i].start < b:
            continue
        who = voice.get(vocab.voice_of[" ".join(m.group(0).lower().split())])
        if not who:
            continue
        head = who[0]
        found.append(Mention(a, b, head.actor, m.group(0) if head.actor is not None else head.text, "pronoun"))
        if len(who) > 1:
            s.voices[a] = who[1:]
    return sorted(out + found, key=_START) if found else out


def _co_voices(s: _Sentence) -> None:
    """A stance held by "we" of a joint statement or by "the leaders" of a readout is each one's: the others get
    the same target, unless it is their own side."""
    extra = []
    held = {(a.holder, a.target) for a in s.attributions}
    for a in s.attributions:
        e = next((e for e in s.events if e.holder is not None and e.holder.start in s.voices
                  and e.holder.name == a.holder), None)
        if e is None:
            continue
        target = next((m for m in s.mentions if m.name == a.target), None)
        for other in s.voices[e.holder.start]:
            if (other.name, a.target) in held or other.name == a.target \
                    or target is not None and _own_side(other, target):
                continue
            held.add((other.name, a.target))
            extra.append(Attribution(other.name, other.actor.code if other.actor else "", a.target, a.target_code,
                                     a.start, a.end))
    s.attributions.extend(extra)


def _mutual(s: _Sentence) -> None:
    """Co-holders of one stance with no target of their own ("The leaders agreed to continue close cooperation",
    "Mr. Sullivan and Director Wang noted the importance of this channel"): each one's stance is toward the other."""
    found = s.attributions
    if any(a.target for a in found) or not _words().mutual.search(s.text):
        return
    who = {e.holder.name: e.holder for e in s.events if e.holder is not None}
    for others in s.voices.values():
        who.update((o.name, o) for o in others)
    holders = list(dict.fromkeys(a.holder for a in found))
    for i, a in enumerate(found):
        h = who.get(a.holder)
        other = next((who[o] for o in holders if o != a.holder and o in who and h is not None
                      and not _own_side(h, who[o])), None)
        if other is not None:
            found[i] = Attribution(a.holder, a.holder_code, other.name, other.actor.code if other.actor else "",
                                   a.start, a.end)


_TITLED_GAP = re.compile(r"(?:[’']s)?\s+")
def _titled_gap(text: str, a: int, b: int) -> bool:
    """Whether only a possessive and title modifiers stand between a state and a name ("Ghana's", "Kenyan Foreign")."""
    gap = text[a:b]
    if not _TITLED_GAP.match(gap) or b - a > 40:
        return False
    return all(w.lower() in _words().title_modifiers for w in re.sub(r"^[’']s", "", gap).split())


_MINISTER = re.compile(r"(?:[’']s)?\s+(?:(?:then|former|top|chief|new)\s+)?(?i:(foreign|defen[cs]e)\s+minister)"
                       r"(?![\w’'-])(?!\s+[A-Z])")
_BODY_OF = {"foreign": "Foreign Ministry", "defence": "Defence Ministry", "defense": "Defence Ministry"}


_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")
_DESCRIBED = re.compile(r"(?:[’']s)?(?:\s+[a-z][a-z-]*){0,3}?\s+([a-z]+),\s+|,\s+()")  # "'s justice minister, "
_TITLE_FOR = re.compile(r"(?:[’']s)?(?:\s+[a-z][a-z-]*){0,2}?\s+([a-z]+)\s+(?:for|to)\s+(?:the\s+)?")  # " envoy for "
_TITLE_OF = re.compile(r"(?<![\w’'-])([a-z]+)\s+of\s+(?:the\s+)?$")  # "the secretary general of (the) "
_APPOSED_PERSON = re.compile(r",\s+(?:(?:a|an|the|one)\s+)?(?:(?:senior|top|chief|deputy|former|veteran)\s+)?$")
_APPOSED_TITLE = re.compile(r"(?:[’']s)?(?:\s+[a-z][a-z-]*){0,3}?\s+([a-z]+),")  # "..., the Kenyan foreign minister,"
_POSSESSIVE_GAP = re.compile(r"[’']s\s+(?:the\s+)?(?:[A-Z][a-z]+\s+)?")  # "Venezuela's National Electoral Council"


def _office(word: str | None) -> bool:
    """Whether a lower-case word names someone's office ("minister", "envoy", "official"; not "government")."""
    vocab = _words()
    return word is not None and word != "government" and (word in vocab.title_words or word in vocab.role_words)


def _attributed(registry: Registry, text: str, mentions: list[Mention]) -> list[Mention]:
    """Unregistered titled people and ministers attributed by a demonym or possessive: "Argentine President Jane Doe"
    -> a person "Jane Doe" of Argentina (ARG); "Kenya's foreign minister" -> the Kenyan Foreign Ministry if the
    registry has it (else the holder stays Kenya). Titles are not part of a name."""
    vocab = _words()
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if m.actor is not None and m.actor.kind == "organisation" and not m.actor.affiliation and prev is not None \
                and prev.actor is not None and prev.role == "" and prev.actor.kind == "state" \
                and _TITLED_GAP.fullmatch(text, prev.end, m.start):
            nxt = _NEXT_WORD.match(text, m.end)
            if nxt is None or nxt.group(1).lower() not in vocab.role_words:
                out.pop()  # "Lebanese Hezbollah", "Somalia's al-Shabaab": the state describes the group (no actor of
                # its own, no target); but "Egypt's African Union envoy" is Egypt's
                prev = out[-1] if out else None
        if m.actor is None and m.role == "name" and prev is not None and prev.actor is not None and prev.role == "" \
                and prev.actor.kind == "state" and text[prev.end : m.start] in ("'s ", "’s ") and " " not in m.text:
            nxt = _NEXT_WORD.match(text, m.end)
            if nxt is not None and nxt.group(1) in vocab.title_words:
                continue  # "Britain's Africa minister said": a portfolio, no name; the minister is Britain's
        if m.actor is None and m.role == "name" and prev is not None and prev.actor is not None \
                and prev.role == "" and prev.actor.kind != "person" \
                and vocab.spokesperson_gap.fullmatch(text, prev.end, m.start):
            # "Egyptian foreign ministry spokesperson Jane Doe": the codebook's holder is the principal, the ministry
            out.append(Mention(m.start, m.end, prev.actor, m.text))
            continue
        if m.actor is None and m.role == "name" and prev is not None and prev.actor is not None \
                and prev.role == "" and prev.actor.kind != "person" and prev.actor.code and " " in m.text:
            said = _DESCRIBED.fullmatch(text, prev.end, m.start)
            word, owner = (said.group(1) if said is not None else None), prev.actor
            minister = prev.actor.kind == "organisation" and prev.text.lower().endswith(" minister")
            if said is not None and word is None:  # only ", " between: the description comes before
                of = _TITLE_OF.search(text, max(0, prev.start - 40), prev.start)
                if minister:
                    word = "minister"  # "Congo's foreign minister, Jane Doe," (a ministry the registry has)
                elif of is not None:
                    word = of.group(1)  # "the foreign minister of Egypt, Jane Doe,"
                elif len(out) > 1 and out[-2].actor is not None and out[-2].role == "" and out[-2].actor.code \
                        and out[-2].actor.kind != "person":
                    title = _TITLE_FOR.fullmatch(text, out[-2].end, prev.start)  # "the U.N. envoy for Syria, Jane Doe,"
                    if title is not None:
                        word, owner = title.group(1), out[-2].actor  # the envoy's own body, not her portfolio
            if _office(word):
                # "Sudan's justice minister, Jane Doe," "the secretary general of the OAS, Jane Doe,": a person of
                # that state or body (so "she" later is hers)
                actor = Actor(m.text, "person", owner.side, registry.code(owner.side) or owner.code, ())
                if minister or owner is not prev.actor:
                    out.pop()  # (and "Syria" of "the U.N. envoy for Syria" is her portfolio: no actor, no target)
                out.append(Mention(m.start, m.end, actor, m.text))
                continue
        if m.actor is None and m.role == "name" and prev is not None and prev.actor is not None \
                and prev.role == "" and prev.actor.code and _titled_gap(text, prev.end, m.start):
            words = m.text.split()
            titled = prev.text.split()[-1] in vocab.titles or prev.text.split()[-1].lower() in vocab.role_words
            while words and (words[0] in vocab.titles or words[0].lower() in vocab.title_modifiers):
                titled = titled or words[0] in vocab.titles
                words = words[1:]
            if titled and words and (prev.actor.kind != "person" or prev.text.split()[-1] in vocab.titles):
                state = prev.actor.side
                code = registry.code(state) or prev.actor.code
                person = Actor(" ".join(words), "person", state, code, ())
                if prev.actor.kind == "person":  # "Kenyan Foreign Minister" (an alias of a past holder) + a name
                    out.pop()
                out.append(Mention(m.start, m.end, person, m.text))
                continue
        if m.actor is None and m.role == "name" and prev is not None and prev.actor is not None \
                and prev.role == "" and prev.actor.kind == "state" and m.text.split()[-1] in vocab.body_heads \
                and text[prev.end : m.start] == " " and prev.text == prev.actor.name \
                and text[max(0, prev.start - 1) : prev.start] not in ("-", "/", "–"):
            # "the Kenya Defence Forces", "Beijing's Taiwan Affairs Office": a body whose name holds a state's name
            # (not a demonym or capital, not "U.S.-Japan Alliance"), of that state or of the possessive before (China)
            out.pop()
            owner = out[-1] if out else None
            if owner is None or owner.actor is None or owner.role != "" or owner.actor.kind != "state" \
                    or not _POSSESSIVE_GAP.fullmatch(text, owner.end, prev.start):
                owner = prev
            name = text[prev.start : m.end]
            out.append(Mention(prev.start, m.end, Actor(name, "organisation", owner.actor.name, owner.actor.code, ()),
                               name))
            continue
        if m.actor is None and m.role == "name" and prev is not None and prev.actor is not None \
                and prev.role == "" and prev.actor.kind == "state" and m.text.split()[-1] in vocab.body_heads \
                and _POSSESSIVE_GAP.fullmatch(text, prev.end, m.start):
            # "Venezuela's National Electoral Council": a body of the state, with its code
            out.append(Mention(m.start, m.end, Actor(m.text, "organisation", prev.actor.name, prev.actor.code, ()),
                               m.text))
            continue
        if m.actor is not None and m.role == "" and m.actor.code and m.actor.kind != "person" and prev is not None \
                and prev.actor is None and prev.role == "name" and len(prev.text.split()) >= 2 \
                and _APPOSED_PERSON.fullmatch(text, prev.end, m.start):
            title = _APPOSED_TITLE.match(text, m.end)
            if title is not None and _office(title.group(1)) and title.group(1) not in vocab.spokespeople:
                # "Jane Wanjiru, the Kenyan foreign minister, said", "Jane Doe, a senior Kenyan foreign ministry
                # official": a person of Kenya (the ministry describes her)
                out[-1] = Mention(prev.start, prev.end, Actor(prev.text, "person", m.actor.side, m.actor.code, ()),
                                  prev.text)
        if m.actor is not None and m.role == "" and m.actor.kind == "state":
            hit = _MINISTER.match(text, m.end)
            if hit is not None:
                body = registry.body(m.actor.name, _BODY_OF[hit.group(1).lower()])
                if body is not None:
                    m = Mention(m.start, hit.end(), body, text[m.start : hit.end()])
        out.append(m)
    return out


# one member ("a Security Council permanent member", "a member of NATO"); "members of the EU" are the EU
_MEMBER_AFTER = re.compile(r"\s+(?:(?:permanent|non-permanent|founding|full)\s+)?member(?:\s+(?:state|country|nation))?"
                           r"(?![\w’'-])")
_MEMBER_BEFORE = re.compile(r"(?<![\w’'-])(?:a|an|the|one)\s+(?:(?:permanent|non-permanent|founding|full)\s+)?member"
                            r"(?:\s+(?:state|country|nation))?\s+of\s+(?:the\s+)?$")
_APPOSED = re.compile(r",\s+(?:(?:a|an|the|one)\s+)?$")


def _members(text: str, mentions: list[Mention], memory: _Memory) -> list[Mention]:
    """"a Security Council permanent member", "a member of NATO" name a state, not the body: the state in apposition
    ("Russia, a permanent member of ...") or the one the article was speaking of (the last doer named, else the last
    state); unknown, it is no one."""
    out: list[Mention] = []
    for m in mentions:
        a = m.actor
        if a is None or m.role != "" or a.kind != "organisation" or a.affiliation:
            out.append(m)
            continue
        after = _MEMBER_AFTER.match(text, m.end)
        before = _MEMBER_BEFORE.search(text, max(0, m.start - 60), m.start) if after is None else None
        if after is None and before is None:
            out.append(m)
            continue
        start = before.start() if before is not None else m.start
        end = after.end() if after is not None else m.end
        d = _DETERMINER_BEFORE.search(text, max(0, start - 6), start)
        start = d.start() if d is not None else start
        prev = out[-1] if out else None
        state = None
        if prev is not None and prev.actor is not None and prev.actor.kind == "state" \
                and _APPOSED.fullmatch(text, prev.end, start):
            state = prev  # "Russia, a permanent member of the Security Council,"
        elif memory.agent is not None and memory.agent.actor is not None and memory.agent.actor.kind == "state":
            state = memory.agent
        elif memory.they is not None and memory.they.actor is not None and memory.they.actor.kind == "state":
            state = memory.they
        out.append(Mention(start, end, state.actor, text[start:end], "pronoun") if state is not None
                   else Mention(start, end, None, "", "pronoun"))
    return out


_DETERMINER_BEFORE = re.compile(r"(?<![\w’'-])(?:a|an|the|one)\s+$")


def _match(word: str):
    """Which actors a pronoun or title can stand for."""
    if word in ("he", "she"):
        return _he
    if word == "they":
        return _they
    words = word.split()[1:]
    title = words[-1]
    modifiers = [w for w in words[:-1] if w in _words().title_modifiers and w not in ("former", "outgoing", "new")]
    if modifiers:  # "the vice president": only someone called "Vice President ..."
        phrase = " ".join(modifiers[-1:] + [title])
        return lambda c: c.actor is not None and c.actor.kind == "person" and any(  # noqa: E731
            phrase in a.lower() for a in c.actor.aliases)
    others = tuple(f"{m} {title}" for m in _words().title_modifiers)  # "the president" is not the vice president

    def match(c):
        return c.actor is not None and c.actor.kind == "person" and any(
            title in a.lower() and not any(o in a.lower() for o in others) for a in c.actor.aliases)

    return match


def _resolve_here(word: str, text: str, mentions: list[Mention], quotes, pos: int) -> Mention | None:
    """A pronoun's antecedent in its own sentence: the first matching subject before it ("Ms. Winfrey appeared
    ... when she said")."""
    match = None
    title = word.split()[-1] if " " in word else ""  # "the minister": also one named "... minister Jane Doe" here
    for i in range(_after(mentions, pos - 400), len(mentions)):
        c = mentions[i]
        if c.end > pos:
            break
        if c.role == "pronoun" or quotes and _inside(quotes, c.start):
            continue
        match = match or _match(word)
        titled = title and (c.actor is not None and c.actor.kind == "person" or c.role == "name") \
            and title in text[max(0, c.start - 40) : c.start].lower()
        if (titled or match(c)) and not _PREPOSITION.search(text, max(0, c.start - 60), c.start):
            return c
    return None


def _resolve_before(word: str, context: list, people: bool = True) -> Mention | None:
    """A pronoun's antecedent in the sentences before: the last matching actor; for a title no one named before
    carries, the last person (unless not ``people``)."""
    match = _match(word)
    for c in reversed(context):
        if match(c):
            return c
    if people and word not in ("he", "she", "they"):
        for c in reversed(context):
            if c.actor is not None and c.actor.kind == "person":
                return c
    return None


def _noun_phrases(s: _Sentence) -> list[_NP]:
    """Group mentions joined by titles ("U.S. President Donald Trump") into one phrase headed by the last."""
    vocab = _words()
    text, quotes = s.text, s.quotes
    nps: list[_NP] = []
    for m in s.mentions:
        if nps and m.start < nps[-1].end:
            continue
        if nps and m.role != "pronoun" and nps[-1].head.role != "pronoun":
            prev = nps[-1]
            gap = text[prev.end : m.start]
            person = m.role == "name" or m.actor is not None and m.actor.kind == "person"
            if len(gap) < 60 and vocab.title_gap.fullmatch(gap):
                words = gap.replace("’s", " ").replace("'s", " ").split()
                if any(w in vocab.titles for w in words) or not words and m.actor is not None and (
                        m.actor.kind == "person" or m.actor is prev.head.actor):
                    prev.head, prev.end = m, m.end
                    continue
            elif person and prev.head.actor is not None and prev.head.actor.kind != "person" and len(gap) < 50 \
                    and vocab.role_gap.fullmatch(gap) and not _has_verb(text, prev.end, m.start):
                # "GOP frontrunner Donald Trump"
                prev.head, prev.end = m, m.end
                continue
        nps.append(_NP(m.start, m, bool(quotes) and _inside(quotes, m.start) is not None))
    return nps


# --- events ----------------------------------------------------------------------------------------------------------
def _events(s: _Sentence) -> list[_Event]:
    """Verbs of speech or judgement and the constructions that state a position, each with its holder."""
    vocab = _words()
    text, nps, quotes = s.text, s.phrases, s.quotes
    events: list[_Event] = []
    failed = None  # where the last verb without a subject was: a participle after it is not the sentence subject's
    verbs = _verbs(text)
    first = _OPENING_PARTICIPLE.match(text)
    if first is not None and first.group(1).lower() in vocab.verb_words:  # "Accusing X of ..., Y said"
        verbs.insert(0, (first.start(1), first.end(1), first.group(1).lower()))
    for vs, ve, verb in verbs:
        if _inside(quotes, vs) or _DETERMINER.search(text, max(0, vs - 8), vs):
            continue
        if verb.startswith("claim") and vocab.claimed_act.match(text, ve):
            continue  # "Al-Shabaab claimed the bombing", "claimed responsibility": a fact (the codebook), no stance
        found = _verb_event(s, vs, ve, verb, events, failed)
        if found:
            events.extend(found)
        else:
            failed = vs
    if nps and not events and ":" in text[:60]:
        m = _HEADLINE_SPEAKER.match(text)  # "Kerry: I didn't call Israel ..."
        if m is not None and nps[0].start == len(text) - len(text.lstrip()) and nps[0].end == m.end() - 2 \
                and (nps[0].head.actor is not None or " " in nps[0].head.text):
            events.append(_Event(nps[0].head, 0, nps[0].end, m.end(), skip=(0, m.end()), quote=(m.end(), len(text)),
                                 speech=True))
    if " from " in text or " by " in text:
        for m in vocab.from_.finditer(text):
            if vocab.action.match(text, m.start()) and any(
                    _JUDGED.fullmatch(text, e.vend, m.start()) for e in events if e.vend <= m.start()):
                continue  # "condemned the attack by X": an action judged (X is its doer, the target), not X's stance
            if _OPENS_CLAUSE.search(text, max(0, m.start() - 40), m.start()):
                continue  # "..., as pressure from X intensifies": the subject of a clause of its own, not a stance
                # toward the main clause's subject
            agent = _np_after(text, nps, m.end())
            if agent is not None and not _inside(quotes, m.start()) and _plausible(agent, text, True):
                target = _clause_subject(text, nps, m.start(), agent)
                tier = 0 if _FACED.search(text, max(0, m.start() - 50), m.start()) else 2
                agents, end = _coordinated(text, nps, agent)  # "criticism from Paris and Berlin": each
                events.extend(_Event(a.head, m.start(), m.start(), m.end(), tier=tier, skip=(m.start(), end),
                                     target=target.head if target else None) for a in agents)
    posted = []  # "a tweet by X", "in a post on Monday by X": X's stated position
    if " by " in text or " from " in text:
        for m in vocab.posted.finditer(text):
            agent = _np_after(text, nps, m.end())
            if agent is not None and not _inside(quotes, m.start()) and _plausible(agent, text, True):
                posted.append(m.start())
                events.append(_Event(agent.head, m.start(), m.start(), agent.end, tier=2,
                                     skip=(m.start(), _appositive_end(text, agent.end)), speech=True))
    if "ccording" in text or " of " in text or "aid by" in text:
        for m in _ACCORDING.finditer(text):
            if m.end() in posted:  # "according to a tweet by X": X, once
                continue
            agent = _np_after(text, nps, m.end())
            if agent is not None and not _inside(quotes, m.start()):
                events.append(_Event(agent.head, m.start(), m.start(), agent.end, tier=3,
                                     skip=(m.start(), _appositive_end(text, agent.end)), speech=True))
    if "’" in text or "'" in text:
        for np in nps:
            if np.quoted or np.head.role == "pronoun" or text[np.end : np.end + 1] not in ("’", "'"):
                continue
            m = vocab.possessive.match(text, np.end)
            if m is None:
                continue
            act = vocab.action.search(text, np.end, m.end())
            if act is not None and act.end() == m.end() and np.head.actor is not None \
                    and np.head.actor.kind != "person" and any(
                    _JUDGED.fullmatch(text, e.vend, np.start) if e.vend <= np.start else
                    e.acted is not None and e.acted[0] <= np.start < e.acted[1] for e in events):
                continue  # "condemned the RSF's attack", "Israel's attack on the convoy was condemned by X": an act
                # judged (the RSF its doer, the target), not a stance (a person's "attack" is words: "criticized
                # Dutton's attack on ...")
            event = _Event(np.head, np.start, np.end, m.end(), tier=2, skip=(np.start, m.end()))
            verb = next((v for v in verbs if v[0] >= m.end()), None)
            if verb is not None and verb[0] - m.end() < 90 and not _CLAUSE_BREAK.search(text, m.end(), verb[0]) \
                    and not any(m.end() <= e.anchor < verb[0] for e in events):
                # "Putin's remarks during the forum made it clear": the remarks are the verb's subject
                event.tier, event.vend, event.speech = 0, verb[1], verb[2].split()[0] in vocab.pure_speech
            events.append(event)
    _relayed(text, events)
    _owners(s, events)
    events.sort(key=lambda e: (e.tier, e.order))
    return events


# a subordinator that opens a clause whose subject is a stance noun: "as pressure from X intensifies"
_OPENS_CLAUSE = re.compile(r"(?<![\w’'-])(?:as|while|when|because|since|although|though|if|until|once)\s+"
                           r"(?:(?:the|a|an)\s+)?(?:[a-z-]+\s+){0,2}?$")
_OWNED_BEFORE = re.compile(r"\s+(?:(?:the|a|an|his|her|their|its)\s+)?(?:[a-z][a-z-]*\s+){0,2}")
_OWNED_AFTER_SUBJECT = re.compile(r"\s+(?:[a-z][a-z-]*\s+){1,4}")
_ON_BEHALF = re.compile(r"(?<![\w-])on\s+behalf\s+of\s+(?:the\s+)?")


def _owners(s: _Sentence, events: list[_Event]) -> None:
    """A person who conveys her own side's position speaks for its owner: "Mr. Roe reaffirmed ironclad U.S.
    commitment to ...", "relayed President Doe's support", "thanked X on behalf of President Doe" -> the owner."""
    vocab = _words()
    text, nps = s.text, s.phrases
    for e in events:
        h = e.holder
        if h is None or h.actor is None or h.actor.kind != "person" or e.tier > 1:
            continue
        owner, i = None, _after(nps, e.vend)
        np = nps[i] if i < len(nps) else None
        # after a verb of speech "reaffirmed the"; after a subject, its verb too: "Roe conveyed steadfast"
        gap = _OWNED_BEFORE if e.vstart < e.vend else _OWNED_AFTER_SUBJECT
        owned = np is not None and gap.fullmatch(text, e.vend, np.start) is not None \
            and vocab.owned.match(text, np.end) is not None
        if owned:
            owner = np
        else:
            m = _ON_BEHALF.search(text, e.vend, e.clause[1] or len(text))
            np = _np_after(text, nps, m.end()) if m else None
            if np is not None and np.start == m.end():
                owner = np
        o = owner.head.actor if owner is not None else None
        named = owner is not None and (owner.head.role == "" or s.author is not None and owner.head.role == "pronoun"
                                       and owner.head.actor is s.author.actor)  # "our support": the author's
        if o is not None and named and o.name != h.actor.name and o.side == h.actor.side:
            e.holder = owner.head  # (named: "their own support" stays theirs)
            if owned:  # the owner is not the target ("U.S. commitment to the Philippines")
                e.skip = (e.skip[0], max(e.skip[1], owner.end))


_JUDGED = re.compile(r"\s+(?:(?:the|a|an|this|that|these|those|such)\s+)?(?:[a-z]+\s+){0,2}?")


def _relayed(text: str, events: list[_Event]) -> None:
    """"X said Y praised Z" reports Y's stance: Y comes first, unless Y is X's own state ("Araghchi said Tehran
    condemned ...", where the speaker holds it). When Y's verb is the stance (not "Y's remarks were ...", not "Y
    should ..."), X is no target of Y's and holds no stance toward Y: the codebook's relayed stances."""
    speakers = [e for e in events if e.speech and e.holder is not None]
    if not speakers:
        return
    order = sorted(events, key=lambda e: e.anchor)
    anchors = [e.anchor for e in order]
    for e1 in speakers:
        for e2 in order[bisect_right(anchors, e1.vend) : bisect_right(anchors, e1.vend + 80)]:
            if e2 is e1 or e2.holder is None or e2.speech or e2.skip == e1.skip:
                continue
            if not _RELAY.fullmatch(text, e1.vend, e2.anchor):
                continue
            own = {e1.holder.name, e1.holder.actor.affiliation if e1.holder.actor else ""}
            if e2.holder.name not in own:
                if e2.tier > 1 or _DEMAND.search(text, e2.anchor, e2.vstart) \
                        or _words().action_verb.match(text, e2.holder.end):
                    continue  # "said Trump's statements had ...", "said the president should accept", "said Y had
                    # attacked a police post" (an act, not a stance): the speaker's
                e2.tier, e2.order = min(e2.tier, e1.tier), e1.order - 0.5
                for e3 in events:  # and its co-subjects: "X said Egypt and Jordan condemned"
                    if e3 is e2 or e3.vstart == e2.vstart and e3.holder is not None and e3.holder.name not in own:
                        e3.relayed_by, e1.relays = e1.holder.name, e1.relays | {e3.holder.name}


def _verb_event(s: _Sentence, vs: int, ve: int, verb: str, events: list[_Event], failed: int | None) -> list[_Event]:
    """The holder(s) of the verb at ``[vs, ve)``; ``events``: those found before; ``failed``: where the last verb
    without a holder was."""
    vocab = _words()
    text, nps, quotes = s.text, s.phrases, s.quotes
    ing = verb.endswith("ing")
    base = verb.split()[0] in vocab.base_forms
    tier = 3 if verb in vocab.low_verbs else 0
    speech = verb.split()[0] in vocab.pure_speech
    # 1. the subject to the left of the verb
    chosen = None
    for k in range(_after(nps, vs) - 1, -1, -1):
        np = nps[k]
        if np.end > vs:
            continue
        if vs - np.end > 160 or np.quoted:
            break
        if vocab.gap.fullmatch(text, np.end, vs) is None:
            continue
        gap = text[np.end : vs]
        if "which" in gap and (np.head.actor is None or np.head.actor.kind == "person"):
            continue  # "the death of Alexei Navalny, which underscores": "which" is never a person
        if "," in gap and _has_verb(text, np.end, vs) and not _RELATIVE.match(gap):
            continue  # not an appositive but a clause of its own
        if _PASSIVE.search(gap) and not ing:
            by = _BY.match(text, ve)
            agent = _agent_after(text, nps, by.end()) if by else None
            if agent is None:
                return []
            subject = _clause_subject(text, nps, vs, agent) or np
            agents, end = _coordinated(text, nps, agent)  # "was criticised by Turkey and Jordan": each
            return [_Event(a.head, vs, vs, ve, tier=tier, skip=(by.start(), end), target=subject.head,
                           acted=(_clause_start(text, vs), vs)) for a in agents]
        if ing and gap.rstrip().endswith(","):
            break  # "..., accusing him of": the participle belongs to the clause's subject (below)
        if ing and not _BE.search(gap) and not _WITH_ING.search(text, max(0, np.start - 60), np.start) \
                and not _CLAUSE_START.search(text, max(0, np.start - 30), np.start):
            break  # "an email to X dismissing the offer": X is no subject without "is" or "with"
        if base and not _MODAL.search(gap) and not _plural(np):
            return []  # "hedge fund", "back room": a base form needs "did", "will", ... or a plural subject
        if "," in gap:
            np = _outer_subject(text, nps, k, vs) or np
        if not _RELATIVE.match(gap) and not _subject_position(text, np, ing) and not _counted_list(text, nps, k):
            break
        chosen = _member_of(text, nps, k) or _apposed_person(text, nps, k) or np
        break
    if chosen is not None:
        k = _after(nps, chosen.start)
        if not _plausible(chosen, text, True):
            return []
        if _CONDITIONAL.search(text, max(0, chosen.start - 12), chosen.start) or _DEMAND.search(text, chosen.end, vs) \
                and any(e.speech and e.holder is not None and e.vend <= chosen.start for e in events):
            return []  # "if Moscow rejected the ceasefire", "the Kremlin said Kyiv must accept ...": no stance of
            # Moscow's or Kyiv's (the speaker's demand is toward Kyiv)
        if tier == 0 and (_RELATIVE.match(text, chosen.end) or _subordinate(text, chosen.start)):
            tier = 1  # "when he told ...", "Rubio, who slammed ...": not the main clause
        spoken_to, venue = _listener(text, nps, verb, ve)
        principal = _spokesperson_for(text, nps, k, vs)
        holder, lo = (chosen.head, chosen.start) if principal is None else (principal.head,
                                                                             min(principal.start, chosen.start))
        out = [_Event(holder, chosen.start, vs, ve, tier=tier, skip=(lo, vs), speech=speech,
                      quote=_quote_of(text, quotes, chosen.start, ve),
                      spoken_to=spoken_to, venue=venue)]
        # coordinated subjects: "Pelosi, of California, and Schumer, of New York, said"
        j = k - 1
        while j >= 0 and not nps[j].quoted and out[0].anchor - nps[j].end < 60:
            co = nps[j]
            j -= 1
            if not _subject_position(text, co, False) and not _counted_list(text, nps, j + 1):
                continue  # "Pelosi, of California, and Schumer": California is not a subject
            if not (_AND if len(out) == 1 else _LIST).fullmatch(text, co.end, out[0].anchor) \
                    and not (len(out) == 1 and _NOR.fullmatch(text, co.end, out[0].anchor)):
                break  # ("neither the EU nor the United States would endorse": both)
            if len(out) == 1 and _CLAUSE_AND.match(text, co.end) and _after_verb(text, co.start):
                break  # "Ukraine thanked Poland, and Germany praised Kyiv": Poland is the object of a clause before
            out.insert(0, _Event(co.head, co.start, vs, ve, tier=tier, skip=(co.start, vs), speech=speech,
                                 quote=out[-1].quote, spoken_to=spoken_to, venue=venue))
        for e in out[1:]:  # "Egypt, Jordan and Saudi Arabia rejected ...": no one of them is another's target
            e.skip = (out[0].anchor, vs)
        return out
    if chosen is None and not ing and verb in vocab.judgement and _PASSIVE.search(text, max(0, vs - 30), vs):
        # no actor before it: "The call was seconded by X and Y" -> X and Y (neither the other's target);
        # a verb of speech is not ("The attack was claimed by X": a fact)
        by = _BY.match(text, ve)
        agent = _agent_after(text, nps, by.end()) if by else None
        if agent is not None and _plausible(agent, text, True) and not agent.quoted:
            agents, end = _coordinated(text, nps, agent)
            return [_Event(a.head, vs, vs, ve, tier=tier, skip=(by.start(), end), acted=(_clause_start(text, vs), vs))
                    for a in agents]
    before = text[max(0, vs - 8) : vs].rstrip()[-1:]
    # 2. the speaker after the verb: '"...," said X'
    if verb in vocab.inverted and before in (",", "”", '"', "—", "–", ":", "’", "'"):  # "'…,' said X" too
        agent = _np_after(text, nps, ve)
        if agent is not None and _INVERTED_END.match(text, agent.end):
            agent = _described_speaker(text, nps, agent)
            skip = (vs, _appositive_end(text, agent.end))
            return [_Event(agent.head, vs, vs, agent.end, tier=tier, skip=skip, speech=True,
                           quote=_quote_of(text, quotes, vs, agent.end))]
    # 3. a participle that opens the sentence: "Accusing X of ..., Y said"
    if ing and vs < 8 and not text[:vs].strip(" “\"‘'"):
        comma = text.find(",", ve)
        if comma > 0:
            for np in nps[_after(nps, comma + 1) :]:
                if not text[comma + 1 : np.start].strip():
                    if not np.quoted:
                        return [_Event(np.head, vs, vs, ve, tier=tier, skip=(np.start, np.end))]
                break
        return []
    # 4. a coordinated verb or a participle: "X thanked Putin and praised ...", "..., calling the strikes ..."
    if _COORDINATED.search(text, max(0, vs - 40), vs) or ing:
        if events and events[-1].holder is not None:
            prev = events[-1]
            # after a subordinate clause, the main clause's own subject: "when X asked ..., Wray deferred to
            # ... and would not comment" -> Wray; else the subject of the verb before ("X thanked ... and praised")
            for i in range(_after(nps, vs) - 1 if prev.tier else -1, -1, -1):
                np = nps[i]
                if np.end > vs or np.quoted:
                    continue
                if np.start > prev.vend and _subject_position(text, np, False) \
                        and not _subordinate(text, np.start) \
                        and not _after_verb(text, np.start) \
                        and _PREDICATE.match(text, np.end) and _plausible(np, text, False):
                    return [_Event(np.head, np.start, vs, ve, tier=tier, skip=(np.start, np.end), speech=speech)]
                if np.start <= prev.vend:
                    break
            return [_Event(prev.holder, vs, vs, ve, tier=max(prev.tier, 1), skip=prev.skip, speech=speech)]
        if ing and failed is None:
            subject = _subject(s, before=vs)
            if subject is not None:
                return [_Event(subject.head, subject.start, vs, ve, tier=1, skip=(subject.start, subject.end))]
    return []


def _spokesperson_for(text: str, nps: list[_NP], k: int, vs: int) -> _NP | None:
    """Whose position a named spokesperson states (the codebook: the principal's): "Merkel's spokesperson, Jane
    Doe, said", "Jane Doe, spokeswoman for the Department of Justice, said" -> Merkel, the Department."""
    vocab = _words()
    np = nps[k]
    if k and nps[k - 1].head.actor is not None and vocab.spokesperson_before.fullmatch(text, nps[k - 1].end, np.start):
        return nps[k - 1]
    m = vocab.spokesperson_after.match(text, np.end, vs)
    if m is not None:
        principal = _np_after(text, nps, m.end())
        if principal is not None and principal.head.actor is not None and principal.end <= vs:
            return principal
    return None


_NOR = re.compile(r"\s+n?or\s+(?:the\s+)?")
_FOR_PRINCIPAL = re.compile(r"\s+(?:for|of|at)\s+")
_MEMBERS_OF = re.compile(r"(?:(?:some|several|other|many)\s+)?(?:members|leaders|officials)\s+of\s+")


_CLAUSE_AND = re.compile(r"\s*,\s+and\s")
_AND_BY = re.compile(r",?\s+and\s+(?:also\s+)?(?:by|from)\s+(?:the\s+)?")


def _coordinated(text: str, nps: list[_NP], np: _NP) -> tuple[list[_NP], int]:
    """The agents of the list ``np`` opens and the list's end: "by Egypt, Greece and Cyprus" -> all three (the codebook:
    one row per holder of a joint position), none of them another's target. A list with no "and" is an apposition, its
    head the one agent: "by Sergei Lavrov, Russia's foreign minister"."""
    chain, end, joined = [np], np.end, 1
    for other in nps[_after(nps, end) :]:
        if joined > 1 or _PREDICATE.match(text, other.end):
            break  # "by Turkey and Jordan, and Iran praised ...": a clause of its own
        if _AND.fullmatch(text, end, other.start) or _AND_BY.fullmatch(text, end, other.start):
            joined = len(chain) + 1
        elif not _LIST.fullmatch(text, end, other.start):
            break
        chain.append(other)
        end = other.end
    return [a for a in chain[:joined] if a is np or not a.quoted and _plausible(a, text, True)], end


def _agent_after(text: str, nps: list[_NP], pos: int) -> _NP | None:
    """The agent of a passive after "by": "by X", "by members of the EU" (the EU)."""
    m = _MEMBERS_OF.match(text, pos)
    return _np_after(text, nps, m.end() if m else pos)


_OF_BODY = re.compile(r"\s+(?:of|from|at)\s+(?:the\s+)?[^,;:“”\"()]{0,40}?$")


_APPOSITION = re.compile(r"\s*,\s*(?:(?:the|then|former)\s+)?$")


def _apposed_person(text: str, nps: list[_NP], k: int) -> _NP | None:
    """For "Sergei Lavrov, Russia's foreign minister, said": Lavrov, not his ministry (a description of him)."""
    np = nps[k]
    if k == 0 or np.head.actor is None or np.head.actor.kind == "person":
        return None
    prev = nps[k - 1]
    a = prev.head.actor
    if a is not None and a.kind == "person" and not prev.quoted and a.side == np.head.actor.side \
            and _APPOSITION.search(text, prev.end, np.start):
        return prev
    return None


def _member_of(text: str, nps: list[_NP], k: int) -> _NP | None:
    """For "Jane Doe of the army's Western Command said", "Jane Doe from the pro-Beijing camp said": the person, not
    the body she is of (which no preposition rule caught: "army's", "pro-Beijing")."""
    np = nps[k]
    if k == 0 or np.head.actor is not None and np.head.actor.kind == "person":
        return None
    prev = nps[k - 1]
    person = prev.head.actor is not None and prev.head.actor.kind == "person" or prev.head.role == "name" \
        and _has_title(text[prev.start : prev.end])
    if person and not prev.quoted and _OF_BODY.match(text, prev.end, np.start) and not _has_verb(text, prev.end,
                                                                                                    np.start):
        return prev
    return None


_DESCRIPTION = re.compile(r"[^.;:!?“”\"()]{0,60}?,\s+")


def _described_speaker(text: str, nps: list[_NP], agent: _NP) -> _NP:
    """'"...," said University of California, San Diego's chancellor, Jane Doe.': the person a description before
    her names, not the body it starts with ("University")."""
    h = agent.head
    if h.actor is not None and h.actor.kind == "person" or h.role == "name" \
            and _has_title(text[agent.start : agent.end]):
        return agent
    for np in nps[_after(nps, agent.end) :]:
        if np.start - agent.end > 80 or np.quoted:
            break
        if _DESCRIPTION.fullmatch(text, agent.end, np.start) and _INVERTED_END.match(text, np.end) \
                and not _has_verb(text, agent.end, np.start) and (np.head.actor is not None and np.head.actor.kind
                                                                  == "person"):
            return np
    return agent


def _plural(np: _NP) -> bool:
    """A collective that takes "say", "back", "urge" without an s: Democrats, Iranian officials, they."""
    h = np.head
    return h.text in ("they", "They") or h.actor is not None and h.actor.kind != "person" and h.text.endswith("s")


def _appositive_end(text: str, end: int) -> int:
    """Where a description after a name ends ("said Jane Doe, a senior official at X."): it is not a target."""
    m = _APPOSITIVE_AFTER.match(text, end)
    return m.end() if m else end


def _outer_subject(text: str, nps: list[_NP], k: int, vs: int) -> _NP | None:
    """For "X, the founder of Y, said": X, not Y. A name in apposition ("the minister, Jane Doe, said") stays."""
    np = nps[k]
    comma = text.rfind(",", max(0, np.start - 130), np.start)
    if comma < 0 or not re.search(r"[a-z]", text[comma + 1 : np.start].replace("the ", "")):
        return None
    for j in range(k - 1, max(-1, k - 7), -1):
        outer = nps[j]
        if outer.end <= comma and not outer.quoted and _words().gap.fullmatch(text, outer.end, vs) is not None \
                and not _has_verb(text, outer.end, vs) and _subject_position(text, outer, False):
            return outer
    return None


def _clause_start(text: str, pos: int) -> int:
    """Where the clause that ends at ``pos`` starts: after the last semicolon or colon (at most 400 characters)."""
    return max(text.rfind(";", 0, pos) + 1, text.rfind(":", 0, pos) + 1, 0, pos - 400)


def _clause_subject(text: str, nps: list[_NP], pos: int, agent: _NP) -> _NP | None:
    """The subject of the clause that ends at ``pos`` ("Nielsen drew criticism from ...": Nielsen)."""
    start = _clause_start(text, pos)
    for i in range(_after(nps, start), len(nps)):
        np = nps[i]
        if np.quoted or np is agent:
            continue
        if np.end > pos:
            return None
        if _subject_position(text, np, False):
            return np
    return None


def _subject_position(text: str, np: _NP, ing: bool) -> bool:
    """Whether a phrase can be the subject of a verb: not the object of a preposition ("during the X")."""
    if np.before is None:
        before = text[max(0, np.start - 60) : np.start]
        # every match ends in white space: a phrase at the start, or after "(" or a quotation mark, needs no scan
        m = _PREPOSITION.search(before) if before[-1:].isspace() else None
        if m is None or m.group("word") and m.group("word").strip() in _words().titles:  # "Secretary of State X"
            np.before = _Before(False, False, False)
        else:
            np.before = _Before(True, _WITH_ING.search(before) is not None, _SPEAKS_FOR.search(before) is not None)
    b = np.before
    return not b.governed or ing and b.with_ing or b.speaks_for


def _plausible(np: _NP, text: str, speaker: bool) -> bool:
    """A registry actor or resolved pronoun always; a name not in the registry only as a speaker or with a title."""
    return np.head.role != "name" or speaker or _has_title(text[np.start : np.end])


def _np_after(text: str, nps: list[_NP], pos: int) -> _NP | None:
    """The head of the phrase that starts at ``pos`` ("said Fox News contributor Jane Doe, ..."): its last actor
    before punctuation or a preposition."""
    best = None
    for i in range(_after(nps, pos), len(nps)):
        np = nps[i]
        between = text[pos : np.start]
        if len(between) > 80 or _NP_STOP.search(between):
            break
        best, pos = np, np.end
    return best


def _quote_of(text: str, quotes, start: int, end: int) -> tuple[int, int] | None:
    """The quotation a speaker speaks: one that ends just before it, or one that opens just after "X said:"."""
    if not quotes:
        return None
    j = bisect_right(quotes, (start, _BIG))
    if j and quotes[j - 1][1] <= start and not text[quotes[j - 1][1] : start].strip(" ,—–-\t"):
        return quotes[j - 1]
    k = bisect_right(quotes, (end - 1, _BIG))
    if k < len(quotes):
        between = text[end : quotes[k][0]].rstrip()
        if not between.strip() or len(between) < 40 and between[-1:] in (",", ":"):
            return quotes[k]
    return None


def _listener(text: str, nps: list[_NP], verb: str, ve: int) -> tuple[int | None, int | None]:
    """Where the one spoken to ("told CBS News", "said to X") or on ("said on NBC's ...") starts: (spoken_to, venue),
    at most one of them set."""
    m = _VENUE.match(text, ve)
    if m is None and verb not in _words().told:
        return None, None
    if m is not None and not m.group("to"):
        at = _words().venue_at.search(text, max(0, m.end() - 40), m.end())
        if at is not None and at.group("aimed") is not None:
            return None, None  # "lashed out at X", "took aim at X": X is whom it is aimed at, not a venue
    pos = m.end() if m else ve + 1
    i = _after(nps, pos - 1)
    for np in nps[i : i + 1]:
        if np.start >= pos - 1:
            if text[pos : np.start].strip():
                return None, None
            # "told X", "said to X": the one spoken to (a target of last resort); "said on X": a venue (never)
            return (np.start, None) if m is None or m.group("to") else (None, np.start)
    return None, None


def _subject(s: _Sentence, before: int | None = None, main: bool = True) -> _NP | None:
    """The first actor that can be the subject of the sentence (or of the part before ``before``); ``main``: of
    its main clause."""
    cache = s.subjects
    if main not in cache:
        cache[main] = _first_subject(s.text, s.phrases, main)
    found = cache[main]
    return found if found is None or before is None or found.start < before else None


def _first_subject(text: str, nps: list[_NP], main: bool) -> _NP | None:
    listed = -1  # the last phrase of a list a preposition governs ("including Denmark, France, and the Netherlands")
    for i, np in enumerate(nps):
        if i <= listed:
            continue
        if np.quoted or np.head.actor is None and np.head.role != "name":
            continue
        if np.head.role == "name" and not _has_title(text[np.start : np.end]):
            continue
        if not _subject_position(text, np, False) and not _COUNTED_OF.search(text, max(0, np.start - 60), np.start):
            listed = _list_end(text, nps, i)
        elif not (main and _subordinate(text, np.start)) and not _after_verb(text, np.start):
            return np
    return None


# "thousands of X gathered", "Both houses of the X held", "Associates of X alleged": X is the subject (at a clause's
# start)
_COUNTED_OF = re.compile(r"(?:^|[,;:—]\s*)[\s“\"]*(?:(?:[A-Z]?[a-z]+|\d[\d,.]*)\s+){0,2}?(?i:thousands|hundreds|dozens|"
                         r"millions|scores|tens\s+of\s+thousands|houses|chambers|associates|colleagues|relatives|"
                         r"(?:foreign\s+|defen[cs]e\s+|prime\s+)?ministers?|leaders|presidents?|heads\s+of\s+state|"
                         r"governments|delegations|envoys)"
                         r"\s+of\s+(?:the\s+)?$")


def _counted_list(text: str, nps: list[_NP], k: int) -> bool:
    """Whether ``nps[k]`` is in a list that follows "thousands of", "the foreign ministers of" ("The foreign ministers
    of Egypt, Jordan and Saudi Arabia rejected"): each one a subject, though "of" governs it."""
    while k > 0 and (_AND.fullmatch(text, nps[k - 1].end, nps[k].start) or _LIST.fullmatch(text, nps[k - 1].end,
                                                                                          nps[k].start)):
        k -= 1
    return _COUNTED_OF.search(text, max(0, nps[k].start - 60), nps[k].start) is not None


def _list_end(text: str, nps: list[_NP], i: int) -> int:
    """The index of the last phrase of the list ``nps[i]`` opens ("Denmark, France, and the Netherlands"; a list
    ends with "and"), or ``i`` ("During the talks with Putin, Iran ...": no list)."""
    j, end = i, i
    while j + 1 < len(nps):
        a, b = nps[j].end, nps[j + 1].start
        if _AND.fullmatch(text, a, b):
            end = j = j + 1
        elif _LIST.fullmatch(text, a, b):
            j += 1
        else:
            break
    return end


def _subordinate(text: str, start: int) -> bool:
    """Whether a subject at ``start`` opens a subordinate clause ("when he told", "after X said", "if X")."""
    before = text[max(0, start - 50) : start]
    cut = max(before.rfind(","), before.rfind(";"), before.rfind("—"), before.rfind(":"))
    return _SUBORDINATOR.search(before[cut + 1 :]) is not None


# --- from events to attributions -------------------------------------------------------------------------------------
def _attributions(s: _Sentence, events: list[_Event]) -> list[Attribution]:
    """Decide which events give attributions (one per holder and target), with their targets and clause spans."""
    text, nps = s.text, s.phrases
    live = [e for e in events if e.holder is not None and (e.holder.actor is not None or e.holder.text)]
    if not live:
        return []
    if len(live) == 1:
        live[0].clause = (0, len(text))
    else:
        order = sorted(live, key=lambda e: e.anchor)
        for e, span in zip(order, _spans(text, order)):
            e.clause = span
    shared: dict[tuple, list[_Event]] = defaultdict(list)
    for e in live:
        if e.skip[1] > e.skip[0]:
            shared[(e.vstart, e.skip)].append(e)
    for group in (g for g in shared.values() if len(g) > 1):  # "Mali, Burkina Faso and Niger recalled their
        names = frozenset(e.holder.name for e in group)  # ambassadors": co-holders, and "their" is no one's target
        for e in group:
            e.co = e.co | names
    chosen, pairs = [], set()
    sources = [e.holder for e in live if e.tier == 3]  # "according to X": X is a source, not a target
    # holders of coordinate clauses ("..., while Iran thanked Moscow") speak for themselves: not targets elsewhere
    # and neither is the holder of the clause they are coordinated with ("Turkey condemned the strikes, while Egypt
    # urged restraint": Turkey is Egypt's co-holder, not its target)
    holders = {e.holder.start for e in live
               if len(live) > 1 and e.holder.start >= e.clause[0] and _COORDINATE.match(text, e.clause[0])}
    if holders:
        holders |= {e.holder.start for e in live if e.tier <= 1 and e.clause[0] <= e.holder.start < e.clause[1]}
    judged = []  # act phrases of passives that judged them with no doer to blame: "The strikes on Lebanon were ..."
    for e in live:
        target = e.target if e.target is not None else _target(text, e, nps, sources, holders)
        target = _doer(s, e, target)
        target = _done_by(s, e, target) or target
        if e.acted is not None and target is None:
            judged.append((e.holder.name, *e.acted))
        elif target is not None and any(h == e.holder.name and a <= target.start < b for h, a, b in judged):
            target = None  # "..., which called them a violation": the same holder, on the same act, not its victim
        pair = (e.holder.name, target.name if target is not None else "")
        if pair in pairs or pair[0] == pair[1] or e.relays and (target is None or target.name in e.relays):
            continue  # (the codebook's relayed stances: "X said Y praised Z" labels Y's stance, not X's)
        pairs.add(pair)
        chosen.append((e, target))
    named = {e.holder.name for e, t in chosen if t is not None}
    chosen = [(e, t) for e, t in chosen if t is not None or e.holder.name not in named]
    if len(chosen) == 1:
        e, t = chosen[0]
        return [_attribution(e.holder, x, 0, len(text)) for x in _targets(text, nps, e, t)]
    order = sorted(chosen, key=lambda et: et[0].anchor)
    where = {id(e): s for (e, _), s in zip(order, _spans(text, [e for e, _ in order]))}
    return list(dict.fromkeys(_attribution(e.holder, x, *where[id(e)]) for e, t in chosen
                              for x in _targets(text, nps, e, t)))


_DIRECT = re.compile(r"\s+(?:the\s+)?")  # a direct object right after the verb
_SECOND_SIDE = re.compile(r"(?<![\w’'-])(between\s+(?:the\s+)?)[^,;:.!?“”\"()]{1,40}?\s+and\s+(?:the\s+)?$")
_BETWEEN = re.compile(r"(?<![\w’'-])between\s+(?:the\s+)?$")


def _targets(text: str, nps: list[_NP], e: _Event, target: Mention | None) -> list[Mention | None]:
    """The event's targets: the target, and the other side when it is "between X and Y" ("praised the ties between
    Serbia and Kosovo"): a stance toward both; but none when the holder is a go-between ("offered to mediate between
    Serbia and Kosovo"). The coordinated objects of a verb that judges ("condemned Russia and Belarus") are each a
    target."""
    if target is None:
        return [target]
    i = next((i for i, np in enumerate(nps) if np.head is target), None)
    if i is None:
        return [target]
    if e.holder is not None and e.vend <= nps[i].start and _DIRECT.fullmatch(text, e.vend, nps[i].start) \
            and _words().each_object.match(text[e.vstart : e.vend]):
        out, j = [target], i
        while j + 1 < len(nps) and (_AND.fullmatch(text, nps[j].end, nps[j + 1].start)
                                     or _LIST.fullmatch(text, nps[j].end, nps[j + 1].start)):
            other = nps[j + 1].head
            if other.actor is None or other.name in (target.name, e.holder.name) or _own_side(e.holder, other) \
                    or _PREDICATE.match(text, nps[j + 1].end):
                break  # (", and Iran praised it": a clause of its own)
            out.append(other)
            j += 1
        if len(out) > 1 and _AND.fullmatch(text, nps[j - 1].end, nps[j].start):
            return out  # (a list closed by "and": "condemned Russia, Belarus and Iran")
    if "between" not in text:
        return [target]
    second = _SECOND_SIDE.search(text, max(0, nps[i].start - 60), nps[i].start)
    if second is not None and _words().mediate_between.search(text, max(0, second.start() - 80), second.end(1)):
        return [None]  # "offered to mediate between the junta and ECOWAS": the second side is no target either
    if i + 1 >= len(nps) or not _BETWEEN.search(text, max(0, nps[i].start - 12), nps[i].start):
        return [target]
    if _words().mediate_between.search(text, max(0, nps[i].start - 80), nps[i].start):
        return [None]  # a go-between: the codebook's "the side it is expected to back, or empty"
    other = nps[i + 1].head
    if other.actor is None or other.name == target.name or _own_side(e.holder, other) \
            or not _AND.fullmatch(text, nps[i].end, nps[i + 1].start):
        return [target]
    return [target, other]


def _spans(text: str, order: list[_Event]) -> list[tuple[int, int]]:
    """Clause spans of events in text order: each runs from a break (punctuation or a conjunction) before its
    first word to the next one's start; the holders of one verb share its clause ("Egypt, Greece and Cyprus
    condemned", "was condemned by Egypt, Greece and Cyprus")."""
    groups = [[order[0]]] if order else []
    for e in order[1:]:
        if e.vstart == groups[-1][0].vstart:
            groups[-1].append(e)
        else:
            groups.append([e])
    return [span for group, span in zip(groups, _group_spans(text, [g[0] for g in groups])) for _ in group]


def _group_spans(text: str, order: list[_Event]) -> list[tuple[int, int]]:
    starts = [0]
    for prev, nxt in zip(order, order[1:]):
        lo, hi = max(prev.vend, prev.anchor), nxt.anchor
        cut = hi
        if lo < hi:
            breaks = [m.end() if not m.group(0)[-1:].isalpha() else m.start()
                      for m in _BREAK.finditer(text, lo, hi)]
            breaks = [b for b in breaks if lo < b <= hi]
            if breaks:
                cut = max(breaks)
        starts.append(max(cut, starts[-1]))
    spans = []
    for i, a in enumerate(starts):
        b = starts[i + 1] if i + 1 < len(starts) else len(text)
        seg = text[a:b]
        a2 = a + len(seg) - len(seg.lstrip())
        spans.append((a2, max(a2, a + len(seg.rstrip()))))
    return spans


def _target(text: str, e: _Event, nps: list[_NP], sources=(), holders=frozenset()) -> Mention | None:
    """The first other actor after the verb in the event's clause; else one in its quotation; else the nearest
    other actor outside the clause that does not hold a stance of its own there."""
    holder = e.holder
    own = {holder.name, *e.co}
    if holder.actor is not None and holder.actor.affiliation:
        own.add(holder.actor.affiliation)
    ca, cb = e.clause
    # the first candidate of each kind, in order of preference (one in the clause after the verb wins at once)
    first: dict[str, _NP] = {}
    beside = -1  # the end of a co-holder ("alongside China and Pakistan"): the next in its list is one too
    for i in range(_after(nps, e.vend - _WINDOW), _after(nps, e.vend + _WINDOW)):
        np = nps[i]
        h = np.head
        if h.actor is None:
            # a name not in the registry is a target only with a title, after the verb, and no registry actor
            if "name" not in first and h.role == "name" and np.start >= e.vend \
                    and _has_title(text[np.start : np.end]) and not e.skip[0] <= np.start < e.skip[1]:
                first["name"] = np
            continue
        if h.name in own or holder.actor is not None and h.actor.kind == "person" \
                and h.actor.affiliation == holder.name or _own_side(holder, h):
            continue  # itself, its own state, or (for a state) one of its own people
        if _words().not_target_after.match(text, np.end):
            continue  # "a breach of the UN Charter": the Charter, not the UN
        if _place_or_every_side(text, e, np):
            continue  # "the violence in South Sudan", "all Sudanese parties": a place, every side
        if _EITHER.search(text, max(0, np.start - 12), np.start) and _OR.match(text, np.end) \
                or _EITHER_OR.search(text, max(0, np.start - 60), np.start):
            continue  # "attacks on either Iran or the United States": either side, so neither
        if h.actor.kind == "organisation" and holder.actor is not None and h.actor.side == holder.actor.side \
                and holder.end <= np.start and _OF_BODY.match(text, holder.end, np.start):
            continue  # "Jane Doe of the UK's National Crime Agency said": the body she speaks from
        if beside >= 0 and (_AND.fullmatch(text, beside, np.start) or _LIST.fullmatch(text, beside, np.start)):
            beside = np.end
            continue
        via = _VIA.search(text, max(0, np.start - 40), np.start)
        if via is not None and via.group(1).startswith(("along", "together")):
            beside = np.end
        if via is not None and (via.group(1) != "on" or h.text in _words().media):
            continue  # "via Twitter", "wrote on Facebook": where it was said; "alongside X": X shares the stance
        if h.actor.kind == "organisation" and not h.actor.affiliation:
            at = _words().venue_at.search(text, max(0, np.start - 40), np.start)
            if at is not None and at.group("aimed") is None \
                    or _FILED_WITH.search(text, max(0, np.start - 40), np.start):
                continue  # "a ceasefire text at the U.N.": a venue (but "lashed out at the UN": a target); "filed a
                # complaint with the ICC": where it was filed
        if e.skip[0] <= np.start < e.skip[1]:
            continue
        if np.end <= e.anchor and _words().principal.match(text, np.end, e.anchor):
            continue  # "Mr. Sanders' campaign manager, Jeff Weaver, says": the holder's principal
        if np.start == e.spoken_to:
            kind = "spoken_to"
        elif np.start == e.venue or np.head in sources:
            continue
        elif e.vend <= np.start < cb:
            return h  # the best there is
        elif e.quote is not None and e.quote[0] <= np.start < e.quote[1]:
            kind = "quoted"
        elif h.start in holders:
            continue  # "..., while Iran thanked Moscow": Iran speaks for itself in its own clause
        elif np.start < e.vend and h.name == e.relayed_by and not _OBJECT_PRONOUN.match(text, e.vend):
            continue  # "Russia said Egypt condemned the plan": who reports it is no target (but "... encouraged him")
        elif np.start >= e.vend:
            kind = "later"
        else:
            kind = "before"
        first.setdefault(kind, np)
    return next((first[k].head for k in _TARGET_PREFERENCE if k in first), None)


def _place_or_every_side(text: str, e: _Event, np: _NP) -> bool:
    """A state named as where it happens ("the violence in South Sudan", "the summit in Doha"), or any actor as every
    side of a call ("all Sudanese parties", "urged (both) Israel and Hamas to exercise restraint"): the codebook gives
    no target."""
    vocab = _words()
    if np.head.actor.kind == "state":  # a place is a state's name
        if vocab.place_before.search(text, max(0, np.start - 80), np.start):
            return True
        if vocab.sides_after.match(text, np.end) and _EVERY.search(text, max(0, np.start - 8), np.start):
            return True
    if not (_CALL.search(text, e.vstart, e.vend + 4) and e.vend <= np.start < e.vend + 60
            or e.vend <= np.start and _CALL_BEFORE.search(text, max(0, np.start - 50), np.start)):
        return False  # (the call may be a second verb: "said ... and urged both the army and the RSF to ...")
    return vocab.both_calm.match(text, np.end) is not None and (
        _AND.match(text, np.end) is not None or _BOTH_AND.search(text, max(0, np.start - 10), np.start) is not None)


_CALL = re.compile(r"(?i:urg|call|appeal|ask|press)")
_FILED_WITH = re.compile(r"(?<![\w’'-])(?:complaint|case|lawsuit|suit|petition|application|referral)s?\s+"
                         r"(?:with|to|before|at)\s+(?:the\s+)?$")
_CALL_BEFORE = re.compile(r"(?<![\w’'-])(?:urged|called\s+on|appealed\s+to|asked|pressed)\s+(?:both\s+)?"
                          r"[^,;:.!?“”\"()]{0,30}$")
_BOTH_AND = re.compile(r"(?<![\w’'-])(?:both|and)\s+(?:the\s+)?$")  # "urged both| Israel", "the army and the| RSF"
_EITHER = re.compile(r"(?<![\w’'-])(?:either|neither)\s+(?:the\s+)?$")
_OR = re.compile(r"\s+(?:or|nor)\s")
_EITHER_OR = re.compile(r"(?<![\w’'-])(?:either|neither)\s+[^,;:.!?“”\"()]{1,40}?\s+(?:or|nor)\s+(?:the\s+)?$")
_EVERY = re.compile(r"(?:all|both|rival)\s+$")  # "all| Sudanese parties"
_VIA = re.compile(r"(?<![\w’'-])(via|through|on|alongside|along\s+with|together\s+with)\s+"
                  r"(?:(?:the|a|an|his|her|its|their)\s+)?$")


def _own_side(holder: Mention, other: Mention) -> bool:
    """Whether ``other`` is ``holder`` itself or its own side: a person's state, a state's people and bodies, a
    ministry's state and government (two people or parties of one state are not one side)."""
    a, b = holder.actor, other.actor
    if a is None or b is None:
        return holder.name == other.name
    if a.name == b.name or b.name == a.affiliation or b.affiliation == a.name:
        return True
    official = lambda x: x.kind == "state" or x.kind == "organisation" and x.name.endswith(  # noqa: E731
        ("Ministry", "Government"))
    return a.side == b.side and (official(a) or official(b))


def _doer(s: _Sentence, e: _Event, target: Mention | None) -> Mention | None:
    """A stance toward an action is toward its doer: "condemned the strikes" -> whoever struck (named in the
    sentence or before), not the place or the victim ("strikes on Iran"); never the holder's own side."""
    text = s.text
    if e.holder is None:
        return target
    lo, hi = e.vend, e.clause[1] or len(text)
    judges = _words().appraisal.match(text[e.vstart : e.vend]) is not None
    if e.acted is not None:
        lo, hi = e.acted  # "The strikes on Lebanon were condemned by Egypt": the act is the passive's subject
    elif e.quote is not None and not e.vend <= e.quote[0] < hi:
        lo, hi = e.quote
        judges = True  # '"This act of aggression against Iran has no grounds," Putin said': the quotation judges
    m = _words().action.search(text, lo, hi)
    if m is None:
        return target if target is None or not _own_side(e.holder, target) else None
    p = m.start()
    if target is not None and lo <= target.start < p and not _own_side(e.holder, target):
        return target  # "condemned Israel for the strikes", "condemned Israel's strikes"
    here = [d for at, d, _ in s.agents if at == p] or [d for at, d, _ in s.agents if at < p]
    kind = _action_kind(m.group(0))
    if not here and _words().threat.search(text, max(min(lo, e.vstart), p - 60), p):
        # "with Trump warning of future strikes": the holder's own threatened action, toward whom it was done to
        victim = s.prior_victims.get(kind)
        if victim is not None and victim.actor is not None and not _own_side(e.holder, victim):
            return victim
    doer = here[-1] if here else s.prior_agents.get(kind)
    if not here and doer is not None:
        victim, before = s.victim_at.get(p), s.prior_agent_victims.get(kind)
        if victim is not None and before is not None and before.name != victim.name:
            doer = None  # "the attack on Ukraine" after Israel's strikes on Lebanon: another act, its doer not named
    if doer is not None and not _own_side(e.holder, doer) and doer.actor is not None and doer.name not in e.co:
        return doer
    if target is not None and kind != "internal" and target.start >= m.end() \
            and (e.acted is not None and target.start < hi or any(v.name == target.name for _, v in s.victims)) \
            and judges:
        # "condemned the attack on Ukraine", "The killing of aid workers in Darfur was condemned by X", no doer
        # known: Ukraine is the victim, Darfur the place, neither the target
        return None
    return target if target is None or not _own_side(e.holder, target) else None


_INSIDE_ACT = re.compile(r"\s+(?:the|a|an|its|their|his|her)\s[^,;:.!?“”\"()]{0,60}?"
                         r"\s(?:to|on|of|in|into|against|from|for|over|at)\s+(?:the\s+)?$")
_THEN_BY = re.compile(r"(?:[’']s)?(?:\s+[a-z][a-z-]*(?<!ed)(?<!en)){0,4}?\s+by\s+")


def _done_by(s: _Sentence, e: _Event, target: Mention | None) -> Mention | None:
    """The doer of a judged act named after "by" in the act's own phrase, past the act's recipient or place:
    "condemned the sale of weapons to Taiwan by the United States" -> the United States (not Taiwan); but "the
    mission to Haiti led by Kenya" is Kenya's mission, not an act of the judge's target."""
    text = s.text
    if target is None or e.acted is not None or target.start < e.vend \
            or not _words().appraisal.match(text[e.vstart : e.vend]) \
            or not _INSIDE_ACT.fullmatch(text, e.vend, target.start):
        return None
    m = _THEN_BY.match(text, target.end)
    if m is None:
        return None
    doer = _np_after(text, s.phrases, m.end())
    if doer is None or text[m.end() : doer.start] not in ("", "the ") or doer.head.actor is None \
            or doer.head.name == e.holder.name or _own_side(e.holder, doer.head):
        return None
    return doer.head


def _attribution(holder: Mention, target: Mention | None, start: int, end: int) -> Attribution:
    code = lambda m: m.actor.code if m is not None and m.actor else ""  # noqa: E731
    return Attribution(holder.name, code(holder), target.name if target else "", code(target), start, end)
